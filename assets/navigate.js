/* In-app navigation for links drawn by grid cell renderers (campaigns.js, customer_grid.js):
   a plain click changes the address the way dcc.Link does, without reloading the page; a
   click with a modifier key or another button is left to the browser (new tab or window). */
(function () {
  "use strict";
  window.cockpitNavigate = function (event, href) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;  /* a new tab or window: let the browser open the address */
    }
    event.preventDefault();
    window.history.pushState({}, "", href);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  };
})();

/* Table cells and figures that open an address without being link components
   (data-href, role=link, tabindex=0: layouts/team.py): a click or Enter navigates in the
   app; Ctrl, Shift or Meta and the middle button open the address in a new tab. */
(function () {
  "use strict";
  function target(event) {
    var node = event.target && event.target.closest ? event.target.closest("[data-href].cell-link") : null;
    var href = node ? node.getAttribute("data-href") : "";
    return href && href.charAt(0) === "/" && href.charAt(1) !== "/" ? href : "";
  }
  function open(event, href) {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button === 1) {
      event.preventDefault();
      window.open(href, "_blank", "noopener");
      return;
    }
    window.cockpitNavigate(event, href);
  }
  document.addEventListener("click", function (event) {
    var href = target(event);
    if (href && event.button === 0) { open(event, href); }
  });
  document.addEventListener("auxclick", function (event) {
    var href = target(event);
    if (href && event.button === 1) { open(event, href); }
  });
  document.addEventListener("keydown", function (event) {
    var href = event.key === "Enter" ? target(event) : "";
    if (href) { window.cockpitNavigate({ button: 0, preventDefault: function () { event.preventDefault(); } }, href); }
  });
})();
