"""Eligibility of employees for a vacancy (contract section 4), each rule a setting.

Works on a snapshot at the decision date, so it sees exactly what the features see.
"""

import dataclasses
import hashlib
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features import columns as c
from features import snapshot as s
from features.arrays import Columns, floats, objects
from features.io import Dataset
from features.names import AS_OF
from features.pairs import PositionTable

# reason codes, reported for every excluded employee
NOT_PNS = "not_pns"
EXITED = "exited"
NO_CURRENT_POST = "no_current_post"
HOLDS_POSITION = "holds_position"
TENURE_UNDER_MIN = "tenure_under_min"
ACTIVE_SANCTION = "active_sanction"
RECENT_SERIOUS_SANCTION = "recent_serious_sanction"
LOW_APPRAISAL = "low_appraisal"
GRADE_BELOW_MIN = "grade_below_min"
EDUCATION_BELOW_MIN = "education_below_min"
RETIRING = "retiring"

REASON_CODES = (NOT_PNS, EXITED, NO_CURRENT_POST, HOLDS_POSITION, TENURE_UNDER_MIN, ACTIVE_SANCTION,
                RECENT_SERIOUS_SANCTION, LOW_APPRAISAL, GRADE_BELOW_MIN, EDUCATION_BELOW_MIN, RETIRING)
REASONS = "reasons"
ELIGIBLE = "eligible"


@dataclass(frozen=True)
class EligibilityRules:
    """Contract defaults; set a number to None (or a flag to False) to switch a rule off."""

    required_status: str | None = "pns"
    min_tenure_years: float | None = 2.0                 # PP 11/2017
    exclude_active_sanction: bool = True
    serious_sanction_lookback_days: float | None = 365.0
    min_recent_score: float | None = 4.0                 # baik (Peraturan BKN 5/2019)
    check_grade: bool = True
    check_education: bool = True
    retirement_horizon_days: float | None = 365.0


DEFAULT_RULES = EligibilityRules()
RULES_NAME = "contract"
RULES_VERSION = "1"


def rules_label(rules: EligibilityRules) -> str:
    """``name@version`` of the eligibility rules in force (custom ones by their hash)."""
    if rules == DEFAULT_RULES:
        return f"{RULES_NAME}@{RULES_VERSION}"
    digest = hashlib.sha256(json.dumps(dataclasses.asdict(rules), sort_keys=True).encode()).hexdigest()
    return f"custom@{digest[:8]}"


def _dates(frame, name: str) -> np.ndarray:
    col = frame[name]
    return (col.to_numpy() if isinstance(col, pd.Series) else np.asarray(col)).astype("datetime64[ns]")


def employee_reasons(snap, rules: EligibilityRules) -> dict[str, np.ndarray]:
    """Masks of the rules that depend on the employee only (one per reason code).
    ``snap`` is a snapshot DataFrame or ``Columns``."""
    as_of = _dates(snap, AS_OF)
    masks: dict[str, np.ndarray] = {
        EXITED: floats(snap, s.EXITED) > 0,
        NO_CURRENT_POST: pd.isna(objects(snap, s.CURRENT_POSITION_ID)),
    }
    if rules.required_status:
        masks[NOT_PNS] = objects(snap, c.EMPLOYMENT_STATUS) != rules.required_status
    if rules.min_tenure_years is not None:
        masks[TENURE_UNDER_MIN] = floats(snap, s.TENURE_IN_POST) < rules.min_tenure_years
    if rules.exclude_active_sanction:
        masks[ACTIVE_SANCTION] = floats(snap, s.ACTIVE_SANCTION) > 0
    if rules.serious_sanction_lookback_days is not None:
        masks[RECENT_SERIOUS_SANCTION] = floats(snap, s.SERIOUS_SANCTION_DAYS_AGO) <= rules.serious_sanction_lookback_days
    if rules.min_recent_score is not None:
        masks[LOW_APPRAISAL] = ((floats(snap, s.LAST_SCORE) < rules.min_recent_score)
                                | (floats(snap, s.PREV_SCORE) < rules.min_recent_score))
    if rules.retirement_horizon_days is not None:
        horizon = as_of + np.timedelta64(int(rules.retirement_horizon_days * 86400), "s")
        retirement = _dates(snap, s.RETIREMENT_DATE)
        masks[RETIRING] = ~np.isnat(retirement) & (retirement <= horizon)
    return masks


