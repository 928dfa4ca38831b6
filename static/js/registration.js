// Live seat counters on the registration form: refresh "seats left" every 20 s without reloading.
(function () {
  "use strict";
  var form = document.querySelector("form[data-seats-url]");
  if (!form || !window.fetch) { return; }
  var labels = document.querySelectorAll("[data-seats-for]");
  var texts = JSON.parse(document.getElementById("seat-texts").textContent);
  function plural(n, forms) {
    // forms: [one, few, many] (Polish) — English uses one/many.
    if (n === 1) { return forms[0]; }
    var last = n % 10, lastTwo = n % 100;
    if (last >= 2 && last <= 4 && (lastTwo < 12 || lastTwo > 14)) { return forms[1]; }
    return forms[2];
  }
  function refresh() {
    fetch(form.getAttribute("data-seats-url"), { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (seats) {
        if (!seats) { return; }
        labels.forEach(function (label) {
          var info = seats[label.getAttribute("data-seats-for")];
          if (!info) { return; }
          var text = info.left > 0
            ? plural(info.left, texts.left).replace("%s", info.left)
            : info.waiting > 0
              ? plural(info.waiting, texts.full).replace("%s", info.waiting)
              : texts.full_nobody_waiting;
          if (label.textContent.trim() !== text) { label.textContent = text; }
        });
      })
      .catch(function () { /* offline for a moment: keep the last figures */ });
  }
  window.setInterval(refresh, 20000);
})();
