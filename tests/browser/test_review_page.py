"""The reviewer page in headless Chromium against a real server at desktop width: pick a
post, read the ranking (names, posts, reasons, flags) and a candidate's explanations in the
prediction's units, record decisions and see the post's whole decision history, switch
language without a new audit entry, give a wrong token, print the one-page summary.

Expected values come from the API's document for the same request and from the dataset's
CSV files, so the page is checked against real data, not against itself. Phone width:
``test_review_phone.py``.
"""

import re
import sqlite3

import httpx
import pandas as pd
import pytest
from playwright.sync_api import expect

from serving import texts
from serving.audit import AuditLog

from servers import start_server

pytestmark = pytest.mark.browser

POSITION = "p3"          # Kepala Seksi Pelayanan, UPT Kesehatan Sumba Timur
RED = "rgb(192, 57, 43)"  # --bad in review.css: an invalid field's border
# what the page tells the page extras (extras.js) after each ranking it shows
RECORD_EVENTS = "window.rankingEvents = []; document.addEventListener('mutasi:ranking', (e) => window.rankingEvents.push(e.detail));"


def api_ranking(url: str, as_of: str, top_k: int = 10, lang: str = "id") -> dict:
    response = httpx.post(f"{url}/v1/rankings", json={"position_id": POSITION, "as_of": as_of, "top_k": top_k,
                                                       "lang": lang}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def open_ranking(page, url: str, as_of: str, lang: str = "id") -> int:
    """Open the page on POSITION at ``as_of`` (as a saved link would) and return the audit id."""
    page.goto(f"{url}/review?position={POSITION}&as_of={as_of}&lang={lang}")
    expect(page.locator("#candidates tbody tr.candidate").first).to_be_visible()
    return int(page.locator("article.ranking").get_attribute("data-audit-id"))


def table(store: dict, name: str) -> pd.DataFrame:
    return pd.read_csv(store["data"] / f"{name}.csv", dtype=str, keep_default_na=False)


def n_rankings(store: dict) -> int:
    return len(AuditLog(store["audit"]).rankings(limit=1_000_000))


def note_looks_invalid(page) -> bool:
    return page.locator("#note").evaluate("n => n.matches(':user-invalid') || getComputedStyle(n).borderColor === "
                                          f"'{RED}'")


def test_search_pick_and_rank(page, server, store, script_errors, fits):
    model = httpx.get(f"{server}/v1/model").json()
    page.add_init_script(RECORD_EVENTS)
    page.goto(f"{server}/review")
    expect(page.locator("#as-of")).to_have_value(model["default_as_of"])
    expect(page.locator("#model-version")).to_be_visible()
    expect(page.locator("#model-version")).to_have_text(model["version"])
    expect(page.locator("#model-name")).to_have_text(model["name"])
    expect(page.locator("#data-window")).to_contain_text("2022-12-31")
    # run id, data file and MLflow store: folded away for auditors, and never a server path
    expect(page.locator("#run-id")).to_be_hidden()
    expect(page.locator("#auditor-details summary")).to_have_text("Rincian untuk auditor")
    page.locator("#auditor-details summary").click()
    expect(page.locator("#run-id")).to_be_visible()
    expect(page.locator("#run-id")).to_have_text(model["run_id"])
    expect(page.locator("#mlflow-command")).to_contain_text("mlflow ui --backend-store-uri sqlite:///")
    expect(page.locator("#mlflow-command")).to_contain_text("mlflow.db")
    assert str(store["root"]) not in page.locator("#model").inner_text()
    assert str(store["root"]) not in page.content()
    expect(page.locator("#to-fairness")).to_have_attribute("href", "/review/fairness?lang=id")

    items = page.locator("#position-list li button")
    page.fill("#position-search", "sumba timur")            # a unit name
    expect(items).to_have_count(1)
    expect(items.first).to_have_attribute("data-id", POSITION)
    page.fill("#position-search", "keuangan")               # matches three posts, not p3
    expect(items).to_have_count(3)
    expect(page.locator(f"#position-list button[data-id={POSITION}]")).to_have_count(0)
    page.fill("#position-search", "seksi pelayanan")         # a title
    expect(items).to_have_count(1)
    page.fill("#as-of", "2021-01-01")
    items.first.click()

    rows = page.locator("#candidates tbody tr.candidate")
    expect(rows.first).to_be_visible()
    expected = api_ranking(server, "2021-01-01")
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.employee)") == [
        c["employee_id"] for c in expected["candidates"]]
    first = expected["candidates"][0]
    risk = f"{100 * first['adjustment_risk']:.1f}".replace(".", ",") + "%"
    expect(rows.first.locator(".risk")).to_have_text(risk)
    expect(rows.first.locator(".performance")).to_have_text(f"{first['predicted_performance']:.2f}".replace(".", ","))
    assert f"position={POSITION}" in page.url and "as_of=2021-01-01" in page.url

    audit_id = int(page.locator("article.ranking").get_attribute("data-audit-id"))
    entry = AuditLog(store["audit"]).ranking(audit_id)
    assert (entry["caller"], entry["peer"], entry["request"]["door"]) == ("anonymous@loopback", "127.0.0.1", "review")
    assert entry["position_id"] == POSITION and entry["as_of"] == "2021-01-01"
    assert [r["employee_id"] for r in entry["results"]] == [c["employee_id"] for c in expected["candidates"]]
    assert entry["request"]["top_k"] == 10 and entry["run_id"] == expected["model"]["run_id"]

    # who each candidate is, where they sit now, and why (the API's words)
    positions = table(store, "positions").set_index("position_id")
    units = table(store, "units").set_index("unit_id")["name"]
    assert any(c["display_name"] for c in expected["candidates"]), "the test data has names"
    assert any(c["flags"] for c in expected["candidates"]), "the test ranking raises a flag"
    for row, cand in zip(rows.all(), expected["candidates"]):
        expect(row.locator(".name")).to_have_text(cand["display_name"] or cand["employee_id"])
        expect(row.locator(".post-title")).to_have_text(positions.at[cand["current_position_id"], "title"])
        expect(row.locator(".unit-name")).to_have_text(units[cand["current_unit_id"]])
        expect(row.locator(".grade")).to_have_text(cand["current_grade"])
        expect(row.locator(".reason-for")).to_have_text(cand["reason_for"])
        expect(row.locator(".reason-against")).to_have_text(cand["reason_against"])
        assert row.locator(".flag").all_text_contents() == [texts.flag_text(f, "id") for f in cand["flags"]]
    options = page.locator("#decision-employee option")
    expect(options.first).to_contain_text(first["display_name"] or first["employee_id"])
    expect(options.first).to_contain_text(positions.at[first["current_position_id"], "title"])
    expect(page.locator("#n-eligible")).to_have_text(str(expected["n_eligible"]))
    expect(page.locator("#n-excluded")).to_have_text(str(expected["n_excluded"]))

    # the excluded list and the exports are the page extras' (extras.js): told what to show
    section = page.locator("section#excluded")
    for name, value in (("position", POSITION), ("as-of", "2021-01-01"), ("top", "10"), ("audit-id", str(audit_id))):
        expect(section).to_have_attribute(f"data-{name}", value)
    for kind in ("csv", "xlsx"):
        expect(page.locator(f'button[data-export="{kind}"]')).to_have_attribute("data-audit-id", str(audit_id))
    assert page.evaluate("window.rankingEvents") == [
        {"auditId": audit_id, "positionId": POSITION, "asOf": "2021-01-01"}]
    expect(rows.first).to_have_css("display", "table-row")
    fits(page)
    assert script_errors == []


