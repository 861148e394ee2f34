"""Succession lists of key posts (PermenPANRB 3/2020: JPT and administrator posts, and any
post marked ``strategic``) drawn from the talent pool (boxes 7, 8, 9 of the talent map).

For one key post, a pool member is listed only when eligible for it under the rule pack
(every rule of :func:`features.eligibility.employee_reasons` and
:func:`~features.eligibility.position_reasons`: grade, education, field, time in post,
sanctions, appraisals, retirement …) and not already in a higher job class. Then:

- **ready now**: no competency of the post's standard short by more than the pack's
  ``competency_gap_tolerance`` (a competency never assessed counts as level 1);
- **ready in 1–2 years**: every shortfall is at most ``SuccessionSettings.max_closable_gap``
  levels and some catalog training develops each short competency; the trainings listed
  cover every short competency (those the served model's recommender expects to lower the
  adjustment risk most first, :func:`serving.recommend.recommend`, then the fewest JP),
  with their JP hours and the total;
- anyone else is not listed.

Ready now come first, then by the model's policy score (by box, potential and performance
when no model is served: trainings then come from the catalog alone, without a risk
estimate, and the list says so). The list is the top ``SuccessionSettings.top``; the
recommender runs only for those rows.
"""

from dataclasses import asdict, dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from features import columns as c
from features import snapshot as s
from features import vocab as v
from features.eligibility import DEFAULT_RULES, EligibilityRules, position_reasons, rules_label
from features.pairs import float_columns
from features.round import is_key_post
from serving import talent as t
from serving.champion import ServedModel
from serving.context import ServingContext
from serving.errors import RankingError, Unprocessable, quoted
from serving.recommend import CatalogIndex, recommend, rescore


class Readiness(StrEnum):
    READY_NOW = "ready_now"
    READY_1_2_YEARS = "ready_1_2_years"


NOT_LISTED = ""
NOT_FOR_SUCCESSORS = ("latsar",)      # the basic training of CPNS: successors are PNS already
READINESS_ORDER = {Readiness.READY_NOW.value: 0, Readiness.READY_1_2_YEARS.value: 1}


@dataclass(frozen=True)
class SuccessionSettings:
    top: int = 5                        # successors listed per key post
    max_closable_gap: float = 1.0       # largest shortfall (levels) trainings are taken to close in 1–2 years
    boxes: tuple[int, ...] = t.POOL_BOXES


DEFAULT_SUCCESSION = SuccessionSettings()


@dataclass(frozen=True)
class TrainingStep:
    training_code: str
    name: str
    hours: float | None
    competencies: tuple[str, ...]               # the short competencies it develops
    expected_risk_change: float | None = None   # None: no model, or the recommender expects no lower risk


@dataclass(frozen=True)
class Successor:
    employee_id: str
    display_name: str
    current_position_id: str
    unit_id: str | None
    box: int
    readiness: str
    shortfalls: dict[str, float]                # levels short per competency, beyond the tolerance
    not_assessed: tuple[str, ...] = ()          # … of them never assessed (counted as level 1)
    trainings: tuple[TrainingStep, ...] = ()
    total_hours: float = 0.0
    predicted_performance: float | None = None
    adjustment_risk: float | None = None
    score: float | None = None
    assumption: str = ""


@dataclass(frozen=True)
class SuccessionList:
    position_id: str
    title: str
    unit_id: str
    position_type: str
    as_of: str
    rules: str
    model: str | None                           # "name@version", None when no model is served
    n_pool: int                                 # talent pool members (boxes of the settings)
    n_eligible: int                             # … of them eligible for the post
    successors: list[Successor] = field(default_factory=list)

    def to_document(self) -> dict:
        return asdict(self)


def key_post_ids(positions: pd.DataFrame) -> list[str]:
    """Position ids of the key posts (JPT, administrator, or marked strategic), in order."""
    strategic = positions[c.STRATEGIC] if c.STRATEGIC in positions else pd.Series(False, index=positions.index)
    keep = is_key_post(positions[c.POSITION_TYPE].to_numpy(), strategic.to_numpy())
    return [str(p) for p in positions[c.POSITION_ID][keep]]


def shortfalls(assessed: np.ndarray, required: np.ndarray) -> np.ndarray:
    """Levels short of ``required`` (one per code) for each row of ``assessed`` (rows x
    codes; never assessed counts as level 1); 0 where met or not required."""
    levels = np.where(np.isnan(assessed), v.MIN_LEVEL, assessed)
    return np.nan_to_num(np.clip(required - levels, 0.0, None))


