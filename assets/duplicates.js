/* The duplicates page: a click on Merge, Not a duplicate or Undo asks for confirmation.
   One listener for the page writes what the button asks for (its data-duplicate) into one
   store (duplicates-clicked-store); a pattern-matching button each (600 for 200 pairs) kept
   the browser busy for minutes once the list arrived. */
(function () {
  "use strict";
  var clicks = 0;
  var PICK = /^(?:(?:merge|distinct):[0-9]{1,18}:[0-9]{1,18}:[0-9]{1,3}(?:\.[0-9]{1,6})?|undo:[0-9]{1,18})$/;
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest
      ? event.target.closest(".duplicates-page button[data-duplicate]") : null;
    if (!button || !window.dash_clientside || !window.dash_clientside.set_props) { return; }
    var pick = button.getAttribute("data-duplicate");
    if (!PICK.test(pick || "")) { return; }
    clicks += 1;
    window.dash_clientside.set_props("duplicates-clicked-store", { data: { pick: pick, n: clicks } });
  });
})();
