/* Cell renderers of the customer list grid (dash-ag-grid finds them by name in
   window.dashAgGridComponentFunctions).

   Every text is handed to React as a text child, never as HTML, so a customer's name, phone
   number or e-mail address shows as typed and can never run as script. Links are accepted
   only in the shapes the server builds them: "/customer/<encoded code>?<query>",
   "tel:<digits>" and "mailto:<address>"; anything else is shown as plain text. */
(function () {
  "use strict";
  var fns = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});
  var h = React.createElement;
  var TIERS = { A: 1, B: 1, C: 1, D: 1 };
  var STATUSES = { active: 1, churning: 1, lost: 1, never: 1 };
  var PORTRAIT = /^\/customer\/[A-Za-z0-9%._~!$'()*+,;=:@-]+(\?[A-Za-z0-9%._~!$'()*+,;=:@&\/?-]*)?$/;
  var TEL = /^tel:\+?[0-9]{3,20}$/;
  var MAILTO = /^mailto:[^\s<>"'`\\]+@[^\s<>"'`\\]+$/;

  function navigate(event, href) {  /* assets/navigate.js */
    window.cockpitNavigate(event, href);
  }

  /* On a phone (CSS shows it below 768 px) the name cell carries what a rep needs without
     scrolling sideways: tier and status badges, revenue and the last order. */
  function phoneLine(data, params) {
    var parts = [];
    var tier = data.abc_tier == null ? "" : String(data.abc_tier);
    if (TIERS[tier]) {
      parts.push(h("span", { key: "t", className: "badge badge-tier badge-tier-" + tier }, tier));
    }
    var status = data.status == null ? "" : String(data.status);
    if (STATUSES[status]) {
      parts.push(h("span", { key: "s", className: "badge badge-status badge-status-" + status },
        data.status_label == null ? status : String(data.status_label)));
    }
    if (data.revenue) { parts.push(h("span", { key: "r", className: "customer-sub-money" }, String(data.revenue))); }
    if (data.last_order_date) {
      parts.push(h("span", { key: "l", className: "customer-sub-last" }, String(params.lastOrderLabel || "") + " " + String(data.last_order_date)));
    }
    return h("span", { className: "customer-sub" }, parts);
  }

  var COLOUR = /^#[0-9a-fA-F]{6}$/;

  /* The customer's band and segment badges (scheme or rule name on hover), in the band's
     colour: a tinted background and a coloured edge, the text dark enough to read. */
  function classBadges(data) {
    var list = Array.isArray(data.badges) ? data.badges : [];
    if (!list.length) { return null; }
    var all = list.map(function (badge) { return String(badge.h || "") + ": " + String(badge.t || ""); });
    return h("span", { className: "customer-classes", title: all.join("\n") }, list.map(function (badge, i) {
      var colour = COLOUR.test(String(badge.c)) ? String(badge.c) : "#6c757d";
      return h("span", {
        key: i, className: "badge badge-class", title: String(badge.h || "") + ": " + String(badge.t || ""),
        style: { borderLeftColor: colour, backgroundColor: colour + "1f" }
      }, String(badge.t || ""));
    }));
  }

  fns.CustomerLink = function (props) {
    var data = props.data || {};
    var params = props.colDef && props.colDef.cellRendererParams || {};
    var text = props.value == null ? "" : String(props.value);
    var href = typeof data.href === "string" ? data.href : "";
    var name = PORTRAIT.test(href) ? h("a", {
      href: href, className: "customer-link", title: text,
      onClick: function (event) { navigate(event, href); }
    }, text) : h("span", { className: "customer-link", title: text }, text);
    if (data.customer_id == null) { return name; }
    return h("span", { className: "customer-cell" }, name, phoneLine(data, params),
      classBadges(data));
  };

  function contactLink(text, href, pattern, icon) {
    if (!text) { return null; }
    var label = [h("i", { key: "i", className: "bi " + icon, "aria-hidden": "true" }), " ", String(text)];
    if (typeof href !== "string" || !pattern.test(href)) {
      return h("span", { className: "contact-item" }, label);
    }
    return h("a", { href: href, className: "contact-item" }, label);
  }

  fns.ContactLinks = function (props) {
    var data = props.data || {};
    var phone = contactLink(data.phone, data.phone_href, TEL, "bi-telephone");
    var email = contactLink(data.email, data.email_href, MAILTO, "bi-envelope");
    if (!phone && !email) { return h("span", { className: "text-muted" }, "\u2013"); }
    return h("span", { className: "contact-cell" }, phone, email);
  };

  fns.TierBadge = function (props) {
    var tier = props.value == null ? "" : String(props.value);
    if (!TIERS[tier]) { return h("span", { className: "text-muted" }, "\u2013"); }
    return h("span", { className: "badge badge-tier badge-tier-" + tier }, tier);
  };

  fns.StatusBadge = function (props) {
    var data = props.data || {};
    var status = props.value == null ? "" : String(props.value);
    if (!STATUSES[status]) { return h("span", { className: "text-muted" }, "\u2013"); }
    var label = data.status_label == null ? status : String(data.status_label);
    var parts = [h("span", { key: "s", className: "badge badge-status badge-status-" + status }, label)];
    if (data.is_new && data.new_label) {
      parts.push(" ");
      parts.push(h("span", { key: "n", className: "badge badge-status badge-status-new" },
        String(data.new_label)));
    }
    return h("span", null, parts);
  };

  fns.RowActions = function (props) {
    var params = props.colDef && props.colDef.cellRendererParams || {};
    var data = props.data || {};
    if (data.customer_id == null) { return null; }
    function button(action, icon, label) {
      return h("button", {
        type: "button", className: "btn btn-sm btn-outline-secondary row-action",
        title: label, "aria-label": label + " \u2013 " + String(data.customer_name || ""),
        onClick: function () { props.setData({ action: action, customer: data.customer_id }); }
      }, h("i", { className: "bi " + icon, "aria-hidden": "true" }));
    }
    return h("span", { className: "row-actions" },
      button("contact", "bi-telephone-plus", String(params.contactLabel || "")),
      button("comment", "bi-chat-left-text", String(params.commentLabel || "")));
  };
})();
