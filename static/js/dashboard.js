// The report's "Print" button (progressive: without JavaScript the browser's own print works).
(function () {
  "use strict";

  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
})();
