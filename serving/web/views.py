"""What the reviewer pages show, as plain dicts for the templates: the model panel, each
candidate by name with current post, unit, grade, reasons and flags in words, SHAP bars in
the prediction's unit (SKP points, percentage points of risk), competency chart and history
(only records dated before the decision date, as the models saw them), the decision
history of a post and date. The round plan's page: :mod:`serving.web.plan_views`."""

import threading
from datetime import date
from pathlib import PureWindowsPath
from urllib.parse import urlsplit, urlunsplit

import pandas as pd

from features import columns as c
from features import vocab as v
from features.snapshot import GRADE_RANK, level_column
from serving import texts
from serving.context import ServingContext
from serving.limits import EARLIEST_AS_OF, LATEST_AS_OF, MAX_ID_LENGTH, MAX_TOP_K
from serving.web import labels as L

TOP_CHOICES = (5, 10, 20)         # the page's top-k menu (any 1..MAX_TOP_K in a link)
DEFAULT_TOP = 10
LAST_APPRAISALS = 5
LAST_TRAININGS = 10
LOCAL_MLFLOW_UI = "http://127.0.0.1:5000"
HIDDEN_DIR = "\u2026"                 # stands for a directory the page does not show

_experiments: dict[tuple[str, str], str | None] = {}
_experiments_lock = threading.Lock()


def day(value) -> str | None:
    """ISO date of a timestamp, None when missing."""
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date().isoformat()


def experiment_id(uri: str, run_id: str) -> str | None:
    """The MLflow experiment of a run (cached; None when the store cannot say)."""
    key = (uri, run_id)
    with _experiments_lock:
        if key in _experiments:
            return _experiments[key]
    try:
        from mlflow import MlflowClient

        found = MlflowClient(tracking_uri=uri).get_run(run_id).info.experiment_id
    except Exception:  # noqa: BLE001 - an unreachable store must not break the page
        found = None
    with _experiments_lock:
        _experiments[key] = found
    return found


def page_query(lang: str, position: str, as_of: str, top: str) -> dict:
    """The page's query values; odd ones fall back to the defaults (no error page)."""
    position = position.strip()
    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        day = None
    return {"lang": lang if lang in texts.LANGS else "id",
            "position": position if len(position) <= MAX_ID_LENGTH else "",
            "as_of": as_of if day is not None and EARLIEST_AS_OF <= day <= LATEST_AS_OF else "",
            "top": int(top) if top.isdigit() and 1 <= int(top) <= MAX_TOP_K else DEFAULT_TOP}


def searchable_titles(context: ServingContext) -> pd.DataFrame:
    """Positions (by id) with title, unit name, type and a lowercase search text."""
    table = context.position_titles().set_index(c.POSITION_ID)
    table["search"] = (table.index.astype(str) + " " + table[c.TITLE].astype(str) + " "
                       + table["unit_name"].astype(str)).str.casefold()
    return table


def search_positions(table: pd.DataFrame, query: str, lang: str, limit: int) -> list[dict]:
    """Positions whose id, title or unit name contain every word of ``query``."""
    mask = pd.Series(True, index=table.index)
    for word in query.strip().casefold().split():
        mask &= table["search"].str.contains(word, regex=False)
    hits = []
    for pid, row in table[mask].head(limit).iterrows():
        kind = row[c.POSITION_TYPE]
        hits.append({"position_id": str(pid), "title": str(row[c.TITLE]), "unit_name": str(row["unit_name"]),
                     "position_type": L.pick(texts.POSITION_TYPE_NAMES.get(kind, (kind, kind)), lang)})
    return hits



def person(employee_id: str, name: str | None) -> str:
    """How the page names an employee: the display name, else the id."""
    return name.strip() if isinstance(name, str) and name.strip() else employee_id


def _grade(cand: dict, snap_row: pd.Series | None) -> str:
    """The candidate's current grade (``III/b``), from the document, else the snapshot."""
    if cand.get("current_grade"):
        return str(cand["current_grade"])
    return (None if snap_row is None else texts.grade_name(snap_row.get(GRADE_RANK))) or "-"


def candidate_views(context: ServingContext, table: pd.DataFrame, document: dict, lang: str) -> list[dict]:
    """Each ranked candidate with name, current post, unit and grade, reasons and flags in
    words, numbers in words, SHAP bars in the prediction's unit, competencies and history."""
    as_of = pd.Timestamp(document["as_of"])
    snap = context.snapshot(as_of).set_index(c.EMPLOYEE_ID)
    unit_names = context.dataset.units.set_index(c.UNIT_ID)[c.NAME]
    pid = document["position_id"]
    views = []
    for cand in document["candidates"]:
        eid = cand["employee_id"]
        row = snap.loc[eid] if eid in snap.index else None
        current = cand.get("current_position_id")
        unit_id = cand.get("current_unit_id")
        baseline = cand.get("baseline") or {}
        views.append({
            **cand, "name": person(eid, cand.get("display_name")), "named": bool(cand.get("display_name")),
            "performance_text": texts.number(cand["predicted_performance"], lang, 2),
            "risk_text": percent(cand["adjustment_risk"], lang), "score_text": texts.number(cand["score"], lang, 2),
            "current_title": table[c.TITLE].get(current, current or "-"),
            "current_unit": unit_names.get(unit_id) if unit_id else table["unit_name"].get(current, ""),
            "grade": _grade(cand, row),
            "flag_words": [{"code": str(f), "text": L.flag(str(f), lang)} for f in cand.get("flags") or []],
            "distance_text": None if cand.get("distance_km") is None else texts.number(cand["distance_km"], lang, 0),
            "shap": [shap_chart(cand["explanations"], "performance", baseline.get("performance"), lang),
                     shap_chart(cand["explanations"], "risk", baseline.get("risk"), lang)],
            "competencies": competency_chart(context, pid, row, lang),
            "recommendations": recommendation_rows(cand, lang),
            "history": history(context, eid, as_of, lang)})
    return views


