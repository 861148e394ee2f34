// mutasi page extras: the excluded list of the ranking shown (search, filter by reason,
// paging), the ranking's export buttons (CSV, XLSX, downloaded with the caller's token),
// and the fairness page (a version's audit, with a version picker). Fragments arrive as
// server-rendered, escaped HTML. No library, no build step.
(() => {
  "use strict";
  const review = document.getElementById("review");
  const fairness = document.getElementById("fairness");
  if (!review && !fairness) return;
  // review.js owns the review page's start; here only the token-carrying call is needed
  const { root, strings, lang, $, call, begin } = window.mutasiPage(review ? "review" : "fairness",
    () => { if (fairness) loadFairness(root.dataset.version || ""); });
  const failed = (error) => `${strings.error || "Error"}: ${error.message}` + (error.field ? ` (${error.field})` : "");

  function ensureStyles() {
    if ($('link[href$="/static/extras.css"]')) return;
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = `${root.dataset.prefix}/static/extras.css`;
    document.head.append(link);
  }

  // ---- a file from the server, saved under its own name (a plain link could not carry the token)
  async function saveFile(path, fallbackName) {
    const response = await call("GET", path);
    const disposition = response.headers.get("Content-Disposition") || "";
    const named = /filename="([^"]+)"/.exec(disposition);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = named ? named[1] : fallbackName;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  function exportStatus(button) {
    let status = button.parentElement.querySelector(".export-status");
    if (!status) {
      status = document.createElement("span");
      status.className = "export-status";
      status.setAttribute("role", "status");
      button.parentElement.append(status);
    }
    return status;
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-export][data-audit-id]");
    if (!button) return;
    const format = button.dataset.export, auditId = button.dataset.auditId;
    const status = exportStatus(button);
    status.className = "export-status";
    status.textContent = "";
    button.setAttribute("aria-busy", "true");
    try {
      await saveFile(`/api/rankings/${encodeURIComponent(auditId)}/export?format=${format}&lang=${lang}`,
        `peringkat-${auditId}.${format}`);
    } catch (error) {
      status.className = "export-status failed";
      status.textContent = failed(error);
    } finally {
      button.removeAttribute("aria-busy");
    }
  });

  // ---- the excluded list
  const excludedQuery = { position: "", asOf: "", q: "", reason: "", offset: 0 };

  async function loadExcluded() {
    const section = document.getElementById("excluded");
    if (!section || !excludedQuery.position) return;
    const params = new URLSearchParams({ position_id: excludedQuery.position, as_of: excludedQuery.asOf,
      q: excludedQuery.q, reason: excludedQuery.reason, offset: String(excludedQuery.offset), lang });
    section.setAttribute("aria-busy", "true");
    try {
      section.innerHTML = await (await call("GET", `/api/excluded?${params}`)).text();
    } catch (error) {
      const p = document.createElement("p");
      p.className = "error";
      p.textContent = failed(error);
      section.replaceChildren(p);
    } finally {
      section.removeAttribute("aria-busy");
    }
  }

  document.addEventListener("mutasi:ranking", (event) => {
    const section = document.getElementById("excluded");
    if (!section) return;
    const detail = event.detail || {};
    ensureStyles();
    Object.assign(excludedQuery, { position: section.dataset.position || detail.positionId || "",
      asOf: section.dataset.asOf || detail.asOf || "", q: "", reason: "", offset: 0 });
    loadExcluded();
  });

  document.addEventListener("click", (event) => {
    if (!event.target.closest("#excluded")) return;
    const filter = event.target.closest("button[data-reason]");
    const page = event.target.closest("button[data-offset]");
    if (filter) {
      excludedQuery.reason = filter.getAttribute("aria-pressed") === "true" ? "" : filter.dataset.reason;
      excludedQuery.offset = 0;
      loadExcluded();
    } else if (page && !page.disabled) {
      excludedQuery.offset = Number(page.dataset.offset) || 0;
      loadExcluded();
    }
  });

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("#excluded form.excluded-search");
    if (!form) return;
    event.preventDefault();
    excludedQuery.q = form.elements.q.value.trim();
    excludedQuery.offset = 0;
    loadExcluded();
  });

  // ---- the fairness page
  async function loadFairness(version) {
    const box = $("#fairness-view"), error = $("#fairness-error");
    error.hidden = true;
    box.setAttribute("aria-busy", "true");
    try {
      const params = new URLSearchParams({ lang });
      if (version) params.set("version", version);
      box.innerHTML = await (await call("GET", `/api/fairness?${params}`)).text();
      const shown = $("article.fairness", box);
      syncFairnessUrl(shown && shown.dataset.version);
    } catch (problem) {
      error.textContent = failed(problem);
      error.hidden = false;
    } finally {
      box.removeAttribute("aria-busy");
    }
  }

  function syncFairnessUrl(version) {
    const here = new URLSearchParams();
    if (version) here.set("version", version);
    const other = new URLSearchParams(here);
    if (lang !== "id") here.set("lang", lang);
    history.replaceState(null, "", "?" + here.toString());
    other.set("lang", lang === "en" ? "id" : "en");
    $("#lang-switch").href = "?" + other.toString();
  }

  if (fairness) {
    $("#fairness-view").addEventListener("submit", (event) => {
      if (!event.target.closest("#fairness-pick")) return;
      event.preventDefault();
      loadFairness($("#fairness-version").value);
    });
    $("#fairness-view").addEventListener("change", (event) => {
      if (event.target.id === "fairness-version") loadFairness(event.target.value);
    });
    begin();
  }
})();
