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
from features import vocab as v
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
# switchable rules beyond contract section 4 (off in its defaults; a rule pack turns them on)
TUGAS_BELAJAR = "tugas_belajar"                    # a status_periods kind is its own reason code
IKATAN_DINAS = "ikatan_dinas"
CLTN = "cltn"
PEMBERHENTIAN_SEMENTARA = "pemberhentian_sementara"
BLACKOUT_PERIOD = "blackout_period"
EDUCATION_FIELD_MISMATCH = "education_field_mismatch"

REASON_CODES = (NOT_PNS, EXITED, NO_CURRENT_POST, HOLDS_POSITION, TENURE_UNDER_MIN, ACTIVE_SANCTION,
                RECENT_SERIOUS_SANCTION, LOW_APPRAISAL, GRADE_BELOW_MIN, EDUCATION_BELOW_MIN, RETIRING,
                TUGAS_BELAJAR, IKATAN_DINAS, CLTN, PEMBERHENTIAN_SEMENTARA, BLACKOUT_PERIOD,
                EDUCATION_FIELD_MISMATCH)
assert set(v.STATUS_KINDS) <= set(REASON_CODES)

# rotation reasons: why someone is due to move (``serving.due``); they never exclude anyone
PAST_MAX_TIME_IN_POST = "past_max_time_in_post"
ASSESSMENT_OUTDATED = "assessment_outdated"
NEVER_ASSESSED = "never_assessed"
BELOW_POST_STANDARD = "below_post_standard"
DUE_REASON_CODES = (PAST_MAX_TIME_IN_POST, ASSESSMENT_OUTDATED, NEVER_ASSESSED, BELOW_POST_STANDARD)
REASONS = "reasons"
ELIGIBLE = "eligible"


RULES_NAME = "contract"
RULES_VERSION = "1"


@dataclass(frozen=True)
class EligibilityRules:
    """The rules in force, as a rule pack resolves them (:mod:`features.rule_packs`).

    The defaults are contract section 4 (pack ``contract@1``); set a number to None (or a
    flag to False, a tuple to ()) to switch a rule off. ``pack`` is the ``name@version``
    the rules came from and ``pack_digest`` the :func:`rules_digest` of what that pack
    resolved to ('' = these class defaults), so a changed rule never passes under the
    pack's name (:func:`rules_label`)."""

    required_status: str | None = "pns"
    min_tenure_years: float | None = 2.0                 # PP 11/2017
    exclude_active_sanction: bool = True
    serious_sanction_lookback_days: float | None = 365.0
    min_recent_score: float | None = 4.0                 # baik (Peraturan BKN 5/2019)
    check_grade: bool = True
    check_education: bool = True
    retirement_horizon_days: float | None = 365.0
    # switchable rules beyond contract section 4
    excluded_status_kinds: tuple[str, ...] = ()          # status_periods kinds that exclude while active
    blackout_windows: tuple[tuple[str, str], ...] = ()   # (first day, last day), ISO, inclusive
    check_required_fields: bool = False                  # positions.required_fields
    # rotation rules: who is due to move (serving.due); they never exclude anyone
    max_years_in_post: float | None = 5.0                # PP 11/2017 Pasal 190
    assessment_period_years: float | None = 3.0
    competency_gap_tolerance: float | None = 0.5         # levels below the post's standard (assessed levels are 1.0-5.0)
    pack: str = f"{RULES_NAME}@{RULES_VERSION}"
    pack_digest: str = ""


PACK_FIELDS = ("pack", "pack_digest")


def rules_content(rules: EligibilityRules) -> dict:
    """What the rules decide: every field but the pack's name and digest (JSON-ready)."""
    return json.loads(json.dumps({k: val for k, val in dataclasses.asdict(rules).items() if k not in PACK_FIELDS}))


def rules_digest(rules: EligibilityRules) -> str:
    """Hash of :func:`rules_content`."""
    return hashlib.sha256(json.dumps(rules_content(rules), sort_keys=True).encode()).hexdigest()[:16]


DEFAULT_RULES = EligibilityRules()
DEFAULT_DIGEST = rules_digest(DEFAULT_RULES)


