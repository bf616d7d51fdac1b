// Filter forms (method GET, marked data-filter-form): leave the fields left empty out of the
// URL the form produces, so the address names only the filters set ("?theme=1", not
// "?q=&theme=1&target_group=&area=…") and can be shared or bookmarked as such.
// Progressive enhancement: without this script every field is sent, and the lists read an
// empty one as "any", as before.
// After filtering, the page that comes back moves the focus to its result count
// (#result-count, a live region) and says it again, so that a screen reader announces how
// many matched instead of starting over at the top.
(function () {
  "use strict";

  const SKIPPED_TYPES = ["submit", "button", "reset", "checkbox", "radio", "fieldset"];
  let disabledHere = [];

  function enableAgain() {
    for (const field of disabledHere) field.disabled = false;
    disabledHere = [];
  }

  function emptyFields(form) {
    return Array.from(form.elements).filter(
      (field) =>
        field.name &&
        !field.disabled &&
        !SKIPPED_TYPES.includes(field.type) &&
        field.value.trim() === ""
    );
  }

  const FILTERED = "portal-filtered";

  function announceResults() {
    let filtered = null;
    try {
      filtered = window.sessionStorage.getItem(FILTERED);
      window.sessionStorage.removeItem(FILTERED);
    } catch (error) {
      return; // storage refused: the page simply starts at the top
    }
    const count = document.getElementById("result-count");
    if (filtered !== window.location.pathname || !count) return;
    const text = count.innerHTML;
    count.focus();
    // A live region announces changes, not what it held when the page loaded.
    count.textContent = "";
    window.setTimeout(() => {
      count.innerHTML = text;
    }, 100);
  }

  announceResults();

  for (const form of document.querySelectorAll("form[data-filter-form]")) {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      try {
        window.sessionStorage.setItem(FILTERED, new URL(form.action, window.location).pathname);
      } catch (error) {
        // no storage: no focus move
      }
      // Disabled fields are left out of the submission, which the browser puts together
      // right after this event; they are enabled again at once, so that going back to the
      // page shows the form as it was.
      disabledHere = emptyFields(form);
      for (const field of disabledHere) field.disabled = true;
      window.setTimeout(enableAgain, 0);
    });
  }

  // A page restored from the back/forward cache may have been stored before the timeout ran.
  window.addEventListener("pageshow", enableAgain);
})();
