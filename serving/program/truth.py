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


def _did_truth(result: DidResult | None, panel: pd.DataFrame, frame: pd.DataFrame | None,
               settings: DidSettings, column: str | None = None) -> DidResult | None:
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
               split_columns: Mapping[str, str], split_panels: Mapping[str, pd.DataFrame]) -> ProgramEvaluation:
    """``evaluation`` with the truth filled in where it is known: the appraisal score (all
    moves, each group), the placebo (0), satisfaction and the service indicators."""
    s = evaluation.settings
    appraisal, satisfaction = truth.get(APPRAISAL), truth.get(SATISFACTION)
    main = tuple(_did_truth(r, panel, appraisal, s) if r.outcome == Outcome.APPRAISAL.value else r
                 for r in evaluation.main)
    splits = tuple(_did_truth(r, split_panels.get(r.split, panel), appraisal, s, split_columns[r.split])
                   for r in evaluation.splits)
    placebo = evaluation.placebo
    if placebo is not None and appraisal is not None:
        placebo = dataclasses.replace(placebo, truth=0.0)
    return dataclasses.replace(
        evaluation, main=main, splits=splits, placebo=placebo,
        satisfaction=_did_truth(evaluation.satisfaction, panel, satisfaction, s),
        service=tuple(_dose_truth(d, truth.get(SERVICE), s) for d in evaluation.service))