def test_candidate_detail_shows_explanations_competencies_and_history(page, server, store, script_errors, fits):
    as_of = "2021-01-01"
    open_ranking(page, server, as_of)
    candidate = api_ranking(server, as_of)["candidates"][0]
    employee = candidate["employee_id"]
    detail = page.locator(f'section.detail[data-employee="{employee}"]')
    expect(detail).to_be_hidden()
    page.locator("#candidates tbody tr.candidate").first.locator(".show-detail").click()
    expect(detail).to_be_visible()
    assert page.locator("section.detail:visible").count() == 1

    for target in ("performance", "risk"):
        wanted = [e for e in candidate["explanations"] if e["target"] == target]
        assert wanted, f"the test model explains nothing for {target}"
        bars = detail.locator(f'figure.shap[data-target="{target}"] .bar-row')
        expect(bars).to_have_count(len(wanted))
        assert bars.locator(".bar-label").all_text_contents() == [e["label"] for e in wanted]
        # in the prediction's unit: SKP points, percentage points of risk (never log-odds)
        assert bars.locator(".bar-value").all_text_contents() == [
            texts.effect_text(target, e["contribution"], "id") for e in wanted]
        expect(detail.locator(f'figure.shap[data-target="{target}"] .base')).to_have_text(
            texts.baseline_text(target, candidate["baseline"][target], "id"))
        largest = max(abs(e["contribution"]) for e in wanted)
        if target == "performance":
            assert largest > 0, "the test model moves predicted performance"
        if largest > 0:              # a flat calibrated risk gives every contribution 0: no bars
            biggest = next(i for i, e in enumerate(wanted) if abs(e["contribution"]) == largest)
            widest = bars.nth(biggest).locator(".bar").bounding_box()
            assert widest and widest["width"] > 20, "the largest contribution must draw a visible bar"

    standards = table(store, "position_competencies").query("position_id == @POSITION")
    assessments = table(store, "competency_assessments").query("employee_id == @employee and assessed_date < @as_of")
    latest = assessments.sort_values("assessed_date").groupby("competency_code")["level"].last().astype(float)
    comps = detail.locator("figure.competencies .comp-row")
    expect(comps).to_have_count(len(standards))
    for row in comps.all():
        code = row.get_attribute("data-code")
        required = float(standards.set_index("competency_code").at[code, "required_level"])
        assert float(row.get_attribute("data-required")) == required
        shown = row.get_attribute("data-assessed")
        assert (float(shown) if shown else None) == (latest.get(code) if code in latest.index else None), code
    assessed_required = latest.index.isin(standards["competency_code"]).sum()
    assert assessed_required > 0 and detail.locator("figure.competencies .bar.assessed").count() == assessed_required

    posts = table(store, "assignments").query("employee_id == @employee and start_date < @as_of")
    titles = table(store, "positions").set_index("position_id")["title"]
    post_rows = detail.locator("table.posts tbody tr")
    expect(post_rows).to_have_count(len(posts))
    for pid in posts["position_id"]:
        expect(detail.locator("table.posts")).to_contain_text(titles[pid])
    appraisals = table(store, "appraisals").query("employee_id == @employee and period_end < @as_of")
    expect(detail.locator("table.appraisals tbody tr")).to_have_count(min(5, len(appraisals)))
    assert max(detail.locator("table.appraisals tbody tr").evaluate_all("rs => rs.map(r => r.dataset.periodEnd)")) \
        == appraisals["period_end"].max()
    trainings = table(store, "trainings").query("employee_id == @employee and end_date < @as_of")
    catalog = table(store, "training_catalog").set_index("training_code")["name"]
    expect(detail.locator("table.trainings tbody tr")).to_have_count(len(trainings))
    for code in trainings["training_code"]:
        expect(detail.locator("table.trainings")).to_contain_text(catalog[code])
    later = detail.locator("[data-start], [data-period-end], [data-end]").evaluate_all(
        "els => els.map(e => e.dataset.start || e.dataset.periodEnd || e.dataset.end)")
    assert later and all(day < as_of for day in later), "history must stop before the decision date"

    if candidate["training_recommendations"]:
        expect(detail.locator("table.recommendations tbody tr")).to_have_count(len(candidate["training_recommendations"]))
        assert detail.locator(".risk-change").all_text_contents() == [
            texts.effect_text("risk", r["expected_risk_change"], "id") for r in candidate["training_recommendations"]]
    else:
        expect(detail.locator(".recommendation-note")).to_have_text(candidate["recommendation_note"])
    assert "log-odds" not in page.inner_text("body") and "log odds" not in page.inner_text("body")
    fits(page)                                  # the open detail too: bars, charts, history tables
    assert script_errors == []


