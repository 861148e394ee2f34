// mutasi talent page: the 9-box talent map (a 3x3 grid of counts; click a box for its
// people with both axes' inputs), filtered by date, unit and job family, and the
// succession list of a key post. Fragments arrive as server-rendered, escaped HTML.
// No library, no build step.
(() => {
  "use strict";
  const { root, strings, lang, $, $$, call, begin } = window.mutasiPage("talent", start);
  const failed = (error) => `${strings.error || "Error"}: ${error.message}` + (error.field ? ` (${error.field})` : "");
  let shownBox = 0;

  function filters() {
    return { as_of: $("#talent-as-of").value, unit: $("#talent-unit").value, domain: $("#talent-domain").value, lang };
  }

  function showError(error) {
    const box = $("#talent-error");
    if (error && !error.tokenAsked) {
      box.textContent = failed(error);
      box.hidden = false;
    } else {
      box.hidden = true;
    }
  }

  async function into(section, path) {
    section.setAttribute("aria-busy", "true");
    try {
      section.innerHTML = await (await call("GET", path)).text();
      showError(null);
      return true;
    } catch (error) {
      showError(error);
      return false;
    } finally {
      section.removeAttribute("aria-busy");
    }
  }

  async function loadMap() {
    shownBox = 0;
    $("#talent-box").hidden = true;
    await into($("#talent-map"), `/api/talent?${new URLSearchParams(filters())}`);
  }

  async function loadBox(box) {
    shownBox = box;
    for (const button of $$(".ninebox .box")) button.setAttribute("aria-pressed", String(button.dataset.box === String(box)));
    const section = $("#talent-box");
    section.hidden = false;
    section.innerHTML = `<p class="muted">${strings.loading}</p>`;
    if (await into(section, `/api/talent/box?${new URLSearchParams({ ...filters(), box: String(box) })}`)) {
      section.scrollIntoView({ block: "nearest" });
    }
  }

  async function loadSuccession() {
    const post = $("#succession-post").value;
    const section = $("#succession");
    if (!post) { section.innerHTML = ""; return; }
    section.innerHTML = `<p class="muted">${strings.loading}</p>`;
    await into(section, `/api/succession?${new URLSearchParams({ position_id: post, as_of: $("#talent-as-of").value, lang })}`);
  }

  $("#talent-map").addEventListener("click", (event) => {
    const button = event.target.closest("button.box[data-box]");
    if (button) loadBox(Number(button.dataset.box));
  });
  $("#talent-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    loadMap();
    loadSuccession();
  });
  $("#succession-post").addEventListener("change", loadSuccession);

  function start() {
    loadMap().then(() => { if (shownBox) loadBox(shownBox); });
    loadSuccession();
  }

  begin();
  void root;
})();
