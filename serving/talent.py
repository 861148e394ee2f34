"""The talent map of PermenPANRB 3/2020 (Manajemen Talenta ASN): every employee in one of
nine boxes of performance (kinerja) by potential (potensial), the inputs of both axes, and
the talent pool of each job family.

Performance axis: the mean of the last two appraisal scores (sangat baik 5 … sangat kurang
1; one appraisal alone when there is only one). ``TalentSettings.performance_above`` and
``performance_as_expected`` cut it into di atas / sesuai / di bawah ekspektasi.

Potential axis, a score in [0, 1] = ``competency_weight`` × competency share + the rest ×
learning agility:

- competency share: the employee's assessed competencies against the standard of the NEXT
  job class (:func:`next_class_standard`): Σ min(assessed, required) / Σ required over the
  codes the standard lists; a code never assessed counts as level 1, the scale's lowest;
- learning agility = ``hours_weight`` × training hours share + the rest × training effect.
  Hours share: JP of the last 3 years against the 20 JP a year every ASN is owed
  (PP 11/2017 Pasal 203: at least 20 JP a year), capped at 1, over the years served when
  fewer than 3. Training effect: the trend of the last two appraisals for those who trained
  in the last 3 years ((trend + 1) / 2 clipped to [0, 1]: a point down 0, flat 0.5, a point
  up 1; 0.5 with a single appraisal), 0 for those who did not train.

``potential_high`` and ``potential_middle`` cut it into tinggi / menengah / rendah. Who is
on the map: PNS holding a post at the date, not exited, not in a status period the rule pack
excludes (e.g. tugas belajar). Someone with no appraisal, never assessed, or with no
standard to compare against is not placed in a box and is counted by that reason.
"""

from dataclasses import asdict, dataclass, field
from enum import IntEnum, StrEnum

import numpy as np
import pandas as pd

from features import columns as c
from features import snapshot as s
from features.arrays import floats, objects
from features.eligibility import DEFAULT_RULES, EXITED, NO_CURRENT_POST, EligibilityRules, rules_label
from features.pairs import PositionTable, float_columns
from serving.checks import known_or_none
from serving.context import ServingContext
from serving.ranking import resolve_as_of
from serving.talent_standard import Standards, StandardScope, competency_share, next_class_standard


class Level(IntEnum):
    """An axis' level: rendah / menengah / tinggi (potential), di bawah / sesuai / di atas
    ekspektasi (performance)."""

    LOW = 1
    MIDDLE = 2
    HIGH = 3


# PermenPANRB 3/2020, lampiran (kotak manajemen talenta): kinerja across, potensial up.
# Box 9 = kinerja di atas ekspektasi and potensial tinggi, 8 = di atas / menengah, 7 = sesuai /
# tinggi, 6 = di atas / rendah, 5 = sesuai / menengah, 4 = di bawah / tinggi, 3 = sesuai /
# rendah, 2 = di bawah / menengah, 1 = di bawah / rendah; boxes 7, 8 and 9 form the talent
# pool (kelompok rencana suksesi). Not checked against the official lampiran here: public
# copies also circulate with the axes swapped (6 = di bawah / tinggi). One table to change.
#               performance: LOW (di bawah)  MIDDLE (sesuai)  HIGH (di atas)
BOX_LAYOUT: dict[Level, tuple[int, int, int]] = {
    Level.HIGH: (4, 7, 9),
    Level.MIDDLE: (2, 5, 8),
    Level.LOW: (1, 3, 6),
}
BOX_OF: dict[tuple[Level, Level], int] = {(perf, pot): row[perf - 1] for pot, row in BOX_LAYOUT.items()
                                          for perf in Level}          # (performance, potential) -> box
AXES_OF: dict[int, tuple[Level, Level]] = {box: axes for axes, box in BOX_OF.items()}
BOXES = tuple(range(1, 10))
POOL_BOXES = (7, 8, 9)
NOT_PLACED = 0                                 # the box of someone the map cannot place
TALENT_STATUS = "pns"


