// A form sent back with errors: move focus to the summary so keyboard and screen-reader users
// hear what to fix first; its links lead to the fields.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
