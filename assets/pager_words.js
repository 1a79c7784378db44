/* Page-number bars in the reader's language: the screen-reader words Bootstrap's pagination
   writes in English are replaced by those its frame carries (layouts/components/pager.py). */
(function () {
  "use strict";
  function translate() {
    document.querySelectorAll(".pager[data-words]").forEach(function (frame) {
      var words;
      try { words = JSON.parse(frame.getAttribute("data-words")); } catch (e) { return; }
      frame.querySelectorAll(".visually-hidden").forEach(function (hidden) {
        var text = hidden.textContent;
        if (Object.prototype.hasOwnProperty.call(words, text) && words[text] !== text) {
          hidden.textContent = words[text];
        }
      });
    });
  }
  function start() {
    new MutationObserver(translate).observe(document.body, { childList: true, subtree: true });
    translate();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