class Unplaced(StrEnum):
    """Why someone on the map is not in a box."""

    NO_APPRAISAL = "no_appraisal"
    NEVER_ASSESSED = "never_assessed"
    NO_STANDARD = "no_standard"


@dataclass(frozen=True)
class TalentSettings:
    """The cut points and weights of both axes (see the module's text)."""

    performance_above: float = 4.5           # mean score: at least sangat baik + baik
    performance_as_expected: float = 4.0     # mean score: baik on average
    potential_high: float = 0.90
    potential_middle: float = 0.75
    competency_weight: float = 0.7           # of the potential score; the rest is learning agility
    hours_weight: float = 0.5                # of learning agility; the rest is the training effect
    jp_per_year: float = 20.0                # JP every ASN is owed a year (PP 11/2017 Pasal 203)
    agility_years: float = float(s.RECENT_YEARS)


DEFAULT_SETTINGS = TalentSettings()

# the columns of a talent frame (one row per employee on the map)
EMPLOYEE_ID, POSITION_ID, JOB_FAMILY, JOB_CLASS = c.EMPLOYEE_ID, "position_id", "job_family", "job_class"
LAST_SCORE, PREV_SCORE, PERFORMANCE_SCORE, PERFORMANCE = "last_score", "prev_score", "performance_score", "performance"
NEXT_JOB_CLASS, STANDARD_SCOPE = "next_job_class", "standard_scope"
CODES_REQUIRED, CODES_MET, COMPETENCY_SHARE = "codes_required", "codes_met", "competency_share"
TRAINING_HOURS, HOURS_OWED, HOURS_SHARE = "training_hours_3y", "hours_owed", "hours_share"
SCORE_TREND, EFFECT_SHARE, LEARNING_AGILITY = "score_trend", "effect_share", "learning_agility"
POTENTIAL_SCORE, POTENTIAL, BOX, IN_POOL, UNPLACED = "potential_score", "potential", "box", "in_pool", "unplaced"
PERFORMANCE_INPUTS = (LAST_SCORE, PREV_SCORE, PERFORMANCE_SCORE)
POTENTIAL_INPUTS = (NEXT_JOB_CLASS, STANDARD_SCOPE, CODES_REQUIRED, CODES_MET, COMPETENCY_SHARE, TRAINING_HOURS,
                    HOURS_OWED, HOURS_SHARE, SCORE_TREND, EFFECT_SHARE, LEARNING_AGILITY, POTENTIAL_SCORE)


def levels(values: np.ndarray, middle: float, high: float) -> np.ndarray:
    """LOW / MIDDLE / HIGH of each value by its cut points (inclusive); 0 where NaN."""
    values = np.asarray(values, dtype="float64")
    out = np.where(values >= high, Level.HIGH, np.where(values >= middle, Level.MIDDLE, Level.LOW)).astype(int)
    return np.where(np.isnan(values), 0, out)


def boxes(performance: np.ndarray, potential: np.ndarray) -> np.ndarray:
    """The box of each (performance level, potential level); NOT_PLACED where either is 0."""
    table = np.zeros((4, 4), dtype=int)
    for (perf, pot), box in BOX_OF.items():
        table[perf, pot] = box
    return table[np.asarray(performance, dtype=int), np.asarray(potential, dtype=int)]


def performance_axis(view, settings: TalentSettings = DEFAULT_SETTINGS) -> dict[str, np.ndarray]:
    """The performance axis' inputs and level (0 = no appraisal)."""
    last, prev = floats(view, s.LAST_SCORE), floats(view, s.PREV_SCORE)
    pair = np.column_stack([last, prev])
    counted = (~np.isnan(pair)).sum(axis=1)
    score = np.where(counted > 0, np.nansum(pair, axis=1) / np.maximum(counted, 1), np.nan)
    return {LAST_SCORE: last, PREV_SCORE: prev, PERFORMANCE_SCORE: score,
            PERFORMANCE: levels(score, settings.performance_as_expected, settings.performance_above)}


