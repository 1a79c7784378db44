/* The campaign pages' grid cells and one browser-side step.

   Cell renderers (dash-ag-grid finds them by name in window.dashAgGridComponentFunctions):
   every text is handed to React as a text child, never as HTML, so a campaign or customer
   name shows as typed and can never run as script; links are accepted only in the shapes
   the server builds them ("/campaigns/<number>", "/customer/<encoded code>"). */
(function () {
  "use strict";
  var fns = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});
  var h = React.createElement;
  var CAMPAIGN = /^\/campaigns\/[0-9]{1,18}$/;
  var PORTRAIT = /^\/customer\/[A-Za-z0-9%._~!$'()*+,;=:@-]+$/;
  var OUTCOMES = { pending: 1, sending: 1, sent: 1, failed: 1, unknown: 1, holdout: 1,
                   unreachable: 1, cancelled: 1 };

  function navigate(event, href) {  /* assets/navigate.js */
    window.cockpitNavigate(event, href);
  }

  function link(pattern, props) {
    var data = props.data || {};
    var text = props.value == null ? "" : String(props.value);
    var href = typeof data.href === "string" ? data.href : "";
    if (!pattern.test(href)) { return h("span", null, text); }
    return h("a", { href: href, title: text, onClick: function (e) { navigate(e, href); } },
      text);
  }

  fns.CampaignLink = function (props) { return link(CAMPAIGN, props); };
  fns.RecipientLink = function (props) { return link(PORTRAIT, props); };

  fns.SendProgress = function (props) {
    var p = (props.data || {}).progress || {};
    var total = Number(p.total) || 0;
    var done = Math.min(Number(p.done) || 0, total);
    var text = p.text == null ? "" : String(p.text);
    if (!p.sending) { return h("span", { className: "text-muted" }, text); }
    var share = total ? Math.round(done / total * 100) : 0;
    return h("div", { className: "progress grid-progress", title: text, role: "progressbar",
                      "aria-valuenow": done, "aria-valuemin": 0, "aria-valuemax": total,
                      "aria-label": text },
      h("div", { className: "progress-bar progress-bar-striped progress-bar-animated",
                 style: { width: share + "%" } }),
      /* the words over the whole bar, not inside its filled part (which cut them off) */
      h("span", { className: "progress-words" }, text));
  };

  fns.OutcomeBadge = function (props) {
    var data = props.data || {};
    var status = props.value == null ? "" : String(props.value);
    if (!OUTCOMES[status]) { return h("span", { className: "text-muted" }, "\u2013"); }
    var label = data.outcome == null ? status : String(data.outcome);
    return h("span", { className: "badge outcome outcome-" + status }, label);
  };

  fns.DecisionButtons = function (props) {
    var params = props.colDef && props.colDef.cellRendererParams || {};
    var data = props.data || {};
    if (data.outbox_id == null) { return null; }
    function button(decision, icon, label, style) {
      return h("button", {
        type: "button", className: "btn btn-sm " + style + " me-1",
        "aria-label": label + " \u2013 " + String(data.customer || ""),
        onClick: function () { props.setData({ decision: decision, outbox: data.outbox_id }); }
      }, h("i", { className: "bi " + icon + " me-1", "aria-hidden": "true" }), label);
    }
    return h("span", { className: "decision-buttons" },
      button("sent", "bi-check2-circle", String(params.sentLabel || ""), "btn-outline-success"),
      button("resend", "bi-arrow-repeat", String(params.resendLabel || ""),
        "btn-outline-secondary"));
  };

})();
