// A filtered list page (who is due, the follow-up after a transfer): the list a page at a
// time as server-rendered, escaped HTML fragments, the filters kept in the address, and its
// files (CSV, XLSX) downloaded with the caller's token. The page's <main> says what to ask:
// data-list-api (the fragment route), data-list-key (the prefix of its element ids) and
// data-list-filters (the filter fields beside the date). No library, no build step.
(() => {
  "use strict";
  const main = document.querySelector("main[data-list-api]");
  const { listApi: api, listKey: key, listFilters } = main.dataset;
  const names = listFilters.split(",").filter(Boolean);
  const { root, strings, lang, $, call, begin } = window.mutasiPage(main.id, () => load(0));
  const failed = (error) => `${strings.error || "Error"}: ${error.message}` + (error.field ? ` (${error.field})` : "");

  function filters() {
    const asked = { as_of: $(`#${key}-as-of`).value };
    for (const name of names) asked[name] = $(`#${key}-${name}`).value;
    return { ...asked, lang };
  }

  function showError(error) {
    const box = $(`#${key}-error`);
    box.hidden = !error || Boolean(error.tokenAsked);
    box.textContent = box.hidden ? "" : failed(error);
  }

  async function load(offset) {
    const section = $(`#${key}-list`);
    const asked = filters();
    // the address keeps the filters: a reload or a shared link shows the same list
    const shown = new URLSearchParams(Object.entries(asked).filter(([, v]) => v));
    history.replaceState(null, "", `${location.pathname}?${shown}`);
    section.setAttribute("aria-busy", "true");
    try {
      section.innerHTML = await (await call("GET", `${api}?${new URLSearchParams({ ...asked, offset: String(offset) })}`)).text();
      showError(null);
    } catch (error) {
      showError(error);
    } finally {
      section.removeAttribute("aria-busy");
    }
  }

  async function saveFile(format, part, button) {
    button.setAttribute("aria-busy", "true");
    try {
      const asked = { ...filters(), format, ...(part ? { part } : {}) };
      const response = await call("GET", `${api}/export?${new URLSearchParams(asked)}`);
      const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = named ? named[1] : `${main.id}.${format}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      showError(null);
    } catch (error) {
      showError(error);
    } finally {
      button.removeAttribute("aria-busy");
    }
  }

  $(`#${key}-filter`).addEventListener("submit", (event) => {
    event.preventDefault();
    load(0);
  });
  for (const name of names) $(`#${key}-${name}`).addEventListener("change", () => load(0));

  $(`#${key}-list`).addEventListener("click", (event) => {
    const exporting = event.target.closest("button[data-export]");
    const unit = event.target.closest("button[data-unit]");
    const page = event.target.closest(".pager button[data-offset]");
    if (exporting) {
      saveFile(exporting.dataset.export, exporting.dataset.part, exporting);
    } else if (unit) {
      $(`#${key}-unit`).value = unit.dataset.unit;
      load(0);
    } else if (page && !page.disabled) {
      load(Number(page.dataset.offset) || 0);
      root.scrollIntoView({ block: "start" });
    }
  });

  begin();
})();