def learning_agility(view, settings: TalentSettings = DEFAULT_SETTINGS) -> dict[str, np.ndarray]:
    """Training hours of the last years against the JP owed, and the appraisal trend of
    those who trained (see the module's text)."""
    hours = np.nan_to_num(floats(view, s.TRAINING_HOURS_3Y))
    served = np.nan_to_num(floats(view, s.SERVICE_YEARS), nan=settings.agility_years)
    owed = settings.jp_per_year * np.clip(served, 1.0, settings.agility_years)
    hours_share = np.minimum(1.0, hours / owed)
    trend = floats(view, s.SCORE_TREND)
    effect = np.where(hours > 0, np.where(np.isnan(trend), 0.5, np.clip((trend + 1) / 2, 0.0, 1.0)), 0.0)
    agility = settings.hours_weight * hours_share + (1 - settings.hours_weight) * effect
    return {TRAINING_HOURS: hours, HOURS_OWED: owed, HOURS_SHARE: hours_share, SCORE_TREND: trend,
            EFFECT_SHARE: effect, LEARNING_AGILITY: agility}


def competency_axis(view, positions: PositionTable) -> dict[str, np.ndarray]:
    """Each row's share of its next job class' standard (one standard per distinct current
    domain and job class)."""
    n = len(view)
    out = {NEXT_JOB_CLASS: np.full(n, np.nan), STANDARD_SCOPE: np.full(n, StandardScope.NONE.value, dtype=object),
           CODES_REQUIRED: np.zeros(n, dtype=int), CODES_MET: np.zeros(n, dtype=int),
           COMPETENCY_SHARE: np.full(n, np.nan)}
    domains, classes = objects(view, s.CURRENT_DOMAIN), floats(view, s.CURRENT_JOB_CLASS)
    standards = Standards.of(positions)
    keys = pd.Series([f"{d}\x1f{j}" for d, j in zip(domains, classes)])
    for _key, rows in keys.groupby(keys).indices.items():
        domain, job_class = domains[rows[0]], classes[rows[0]]
        if np.isnan(job_class):
            continue
        standard = next_class_standard(standards, domain, job_class)
        codes = tuple(standard.levels)
        share, met = competency_share(float_columns(view, [s.level_column(k) for k in codes])[rows],
                                      np.array([standard.levels[k] for k in codes]))
        out[NEXT_JOB_CLASS][rows] = np.nan if standard.job_class is None else standard.job_class
        out[STANDARD_SCOPE][rows] = standard.scope.value
        out[CODES_REQUIRED][rows], out[CODES_MET][rows], out[COMPETENCY_SHARE][rows] = len(codes), met, share
    return out


