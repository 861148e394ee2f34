"""The programme evaluation's report, JSON and MLflow run on hand-made evaluations
(tests/program_evaluation.py: they test rendering, not estimation). Expected numbers and
words come from the evaluation built and the word tables, never from the page itself."""

import json
import math
import re
from dataclasses import replace

import pytest
from markupsafe import escape

from serving.program import export, report, tracking
from serving.program import words as w
from serving.program.results import Estimate, Outcome

from program_evaluation import estimate, evaluation

pytestmark = pytest.mark.code
MINUS = "\u2212"


def shown(value: float, lang: str) -> str:
    """A number as people read it, written independently of the code under test."""
    text = f"{abs(value):.2f}"
    return (MINUS if round(value, 2) < 0 else "") + (text.replace(".", ",") if lang == "id" else text)


def interval(e: Estimate, lang: str, factor: float = 1.0) -> str:
    sep = "; " if lang == "id" else ", "
    return f"[{shown(e.ci_low * factor, lang)}{sep}{shown(e.ci_high * factor, lang)}]"


def pair(key: str, lang: str) -> str:
    return w.TEXTS[key][0 if lang == "id" else 1]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_outcome_with_did_beside_naive(lang):
    e = evaluation(1.0)
    page = report.report_html(e, lang)
    table = page.split('id="findings"')[1].split("</table>")[0]
    rows = re.findall(r'<tr class="outcome">(.*?)</tr>', table, re.S)
    assert len(rows) == len(e.main)
    for row, r in zip(rows, e.main):
        factor = 100.0 if r.outcome in (Outcome.SANCTION, Outcome.EXIT) else 1.0
        assert str(escape(w.OUTCOMES[Outcome(r.outcome)][0 if lang == "id" else 1])) in row
        did = re.search(r'class="num did[^"]*">([^<]*)<', row).group(1)
        naive = re.search(r'class="num naive">([^<]*)<', row).group(1)
        assert shown(r.att.estimate * factor, lang) in did and interval(r.att, lang, factor) in did
        assert shown(r.naive.estimate * factor, lang) in naive and interval(r.naive, lang, factor) in naive
    assert str(escape(w.OUTCOMES[Outcome.SATISFACTION][0 if lang == "id" else 1])) in page
    assert interval(e.satisfaction.att, lang) in page


def test_plots_are_embedded_and_nothing_outside_is_referenced():
    e = evaluation(1.0)
    page = report.report_html(e, "id")
    plots = len(e.main) + 1 + 1 + 1 + len(e.service)        # outcomes, placebo, groups, satisfaction, service
    assert page.count("<svg") == plots
    assert "<script" not in page and "<link" not in page and "<img" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!#)""", page)        # only links inside the page's SVG
    assert not re.search(r"url\((?!#)", page) and "@import" not in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "two SVGs share an id"


def test_event_plots_mark_the_reference_and_the_eligibility_window():
    e = evaluation(1.0)
    page = report.report_html(e, "en")
    for r in e.main:
        block = page.split(f'id="outcome{e.main.index(r)}"')[1].split("</article>")[0]
        svg = block[block.index("<svg"):block.index("</svg>")]
        assert pair("anticipation", "en") in svg and pair("reference", "en") in svg
        for event in r.events:              # every event time is a tick (a true minus for negatives)
            assert re.search(rf">{shown(event.event_time, 'en').split('.')[0]}<", svg.replace("&#8722;", MINUS))


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_both_summaries_with_the_direction_of_the_effect(sign):
    e = evaluation(sign)
    head = e.main[0]
    assert head.outcome == Outcome.APPRAISAL and head.att.significant
    up = head.att.ci_low > 0
    for lang in ("id", "en"):
        text = w.summary(e, lang)
        said, unsaid = (pair("rose", lang), pair("fell", lang)) if up else (pair("fell", lang), pair("rose", lang))
        assert said in text and unsaid not in text
        assert shown(abs(head.att.estimate), lang) in text and interval(head.att, lang) in text
        assert shown(head.naive.estimate, lang) in text
        page = report.report_html(e, lang)
        other = "en" if lang == "id" else "id"
        first, second = str(escape(w.summary(e, lang))), str(escape(w.summary(e, other)))
        assert first in page and second in page and page.index(first) < page.index(second)


def test_an_unclear_effect_is_said_so():
    e = evaluation(1.0)
    unclear = replace(e.main[0], att=estimate(0.01, 0.2))
    e = replace(e, main=(unclear, *e.main[1:]))
    for lang in ("id", "en"):
        text = w.summary(e, lang)
        name, others = w.OUTCOMES[Outcome.APPRAISAL][0 if lang == "id" else 1], pair("sum_others", lang)
        text = text[text.index(name):text.index(others.split("{")[0])]      # the appraisal score's sentence
        assert pair("unclear", lang) in text and pair("rose", lang) not in text