def decision_views(decided: list[dict], names: dict[str, str], lang: str) -> list[dict]:
    """Decisions (oldest first, as the audit log keeps them) for the page, newest first,
    with the action and the people in words."""
    return [{**d, "action_text": L.action(d["action"], lang),
             "employee_name": person(d["employee_id"], names.get(d["employee_id"])) if d.get("employee_id") else None,
             "order_names": [person(e, names.get(e)) for e in d.get("order") or []]}
            for d in reversed(decided)]


def last_part(path: str) -> str:
    """The last part of a POSIX or Windows path."""
    return PureWindowsPath(path).name


def public_uri(uri: str) -> str:
    """A tracking URI fit for a reviewer's page: no file path (the store's file name only),
    no user or password in a server address."""
    if uri.startswith(("http://", "https://")):
        parts = urlsplit(uri)
        return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    scheme, sep, path = uri.partition("://")
    if not sep:
        scheme, path = "", uri
    name = last_part(path) or "mlflow"
    return f"{scheme}:///{HIDDEN_DIR}/{name}" if scheme else f"{HIDDEN_DIR}/{name}"


def public_value(value):
    """Metadata values with any absolute path cut to its last part."""
    if isinstance(value, str) and (value.startswith("/") or "://" in value and not value.startswith("http")
                                   or PureWindowsPath(value).drive):
        return public_uri(value) if "://" in value else f"{HIDDEN_DIR}/{last_part(value)}"
    return value


def mlflow_link(uri: str, run_id: str) -> dict:
    """A link to the run when the tracking server has a web UI, else how to open one
    (the store named by its file name only: the page never shows server paths)."""
    exp = experiment_id(uri, run_id) if run_id else None
    run_path = f"#/experiments/{exp}/runs/{run_id}" if exp is not None else None
    shown = public_uri(uri)
    if uri.startswith(("http://", "https://")):
        return {"kind": "http", "uri": shown, "url": f"{shown.rstrip('/')}/{run_path}" if run_path else None}
    return {"kind": "local", "uri": shown, "path": shown.rpartition("://")[2],
            "command": f"mlflow ui --backend-store-uri {shown}",
            "url": f"{LOCAL_MLFLOW_UI}/{run_path}" if run_path else None}


def model_view(served, uri: str, dataset_source: str) -> dict:
    """The model panel: version, run, data window; server paths cut to their last part."""
    meta = {key: public_value(value) for key, value in (served.bundle.metadata or {}).items()}
    return {"name": served.name, "version": served.version, "run_id": served.run_id,
            "dataset_end": meta.get("dataset_end"), "valid_from": meta.get("performance_valid_from"),
            "test_from": meta.get("performance_test_from"), "n_events": meta.get("n_events"),
            "data_source": meta.get("data_source"), "fingerprint": str(meta.get("data_fingerprint") or "")[:12],
            "served_data": last_part(dataset_source), "metadata": meta,
            "mlflow": mlflow_link(uri, served.run_id)}


def shap_chart(explanations: list[dict], target: str, baseline: float | None, lang: str) -> dict:
    """Signed horizontal bars of one target's contributions, largest first, in the unit of
    the prediction (SKP points; percentage points of risk).

    A bar is ``good`` when it helps the candidate (a positive contribution to performance,
    a negative one to risk), ``bad`` when it hurts, ``neutral`` when it is zero."""
    items = [e for e in explanations if e["target"] == target]
    largest = max((abs(e["contribution"]) for e in items), default=0.0) or 1.0
    rows = []
    for e in items:
        value = float(e["contribution"])
        helps = value > 0 if target == "performance" else value < 0
        rows.append({"feature": e["feature"], "label": e["label"], "contribution": value,
                     "text": texts.effect_text(target, value, lang),
                     "side": "pos" if value >= 0 else "neg",
                     "tone": "neutral" if value == 0 else "good" if helps else "bad",
                     "width": round(50.0 * abs(value) / largest, 2)})
    return {"target": target, "rows": rows,
            "base": None if baseline is None else texts.baseline_text(target, float(baseline), lang)}