def talent_frame(view, positions: PositionTable, settings: TalentSettings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Box, both axes' levels and every input of each row of ``view`` (snapshot rows of the
    employees on the map)."""
    perf = performance_axis(view, settings)
    competency = competency_axis(view, positions)
    agility = learning_agility(view, settings)
    potential = (settings.competency_weight * competency[COMPETENCY_SHARE]
                 + (1 - settings.competency_weight) * agility[LEARNING_AGILITY])
    never_assessed = np.isnan(floats(view, s.YEARS_SINCE_ASSESSMENT))
    potential = np.where(never_assessed, np.nan, potential)
    pot_level = levels(potential, settings.potential_middle, settings.potential_high)
    box = boxes(perf[PERFORMANCE], pot_level)
    unplaced = np.where(np.isnan(perf[PERFORMANCE_SCORE]), Unplaced.NO_APPRAISAL.value,
                        np.where(never_assessed, Unplaced.NEVER_ASSESSED.value,
                                 np.where(np.isnan(potential), Unplaced.NO_STANDARD.value, "")))
    return pd.DataFrame({
        EMPLOYEE_ID: objects(view, c.EMPLOYEE_ID), POSITION_ID: objects(view, s.CURRENT_POSITION_ID),
        JOB_FAMILY: objects(view, s.CURRENT_DOMAIN), JOB_CLASS: floats(view, s.CURRENT_JOB_CLASS),
        **perf, **competency, **agility, POTENTIAL_SCORE: potential, POTENTIAL: pot_level, BOX: box,
        IN_POOL: np.isin(box, POOL_BOXES), UNPLACED: unplaced})


def on_the_map(view, masks: dict[str, np.ndarray], rules: EligibilityRules) -> np.ndarray:
    """PNS holding a post at the date, not exited, and in no status period the pack
    excludes (``masks``: :func:`features.eligibility.employee_reasons` of ``rules``)."""
    keep = objects(view, c.EMPLOYMENT_STATUS) == TALENT_STATUS
    for code in (EXITED, NO_CURRENT_POST, *rules.excluded_status_kinds):
        if code in masks:
            keep &= ~np.asarray(masks[code], dtype=bool)
    return keep


@dataclass(frozen=True)
class TalentMap:
    """The map at one date under one rule pack: one row per employee on it (filtered)."""

    as_of: pd.Timestamp
    rules: str
    people: pd.DataFrame
    settings: TalentSettings = DEFAULT_SETTINGS
    unit: str | None = None
    domain: str | None = None
    rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))   # each person's snapshot row

    def counts(self) -> dict[int, int]:
        """Employees per box, every box listed."""
        found = self.people[BOX].value_counts()
        return {box: int(found.get(box, 0)) for box in BOXES}

    def unplaced(self) -> dict[str, int]:
        """Employees on the map but in no box, per reason."""
        found = self.people[UNPLACED].value_counts()
        return {reason.value: int(found.get(reason.value, 0)) for reason in Unplaced}

    def pools(self) -> dict[str, int]:
        """Talent pool size per job family (the domain of the current post), largest first."""
        pool = self.people[self.people[IN_POOL]]
        sizes = pool.groupby(JOB_FAMILY).size().sort_values(ascending=False, kind="stable")
        return {str(k): int(n) for k, n in sizes.items()}

    def in_box(self, box: int) -> pd.DataFrame:
        return self.people[self.people[BOX] == box]

    def records(self, people: pd.DataFrame | None = None) -> list[dict]:
        """Rows as JSON-ready dicts (NaN as None, numbers to 4 decimals)."""
        frame = self.people if people is None else people
        return [{k: (None if x != x else round(x, 4)) if isinstance(x, float) else x for k, x in row.items()}
                for row in frame.astype(object).to_dict("records")]

    def to_document(self) -> dict:
        """Counts per box, unplaced, pools and every person with both axes' inputs."""
        return {"as_of": str(self.as_of.date()), "rules": self.rules, "unit": self.unit, "domain": self.domain,
                "settings": asdict(self.settings), "pool_boxes": list(POOL_BOXES),
                "counts": {str(k): n for k, n in self.counts().items()}, "unplaced": self.unplaced(),
                "pools": self.pools(), "people": self.records()}


def talent_map(context: ServingContext, as_of=None, rules: EligibilityRules = DEFAULT_RULES,
               unit: str | None = None, domain: str | None = None,
               settings: TalentSettings = DEFAULT_SETTINGS) -> TalentMap:
    """The talent map at ``as_of`` (default: the day after the data ends), optionally of one
    unit or one job family. RankingError names the ``as_of``, ``unit`` or ``domain`` at fault."""
    when = resolve_as_of(context, as_of)
    unit = known_or_none("unit", unit, context.unit_ids, "units.csv")
    domain = known_or_none("domain", domain, set(context.dataset.positions[c.DOMAIN]), "positions.csv")
    view = context.snapshot_columns(when)
    keep = on_the_map(view, context.employee_masks(when, rules), rules)
    units = context.units_of(objects(view, s.CURRENT_POSITION_ID))
    if unit is not None:
        keep &= units == unit
    if domain is not None:
        keep &= objects(view, s.CURRENT_DOMAIN) == domain
    rows = np.flatnonzero(keep)
    people = talent_frame(view.take(rows), context.positions, settings)
    names = context.display_names
    people.insert(1, "display_name", [names.get(str(e), "") for e in people[EMPLOYEE_ID]])
    people.insert(2, c.UNIT_ID, units[rows])
    return TalentMap(when, rules_label(rules), people, settings, unit, domain, rows)
