// mutasi follow-up page: everyone transferred in the last months with both risks, early
// warnings and onboarding plans (filters: date, unit, warning), a page at a time, and its
// files (CSV, XLSX) downloaded with the caller's token. Fragments arrive as server-rendered,
// escaped HTML. No library, no build step.
(() => {
  "use strict";
  const { root, strings, lang, $, call, begin } = window.mutasiPage("follow-up", () => load(0));
  const failed = (error) => `${strings.error || "Error"}: ${error.message}` + (error.field ? ` (${error.field})` : "");

  function filters() {
    return { as_of: $("#fu-as-of").value, unit: $("#fu-unit").value, warning: $("#fu-warning").value, lang };
  }

  function showError(error) {
    const box = $("#fu-error");
    box.hidden = !error || Boolean(error.tokenAsked);
    box.textContent = box.hidden ? "" : failed(error);
  }

  async function load(offset) {
    const section = $("#fu-list");
    const asked = filters();
    // the address keeps the filters: a reload or a shared link shows the same list
    const shown = new URLSearchParams(Object.entries(asked).filter(([, v]) => v));
    history.replaceState(null, "", `${location.pathname}?${shown}`);
    section.setAttribute("aria-busy", "true");
    try {
      section.innerHTML = await (await call("GET", `/api/follow-up?${new URLSearchParams({ ...asked, offset: String(offset) })}`)).text();
      showError(null);
    } catch (error) {
      showError(error);
    } finally {
      section.removeAttribute("aria-busy");
    }
  }

  async function saveFile(format, button) {
    button.setAttribute("aria-busy", "true");
    try {
      const response = await call("GET", `/api/follow-up/export?${new URLSearchParams({ ...filters(), format })}`);
      const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = named ? named[1] : `follow-up.${format}`;
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

  $("#fu-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    load(0);
  });
  for (const id of ["#fu-unit", "#fu-warning"]) $(id).addEventListener("change", () => load(0));

  $("#fu-list").addEventListener("click", (event) => {
    const exporting = event.target.closest("button[data-export]");
    const unit = event.target.closest("button[data-unit]");
    const page = event.target.closest(".pager button[data-offset]");
    if (exporting) {
      saveFile(exporting.dataset.export, exporting);
    } else if (unit) {
      $("#fu-unit").value = unit.dataset.unit;
      load(0);
    } else if (page && !page.disabled) {
      load(Number(page.dataset.offset) || 0);
      root.scrollIntoView({ block: "start" });
    }
  });

  begin();
})();
