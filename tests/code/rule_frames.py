"""Tiny hand-made snapshot frames and posts for the rule tests (tests/code/test_rule_*.py):
one base employee who passes every rule of every shipped pack, changed one column at a
time, and a small pack file writer."""

from pathlib import Path

import numpy as np
import pandas as pd

from features import columns as c
from features import snapshot as s
from features import vocab as v
from features.eligibility import EligibilityRules, eligibility_frame
from features.names import AS_OF
from features.pairs import PositionTable

DECISION_DAY = pd.Timestamp("2026-01-31")
TARGET, CURRENT = "p-target", "p-now"
COMPETENCY = "m.01"
BASE = {
    c.EMPLOYEE_ID: "e0", AS_OF: DECISION_DAY, s.EXITED: 0.0, s.CURRENT_POSITION_ID: CURRENT,
    c.EMPLOYMENT_STATUS: "pns", s.TENURE_IN_POST: 3.0, s.ACTIVE_SANCTION: 0.0,
    s.SERIOUS_SANCTION_DAYS_AGO: np.nan, s.LAST_SCORE: 4.0, s.PREV_SCORE: 4.0,
    s.RETIREMENT_DATE: pd.Timestamp("2040-06-01"), **{s.status_column(kind): 0.0 for kind in v.STATUS_KINDS},
    s.GRADE_RANK: 10.0, s.EDUCATION_RANK: 5.0, s.EDUCATION_FIELDS: "hukum;ekonomi",
    s.YEARS_SINCE_ASSESSMENT: 1.0, s.level_column(COMPETENCY): 3.0,
}


def snapshot(*changes: dict) -> pd.DataFrame:
    """One row per ``changes`` (the base employee with those columns changed), ids e1, e2, …"""
    rows = [{**BASE, c.EMPLOYEE_ID: f"e{k + 1}", **change} for k, change in enumerate(changes)]
    return pd.DataFrame(rows)


def posts(required_fields: str | None = "hukum;administrasi publik") -> PositionTable:
    """The target post (grade rank 8, education rank 4, the given required fields) and the
    employees' current post (standard: level 3 of m.01)."""
    ids = pd.Index([TARGET, CURRENT], name=c.POSITION_ID)
    attributes = pd.DataFrame({"min_grade_rank": [8.0, 8.0], "min_education_rank": [4.0, 4.0],
                               c.REQUIRED_FIELDS: [required_fields, None]}, index=ids)
    standards = pd.DataFrame({COMPETENCY: [np.nan, 3.0]}, index=ids, dtype="float64")
    regions = pd.DataFrame({c.LATITUDE: [], c.LONGITUDE: [], c.REMOTE: []}, index=pd.Index([], name=c.REGION_ID))
    return PositionTable(attributes, standards, regions)


def reasons_for_target(snap: pd.DataFrame, rules: EligibilityRules) -> dict[str, str]:
    """employee_id -> ';'-joined reason codes ('' = eligible) for the target post."""
    frame = eligibility_frame(snap, posts(), np.full(len(snap), TARGET, dtype=object), rules)
    return dict(zip(frame[c.EMPLOYEE_ID], frame["reasons"]))


def eligible(snap: pd.DataFrame, rules: EligibilityRules) -> set[str]:
    return {e for e, why in reasons_for_target(snap, rules).items() if why == ""}


def write_pack(folder: Path, name: str, body: str, *, version: str = "1", extends: str | None = "contract",
               suffix: str = ".toml") -> Path:
    """A pack file ``name`` in ``folder`` with the header written for it and ``body`` after."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}{suffix}"
    if suffix == ".toml":
        head = f'[pack]\nname = "{name}"\nversion = "{version}"\n' + (f'extends = "{extends}"\n' if extends else "")
    else:
        head = f'pack:\n  name: "{name}"\n  version: "{version}"\n' + (f'  extends: "{extends}"\n' if extends else "")
    path.write_text(head + body, encoding="utf-8")
    return path
