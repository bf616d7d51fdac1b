/*
 * The error summary (templates/partials/error_summary.html): focus it when the page opens, in
 * case the browser ignored its autofocus (never taking the focus from a field the user has
 * already reached), and let a link to a field bring the field's label
 * (or, for radio buttons and checkboxes, the question's legend) into view with the field, not
 * only the input: the label says what to correct. Without this script the links still move
 * focus to the inputs.
 */
(() => {
  "use strict";

  const summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  // Only when nothing has the focus yet: a user who already moved on (a link in the summary,
  // a field) before this deferred script ran keeps the focus, and what they type.
  const active = document.activeElement;
  if (!active || active === document.body || active === document.documentElement) {
    summary.focus();
  }

  const captionOf = (input) => {
    if (input.type === "radio" || input.type === "checkbox") {
      const legend = input.closest("fieldset")?.querySelector("legend");
      if (legend) {
        return legend;
      }
    }
    return document.querySelector(`label[for="${CSS.escape(input.id)}"]`) || input;
  };

  summary.addEventListener("click", (event) => {
    const link = event.target.closest('a[href^="#"]');
    const input = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!input) {
      return;
    }
    event.preventDefault();
    captionOf(input).scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
  });
})();
