// mutasi reviewer page: fetches server-rendered fragments, no library, no build step.
// Data text arrives either escaped by the server (HTML fragments) or is set with textContent.
(() => {
  "use strict";
  const { root, strings, lang, REVIEWER, $, $$, call, begin } = window.mutasiPage("review", () => start());

  const search = $("#position-search"), list = $("#position-list"), chosen = $("#position-chosen");
  const positionId = $("#position-id"), asOf = $("#as-of"), topK = $("#top-k");
  const ranking = $("#ranking"), errorBox = $("#error");

  function showError(error) {
    errorBox.textContent = error ? `${strings.error}: ${error.message}` : "";
    errorBox.hidden = !error;
  }

  // --- state in the address bar, so a reload (or a shared link) reopens the same view ---
  function syncUrl() {
    const params = new URLSearchParams();
    if (positionId.value) params.set("position", positionId.value);
    if (asOf.value) params.set("as_of", asOf.value);
    params.set("top", topK.value);
    const here = new URLSearchParams(params);
    if (lang !== "id") here.set("lang", lang);
    history.replaceState(null, "", "?" + here.toString());
    params.set("lang", lang === "en" ? "id" : "en");
    $("#lang-switch").href = "?" + params.toString();
  }

  // --- model panel ---
  async function loadModel() {
    try {
      const response = await call("GET", `/api/model?lang=${lang}`);
      $("#model").innerHTML = await response.text();
    } catch (error) {
      if (error.status !== 401) $("#model").innerHTML = "";
      if (error.status === 503) { const p = document.createElement("p"); p.className = "error"; p.textContent = error.message; $("#model").append(p); }
    }
  }

  // --- position search: typing filters the list ---
  let searchTimer = null, searchSeq = 0;
  async function findPositions() {
    const seq = ++searchSeq;
    try {
      const response = await call("GET", `/api/positions?lang=${lang}&q=${encodeURIComponent(search.value)}`);
      const hits = await response.json();
      if (seq !== searchSeq) return;           // a newer keystroke won
      list.replaceChildren(...hits.map(positionItem));
      if (!hits.length) { const li = document.createElement("li"); li.className = "muted empty"; li.textContent = strings.no_match; list.append(li); }
    } catch (error) { showError(error); }
  }

  function positionItem(hit) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.id = hit.position_id;
    button.setAttribute("role", "option");
    button.setAttribute("aria-selected", String(hit.position_id === positionId.value));
    const title = document.createElement("span");
    title.className = "title";
    title.textContent = hit.title;
    const unit = document.createElement("span");
    unit.className = "unit";
    unit.textContent = ` · ${hit.unit_name} · ${hit.position_type} · ${hit.position_id}`;
    button.append(title, unit);
    button.addEventListener("click", () => choose(hit.position_id, `${hit.title} · ${hit.unit_name}`));
    li.append(button);
    return li;
  }

  function choose(id, label) {
    clearTimeout(searchTimer);
    searchSeq++;                                // ignore searches still in flight
    positionId.value = id;
    chosen.textContent = label;
    list.replaceChildren();
    loadRanking();
  }

  search.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(findPositions, 150); });
  search.addEventListener("focus", () => { if (!list.children.length) findPositions(); });

  // --- ranking ---
  $("#pick").addEventListener("submit", (event) => { event.preventDefault(); loadRanking(); });

  async function loadRanking() {
    showError(null);
    if (!positionId.value) { showError(new Error(strings.pick_position)); search.focus(); return; }
    syncUrl();
    ranking.setAttribute("aria-busy", "true");
    ranking.innerHTML = "";
    const p = document.createElement("p"); p.className = "muted"; p.textContent = strings.loading; ranking.append(p);
    try {
      const response = await call("POST", "/api/rankings", {
        position_id: positionId.value, as_of: asOf.value || null, top_k: Number(topK.value), lang,
        reviewer: localStorage.getItem(REVIEWER) || null });
      ranking.innerHTML = await response.text();
      const article = $("article.ranking", ranking);
      if (article && !chosen.textContent) chosen.textContent = article.dataset.label;
      wireRanking();
      if (article) {
        // the excluded list and the exports (extras.js) follow the ranking shown
        document.dispatchEvent(new CustomEvent("mutasi:ranking", { detail: {
          auditId: Number(article.dataset.auditId), positionId: article.dataset.position, asOf: article.dataset.asOf } }));
      }
    } catch (error) {
      ranking.innerHTML = "";
      if (!error.tokenAsked) showError(error);
    } finally {
      ranking.removeAttribute("aria-busy");
    }
  }

  function rows() { return $$("#candidates tbody tr.candidate", ranking); }

  function originalOrder() { return rows().slice().sort((a, b) => a.dataset.index - b.dataset.index); }

  function showDetail(employee) {
    for (const section of $$(".detail", ranking)) section.hidden = section.dataset.employee !== employee;
    for (const row of rows()) row.classList.toggle("selected", row.dataset.employee === employee);
    const open = $$(".detail", ranking).find((section) => !section.hidden);
    if (open) open.scrollIntoView({ block: "nearest" });
  }

  function move(row, step) {
    const other = step < 0 ? row.previousElementSibling : row.nextElementSibling;
    if (!other) return;
    if (step < 0) other.before(row); else other.after(row);
    rows().forEach((r, i) => { $(".order", r).textContent = String(i + 1); });
    const changed = rows().some((r, i) => r !== originalOrder()[i]);
    $("#order-changed", ranking).hidden = !changed;
    if (changed) { $("#action", ranking).value = "reorder"; syncAction(); }
  }

  function syncAction() {
    const reorder = $("#action", ranking).value === "reorder";
    const employee = $("#decision-employee", ranking);
    employee.disabled = reorder;
    $("#employee-field", ranking).hidden = reorder;
  }

  // bar widths arrive as data-width (percent): the Content-Security-Policy forbids inline styles
  function drawBars(scope) {
    for (const bar of $$("[data-width]", scope)) bar.style.width = `${Number(bar.dataset.width)}%`;
  }

  function wireRanking() {
    drawBars(ranking);
    for (const row of rows()) {
      $(".show-detail", row).addEventListener("click", () => showDetail(row.dataset.employee));
      $(".move-up", row).addEventListener("click", () => move(row, -1));
      $(".move-down", row).addEventListener("click", () => move(row, +1));
    }
    for (const button of $$(".close-detail", ranking)) button.addEventListener("click", () => showDetail(null));
    const print = $("#print", ranking);
    if (print) print.addEventListener("click", () => window.print());
    const form = $("#decision", ranking);
    if (!form) return;
    $("#reviewer", form).value = localStorage.getItem(REVIEWER) || "";
    $("#action", form).addEventListener("change", syncAction);
    const note = $("#note", form);
    note.addEventListener("input", () => note.setCustomValidity(note.value.trim() ? "" : strings.note_required));
    form.addEventListener("submit", (event) => { event.preventDefault(); saveDecision(form); });
    syncAction();
  }

  async function saveDecision(form) {
    const status = $("#decision-status", form);
    const note = $("#note", form);
    if (note.value && !note.value.trim()) { note.setCustomValidity(strings.note_required); form.reportValidity(); return; }
    const action = $("#action", form).value;
    const body = {
      ranking_id: Number(form.dataset.rankingId), reviewer: $("#reviewer", form).value, action, note: note.value,
      order: rows().map((row) => row.dataset.employee),
      employee_id: action === "reorder" ? null : $("#decision-employee", form).value };
    status.className = "status";
    status.textContent = strings.loading;
    showConflicts(form, []);
    try {
      const saved = await (await call("POST", "/api/decisions", body)).json();
      localStorage.setItem(REVIEWER, body.reviewer.trim());
      status.className = "status ok";
      status.textContent = `${strings.saved} (#${saved.id})`;
      showConflicts(form, saved.conflicts || []);
      clearNote(form);
      const article = $("article.ranking", ranking);
      const response = await call("GET", `/api/decisions?lang=${lang}&position_id=${encodeURIComponent(article.dataset.position)}&as_of=${article.dataset.asOf}`);
      $("#decisions", ranking).innerHTML = await response.text();
    } catch (error) {
      status.className = "status failed";
      status.textContent = `${strings.error}: ${error.message}` + (error.field ? ` (${error.field})` : "");
    }
  }

  // a saved decision may contradict an earlier one: it is kept, and the reviewer is told
  function showConflicts(form, conflicts) {
    const box = $("#decision-conflicts", form);
    box.replaceChildren();
    box.hidden = !conflicts.length;
    if (!conflicts.length) return;
    const head = document.createElement("p");
    head.className = "conflict-head";
    head.textContent = strings.conflict;
    const list = document.createElement("ul");
    for (const conflict of conflicts) {
      const li = document.createElement("li");
      li.className = "conflict";
      li.dataset.kind = conflict.kind;
      li.dataset.decisionId = String(conflict.decision_id);
      li.textContent = lang === "en" ? conflict.message_en : conflict.message_id;
      list.append(li);
    }
    box.append(head, list);
  }

  // an empty note after a save is not a mistake: reset the form's validity state (the
  // browser marks a touched required field invalid), keeping what the reviewer chose
  function clearNote(form) {
    const kept = ["#reviewer", "#action", "#decision-employee"].map((id) => [$(id, form), $(id, form).value]);
    form.reset();
    for (const [field, value] of kept) field.value = value;
    $("#note", form).setCustomValidity("");
    syncAction();
  }

  function start() {
    loadModel();
    if (positionId.value) loadRanking();
  }

  begin();
})();
