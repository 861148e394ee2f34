"""The simulator's true effects beside the estimates, when the data comes with them.

A simulated province (``mutasi simulate``) writes its true programme effect next to the
tables. Given those frames (``appraisal`` and ``satisfaction``: ``employee_id, period,
effect``; ``service``: ``indicator, lag, effect``), each estimate gets the truth averaged
with its own weights (:func:`serving.program.did.truth_of`), so a reader sees how far the
estimate is from it. Real data has no truth: nothing here runs then."""

import dataclasses
from collections.abc import Mapping

import pandas as pd

from serving.program.did import group_panel, truth_of
from serving.program.results import DidResult, DidSettings, DoseResult, Outcome, ProgramEvaluation

APPRAISAL, SATISFACTION, SERVICE = "appraisal", "satisfaction", "service"
INDICATOR, LAG, EFFECT = "indicator", "lag", "effect"


def _did_truth(result: DidResult | None, panel: pd.DataFrame, column: str | None, frame: pd.DataFrame | None,
               settings: DidSettings) -> DidResult | None:
    """The result with its truth: on the whole panel, or (``column``) on its group's panel."""
    if result is None or frame is None:
        return result
    used = panel if column is None else group_panel(panel, column, result.group, settings)
    return dataclasses.replace(result, truth=truth_of(used, frame, settings, outcome=result.outcome))


def _dose_truth(result: DoseResult, frame: pd.DataFrame | None, settings: DidSettings) -> DoseResult:
    if frame is None:
        return result
    lags = frame[frame[INDICATOR] == result.indicator].set_index(LAG)[EFFECT]
    if lags.empty:
        return result
    effects = [float(lags.get(k, 0.0)) for k in range(settings.dose_lags + 1)]
    return dataclasses.replace(result, truth=sum(effects) / len(effects))


def with_truth(evaluation: ProgramEvaluation, panel: pd.DataFrame, truth: Mapping[str, pd.DataFrame],
               splits: Mapping[str, tuple[pd.DataFrame, str]]) -> ProgramEvaluation:
    """``evaluation`` with the truth filled in where it is known: the appraisal score (all
    moves, each group), the placebo (0), satisfaction and the service indicators. ``splits``:
    each split's panel and group column, as its groups were estimated."""
    s = evaluation.settings
    appraisal, satisfaction = truth.get(APPRAISAL), truth.get(SATISFACTION)
    main = tuple(_did_truth(r, panel, None, appraisal, s) if r.outcome == Outcome.APPRAISAL.value else r
                 for r in evaluation.main)
    groups = tuple(_did_truth(r, *splits[r.split], appraisal, s) for r in evaluation.splits)
    placebo = evaluation.placebo
    if placebo is not None and appraisal is not None:
        placebo = dataclasses.replace(placebo, truth=0.0)
    return dataclasses.replace(
        evaluation, main=main, splits=groups, placebo=placebo,
        satisfaction=_did_truth(evaluation.satisfaction, panel, None, satisfaction, s),
        service=tuple(_dose_truth(d, truth.get(SERVICE), s) for d in evaluation.service))
