/* The Targets page's summary table: a click on a customer's name shows that customer's months.
   One listener for the whole table writes the customer's number into one store
   (targets-picked-store); a pattern-matching button per row (200 inputs of one callback)
   made the browser run the page's content callback a second time once the table arrived. */
(function () {
  "use strict";
  var clicks = 0;
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest
      ? event.target.closest("#targets-summary-grid button[data-customer]") : null;
    if (!button || !window.dash_clientside || !window.dash_clientside.set_props) { return; }
    var customer = button.getAttribute("data-customer");
    if (!/^[0-9]{1,18}$/.test(customer || "")) { return; }
    clicks += 1;
    window.dash_clientside.set_props("targets-picked-store",
      { data: { customer: customer, n: clicks } });
  });
})();
