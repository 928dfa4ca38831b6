// Progressive disclosure: an element with data-show-when="field=value1,value2" shows only while
// the form's `field` has one of those values (a radio or select chosen, a checkbox ticked). A
// hidden group keeps its inputs and what was typed in them; the server ignores the answers of a
// group that does not apply. Without this script every group shows.
(function () {
  "use strict";
  var groups = document.querySelectorAll("[data-show-when]");
  if (!groups.length) { return; }

  function chosen(form, name) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (element.name !== name) { return; }
      if (element.type === "radio" || element.type === "checkbox") {
        if (element.checked) { values.push(element.value); }
      } else {
        values.push(element.value);
      }
    });
    return values;
  }

  function applies(group) {
    var rule = group.getAttribute("data-show-when").split("=");
    var allowed = rule[1].split(",");
    var values = chosen(group.closest("form"), rule[0]);
    // No radio chosen reads as the empty value ("no catering").
    if (!values.length) { values = [""]; }
    return values.some(function (value) { return allowed.indexOf(value) !== -1; });
  }

  function update() {
    groups.forEach(function (group) { group.hidden = !applies(group); });
  }

  document.addEventListener("change", function (event) {
    if (event.target.form) { update(); }
  });
  update();
})();
