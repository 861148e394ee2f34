"""Files of what was recorded: a ranking of the audit log and a round plan, as CSV or XLSX
for people (the reviewer page's export buttons).

A recorded ranking keeps its order and numbers (rank, score, predictions) but not the
words around them. :func:`ranking_export` takes the order and numbers from the audit log
and the words (names, posts, reasons, flags, trainings) from ranking the recorded request
again in the language asked, when the model that served it is still the champion and gives
the same list; otherwise the words are left empty rather than made up.
"""

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from features.eligibility import rules_label
from serving.errors import RankingError
from serving.planning.document import Plan
from serving.planning.export import PLAN_CSV, PLAN_XLSX, plan_files
from serving.planning.service import recorded_plan
from serving.planning.words import Names
from serving.ranking import rank
from serving.ranking_export import CSV, MEDIA_TYPES, XLSX, PostNames, export_bytes, file_name, ranking_rows
from serving.requests import RankingRequest, ranking_call
from serving.service import AppState

PLAN_FILES = {CSV: PLAN_CSV, XLSX: PLAN_XLSX}
PLAN_STEM = ("rencana-mutasi", "transfer-plan")


@dataclass(frozen=True)
class ExportFile:
    body: bytes
    media_type: str
    name: str


def recorded_request(entry: dict, lang: str) -> RankingRequest:
    """The API request a recorded ranking answered, in ``lang`` (fields the request model
    no longer knows are left out)."""
    asked = {k: v for k, v in entry["request"].items() if k in RankingRequest.model_fields}
    return RankingRequest.model_validate({**asked, "lang": lang})


def recorded_candidates(state: AppState, entry: dict, lang: str) -> list[dict]:
    """The candidates of a recorded ranking: order and numbers as recorded, words from the
    same model's ranking of the same request when it lists the same employees."""
    recorded = entry["results"]
    names = state.context.display_names
    plain = [{**r, "display_name": names.get(r["employee_id"])} for r in recorded]
    served = state.champion.get()
    if served.version != str(entry["model_version"]) or served.name != str(entry["model_name"]):
        return plain
    if entry.get("rules") not in (None, rules_label(state.rules)):      # ranked under another rule pack
        return plain
    call = ranking_call(recorded_request(entry, lang))
    call = replace(call, options=replace(call.options, rules=state.rules))
    again = rank(state.context, served, call.position_id, call.as_of, call.options, call.vacancy).to_document()
    if [c["employee_id"] for c in again["candidates"]] != [r["employee_id"] for r in recorded]:
        return plain
    return [{**c, **r} for c, r in zip(again["candidates"], recorded)]


def ranking_export(state: AppState, audit_id: int, fmt: str, lang: str) -> ExportFile:
    """A recorded ranking as a CSV or XLSX file; RankingError naming ``ranking_id`` when the
    audit log has no such ranking."""
    entry = state.audit.ranking(audit_id)
    if entry is None:
        raise RankingError("ranking_id", f"no ranking with audit id {audit_id}")
    names = Names.from_context(state.context)
    rows = ranking_rows(recorded_candidates(state, entry, lang), PostNames(names.titles, names.unit_names), lang)
    title = names.title(entry["position_id"]) or entry["position_id"]
    caption = f"{title} ({entry['position_id']}) · {entry['as_of']} · {entry['model_name']} v{entry['model_version']}"
    return ExportFile(export_bytes(rows, fmt, lang, caption), MEDIA_TYPES[fmt],
                      file_name(entry["position_id"], entry["as_of"], audit_id, fmt, lang))


def plan_export(state: AppState, audit_id: int, fmt: str, lang: str) -> ExportFile:
    """A recorded plan's moves as ``plan.csv`` or its workbook ``plan.xlsx``
    (:func:`serving.planning.export.plan_files`); PlanNotFound when there is no such plan."""
    entry = recorded_plan(state, audit_id)
    plan = Plan.model_validate({k: v for k, v in entry["document"].items() if k != "audit_id"})
    writer = plan_files(plan, state.context, lang)[PLAN_FILES[fmt]]
    with tempfile.TemporaryDirectory(prefix="mutasi-plan-") as folder:
        path = Path(folder) / PLAN_FILES[fmt]
        writer(path)
        body = path.read_bytes()
    stem = PLAN_STEM[0] if lang == "id" else PLAN_STEM[1]
    return ExportFile(body, MEDIA_TYPES[fmt], f"{stem}-{audit_id}.{fmt}")