def position_reasons(snap, positions: PositionTable, position_ids: np.ndarray,
                     rules: EligibilityRules) -> dict[str, np.ndarray]:
    """Masks of the rules that depend on the target position."""
    target = positions.columns_for(position_ids, ("min_grade_rank", "min_education_rank"))
    masks = {HOLDS_POSITION: objects(snap, s.CURRENT_POSITION_ID) == position_ids}
    if rules.check_grade:
        masks[GRADE_BELOW_MIN] = ~(floats(snap, s.GRADE_RANK) >= target["min_grade_rank"].astype("float64"))
    if rules.check_education:
        masks[EDUCATION_BELOW_MIN] = ~(
            floats(snap, s.EDUCATION_RANK) >= target["min_education_rank"].astype("float64"))
    return masks


class PostEligibility:
    """Who is eligible for each of many posts, fast: the employee masks (cached by the
    caller) and the post's own rules of :func:`position_reasons` (holds the post, grade and
    education below its minimum) as plain comparisons, without reason codes. A round plan
    asks it for thousands of posts; a test checks it against :func:`position_reasons`."""

    def __init__(self, view: Columns, employee_masks: dict[str, np.ndarray], rules: EligibilityRules):
        free = np.ones(len(view), bool)
        for mask in employee_masks.values():
            free &= ~np.asarray(mask, dtype=bool)
        self.free = free
        self.rules = rules
        codes, posts = pd.factorize(objects(view, s.CURRENT_POSITION_ID), use_na_sentinel=True)
        self.post_code = codes.astype(np.int64)                     # -1: no post
        self.code_of = {p: k for k, p in enumerate(np.asarray(posts, dtype=object).tolist())}
        self.grade = floats(view, s.GRADE_RANK)
        self.education = floats(view, s.EDUCATION_RANK)

    def rows(self, positions: PositionTable, position_ids: np.ndarray):
        """For each post in turn, the eligible employee rows (ascending)."""
        target = positions.columns_for(position_ids, ("min_grade_rank", "min_education_rank"))
        min_grade = target["min_grade_rank"].astype("float64")
        min_education = target["min_education_rank"].astype("float64")
        for k, pid in enumerate(position_ids.tolist()):
            ok = self.free & (self.post_code != self.code_of.get(pid, -2))
            if self.rules.check_grade:
                ok &= self.grade >= min_grade[k]
            if self.rules.check_education:
                ok &= self.education >= min_education[k]
            yield np.flatnonzero(ok)


def join_reasons(masks: dict[str, np.ndarray], n: int) -> np.ndarray:
    """';'-joined reason codes per row, known codes in :data:`REASON_CODES` order, then
    any other mask in insertion order ('' when eligible)."""
    codes = [code for code in REASON_CODES if code in masks] + [k for k in masks if k not in REASON_CODES]
    bits = np.zeros(n, dtype=np.int64)
    for k, code in enumerate(codes):
        bits |= np.asarray(masks[code], dtype=bool).astype(np.int64) << k
    patterns, inverse = np.unique(bits, return_inverse=True)
    words = np.array([";".join(code for k, code in enumerate(codes) if p >> k & 1) for p in patterns],
                     dtype=object)
    return words[inverse] if n else np.empty(0, dtype=object)


def eligibility_frame(snap: pd.DataFrame, positions: PositionTable, position_ids,
                      rules: EligibilityRules = EligibilityRules()) -> pd.DataFrame:
    """Eligibility of each snapshot row for the matching position id."""
    ids = np.asarray(position_ids, dtype="object")
    masks = employee_reasons(snap, rules) | position_reasons(snap, positions, ids, rules)
    reasons = join_reasons(masks, len(snap))
    return pd.DataFrame({c.POSITION_ID: ids, c.EMPLOYEE_ID: snap[c.EMPLOYEE_ID].to_numpy(),
                         ELIGIBLE: reasons == "", REASONS: reasons})


def evaluate_eligibility(dataset: Dataset, position_ids, as_of,
                         rules: EligibilityRules = EligibilityRules()) -> pd.DataFrame:
    """Every employee against every position at ``as_of``: one row per (position, employee)
    with ``eligible`` and ``reasons`` (';'-joined codes, '' when eligible)."""
    src = s.prepare_sources(dataset)
    snap = s.snapshot_at(src, dataset.employees[c.EMPLOYEE_ID], as_of)
    positions = PositionTable.from_dataset(dataset)
    unknown = [pid for pid in position_ids if pid not in positions.attributes.index]
    if unknown:
        raise KeyError(f"positions: unknown position_id {unknown[0]!r}")
    frames = [eligibility_frame(snap, positions, np.full(len(snap), pid, dtype=object), rules)
              for pid in position_ids]
    return pd.concat(frames, ignore_index=True) if frames else eligibility_frame(
        snap.iloc[:0], positions, np.empty(0, dtype=object), rules)