def test_better_or_worse_follows_the_outcome_direction():
    e = evaluation(1.0)                      # every effect up: better appraisal, more sanctions and exits
    page = report.report_html(e, "en")
    rows = re.findall(r'<tr class="outcome">(.*?)</tr>', page, re.S)
    for row, r in zip(rows, e.main):
        worse = r.outcome in (Outcome.SANCTION, Outcome.EXIT)
        verdict = re.search(r'class="verdict">([^<]*)<', row).group(1)
        assert verdict == pair("worsened" if worse else "improved", "en")
    service = page.split('id="service"')[1]
    assert pair("better", "en") in service and pair("improved", "en") in service


def test_why_the_naive_differs():
    e = evaluation(1.0)                      # naive = DiD − 0.3 on every outcome: lower
    for r in e.main:
        sentence = w.why_differ(r, "en")
        factor = 100.0 if r.outcome in (Outcome.SANCTION, Outcome.EXIT) else 1.0
        assert shown((r.att.estimate - r.naive.estimate) * factor, "en") in sentence
        assert ("lower" in sentence) and ("selected" in sentence) == (r.outcome in w.SELECTED)


def test_notices_and_how_to_read():
    e = evaluation(1.0)
    for lang in ("id", "en"):
        page = report.report_html(e, lang)
        notices = re.findall(r'<li class="notice">([^<]*)<', page)
        assert notices == [str(escape(w.NOTICES[n][0 if lang == "id" else 1])) for n in e.notices]
        how = page.split('id="how"')[1]
        assert f"{-(e.settings.anticipation + 1)}" in how.replace(MINUS, "-")


def test_json_round_trip_and_non_finite_numbers():
    e = evaluation(-1.0)
    nan = replace(e.main[0], att=Estimate(0.1, math.nan, 0.0, 0.2, math.nan))
    e = replace(e, main=(nan, *e.main[1:]))
    text = export.to_json(e)
    doc = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))
    assert doc[export.SCHEMA_KEY] == export.SCHEMA_VERSION and doc["main"][0]["att"]["p_value"] is None
    back = export.from_document(doc)
    assert math.isnan(back.main[0].att.p_value)
    assert replace(back, main=e.main) == replace(e, main=e.main) and back.main[1:] == e.main[1:]
    clean = evaluation(1.0)
    assert export.from_document(json.loads(export.to_json(clean))) == clean
    with pytest.raises(ValueError, match="schema"):
        export.from_document({**doc, export.SCHEMA_KEY: 99})


def test_files_are_written_whole(tmp_path):
    e = evaluation(1.0)
    files = export.write_files(e, tmp_path / "out", "id")
    assert sorted(files) == sorted([export.REPORT_HTML, export.EVALUATION_JSON])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(files)
    assert export.from_document(json.loads(files[export.EVALUATION_JSON].read_text())) == e
    before = {name: path.read_bytes() for name, path in files.items()}
    html, doc = files[export.REPORT_HTML], files[export.EVALUATION_JSON]
    with pytest.raises(TypeError):              # the second body is no bytes: it fails after the first is staged
        export.write_whole({html: b"<p>new</p>", doc: "not bytes"})
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before       # no temporary file left


def test_mlflow_run_has_the_figures_and_the_files(tmp_path, monkeypatch):
    import os

    from mlflow import MlflowClient

    # an earlier test in this process may have left them (mlflow.set_tracking_uri sets them)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)

    e = evaluation(1.0)
    files = export.write_files(e, tmp_path / "out", "en")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    run_id = tracking.log_evaluation(e, list(files.values()), by="domain", tracking_override=uri)
    assert "MLFLOW_TRACKING_URI" not in os.environ and "MLFLOW_REGISTRY_URI" not in os.environ
    client = MlflowClient(tracking_uri=uri)
    run = client.get_run(run_id)
    assert client.get_experiment(run.info.experiment_id).name == tracking.EXPERIMENT
    assert run.data.tags[tracking.KIND_TAG] == tracking.KIND and run.info.status == "FINISHED"
    m = run.data.metrics
    for r in e.main:
        assert m[f"{r.outcome}.att"] == pytest.approx(r.att.estimate)
        assert m[f"{r.outcome}.ci_low"] == pytest.approx(r.att.ci_low)
        assert m[f"{r.outcome}.ci_high"] == pytest.approx(r.att.ci_high)
        assert m[f"{r.outcome}.naive"] == pytest.approx(r.naive.estimate)
        assert m[f"{r.outcome}.pretrend_p"] == pytest.approx(r.pretrend.p_value)
    assert m["placebo.att"] == pytest.approx(e.placebo.att.estimate)
    assert m["service.ikm.att"] == pytest.approx(e.service[0].att.estimate)
    assert all(f"split.{r.split}.{r.group}.att" in m for r in e.splits)
    p = run.data.params
    assert p["since"] == e.since and p["until"] == e.until and p["by"] == "domain"
    assert p["settings.anticipation"] == str(e.settings.anticipation)
    logged = {a.path for a in client.list_artifacts(run_id, tracking.ARTIFACT_DIR)}
    assert logged == {f"{tracking.ARTIFACT_DIR}/{name}" for name in files}
