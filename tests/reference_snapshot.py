"""A slow, obviously correct snapshot of one employee at one date.

Plain Python over the raw typed tables: filter the employee's records dated before t,
then compute each value the way the contract words it. The vectorised builder in
``features.snapshot`` must agree with it.
"""

import math

import pandas as pd

from features import columns as c
from features import snapshot as s
from features import vocab as v
from features.io import Dataset

YEAR = pd.Timedelta(days=365.25)


def _years(later, earlier) -> float:
    return float("nan") if pd.isna(earlier) else (later - earlier) / YEAR


def _mine(table: pd.DataFrame, employee_id: str, date_col: str, t: pd.Timestamp) -> pd.DataFrame:
    rows = table[(table[c.EMPLOYEE_ID] == employee_id) & (table[date_col] < t)]
    return rows.sort_values(date_col, kind="stable")


def reference_snapshot(ds: Dataset, employee_id: str, t: pd.Timestamp) -> dict[str, object]:
    """Snapshot values of ``employee_id`` as of ``t``, computed record by record."""
    t = pd.Timestamp(t)
    out: dict[str, object] = {}
    emp = ds.employees[ds.employees[c.EMPLOYEE_ID] == employee_id].iloc[0]
    out[s.SERVICE_YEARS] = _years(t, emp[c.CPNS_DATE])
    exits = ds.exits[ds.exits[c.EMPLOYEE_ID] == employee_id]
    out[s.EXITED] = bool(len(exits)) and bool(exits[c.EXIT_DATE].iloc[0] < t)

    # current post: the latest assignment started before t, unless it visibly ended before t
    all_assignments = ds.assignments[ds.assignments[c.EMPLOYEE_ID] == employee_id].sort_values(c.START_DATE)
    past = all_assignments[all_assignments[c.START_DATE] < t]
    out[s.CURRENT_POSITION_ID] = None
    out[s.TENURE_IN_POST] = float("nan")
    if len(past):
        last = past.iloc[-1]
        ended = pd.notna(last[c.END_DATE]) and last[c.END_DATE] < t - pd.Timedelta(days=1)
        if not ended:
            out[s.CURRENT_POSITION_ID] = last[c.POSITION_ID]
            out[s.TENURE_IN_POST] = _years(t, last[c.START_DATE])
    out[s.N_MOVES] = float(sum(m != v.INITIAL_MOVE for m in past[c.MOVE_TYPE]))
    positions = ds.positions.set_index(c.POSITION_ID)
    types = [positions.loc[p, c.POSITION_TYPE] for p in past[c.POSITION_ID]]
    out[s.EVER_MANAGERIAL] = float(any(tp in v.MANAGERIAL_POSITION_TYPES for tp in types))
    out[s.N_DOMAINS_SERVED] = float(len({positions.loc[p, c.DOMAIN] for p in past[c.POSITION_ID]}))

    grades = _mine(ds.grades, employee_id, c.EFFECTIVE_DATE, t)
    out[s.GRADE_RANK] = float(v.GRADE_RANK[grades[c.GRADE].iloc[-1]]) if len(grades) else float("nan")
    out[s.YEARS_IN_GRADE] = _years(t, grades[c.EFFECTIVE_DATE].iloc[-1]) if len(grades) else float("nan")

    edu = _mine(ds.education, employee_id, c.GRADUATION_DATE, t)
    ranks = [v.EDUCATION_RANK[level] for level in edu[c.LEVEL]]
    out[s.EDUCATION_RANK] = float(max(ranks)) if ranks else float("nan")
    # a degree counts once graduation_date < t; every field of every degree, sorted, ';'-joined
    fields = sorted({field for field in edu[c.FIELD] if isinstance(field, str)})
    out[s.EDUCATION_FIELDS] = ";".join(fields) if fields else None

    # a status period counts once start_date < t and runs while end_date is missing or >= t
    periods = ds.status_periods[ds.status_periods[c.EMPLOYEE_ID] == employee_id]
    for kind in v.STATUS_KINDS:
        mine = periods[periods[c.KIND] == kind]
        running = [start < t and (pd.isna(end) or end >= t) for start, end in zip(mine[c.START_DATE], mine[c.END_DATE])]
        out[s.status_column(kind)] = float(any(running))

    app = _mine(ds.appraisals, employee_id, c.PERIOD_END, t)
    scores = [float(v.RATING_SCORE[r]) for r in app[c.RATING]]
    out[s.N_APPRAISALS] = float(len(scores))
    out[s.LAST_SCORE] = scores[-1] if scores else float("nan")
    out[s.PREV_SCORE] = scores[-2] if len(scores) > 1 else float("nan")
    out[s.MEAN_SCORE_3] = sum(scores[-3:]) / len(scores[-3:]) if scores else float("nan")

    assessed = _mine(ds.competency_assessments, employee_id, c.ASSESSED_DATE, t)
    for code in sorted(set(assessed[c.COMPETENCY_CODE])):
        out[s.level_column(code)] = float(assessed[assessed[c.COMPETENCY_CODE] == code][c.LEVEL].iloc[-1])

    trained = _mine(ds.trainings, employee_id, c.END_DATE, t)
    out[s.TRAINING_HOURS_TOTAL] = float(trained[c.HOURS].sum())
    recent = trained[trained[c.END_DATE] >= t - pd.Timedelta(days=s.RECENT_DAYS)]
    out[s.TRAINING_HOURS_3Y] = float(recent[c.HOURS].sum())

    sanctions = _mine(ds.discipline, employee_id, c.START_DATE, t)
    out[s.N_SANCTIONS] = float(len(sanctions))
    out[s.ACTIVE_SANCTION] = bool((sanctions[c.END_DATE] >= t).any())

    prefs = _mine(ds.preferences, employee_id, c.STATED_DATE, t)
    out[s.WILLING_TO_RELOCATE] = float(prefs[c.WILLING_TO_RELOCATE].iloc[-1]) if len(prefs) else float("nan")
    return out


def same_value(a, b, tol: float = 1e-9) -> bool:
    """Equality that treats two missing values as equal and floats approximately."""
    a_missing = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NA
    b_missing = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NA
    if a_missing or b_missing:
        return a_missing and b_missing
    if isinstance(a, (float, int)) and isinstance(b, (float, int)):
        return abs(float(a) - float(b)) <= tol
    return a == b
