"""What-if: one candidate for one post re-scored as if they had completed chosen trainings.

The same re-scoring as the training recommendations of a ranking
(:mod:`serving.recommend`): the candidate's snapshot changed as each training would change
it (:func:`serving.recommend.what_if`: each competency it develops raised by the bundle's
estimated uplift per training, its hours added; trainings applied one after the other),
then :func:`serving.recommend.rescore` (pair features recomputed, both models run).
"Before" is the candidate's prediction in the post's pool, exactly as a ranking serves it.
"""

from datetime import date

import numpy as np
from pydantic import BaseModel, Field

from features import columns as c
from features import snapshot as s
from features.arrays import Columns, floats
from features.eligibility import DEFAULT_RULES, EligibilityRules
from serving.champion import ServedModel
from serving.context import ServingContext
from serving.errors import RankingError, quoted
from serving.ranking import RankingOptions, resolve_as_of, score_pool
from serving.recommend import CatalogIndex, rescore, uplifts, what_if
from serving.result import ModelInfo
from serving.texts import effect_text, number, pick, reason_text, uplift_assumption


class NotACandidate(RankingError):
    """The employee is not an eligible candidate for the post; ``details`` lists why (codes)."""

    def __init__(self, field: str, message: str, reasons: list[str]):
        super().__init__(field, message)
        self.details = {"reasons": reasons}


class Prediction(BaseModel):
    predicted_performance: float = Field(description="Expected SKP score after the move (points)")
    adjustment_risk: float = Field(description="Probability of adjustment failure (0.021 = 2.1 %)")


class TrainingTried(BaseModel):
    training_code: str
    name: str
    hours: float | None = None
    competencies: list[str] = Field(default_factory=list, description="Competency codes it develops")


class WhatIf(BaseModel):
    """The answer of ``POST /v1/what-if``: numbers as fractions, the change also in words."""

    position_id: str
    employee_id: str
    as_of: date
    model: ModelInfo
    trainings: list[TrainingTried]
    before: Prediction
    after: Prediction
    change: Prediction = Field(description="after − before (risk as a probability: −0.021 = −2.1 pp)")
    summary: str = Field(description="The change in words (risk in percentage points)")
    assumed_uplift: dict[str, float] = Field(default_factory=dict, description="Level each assessed competency "
                                             "was raised by in the re-scoring")
    assumption: str = ""
    language: str = "id"


def training_rows(catalog: CatalogIndex, codes: list[str]) -> np.ndarray:
    """Catalog rows of ``codes``; RankingError naming ``trainings.i`` for an unknown or repeated code."""
    row_of = {str(code): k for k, code in enumerate(catalog.training_codes)}
    rows = []
    for i, code in enumerate(codes):
        if code not in row_of:
            raise RankingError(f"trainings.{i}", f"unknown training code {quoted(code)}: not in the catalog")
        if code in codes[:i]:
            raise RankingError(f"trainings.{i}", f"training {quoted(code)} is listed twice")
        rows.append(row_of[code])
    return np.array(rows, dtype=int)


def _not_a_candidate(pool, employee_id: str, position_id: str, when, lang: str) -> RankingError:
    found = np.flatnonzero(pool.view[c.EMPLOYEE_ID] == employee_id)
    if not len(found):
        return RankingError("employee_id", f"unknown employee_id {quoted(employee_id)}")
    codes = [code for code in str(pool.reasons[found[0]]).split(";") if code]
    words = "; ".join(f"{code} ({reason_text(code, lang)})" for code in codes)
    return NotACandidate("employee_id", f"{employee_id} is not an eligible candidate for {position_id} on "
                                        f"{when.date()}: {words}", codes)


def _summary(before: Prediction, after: Prediction, change: Prediction, lang: str) -> str:
    risk = effect_text("risk", change.adjustment_risk, lang)
    perf = effect_text("performance", change.predicted_performance, lang)
    lead = pick(("Setelah pelatihan", "After the training"), lang)
    was = pick(("risiko", "risk"), lang)
    return (f"{lead}: {risk}, {perf} ({was} {number(100 * before.adjustment_risk, lang)}% \u2192 "
            f"{number(100 * after.adjustment_risk, lang)}%)")


def _assumed(before: Columns, after: Columns, codes: tuple[str, ...], develops: np.ndarray) -> dict[str, float]:
    """The level each assessed competency the trainings develop was raised by."""
    raised = {}
    for k, code in enumerate(codes):
        column = s.level_column(code)
        if develops[k] and column in before.columns and not np.isnan(floats(before, column)[0]):
            raised[code] = round(float(floats(after, column)[0] - floats(before, column)[0]), 4)
    return raised


def rescore_with_trainings(context: ServingContext, served: ServedModel, position_id: str, employee_id: str,
                           trainings: list[str], as_of=None, lang: str = "id",
                           rules: EligibilityRules = DEFAULT_RULES) -> WhatIf:
    """``employee_id``'s predictions for ``position_id`` before and after completing
    ``trainings``; RankingError naming the field (unknown post, training or employee, a
    date outside the limits), :class:`NotACandidate` when the employee is not eligible."""
    if position_id not in context.positions.attributes.index:
        raise RankingError("position_id", f"unknown position_id {quoted(position_id)}")
    catalog = context.catalog_index
    rows = training_rows(catalog, trainings)
    when = resolve_as_of(context, as_of)
    options = RankingOptions(lang=lang, rules=rules)
    scored_pool = score_pool(context, served.bundle, context.positions, position_id, when, options)
    pool, scored = scored_pool.pool, scored_pool.scored
    hit = np.flatnonzero(pool.candidates[c.EMPLOYEE_ID] == employee_id)
    if not len(hit):
        raise _not_a_candidate(pool, employee_id, position_id, when, lang)
    start = pool.candidates.take(hit[:1])
    changed = start
    gains = uplifts(served.bundle, catalog)
    for row in rows:
        changed = what_if(changed, catalog, np.array([row]), gains.__getitem__)
    rescored = rescore(served.bundle, changed, context.positions, position_id)
    perf, risk = float(scored.performance[hit[0]]), float(scored.risk[hit[0]])
    new_perf, new_risk = float(rescored.performance[0]), float(rescored.risk[0])
    before = Prediction(predicted_performance=round(perf, 4), adjustment_risk=round(risk, 4))
    after = Prediction(predicted_performance=round(new_perf, 4), adjustment_risk=round(new_risk, 4))
    change = Prediction(predicted_performance=round(new_perf - perf, 4), adjustment_risk=round(new_risk - risk, 4))
    assumed = _assumed(start, changed, catalog.codes, catalog.membership[rows].any(axis=0))
    tried = [TrainingTried(training_code=str(catalog.training_codes[t]), name=str(catalog.names[t]),
                           hours=None if np.isnan(catalog.hours[t]) else float(catalog.hours[t]),
                           competencies=[code for j, code in enumerate(catalog.codes) if catalog.membership[t, j]])
             for t in rows]
    return WhatIf(position_id=position_id, employee_id=employee_id, as_of=when.date(),
                  model=ModelInfo(name=served.name, version=served.version, run_id=served.run_id), trainings=tried,
                  before=before, after=after, change=change, summary=_summary(before, after, change, lang),
                  assumed_uplift=assumed, assumption=uplift_assumption(assumed, lang), language=lang)
