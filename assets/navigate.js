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
