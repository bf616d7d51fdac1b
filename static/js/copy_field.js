// "Copy" buttons for read-only fields (progressive: without JavaScript the button stays
// hidden and the field can still be selected and copied by hand).
// <button data-copy-field="ID" data-copied-text="…" hidden> copies the field with that id;
// an element with data-copy-status="ID" (role="status") announces that it worked.
(function () {
  "use strict";

  function copyText(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    // Plain-HTTP pages (local development) have no clipboard API: copy the selection.
    field.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  for (const button of document.querySelectorAll("[data-copy-field]")) {
    const id = button.dataset.copyField;
    const field = document.getElementById(id);
    const status = document.querySelector(`[data-copy-status="${id}"]`);
    if (!field) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", () => {
      copyText(field).then(
        () => {
          if (status) {
            status.textContent = button.dataset.copiedText;
          }
        },
        () => {
          // Copying was refused: select the text so the user can copy it themselves.
          field.focus();
          field.select();
        },
      );
    });
  }
})();