def save_decision(page, action: str, employee: str | None, note: str) -> dict:
    """Fill and submit the decision form; the server's answer (id, conflicts)."""
    page.select_option("#action", action)
    if employee is not None:
        page.select_option("#decision-employee", employee)
    page.fill("#note", note)
    with page.expect_response(lambda r: r.url.endswith("/review/api/decisions") and r.request.method == "POST") as got:
        page.click("#save-decision")
    expect(page.locator("#decision-status")).to_have_class(re.compile(r"\bok\b"))
    return got.value.json()


def test_reorder_and_accept_are_recorded_and_shown_after_reload(page, server, store, script_errors):
    as_of = "2021-02-01"
    audit_id = open_ranking(page, server, as_of)
    expect(page.locator("#no-decisions")).to_be_visible()
    rows = page.locator("#candidates tbody tr.candidate")
    before = rows.evaluate_all("rs => rs.map(r => r.dataset.employee)")
    assert len(before) >= 2
    rows.nth(1).locator(".move-up").click()
    expect(page.locator("#order-changed")).to_be_visible()
    expect(page.locator("#action")).to_have_value("reorder")
    reordered = rows.evaluate_all("rs => rs.map(r => r.dataset.employee)")
    assert reordered == [before[1], before[0], *before[2:]]
    expect(rows.first.locator(".order")).to_have_text("1")

    page.fill("#reviewer", "Rina (BKPSDM)")
    page.fill("#note", "Pengalaman <b>kesehatan</b> lebih relevan")
    page.click("#save-decision")
    expect(page.locator("#decision-status")).to_have_class(re.compile(r"\bok\b"))
    expect(page.locator("#decisions .decision-item")).to_have_count(1)
    expect(page.locator("#decisions .note")).to_have_text("Pengalaman <b>kesehatan</b> lebih relevan")
    assert not note_looks_invalid(page), "an emptied note after a save is not an error"
    expect(page.locator("#note")).to_have_value("")
    expect(page.locator("#reviewer")).to_have_value("Rina (BKPSDM)")

    [decision] = AuditLog(store["audit"]).decisions(audit_id)
    assert decision["action"] == "reorder" and decision["reviewer"] == "Rina (BKPSDM)"
    assert (decision["caller"], decision["peer"]) == ("anonymous@loopback", "127.0.0.1")
    assert decision["order"] == reordered and decision["employee_id"] is None
    assert decision["note"] == "Pengalaman <b>kesehatan</b> lebih relevan"

    saved = save_decision(page, "accept", before[1], "Diterima setelah wawancara")
    assert saved["conflicts"] == []
    expect(page.locator("#decision-conflicts")).to_be_hidden()
    expect(page.locator("#decisions .decision-item")).to_have_count(2)
    accepted = AuditLog(store["audit"]).decisions(audit_id)[-1]
    assert (accepted["action"], accepted["employee_id"]) == ("accept", before[1])
    assert not note_looks_invalid(page)

    # accepting a second candidate for the same post contradicts the first: saved, and said
    saved = save_decision(page, "accept", before[0], "Keduanya layak")
    assert saved["conflicts"], "the server reports the earlier acceptance"
    warning = page.locator("#decision-conflicts")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("bertentangan")
    assert warning.locator("li").all_text_contents() == [c["message_id"] for c in saved["conflicts"]]
    expect(page.locator("#decisions .decision-item")).to_have_count(3)

    # another ranking of the same post and date (another top_k): its decisions belong to the history
    other = httpx.post(f"{server}/review/api/rankings", json={"position_id": POSITION, "as_of": as_of, "top_k": 5})
    other_id = int(other.headers["X-Audit-Id"])
    assert other_id != audit_id
    shown = AuditLog(store["audit"]).ranking(other_id)["results"]
    order = [r["employee_id"] for r in shown]
    response = httpx.post(f"{server}/review/api/decisions", json={
        "ranking_id": other_id, "reviewer": "Budi", "action": "reject", "order": order, "employee_id": order[-1],
        "note": "Lewat alat lain"})
    assert response.status_code == 201, response.text

    page.reload()
    expect(page.locator("#candidates tbody tr.candidate").first).to_be_visible()
    reopened = int(page.locator("article.ranking").get_attribute("data-audit-id"))
    assert reopened == audit_id, "viewing the same ranking again is not a new audit entry"
    items = page.locator("#decisions .decision-item")
    expect(items).to_have_count(4)
    expect(items.first).to_contain_text("Lewat alat lain")                 # newest first
    expect(items.first).to_have_attribute("data-ranking-id", str(other_id))
    expect(items.nth(1)).to_contain_text("Keduanya layak")
    expect(items.nth(3)).to_contain_text("Pengalaman <b>kesehatan</b> lebih relevan")
    expect(items.nth(3)).to_have_attribute("data-ranking-id", str(audit_id))
    names = {c["employee_id"]: c["display_name"] or c["employee_id"] for c in api_ranking(server, as_of)["candidates"]}
    expect(items.nth(1).locator(".employee")).to_have_text(names[before[0]])
    expect(page.locator("#reviewer")).to_have_value("Rina (BKPSDM)")
    assert script_errors == []


