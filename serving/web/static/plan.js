// mutasi round plan page: posts the round, shows the server-rendered plan, records accept /
// reject per move and re-plans. No library, no build step; data text arrives escaped by the
// server (HTML fragments) or is set with textContent.
(() => {
  "use strict";
  const { root, strings, lang, REVIEWER, $, $$, call, begin } = window.mutasiPage("planner", () => start());

  const form = $("#round-form"), csv = $("#round-csv"), planBox = $("#plan");
  const errorBox = $("#plan-error"), errorText = $("#plan-error-text"), problemList = $("#plan-problems");

  function showError(error) {
    errorBox.hidden = !error;
    problemList.replaceChildren();
    if (!error) { errorText.textContent = ""; return; }
    errorText.textContent = `${strings.error}: ${error.message}` + (error.field ? ` (${error.field})` : "");
    for (const p of error.problems || []) {
      const li = document.createElement("li");
      const where = [p.row != null ? `${strings.row} ${p.row}` : "", p.column ? `${strings.column} ${p.column}` : ""]
        .filter(Boolean).join(", ");
      li.textContent = (where ? `${where}: ` : "") + p.message + (p.value != null ? ` (${strings.value} ${p.value})` : "");
      li.dataset.row = p.row ?? "";
      li.dataset.column = p.column ?? "";
      problemList.append(li);
    }
  }

  // the plan's audit id in the address bar: a reload (or a shared link) reopens it
  function syncUrl(auditId) {
    const params = new URLSearchParams();
    if (auditId) params.set("plan", auditId);
    const here = new URLSearchParams(params);
    if (lang !== "id") here.set("lang", lang);
    history.replaceState(null, "", "?" + here.toString());
    params.set("lang", lang === "en" ? "id" : "en");
    $("#lang-switch").href = "?" + params.toString();
  }

  $("#round-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (file) csv.value = await file.text();
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const outflow = $("#max-outflow").value.trim();
    show(() => call("POST", "/api/plans", {
      csv: csv.value, as_of: $("#plan-as-of").value || null, lang,
      max_outflow_per_unit: outflow === "" ? "none" : outflow,
      reviewer: localStorage.getItem(REVIEWER) || null }));
  });

  async function show(request) {
    showError(null);
    planBox.setAttribute("aria-busy", "true");
    const p = document.createElement("p"); p.className = "muted"; p.textContent = strings.planning;
    planBox.replaceChildren(p);
    try {
      const response = await request();
      planBox.innerHTML = await response.text();
      const article = $("article.plan", planBox);
      syncUrl(article && article.dataset.auditId);
      wirePlan();
    } catch (error) {
      planBox.replaceChildren();
      showError(error);
    } finally {
      planBox.removeAttribute("aria-busy");
    }
  }

  function article() { return $("article.plan", planBox); }

  // every element of one move (its row, its state in the leaving table) shows the decision
  function markDecision(key, decision) {
    for (const el of $$("[data-move]", planBox).filter((e) => e.dataset.move === key)) {
      el.dataset.decision = decision;
      if (el.classList.contains("move")) {
        el.classList.toggle("accept", decision === "accept");
        el.classList.toggle("reject", decision === "reject");
        for (const button of $$("button[data-decision]", el)) {
          button.setAttribute("aria-pressed", String(button.dataset.decision === decision));
        }
      }
      if (el.classList.contains("decision-state")) el.textContent = strings[decision === "accept" ? "accepted" : "rejected"];
    }
    const counts = $("#decided-counts", planBox);
    const rows = $$("tr.move", planBox);
    const accepted = rows.filter((r) => r.dataset.decision === "accept").length;
    const rejected = rows.filter((r) => r.dataset.decision === "reject").length;
    counts.textContent = strings.decided_counts.replace("{accept}", accepted).replace("{reject}", rejected);
  }

  async function decide(row, decision) {
    const status = $("#plan-status", planBox);
    const reviewer = $("#plan-reviewer", planBox);
    if (!reviewer.value.trim()) {
      reviewer.setCustomValidity(strings.reviewer_required);
      reviewer.reportValidity();
      return;
    }
    const note = $("#plan-note", planBox);
    status.className = "status";
    status.textContent = "";
    try {
      const saved = await (await call("POST", `/api/plans/${article().dataset.auditId}/decisions`, {
        employee_id: row.dataset.employee, position_id: row.dataset.position, decision,
        reviewer: reviewer.value, note: note.value.trim() || null })).json();
      localStorage.setItem(REVIEWER, reviewer.value.trim());
      markDecision(row.dataset.move, decision);
      note.value = "";
      status.className = "status ok";
      status.textContent = `${strings.saved} (#${saved.id})`;
    } catch (error) {
      status.className = "status failed";
      status.textContent = `${strings.error}: ${error.message}` + (error.field ? ` (${error.field})` : "");
    }
  }

  function wirePlan() {
    const plan = article();
    if (!plan) return;
    const reviewer = $("#plan-reviewer", plan);
    reviewer.value = localStorage.getItem(REVIEWER) || "";
    reviewer.addEventListener("input", () => reviewer.setCustomValidity(""));
    $("#review-bar", plan).addEventListener("submit", (event) => event.preventDefault());
    for (const row of $$("tr.move", plan)) {
      for (const button of $$("button[data-decision]", row)) {
        button.addEventListener("click", () => decide(row, button.dataset.decision));
      }
    }
    $("#replan", plan).addEventListener("click", () =>
      show(() => call("POST", `/api/plans/${plan.dataset.auditId}/replan?lang=${lang}`)));
    const auditId = plan.dataset.auditId;
    $("#announce", plan).addEventListener("click", () =>
      saveFile(`/api/plans/${auditId}/announcement?lang=${lang}`, `pengumuman-mutasi-${auditId}.html`));
    for (const button of $$("button[data-plan-export]", plan)) {
      const format = button.dataset.planExport;
      button.addEventListener("click", () =>
        saveFile(`/api/plans/${auditId}/export?format=${format}&lang=${lang}`, `rencana-mutasi-${auditId}.${format}`));
    }
  }

  // a file of the plan (the announcement of the accepted moves, the plan as CSV or XLSX),
  // saved under the server's name for it (a plain link could not carry the bearer token)
  async function saveFile(path, fallbackName) {
    const status = $("#plan-status", planBox);
    status.className = "status";
    status.textContent = "";
    try {
      const response = await call("GET", path);
      const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = named ? named[1] : fallbackName;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    } catch (error) {
      status.className = "status failed";
      status.textContent = `${strings.error}: ${error.message}` + (error.field ? ` (${error.field})` : "");
    }
  }

  function start() {
    const reopen = root.dataset.plan;
    if (reopen) show(() => call("GET", `/api/plans/${encodeURIComponent(reopen)}?lang=${lang}`));
  }

  begin();
})();
