// Check-in page: refresh the per-day counts, and scan e-ticket QR codes with the phone's camera
// where the browser has the BarcodeDetector API (typing the code works everywhere).
(function () {
  "use strict";
  var config = document.getElementById("checkin-config");
  if (!config) { return; }

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

  var button = document.getElementById("scan-button");
  var video = document.getElementById("scan-video");
  var form = document.getElementById("checkin-search");
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  button.classList.remove("d-none");
  var stream = null;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.classList.add("d-none");
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.classList.remove("d-none");
        return video.play();
      })
      .then(function scan() {
        if (!stream) { return; }
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stop();
            form.elements.q.value = codes[0].rawValue;
            form.submit();
          } else {
            window.requestAnimationFrame(scan);
          }
        }).catch(function () { window.requestAnimationFrame(scan); });
      })
      .catch(function () { stop(); button.disabled = true; });
  });
})();
