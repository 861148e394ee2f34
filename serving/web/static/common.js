// What the reviewer pages share: element lookup, the caller's bearer token, and calls that
// turn a problem document into an error. No library, no build step.
// ``start`` loads the page's data; ``begin()`` runs it now, or once the caller gave a token.
// A refused token (401) is forgotten and asked for again, saying why; a 403 says the token
// may not do that.
window.mutasiPage = (rootId, start) => {
  "use strict";
  const root = document.getElementById(rootId);
  const strings = JSON.parse(document.getElementById("strings").textContent);
  const prefix = root.dataset.prefix;
  const TOKEN = "mutasi.token";          // sessionStorage: forgotten when the tab closes
  const REVIEWER = "mutasi.reviewer";    // localStorage: just a convenience
  const $ = (selector, scope = document) => scope.querySelector(selector);
  const $$ = (selector, scope = document) => Array.from(scope.querySelectorAll(selector));

  class Problem extends Error {
    constructor(status, detail, field, problems) {
      super(detail); this.status = status; this.field = field; this.problems = problems || [];
    }
  }

  // why the token is asked for again (the plan page's bar has no place for it: add one)
  function tokenWhy() {
    let why = $("#token-why");
    if (!why) {
      why = document.createElement("p");
      why.id = "token-why"; why.className = "error"; why.setAttribute("role", "alert");
      $("#token-bar").prepend(why);
    }
    return why;
  }

  function askToken(reason) {
    const why = tokenWhy();
    why.textContent = reason || "";
    why.hidden = !reason;
    $("#token-bar").hidden = false;
    $("#token").select();
    $("#token").focus();
  }

  $("#token-bar").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN, $("#token").value.trim());
    $("#token-bar").hidden = true;
    start();
  });

  async function call(method, path, body) {
    const headers = { Accept: "text/html, application/json" };
    const token = sessionStorage.getItem(TOKEN);
    if (token) headers.Authorization = "Bearer " + token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(prefix + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.ok) return response;
    let detail = response.statusText, field, problems;
    try {
      const problem = await response.json();
      detail = problem.detail || detail; field = problem.field; problems = problem.problems;
    } catch (_) { /* not JSON */ }
    const problem = new Problem(response.status, detail, field, problems);
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN);
      askToken(token ? `${strings.token_wrong} (${detail})` : "");
      problem.tokenAsked = true;
    } else if (response.status === 403) {
      askToken(`${strings.token_forbidden} (${detail})`);
      problem.tokenAsked = true;
    }
    throw problem;
  }

  function begin() {
    if (root.dataset.tokenRequired === "true" && !sessionStorage.getItem(TOKEN)) askToken();
    else start();
  }

  return { root, strings, lang: root.dataset.lang, REVIEWER, $, $$, call, begin };
};