def competency_chart(context: ServingContext, position_id: str, snap_row: pd.Series | None, lang: str) -> list[dict]:
    """Required level of each competency the post asks for, next to the latest assessed one."""
    standards = context.positions.standards
    if position_id not in standards.index:
        return []
    rows = []
    for code, required in standards.loc[position_id].dropna().items():
        assessed = None if snap_row is None else snap_row.get(level_column(str(code)))
        assessed = None if assessed is None or pd.isna(assessed) else float(assessed)
        rows.append({"code": str(code), "name": texts.competency_name(str(code), lang), "required": float(required),
                     "assessed": assessed, "required_pct": round(100 * float(required) / v.MAX_LEVEL, 1),
                     "assessed_pct": None if assessed is None else round(100 * min(assessed, v.MAX_LEVEL) / v.MAX_LEVEL, 1),
                     "required_text": texts.number(float(required), lang),
                     "assessed_text": None if assessed is None else texts.number(assessed, lang),
                     "below": assessed is not None and assessed < float(required)})
    return rows


def _rating(code, lang: str) -> str:
    score = v.RATING_SCORE.get(code)
    return L.pick(texts.RATING_NAMES[score], lang) if score else str(code or "-")


def _expectation(code, lang: str) -> str:
    key = v.EXPECTATION_SCORE.get(code) if isinstance(code, str) else None
    return L.pick(texts.EXPECTATION_NAMES[key], lang) if key is not None else "-"


def history(context: ServingContext, employee_id: str, as_of: pd.Timestamp, lang: str) -> dict:
    """Posts held, last appraisals and trainings of one employee, dated before ``as_of``."""
    data = context.dataset
    positions = data.positions.set_index(c.POSITION_ID)
    unit_names = data.units.set_index(c.UNIT_ID)[c.NAME]

    held = data.assignments[(data.assignments[c.EMPLOYEE_ID] == employee_id) & (data.assignments[c.START_DATE] < as_of)]
    posts = []
    next_start = None           # a post without an end date ended when the next one started
    for row in held.sort_values(c.START_DATE, ascending=False).itertuples(index=False):
        pid = getattr(row, c.POSITION_ID)
        end = getattr(row, c.END_DATE)
        end = end if pd.notna(end) and end < as_of else next_start
        known = pid in positions.index
        posts.append({"position_id": pid, "title": positions.at[pid, c.TITLE] if known else pid,
                      "unit": unit_names.get(positions.at[pid, c.UNIT_ID], "") if known else "",
                      "start": day(getattr(row, c.START_DATE)), "end": day(end),
                      "move_type": L.move_type(getattr(row, c.MOVE_TYPE), lang)})
        next_start = getattr(row, c.START_DATE)

    rated = data.appraisals[(data.appraisals[c.EMPLOYEE_ID] == employee_id) & (data.appraisals[c.PERIOD_END] < as_of)]
    appraisals = [{"start": day(getattr(r, c.PERIOD_START)), "end": day(getattr(r, c.PERIOD_END)),
                   "rating": _rating(getattr(r, c.RATING), lang),
                   "work_result": _expectation(getattr(r, c.WORK_RESULT, None), lang),
                   "work_behavior": _expectation(getattr(r, c.WORK_BEHAVIOR, None), lang)}
                  for r in rated.sort_values(c.PERIOD_END, ascending=False).head(LAST_APPRAISALS).itertuples(index=False)]

    catalog = data.training_catalog.set_index(c.TRAINING_CODE)
    done = data.trainings[(data.trainings[c.EMPLOYEE_ID] == employee_id) & (data.trainings[c.END_DATE] < as_of)]
    trainings = []
    for r in done.sort_values(c.END_DATE, ascending=False).head(LAST_TRAININGS).itertuples(index=False):
        code = getattr(r, c.TRAINING_CODE)
        known = code in catalog.index
        hours = getattr(r, c.HOURS)
        trainings.append({"code": code, "name": catalog.at[code, c.NAME] if known else code,
                          "category": str(catalog.at[code, c.CATEGORY]).replace("_", " ") if known else "",
                          "end": day(getattr(r, c.END_DATE)),
                          "hours": texts.number(float(hours), lang) if pd.notna(hours) else "-"})
    return {"posts": posts, "appraisals": appraisals, "trainings": trainings}


def recommendation_rows(candidate: dict, lang: str) -> list[dict]:
    """A candidate's training recommendations; the expected changes in percentage points of
    risk and SKP points."""
    rows = []
    for rec in candidate.get("training_recommendations", []):
        risk = float(rec["expected_risk_change"])
        perf = float(rec.get("expected_performance_change") or 0.0)
        rows.append({"code": rec["training_code"], "name": rec["name"], "reason": rec["reason"],
                     "risk_change": texts.effect_text("risk", risk, lang),
                     "perf_change": texts.effect_text("performance", perf, lang),
                     "hours": None if rec.get("hours") is None else texts.number(float(rec["hours"]), lang)})
    return rows


def percent(value: float, lang: str) -> str:
    return texts.number(100 * float(value), lang) + "%"
