/* Lists whose buttons have no id (docs/decisions.md 170, 229, 233): one listener for the
   document writes what a clicked button asks for (its data attribute, checked against the
   one form it may have) into its page's one store, which one callback reads back. A
   pattern-matching button per row kept the browser busy once a long list arrived: the
   targets table (200 rows), the duplicates page (600 buttons), the alerts (50 a page). */
(function () {
  "use strict";
  var LISTS = [
    { within: "#targets-summary-grid", attribute: "data-customer", key: "customer",
      store: "targets-picked-store", form: /^[0-9]{1,18}$/ },
    { within: ".duplicates-page", attribute: "data-duplicate", key: "pick",
      store: "duplicates-clicked-store",
      form: /^(?:(?:merge|distinct):[0-9]{1,18}:[0-9]{1,18}:[0-9]{1,3}(?:\.[0-9]{1,6})?|undo:[0-9]{1,18})$/ },
    { within: ".alerts-page", attribute: "data-alert", key: "pick",
      store: "alerts-clicked-store", form: /^(?:done|show|rule-done):[0-9]{1,18}$/ },
    { within: "#cockpit-call-first-div", attribute: "data-customer", key: "customer",
      store: "cockpit-call-clicked-store", form: /^[0-9]{1,18}$/ }
  ];
  var clicks = 0;
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest || !window.dash_clientside ||
        !window.dash_clientside.set_props) { return; }
    LISTS.forEach(function (list) {
      var button = target.closest(list.within + " button[" + list.attribute + "]");
      var value = button ? button.getAttribute(list.attribute) : "";
      if (!button || !list.form.test(value || "")) { return; }
      clicks += 1;
      var data = { n: clicks };
      data[list.key] = value;
      window.dash_clientside.set_props(list.store, { data: data });
    });
  });
})();
