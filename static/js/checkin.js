// Check-in page: a ticket code, typed or scanned, is checked in at once and its result shown
// full-screen (green or red) until "Next" puts the focus back in the code field. Scanning uses
// the browser's BarcodeDetector, or the vendored jsQR where there is none (Firefox, Safari,
// Chromium on Linux). The per-day counts refresh every few seconds.
(function () {
  "use strict";
  var config = document.getElementById("checkin-config");
  if (!config) { return; }
  var search = document.getElementById("checkin-search");
  var field = search.elements.q;
  var codeForm = document.getElementById("checkin-code");
  var codePattern = new RegExp("^" + config.getAttribute("data-code-pattern") + "$");

  function refreshCounts() {
    fetch(config.getAttribute("data-counts-url"), { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) {
        if (!counts) { return; }
        document.querySelectorAll("[data-count-day]").forEach(function (badge) {
          var day = counts[badge.getAttribute("data-count-day")];
          if (day) { badge.textContent = day.checked_in + " / " + day.expected; }
        });
      })
      .catch(function () { /* offline for a moment: keep the last figures */ });
  }
  if (window.fetch) { window.setInterval(refreshCounts, 15000); }

  // --- the result --------------------------------------------------------------------------------

  var audio = null;
  function cue(ok) {
    // A short high beep lets the person in, a long low one refuses: the volunteer need not look.
    if (!audio) { return; }
    var tone = audio.createOscillator();
    var gain = audio.createGain();
    tone.frequency.value = ok ? 880 : 220;
    gain.gain.value = 0.2;
    tone.connect(gain);
    gain.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + (ok ? 0.15 : 0.6));
  }
  function wakeAudio() {
    // Browsers allow sound only after a gesture: the submit or the scan button is one.
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) { audio = new Context(); }
  }

  function showResult(dialog) {
    // Rendered open (it works without the script); shown again as a modal, the page behind inert
    // until "Next". Not close(): that would fire the "close" below.
    if (dialog.showModal) { dialog.removeAttribute("open"); dialog.showModal(); }
    var next = dialog.querySelector(".checkin-result-next");
    next.focus();
    // "Next" closes the result over the page rather than loading the page again; a result the
    // server sent as a page leaves its address for the page's own, so a reload sends nothing.
    history.replaceState(null, "", next.href);
    next.addEventListener("click", function (event) { event.preventDefault(); dialog.close(); });
    dialog.addEventListener("close", function () {
      dialog.remove();
      field.value = "";
      field.focus();
    });
  }

  var shown = document.getElementById("checkin-result");
  if (shown) { showResult(shown); }

  function checkInCode(code) {
    codeForm.elements.code.value = code;
    if (!window.fetch) { codeForm.submit(); return; }
    fetch(codeForm.action, {
      method: "POST",
      body: new FormData(codeForm),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (result) {
        var old = document.getElementById("checkin-result");
        if (old) { old.remove(); }
        document.body.insertAdjacentHTML("beforeend", result.html);
        showResult(document.getElementById("checkin-result"));
        cue(result.ok);
        refreshCounts();
      })
      .catch(function () { codeForm.submit(); }); // the page itself shows the result, or the error
  }

  search.addEventListener("submit", function (event) {
    var code = field.value.replace(/[\s-]/g, "").toUpperCase();
    if (!codePattern.test(code)) { return; } // a name or an e-mail: the search
    event.preventDefault();
    wakeAudio();
    checkInCode(code);
  });

  // --- scanning ----------------------------------------------------------------------------------

  var button = document.getElementById("scan-button");
  var video = document.getElementById("scan-video");
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  button.classList.remove("d-none");
  var stream = null;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.classList.add("d-none");
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  // A function from the video to a promise of the code's text, or null while none is in sight.
  function decoder() {
    if ("BarcodeDetector" in window) {
      try {
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return Promise.resolve(function () {
          return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
        });
      } catch (error) { /* no QR codes in this one: jsQR below */ }
    }
    var ready = window.jsQR ? Promise.resolve() : loadScript(config.getAttribute("data-decoder-url"));
    return ready.then(function () {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        // A smaller frame decodes faster and a ticket held up to the camera still fills it.
        var scale = Math.min(1, 640 / (video.videoWidth || 640));
        canvas.width = Math.round(video.videoWidth * scale);
        canvas.height = Math.round(video.videoHeight * scale);
        if (!canvas.width || !canvas.height) { return Promise.resolve(null); }
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var frame = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = window.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(code ? code.data : null);
      };
    });
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    wakeAudio();
    var detect = null;
    decoder()
      .then(function (found) {
        detect = found;
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.classList.remove("d-none");
        return video.play();
      })
      .then(function scan() {
        if (!stream) { return; }
        detect().then(function (text) {
          if (text) {
            stop();
            field.value = text;
            checkInCode(text); // whatever the code says: an unknown one is refused on the screen
          } else {
            window.requestAnimationFrame(scan);
          }
        }).catch(function () { window.requestAnimationFrame(scan); });
      })
      .catch(function () { stop(); button.disabled = true; });
  });
})();
