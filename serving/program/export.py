"""The evaluation's files: ``evaluation.json`` (``ProgramEvaluation.to_dict()`` with a
schema version; a non-finite number is ``null``) and ``report.html``, each written whole
(a temporary file beside it, then renamed: a failure leaves the old file or none, never
half a new one). :func:`from_document` reads the JSON back into the dataclasses."""

import json
import math
from pathlib import Path

from serving.files import write_whole
from serving.program.results import (
    DidResult,
    DidSettings,
    DoseResult,
    Estimate,
    EventEffect,
    PreTrend,
    ProgramEvaluation,
)

SCHEMA_VERSION = 1
SCHEMA_KEY = "schema_version"
REPORT_HTML = "report.html"
EVALUATION_JSON = "evaluation.json"


def _finite(value):
    """NaN and infinities as None, recursively (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def document(evaluation: ProgramEvaluation) -> dict:
    """The JSON document: the schema version, then every field of the evaluation."""
    return {SCHEMA_KEY: SCHEMA_VERSION, **_finite(evaluation.to_dict())}


def to_json(evaluation: ProgramEvaluation) -> str:
    return json.dumps(document(evaluation), ensure_ascii=False, indent=1, allow_nan=False)


def _float(value) -> float:
    return math.nan if value is None else float(value)


def _estimate(d: dict) -> Estimate:
    return Estimate(**{k: _float(d[k]) for k in ("estimate", "std_error", "ci_low", "ci_high", "p_value")})


def _events(items: list) -> tuple[EventEffect, ...]:
    return tuple(EventEffect(event_time=int(e["event_time"]), effect=_estimate(e["effect"]),
                             cohorts=int(e["cohorts"]), reference=bool(e["reference"])) for e in items)


def _pretrend(d: dict | None) -> PreTrend | None:
    return None if d is None else PreTrend(statistic=_float(d["statistic"]), dof=int(d["dof"]),
                                           p_value=_float(d["p_value"]))


def _did(d: dict | None) -> DidResult | None:
    if d is None:
        return None
    return DidResult(outcome=d["outcome"], split=d["split"], group=d["group"], att=_estimate(d["att"]),
                     events=_events(d["events"]), pretrend=_pretrend(d["pretrend"]), naive=_estimate(d["naive"]),
                     n_treated=int(d["n_treated"]), n_comparison=int(d["n_comparison"]), n_rows=int(d["n_rows"]),
                     cohorts=tuple(int(c) for c in d["cohorts"]), truth=d.get("truth"))


def _dose(d: dict) -> DoseResult:
    return DoseResult(indicator=d["indicator"], higher_is_better=bool(d["higher_is_better"]), att=_estimate(d["att"]),
                      events=_events(d["events"]), pretrend=_pretrend(d["pretrend"]), naive=_estimate(d["naive"]),
                      n_units=int(d["n_units"]), n_rows=int(d["n_rows"]), truth=d.get("truth"))


def from_document(doc: dict) -> ProgramEvaluation:
    """The evaluation a :func:`document` describes; ValueError for another schema version."""
    if doc.get(SCHEMA_KEY) != SCHEMA_VERSION:
        raise ValueError(f"evaluation schema version {doc.get(SCHEMA_KEY)!r}, expected {SCHEMA_VERSION}")
    return ProgramEvaluation(
        since=doc["since"], until=doc["until"], periods=tuple(int(p) for p in doc["periods"]),
        settings=DidSettings(**doc["settings"]), main=tuple(_did(d) for d in doc["main"]),
        placebo=_did(doc["placebo"]), splits=tuple(_did(d) for d in doc["splits"]),
        satisfaction=_did(doc["satisfaction"]), service=tuple(_dose(d) for d in doc["service"]),
        notices=tuple(doc["notices"]), data=dict(doc["data"]))




def write_files(evaluation: ProgramEvaluation, folder: Path, lang: str = "id") -> dict[str, Path]:
    """``report.html`` and ``evaluation.json`` in ``folder`` (created), written whole."""
    from serving.program.report import report_html

    folder.mkdir(parents=True, exist_ok=True)
    files = {folder / REPORT_HTML: report_html(evaluation, lang).encode("utf-8"),
             folder / EVALUATION_JSON: to_json(evaluation).encode("utf-8")}
    write_whole(files)
    return {path.name: path for path in files}