def test_a_decision_without_a_note_is_refused(page, server, store, script_errors):
    audit_id = open_ranking(page, server, "2021-03-01")
    page.fill("#reviewer", "Budi")
    page.click("#save-decision")                            # empty note: the browser refuses
    expect(page.locator("#note:invalid")).to_have_count(1)
    assert page.locator("#note").evaluate("n => n.validationMessage")
    page.fill("#note", "   ")                               # blank note: refused too
    page.click("#save-decision")
    expect(page.locator("#note:invalid")).to_have_count(1)
    expect(page.locator("#decision-status")).to_have_text("")

    # without the browser's check, the server refuses it with a problem document
    page.evaluate("() => { document.getElementById('decision').noValidate = true; }")
    page.fill("#note", "")
    page.click("#save-decision")
    expect(page.locator("#decision-status")).to_have_class(re.compile(r"\bfailed\b"))
    expect(page.locator("#decision-status")).to_contain_text("(note)")
    order = page.locator("#candidates tbody tr.candidate").evaluate_all("rs => rs.map(r => r.dataset.employee)")
    for note in (None, "", "  \n "):
        body = {"ranking_id": audit_id, "reviewer": "Budi", "action": "reject", "order": order,
                "employee_id": order[0], **({} if note is None else {"note": note})}
        response = httpx.post(f"{server}/review/api/decisions", json=body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["field"] == "note"
    assert AuditLog(store["audit"]).decisions(audit_id) == []
    with sqlite3.connect(store["audit"]) as db:
        assert db.execute("SELECT count(*) FROM decisions WHERE ranking_id = ?", (audit_id,)).fetchone()[0] == 0
    assert script_errors == []


def test_english_switch_keeps_the_view_and_screenshots(page, server, store, tmp_path, script_errors):
    audit_id = open_ranking(page, server, "2021-01-01")
    logged = n_rankings(store)
    expect(page.locator("#show")).to_have_text("Tampilkan peringkat")
    expect(page.locator("#candidates thead")).to_contain_text("Risiko penyesuaian")
    page.locator("#candidates tbody tr.candidate").first.locator(".show-detail").click()
    indonesian = tmp_path / "review-id.png"
    page.screenshot(path=str(indonesian), full_page=True)

    page.click("#lang-switch")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert "lang=en" in page.url and f"position={POSITION}" in page.url and "as_of=2021-01-01" in page.url
    expect(page.locator("#candidates tbody tr.candidate").first).to_be_visible()
    expect(page.locator("#show")).to_have_text("Show ranking")
    expect(page.locator("#candidates thead")).to_contain_text("Adjustment risk")
    expect(page.locator("#as-of")).to_have_value("2021-01-01")
    # the same ranking in other words: the same audit entry, no new one
    assert int(page.locator("article.ranking").get_attribute("data-audit-id")) == audit_id
    assert n_rankings(store) == logged
    expected = api_ranking(server, "2021-01-01", lang="en")
    flagged = next(c for c in expected["candidates"] if c["flags"])
    assert page.locator(f'tr.candidate[data-employee="{flagged["employee_id"]}"] .flag').all_text_contents() == [
        texts.flag_text(f, "en") for f in flagged["flags"]]
    expect(page.locator("#auditor-details summary")).to_have_text("Details for auditors")
    expect(page.locator("#lang-switch")).to_have_text("Bahasa Indonesia")
    assert "lang=id" in page.locator("#lang-switch").get_attribute("href")
    page.locator("#candidates tbody tr.candidate").first.locator(".show-detail").click()
    expect(page.locator("section.detail:visible figure.shap").first).to_contain_text("SKP points")
    expect(page.locator('section.detail:visible figure.shap[data-target="risk"]')).to_contain_text("percentage points")

    english = tmp_path / "review-en.png"
    page.screenshot(path=str(english), full_page=True)
    for shot in (indonesian, english):
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000, shot
    assert script_errors == []


def test_a_token_protects_the_review_data(store, browser):
    proc, url = start_server(store, {"MUTASI_API_TOKENS": "rina:s3cret,bkd-tool:other-token"})
    try:
        assert httpx.get(f"{url}/review").status_code == 200            # the shell holds no data
        for method, path in (("GET", "/review/api/model"), ("GET", "/review/api/positions?q=p"),
                             ("POST", "/review/api/rankings"), ("POST", "/review/api/decisions")):
            response = httpx.request(method, url + path, json={} if method == "POST" else None)
            assert response.status_code == 401, (path, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
        assert httpx.get(f"{url}/review/api/positions?q=p", headers={"Authorization": "Bearer s3cret"}).status_code == 200

        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/review?position={POSITION}&as_of=2021-06-01")      # a ranking nobody logged yet
        expect(page.locator("#token-bar")).to_be_visible()
        expect(page.locator("#token-why")).to_be_hidden()         # nothing went wrong yet
        page.fill("#token", "wrong-token")
        page.click("#token-bar button")
        expect(page.locator("#token-bar")).to_be_visible()        # asked again, saying why
        expect(page.locator("#token-why")).to_be_visible()
        expect(page.locator("#token-why")).to_contain_text("Token ditolak")
        assert page.evaluate("sessionStorage.getItem('mutasi.token')") is None, "a refused token is forgotten"
        expect(page.locator("#candidates")).to_have_count(0)
        page.fill("#token", "s3cret")
        page.click("#token-bar button")
        expect(page.locator("#token-bar")).to_be_hidden()
        expect(page.locator("#model-version")).to_be_visible()
        expect(page.locator("#candidates tbody tr.candidate").first).to_be_visible()
        audit_id = int(page.locator("article.ranking").get_attribute("data-audit-id"))
        assert AuditLog(store["audit"]).ranking(audit_id)["caller"] == "rina"      # the token's name
        bars = page.locator("figure.shap .bar, figure.competencies .bar")
        assert bars.evaluate_all("bs => bs.filter(b => b.style.width !== '').length") == bars.count() > 0
        context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_print_gives_a_one_page_summary_for_the_minutes(page, server, store, script_errors):
    audit_id = open_ranking(page, server, "2021-05-01")
    expected = api_ranking(server, "2021-05-01")
    page.fill("#reviewer", "Rina (BKPSDM)")
    save_decision(page, "accept", expected["candidates"][0]["employee_id"], "Untuk notulen")
    page.locator("#candidates tbody tr.candidate").first.locator(".show-detail").click()
    expect(page.locator("#print")).to_be_visible()

    page.emulate_media(media="print")
    for shown in ("h1", "#ranking-title", "#ranking-model-version", "#candidates", "#decisions .decision-item"):
        expect(page.locator(shown).first).to_be_visible()
    expect(page.locator("#ranking-model-version")).to_have_text(expected["model"]["version"])
    expect(page.locator(".print-title")).to_be_visible()
    first = expected["candidates"][0]
    expect(page.locator("#candidates tbody tr.candidate").first).to_contain_text(first["display_name"]
                                                                                  or first["employee_id"])
    expect(page.locator("#candidates tbody tr.candidate").first.locator(".reason-for")).to_be_visible()
    for hidden in ("nav", "#pick", "#decision", "section.detail", "figure.shap", "#excluded", ".actions",
                   "button.move-up", "#auditor-details"):
        assert page.locator(hidden).evaluate_all("els => els.every(e => !e.checkVisibility())"), hidden
    pdf = page.pdf(format="A4")
    assert pdf[:5] == b"%PDF-" and len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1, "one page"
    page.emulate_media(media="screen")
    expect(page.locator("#pick")).to_be_visible()
    assert AuditLog(store["audit"]).decisions(audit_id)[-1]["note"] == "Untuk notulen"
    assert script_errors == []
