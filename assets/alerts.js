/* The alerts page: Mark done, a rule's Show and a rule's Mark all done. One listener for the
   page writes what the button asks for (its data-alert) into one store (alerts-clicked-store);
   a pattern-matching button per alert made the page slow to draw (docs/decisions.md 233). */
(function () {
  "use strict";
  var clicks = 0;
  var ACTION = /^(?:done|show|rule-done):[0-9]{1,18}$/;
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest
      ? event.target.closest(".alerts-page button[data-alert]") : null;
    if (!button || !window.dash_clientside || !window.dash_clientside.set_props) { return; }
    var action = button.getAttribute("data-alert");
    if (!ACTION.test(action || "")) { return; }
    clicks += 1;
    window.dash_clientside.set_props("alerts-clicked-store", { data: { pick: action, n: clicks } });
  });
})();
