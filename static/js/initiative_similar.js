// "Someone already does this": as the user fills in the register form, ask the server for
// live initiatives like the one described and show them in the form's live region.
// Progressive enhancement: without this script the same list appears when the form is
// submitted, before anything is saved.
(function () {
  "use strict";

  const form = document.querySelector("form[data-similar-url]");
  const box = document.getElementById("similar-initiatives");
  if (!form || !box || !window.fetch) return;

  const FIELDS = ["title", "summary", "starts_on", "ends_on"];
  const LISTS = ["areas", "themes", "target_groups"];
  const DELAY_MS = 400;
  let timer = null;
  let controller = null;
  let asked = "";

  function query() {
    const data = new FormData(form);
    const params = new URLSearchParams();
    for (const name of FIELDS) params.set(name, (data.get(name) || "").toString().trim());
    for (const name of LISTS) for (const value of data.getAll(name)) params.append(name, value);
    return params;
  }

  // The same rule as the server: a title of three characters, an area, a theme or group.
  function complete(params) {
    return (
      params.get("title").length >= 3 &&
      params.getAll("areas").length > 0 &&
      params.getAll("themes").length + params.getAll("target_groups").length > 0
    );
  }

  async function refresh() {
    const params = query();
    if (!complete(params)) return; // keep what is shown; nothing new to ask
    const search = params.toString();
    if (search === asked) return;
    asked = search;
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(form.dataset.similarUrl + "?" + search, {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (!response.ok) return;
      // Server-rendered, escaped HTML from our own origin (the partial "similar").
      box.innerHTML = await response.text();
    } catch (error) {
      if (error.name !== "AbortError") asked = ""; // try again on the next change
    }
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY_MS);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