def rules_label(rules: EligibilityRules) -> str:
    """``name@version`` of the pack in force; ``name@version+custom@hash`` when the rules
    were changed after the pack was resolved."""
    digest = rules_digest(rules)
    if digest == (rules.pack_digest or DEFAULT_DIGEST):
        return rules.pack
    return f"{rules.pack}+custom@{digest[:8]}"


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
    for kind in rules.excluded_status_kinds:
        masks[kind] = floats(snap, s.status_column(kind)) > 0
    if rules.blackout_windows:
        masks[BLACKOUT_PERIOD] = in_blackout(as_of, rules.blackout_windows)
    return masks


def in_blackout(dates: np.ndarray, windows: tuple[tuple[str, str], ...]) -> np.ndarray:
    """Whether each decision date falls inside one of the (first, last day) windows."""
    days = np.asarray(dates).astype("datetime64[D]")
    inside = np.zeros(len(days), dtype=bool)
    for first, last in windows:
        inside |= (days >= np.datetime64(first, "D")) & (days <= np.datetime64(last, "D"))
    return inside


def field_mismatch(education_fields: np.ndarray, required_fields: np.ndarray) -> np.ndarray:
    """Per row: the post names required education fields (';'-separated) and none of the
    employee's degrees (``s.EDUCATION_FIELDS``, ';'-separated) is in one of them."""
    out = np.zeros(len(required_fields), dtype=bool)
    for k, (have, need) in enumerate(zip(education_fields, required_fields)):
        if isinstance(need, str) and need.strip():
            wanted = {f.strip() for f in need.split(";") if f.strip()}
            held = set(have.split(";")) if isinstance(have, str) and have else set()
            out[k] = not (wanted & held)
    return out


def position_reasons(snap, positions: PositionTable, position_ids: np.ndarray,
                     rules: EligibilityRules) -> dict[str, np.ndarray]:
    """Masks of the rules that depend on the target position."""
    target = positions.columns_for(position_ids, ("min_grade_rank", "min_education_rank", c.REQUIRED_FIELDS))
    masks = {HOLDS_POSITION: objects(snap, s.CURRENT_POSITION_ID) == position_ids}
    if rules.check_grade:
        masks[GRADE_BELOW_MIN] = ~(floats(snap, s.GRADE_RANK) >= target["min_grade_rank"].astype("float64"))
    if rules.check_education:
        masks[EDUCATION_BELOW_MIN] = ~(
            floats(snap, s.EDUCATION_RANK) >= target["min_education_rank"].astype("float64"))
    if rules.check_required_fields:
        masks[EDUCATION_FIELD_MISMATCH] = field_mismatch(objects(snap, s.EDUCATION_FIELDS),
                                                         target[c.REQUIRED_FIELDS])
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
        self.education_fields = objects(view, s.EDUCATION_FIELDS) if rules.check_required_fields else None

    def rows(self, positions: PositionTable, position_ids: np.ndarray):
        """For each post in turn, the eligible employee rows (ascending)."""
        target = positions.columns_for(position_ids, ("min_grade_rank", "min_education_rank", c.REQUIRED_FIELDS))
        min_grade = target["min_grade_rank"].astype("float64")
        min_education = target["min_education_rank"].astype("float64")
        for k, pid in enumerate(position_ids.tolist()):
            ok = self.free & (self.post_code != self.code_of.get(pid, -2))
            if self.rules.check_grade:
                ok &= self.grade >= min_grade[k]
            if self.rules.check_education:
                ok &= self.education >= min_education[k]
            if self.education_fields is not None:
                need = target[c.REQUIRED_FIELDS][k]
                ok &= ~field_mismatch(self.education_fields, np.full(len(ok), need, dtype=object))
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
                      rules: EligibilityRules = DEFAULT_RULES) -> pd.DataFrame:
    """Eligibility of each snapshot row for the matching position id."""
    ids = np.asarray(position_ids, dtype="object")
    masks = employee_reasons(snap, rules) | position_reasons(snap, positions, ids, rules)
    reasons = join_reasons(masks, len(snap))
    return pd.DataFrame({c.POSITION_ID: ids, c.EMPLOYEE_ID: snap[c.EMPLOYEE_ID].to_numpy(),
                         ELIGIBLE: reasons == "", REASONS: reasons})


def evaluate_eligibility(dataset: Dataset, position_ids, as_of,
                         rules: EligibilityRules = DEFAULT_RULES) -> pd.DataFrame:
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

