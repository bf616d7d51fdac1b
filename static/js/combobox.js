/*
 * Searchable pickers: a multiple <select data-combobox="URL"> becomes a combobox (the WAI-ARIA
 * 1.2 combobox pattern: a text input with role="combobox" that controls a listbox, the active
 * option named by aria-activedescendant) that asks URL?q=… for matches
 * ({"results": [{"id", "label"}]}, initiatives/views.py: organization_picker, problem_picker),
 * and shows the chosen items as chips, each removed by its own button (or Backspace in the
 * empty input).
 *
 * Progressive enhancement: the <select> stays in the form, hidden, and holds the choice — an
 * option is selected for each chip (one is added for an item the list box did not offer) —,
 * so the form posts exactly what it posts without this script. Without JavaScript the list
 * box itself is the control. The texts come from the form's data-combobox-* attributes
 * (translated in templates/initiatives/initiative_form.html).
 *
 * Keyboard: type to search; Down/Up move through the matches (Alt+Down opens the list);
 * Enter adds the active match (or removes it when already chosen); Escape closes the list, a
 * second Escape clears the text; Tab leaves. Each chip's button removes it; focus then moves
 * to the next chip's button, or to the input.
 */
(() => {
  "use strict";

  const DELAY_MS = 200;

  // A text from the form with its {name} or {count} filled in.
  const format = (text, value) => text.replace(/\{[a-z]+\}/, () => value);

  const enhance = (select, texts, index) => {
    const inputId = select.id;
    const baseId = `combobox-${index}`;
    const minChars = Number(select.dataset.comboboxMin || "1");

    // The input takes over the select's id: its label, the error summary's link and
    // aria-describedby (help text, error) then point at what the user types in.
    select.id = `${baseId}-select`;
    select.hidden = true;
    select.tabIndex = -1;

    const box = document.createElement("div");
    box.className = "combobox";

    const chips = document.createElement("ul");
    chips.className = "combobox__chips";
    chips.id = `${baseId}-chips`;
    chips.setAttribute("aria-label", texts.chosen);

    const hint = document.createElement("p");
    hint.className = "helptext combobox__hint";
    hint.id = `${baseId}-hint`;
    hint.textContent = minChars > 1 ? format(texts.hintMin, String(minChars)) : texts.hint;

    const input = document.createElement("input");
    input.type = "text";
    input.id = inputId;
    input.className = "combobox__input";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", `${baseId}-listbox`);
    const describedBy = [select.getAttribute("aria-describedby"), hint.id, chips.id];
    input.setAttribute("aria-describedby", describedBy.filter(Boolean).join(" "));
    if (select.getAttribute("aria-invalid")) {
      input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    }

    const listbox = document.createElement("ul");
    listbox.className = "combobox__listbox";
    listbox.id = `${baseId}-listbox`;
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-multiselectable", "true");
    const label = document.querySelector(`label[for="${CSS.escape(inputId)}"]`);
    if (label) {
      label.id = label.id || `${baseId}-label`;
      listbox.setAttribute("aria-labelledby", label.id);
    }
    listbox.hidden = true;

    const status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");

    box.append(hint, chips, input, listbox, status);
    select.after(box);

    let results = [];
    let active = -1;
    let timer = null;
    let controller = null;

    const optionFor = (id) => select.querySelector(`option[value="${CSS.escape(String(id))}"]`);
    const isChosen = (id) => Boolean(optionFor(id)?.selected);
    const say = (text) => {
      status.textContent = text;
    };

    const renderChips = () => {
      chips.replaceChildren();
      for (const option of select.selectedOptions) {
        const chip = document.createElement("li");
        chip.className = "combobox__chip";
        const name = document.createElement("span");
        name.textContent = option.textContent;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "combobox__remove";
        remove.dataset.value = option.value;
        remove.setAttribute("aria-label", format(texts.remove, option.textContent));
        remove.textContent = "×";
        chip.append(name, remove);
        chips.append(chip);
      }
      chips.hidden = select.selectedOptions.length === 0;
    };

    const setActive = (position) => {
      active = position;
      const options = listbox.querySelectorAll('[role="option"]');
      options.forEach((option, i) => {
        option.classList.toggle("combobox__option--active", i === active);
      });
      if (active >= 0 && options[active]) {
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    };

    const close = () => {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    };

    const renderResults = () => {
      listbox.replaceChildren();
      results.forEach((result, i) => {
        const option = document.createElement("li");
        option.id = `${baseId}-option-${result.id}`;
        option.className = "combobox__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", String(isChosen(result.id)));
        option.textContent = result.label;
        option.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus
        option.addEventListener("click", () => {
          toggle(i);
          input.focus();
        });
        listbox.append(option);
      });
      const open = results.length > 0;
      listbox.hidden = !open;
      input.setAttribute("aria-expanded", String(open));
      setActive(-1);
    };

    const toggle = (i) => {
      const result = results[i];
      if (!result) {
        return;
      }
      let option = optionFor(result.id);
      if (!option) {
        // Found by the search but not offered by the list box: the form accepts it.
        option = new Option(result.label, String(result.id));
        select.append(option);
      }
      option.selected = !option.selected;
      renderChips();
      listbox.children[i]?.setAttribute("aria-selected", String(option.selected));
      const count = select.selectedOptions.length;
      const done = format(option.selected ? texts.added : texts.removed, result.label);
      say(`${done} ${format(texts.count, String(count))}`);
      select.dispatchEvent(new Event("change", { bubbles: true }));
    };

    const search = async () => {
      const text = input.value.trim();
      if (controller) {
        controller.abort();
      }
      if (text.length < minChars) {
        results = [];
        renderResults();
        return;
      }
      controller = new AbortController();
      try {
        const url = `${select.dataset.combobox}?${new URLSearchParams({ q: text })}`;
        const response = await fetch(url, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: controller.signal,
        });
        const data = response.ok ? await response.json() : { results: [] };
        results = Array.isArray(data.results) ? data.results : [];
        renderResults();
        say(results.length ? format(texts.results, String(results.length)) : texts.none);
      } catch (error) {
        if (error.name !== "AbortError") {
          say(texts.none);
        }
      }
    };

    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", (event) => {
      const open = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!open) {
            if (results.length) {
              renderResults();
            } else {
              search();
            }
            if (event.altKey) {
              return;
            }
          }
          setActive(Math.min(active + 1, results.length - 1));
          break;
        case "ArrowUp":
          if (open) {
            event.preventDefault();
            setActive(Math.max(active - 1, 0));
          }
          break;
        case "Enter":
          if (open) {
            event.preventDefault(); // choose, don't send the form
            toggle(active >= 0 ? active : 0);
          }
          break;
        case "Escape":
          if (open) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            results = [];
          }
          break;
        case "Backspace":
          if (!input.value && select.selectedOptions.length) {
            const last = select.selectedOptions[select.selectedOptions.length - 1];
            last.selected = false;
            renderChips();
            say(format(texts.removed, last.textContent));
            select.dispatchEvent(new Event("change", { bubbles: true }));
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", () => {
      window.setTimeout(() => {
        if (!box.contains(document.activeElement)) {
          close();
        }
      }, 0);
    });

    chips.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-value]");
      if (!button) {
        return;
      }
      const option = optionFor(button.dataset.value);
      const buttons = [...chips.querySelectorAll("button[data-value]")];
      const position = buttons.indexOf(button);
      option.selected = false;
      renderChips();
      say(format(texts.removed, option.textContent));
      select.dispatchEvent(new Event("change", { bubbles: true }));
      const rest = chips.querySelectorAll("button[data-value]");
      (rest[Math.min(position, rest.length - 1)] || input).focus();
      const shown = results.findIndex((result) => String(result.id) === option.value);
      listbox.children[shown]?.setAttribute("aria-selected", "false");
    });

    renderChips();
  };

  const form = document.querySelector("form[data-combobox-remove]");
  if (!form || !window.fetch || !window.CSS?.escape) {
    return;
  }
  const data = form.dataset;
  const texts = {
    chosen: data.comboboxChosen,
    hint: data.comboboxHint,
    hintMin: data.comboboxHintMin,
    remove: data.comboboxRemove,
    added: data.comboboxAdded,
    removed: data.comboboxRemoved,
    count: data.comboboxCount,
    results: data.comboboxResults,
    none: data.comboboxNone,
  };
  document.querySelectorAll("select[multiple][data-combobox]").forEach((select, index) => {
    enhance(select, texts, index);
  });
})();