def readiness(short: np.ndarray, tolerance: float, max_gap: float, trainable: np.ndarray) -> np.ndarray:
    """READY_NOW, READY_1_2_YEARS or NOT_LISTED per row of ``short`` (rows x codes);
    ``trainable[k]``: some catalog training develops code k."""
    gapped = short > tolerance + 1e-9
    now = ~gapped.any(axis=1)
    closable = ~(gapped & ~trainable).any(axis=1) & (short.max(axis=1, initial=0.0) <= max_gap + 1e-9)
    return np.where(now, Readiness.READY_NOW.value, np.where(closable, Readiness.READY_1_2_YEARS.value, NOT_LISTED))


def closing_trainings(codes: list[str], catalog: CatalogIndex, preferred: list[str] = (),
                      allowed: np.ndarray | None = None) -> list[int]:
    """Catalog rows of trainings that together develop every code of ``codes``, greedily:
    the training developing the most codes still uncovered; then one of ``preferred``
    (training codes, best first: those the recommender expects to lower the risk) over
    any other; then the fewest hours; then the earlier in ``preferred``.
    ``allowed``: a mask of the catalog rows that may be chosen. Codes no allowed training
    develops stay uncovered."""
    allowed = np.ones(len(catalog.training_codes), bool) if allowed is None else np.asarray(allowed, bool)
    column = {code: k for k, code in enumerate(catalog.codes)}
    uncovered = {code for code in codes if code in column and (catalog.membership[:, column[code]] & allowed).any()}
    rank = {code: k for k, code in enumerate(preferred)}
    hours = np.nan_to_num(catalog.hours, nan=np.inf)
    chosen: list[int] = []
    while uncovered:
        covers = catalog.membership[:, [column[code] for code in sorted(uncovered)]].sum(axis=1) * allowed
        best = min(np.flatnonzero(covers > 0), key=lambda i: (
            -covers[i], catalog.training_codes[i] not in rank, hours[i], rank.get(catalog.training_codes[i], 0),
            str(catalog.training_codes[i])))
        chosen.append(int(best))
        uncovered -= {code for code in uncovered if catalog.membership[best, column[code]]}
    return chosen


def allowed_trainings(catalog: CatalogIndex, training_catalog: pd.DataFrame) -> np.ndarray:
    """Catalog rows a successor may be sent to: not of the NOT_FOR_SUCCESSORS categories."""
    category = training_catalog.set_index(c.TRAINING_CODE)[c.CATEGORY]
    return ~np.isin(category.reindex(catalog.training_codes).to_numpy(dtype=object), NOT_FOR_SUCCESSORS)


def check_key_post(context: ServingContext, position_id: str) -> pd.Series:
    """The post's row; RankingError on ``position_id`` when unknown or not a key post."""
    pos = context.dataset.positions
    found = pos[pos[c.POSITION_ID] == position_id]
    if found.empty:
        raise RankingError("position_id", f"unknown position_id {quoted(position_id)}")
    if position_id not in key_post_ids(found):
        raise Unprocessable("position_id", f"position_id {quoted(position_id)} is not a key post (JPT, "
                                           "administrator, or marked strategic)")
    return found.iloc[0]


def _trainings(catalog: CatalogIndex, allowed: np.ndarray, codes: list[str], recs) -> tuple[TrainingStep, ...]:
    """The steps closing ``codes``, with the recommender's expected risk change when it has one."""
    change = {r.training_code: r.expected_risk_change for r in recs}
    column = {code: k for k, code in enumerate(catalog.codes)}
    steps = []
    for i in closing_trainings(codes, catalog, [r.training_code for r in recs], allowed):
        code = str(catalog.training_codes[i])
        steps.append(TrainingStep(code, str(catalog.names[i]), None if np.isnan(catalog.hours[i]) else
                                  float(catalog.hours[i]),
                                  tuple(k for k in codes if k in column and catalog.membership[i, column[k]]),
                                  change.get(code)))
    return tuple(steps)


def _assumption(steps: tuple[TrainingStep, ...], recs) -> str:
    """The recommender's assumptions behind the risk changes of the steps listed, once each."""
    said = {r.training_code: r.assumption for r in recs}
    return " ".join(dict.fromkeys(said[step.training_code] for step in steps if step.training_code in said))


