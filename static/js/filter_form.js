// Filter forms (method GET, marked data-filter-form): leave the fields left empty out of the
// URL the form produces, so the address names only the filters set ("?theme=1", not
// "?q=&theme=1&target_group=&area=…") and can be shared or bookmarked as such.
// Progressive enhancement: without this script every field is sent, and the lists read an
// empty one as "any", as before.
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

  for (const form of document.querySelectorAll("form[data-filter-form]")) {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
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
