/* The browser tab's title follows the page's subject: an element with a data-title
   attribute (the customer's name on the portrait) names the tab once it is drawn, while the
   address is still under its data-title-on path. Dash sets the page's own title on every
   navigation, so the tab returns to it on the next page. */
(function () {
  "use strict";
  function follow() {
    var named = document.querySelector("[data-title]");
    var on = named && named.getAttribute("data-title-on");
    if (on && window.location.pathname.indexOf(on) !== 0) { return; }
    var wanted = named && named.getAttribute("data-title");
    if (wanted && document.title !== wanted) { document.title = wanted; }
  }
  function start() {
    new MutationObserver(follow).observe(document.body, { childList: true, subtree: true });
    follow();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