def succession_list(context: ServingContext, position_id: str, served: ServedModel | None, as_of=None,
                    rules: EligibilityRules = DEFAULT_RULES, settings: SuccessionSettings = DEFAULT_SUCCESSION,
                    talent: t.TalentMap | None = None, lang: str = "id") -> SuccessionList:
    """The succession list of one key post (``served`` None: no model, catalog trainings
    without a risk estimate). ``talent``: the unfiltered map at the date, when the caller
    has it (many posts share one)."""
    post = check_key_post(context, position_id)
    talent = talent or t.talent_map(context, as_of, rules)
    when = talent.as_of
    view = context.snapshot_columns(when)
    in_pool = talent.people[t.BOX].isin(settings.boxes).to_numpy()
    pool, rows = talent.people[in_pool], talent.rows[in_pool]
    cand = view.take(rows)
    ids = np.full(len(rows), position_id, dtype=object)
    masks = {k: np.asarray(m, bool)[rows] for k, m in context.employee_masks(when, rules).items()}
    masks |= position_reasons(cand, context.positions, ids, rules)
    eligible = ~np.any(np.array(list(masks.values())), axis=0) if masks else np.ones(len(rows), bool)
    eligible &= ~(cand[s.CURRENT_JOB_CLASS] > float(post[c.JOB_CLASS]))          # no step down
    standard = context.positions.standards.loc[position_id].dropna() if position_id in \
        context.positions.standards.index else pd.Series(dtype="float64")
    codes = [str(k) for k in standard.index]
    assessed = float_columns(cand, [s.level_column(k) for k in codes])
    short = shortfalls(assessed, standard.to_numpy(dtype="float64"))
    catalog = context.catalog_index
    allowed = allowed_trainings(catalog, context.dataset.training_catalog)
    trainable = np.array([k in catalog.codes and (catalog.membership[:, catalog.codes.index(k)] & allowed).any()
                          for k in codes], dtype=bool)
    tolerance = rules.competency_gap_tolerance or 0.0
    ready = readiness(short, tolerance, settings.max_closable_gap, trainable)
    keep = np.flatnonzero(eligible & (ready != NOT_LISTED))
    listed, pool_rows = cand.take(keep), pool.iloc[keep]
    perf = risk = score = None
    if served is not None and len(keep):
        scored = rescore(served.bundle, listed, context.positions, position_id)
        perf, risk, score = scored.performance, scored.risk, scored.score
        order = sorted(range(len(keep)), key=lambda i: (READINESS_ORDER[ready[keep[i]]], -score[i]))
    else:
        order = sorted(range(len(keep)), key=lambda i: (READINESS_ORDER[ready[keep[i]]], -pool_rows[t.BOX].iat[i],
                                                        -pool_rows[t.POTENTIAL_SCORE].iat[i],
                                                        -pool_rows[t.PERFORMANCE_SCORE].iat[i]))
    top = np.array(order[: settings.top], dtype=np.int64)
    recs = [([], None)] * len(top)
    if served is not None and len(top):
        recs = recommend(served.bundle, listed.take(top), context.positions, position_id, catalog, risk[top],
                         perf[top], lang, top=len(catalog.training_codes))
    successors = []
    for j, i in enumerate(top):
        gaps = {k: round(float(short[keep[i], n]), 2) for n, k in enumerate(codes) if short[keep[i], n] > tolerance}
        steps = _trainings(catalog, allowed, list(gaps), recs[j][0]) if gaps else ()
        person = pool_rows.iloc[i]
        successors.append(Successor(
            employee_id=str(person[t.EMPLOYEE_ID]), display_name=str(person["display_name"]),
            current_position_id=str(person[t.POSITION_ID]), unit_id=person[c.UNIT_ID], box=int(person[t.BOX]),
            readiness=str(ready[keep[i]]), shortfalls=gaps, trainings=steps,
            not_assessed=tuple(k for n, k in enumerate(codes) if k in gaps and np.isnan(assessed[keep[i], n])),
            total_hours=float(sum(step.hours or 0.0 for step in steps)),
            predicted_performance=None if perf is None else round(float(perf[i]), 4),
            adjustment_risk=None if risk is None else round(float(risk[i]), 4),
            score=None if score is None else round(float(score[i]), 4),
            assumption=_assumption(steps, recs[j][0])))
    return SuccessionList(position_id, str(post[c.TITLE]), str(post[c.UNIT_ID]), str(post[c.POSITION_TYPE]),
                          str(when.date()), rules_label(rules),
                          None if served is None else f"{served.name}@{served.version}", len(pool),
                          int(eligible.sum()), successors)
