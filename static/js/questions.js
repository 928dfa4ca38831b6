// The organisers' questions that depend on a day or an item: shown only while one of them is
// chosen. Without this script every question shows, and the server asks only the ones that apply.
(function () {
  "use strict";
  var form = document.querySelector("form.registration-form");
  var wrappers = form ? form.querySelectorAll("[data-question-days], [data-question-items]") : [];
  if (!wrappers.length) { return; }
  function ids(element, name) {
    var value = element.getAttribute(name);
    return value ? value.split(" ") : [];
  }
  function chosen(name) {
    var values = {};
    form.querySelectorAll("input[name='" + name + "']:checked").forEach(function (input) {
      values[input.value] = true;
    });
    return values;
  }
  var group = document.getElementById("questions");
  var all = group.querySelectorAll("[data-question]");
  function update() {
    var days = chosen("days"), items = chosen("items");
    wrappers.forEach(function (wrapper) {
      var shown = ids(wrapper, "data-question-days").some(function (id) { return days[id]; }) ||
        ids(wrapper, "data-question-items").some(function (id) { return items[id]; });
      wrapper.hidden = !shown;
    });
    // No question to show: no heading over nothing.
    group.hidden = !Array.prototype.some.call(all, function (wrapper) { return !wrapper.hidden; });
  }
  form.addEventListener("change", update);
  update();
})();
