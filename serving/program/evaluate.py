"""``evaluate_program``: the whole programme evaluation of a dataset.

Steps, each a small function: the window's periods → the first moves and their groups
(``features.program_moves``) → the employee and unit panels (``features.program_panel``)
→ one staggered DiD per outcome, the placebo, the groups, satisfaction, the service
indicators (``serving.program.did`` / ``dose``) → a :class:`ProgramEvaluation`.
"""

from collections.abc import Callable, Mapping

import pandas as pd

from features import columns as c
from features import program_panel as pp
from features.io import Dataset
from features.program_moves import RANKED_AS_OF, Window, first_moves, recently_moved
from features.timeline import dataset_end
from serving.program.did import group_did, placebo_did, staggered_did
from serving.program.dose import dose_event_study
from serving.program.results import DidResult, DidSettings, Notice, Outcome, ProgramEvaluation, Split
from serving.program.truth import with_truth

MAIN_OUTCOMES = (Outcome.APPRAISAL, Outcome.BEHAVIOR, Outcome.SANCTION, Outcome.EXIT)
HR_SPLITS = (Split.MATCH, Split.GAP, Split.MOVE_TYPE, Split.FOLLOWED)
SPLIT_COLUMN = {Split.MATCH: pp.MATCH, Split.GAP: pp.GAP, Split.MOVE_TYPE: pp.MOVE_GROUP,
                Split.FOLLOWED: pp.FOLLOWED, Split.UNIT: pp.DEST_UNIT, Split.DOMAIN: pp.DEST_DOMAIN}
MAX_GROUPS = 12          # --by unit|domain: the groups with the most moved employees


def _no_step(_stage: str, _done: int, _total: int) -> None:
    return None


def window_of(dataset: Dataset, since: pd.Timestamp | None, until: pd.Timestamp | None) -> Window:
    """Periods from ``since``'s (default: the first appraisal's) to ``until``'s (default: the
    dataset's end)."""
    ends = dataset.appraisals[c.PERIOD_END].dropna()
    if ends.empty:
        raise ValueError("appraisals: no period_end: the evaluation needs appraisal periods")
    first = pd.Timestamp(since).year if since is not None else int(ends.min().year)
    last = pd.Timestamp(until).year if until is not None else int(dataset_end(dataset).year)
    return Window(first, last)


def top_ranked(rankings: list[dict] | None) -> pd.DataFrame:
    """``position_id, ranked_as_of, employee_id`` of each served ranking's first candidate."""
    rows = [{c.POSITION_ID: str(r["position_id"]), RANKED_AS_OF: pd.Timestamp(r["as_of"]),
             c.EMPLOYEE_ID: str(x["employee_id"])}
            for r in rankings or () for x in r.get("results") or () if int(x.get("rank", 0)) == 1]
    return pd.DataFrame(rows, columns=[c.POSITION_ID, RANKED_AS_OF, c.EMPLOYEE_ID])


def largest_groups(panel: pd.DataFrame, column: str, keep: int = MAX_GROUPS) -> pd.DataFrame:
    """The panel with ``column`` blanked outside the ``keep`` groups with the most moved employees."""
    movers = panel.drop_duplicates(c.EMPLOYEE_ID)[column].value_counts()
    kept = set(movers.index[:keep])
    return panel.assign(**{column: panel[column].where(panel[column].isin(kept))})


def split_frames(panel: pd.DataFrame, splits: tuple[Split, ...]) -> dict[Split, pd.DataFrame]:
    """Each split's panel as its groups are estimated (``--by unit|domain``: the largest groups)."""
    return {split: largest_groups(panel, SPLIT_COLUMN[split]) if split in (Split.UNIT, Split.DOMAIN) else panel
            for split in splits}


def split_results(frames: Mapping[Split, pd.DataFrame], settings: DidSettings,
                  step: Callable[[str], None]) -> tuple[tuple[DidResult, ...], set[str]]:
    """The appraisal score's DiD per group of every split; the notices they raise."""
    results: list[DidResult] = []
    notices: set[str] = set()
    for split, frame in frames.items():
        column = SPLIT_COLUMN[split]
        groups = frame.loc[frame[pp.COHORT].notna(), column].dropna().unique()
        if split is Split.FOLLOWED and len(groups) == 0:
            notices.add(Notice.NO_AUDIT_LOG.value)
            continue
        found = group_did(frame, Outcome.APPRAISAL.value, column, settings, split.value)
        if len(found) < len(groups):
            notices.add(Notice.TOO_FEW_TREATED.value)
        results.extend(found)
        step(f"groups: {split.value}")
    return tuple(results), notices


def evaluate_program(dataset: Dataset, *, since: pd.Timestamp | None = None, until: pd.Timestamp | None = None,
                     by: Split | None = None, settings: DidSettings = DidSettings(),
                     rankings: list[dict] | None = None, truth: Mapping[str, pd.DataFrame] | None = None,
                     progress: Callable[[str, int, int], None] = _no_step) -> ProgramEvaluation:
    """Estimate the effect of transfers on every outcome, by group, with placebo, the
    satisfaction and service analyses. ``rankings``: the audit log's ranking entries
    (``AuditLog.rankings``) for the *followed* split; None or empty: no such split.
    ``truth``: a simulated province's true effects (:mod:`serving.program.truth`), shown
    beside the estimates."""
    window = window_of(dataset, since, until)
    splits = HR_SPLITS + ((by,) if by is not None and by not in HR_SPLITS else ())
    total = len(MAIN_OUTCOMES) + 4 + len(splits)
    done = [0]

    def step(stage: str) -> None:
        done[0] += 1
        progress(stage, done[0], total)

    moves = first_moves(dataset, window, top_ranked(rankings))
    panel = pp.employee_panel(dataset, window.periods, moves, recently_moved(dataset, window))
    step("panel")
    main = []
    for outcome in MAIN_OUTCOMES:
        result = staggered_did(panel, outcome.value, settings)
        if result is not None:
            main.append(result)
        step(f"outcome: {outcome.value}")
    placebo = placebo_did(panel, Outcome.APPRAISAL.value, settings)
    step("placebo")
    frames = split_frames(panel, splits)
    split_found, notices = split_results(frames, settings, step)
    satisfaction = None
    if panel[Outcome.SATISFACTION.value].notna().any():
        satisfaction = staggered_did(panel, Outcome.SATISFACTION.value, settings)
    else:
        notices.add(Notice.NO_SURVEYS.value)
    step("satisfaction")
    service = service_results(dataset, window, settings, notices)
    step("service")
    notices |= verdict_notices(main, placebo)
    found = ProgramEvaluation(
        since=None if since is None else str(pd.Timestamp(since).date()),
        until=None if until is None else str(pd.Timestamp(until).date()),
        periods=window.periods, settings=settings, main=tuple(main), placebo=placebo, splits=split_found,
        satisfaction=satisfaction, service=service, notices=tuple(sorted(notices)), data=counts(panel, moves))
    if not truth:
        return found
    return with_truth(found, panel, truth, {split.value: (frame, SPLIT_COLUMN[split]) for split, frame in frames.items()})


def service_results(dataset: Dataset, window: Window, settings: DidSettings, notices: set[str]) -> tuple:
    units = pp.unit_panel(dataset, window.periods)
    if units.empty:
        notices.add(Notice.NO_SERVICE_INDICATORS.value)
        return ()
    found = (dose_event_study(units, str(indicator), settings) for indicator in sorted(units[c.INDICATOR].unique()))
    return tuple(r for r in found if r is not None)


def verdict_notices(main: list[DidResult], placebo: DidResult | None) -> set[str]:
    """Pre-trend and placebo failures of the appraisal score; exits' survival bias."""
    notices = set()
    if any(r.outcome == Outcome.EXIT.value for r in main):
        notices.add(Notice.EXIT_SURVIVAL.value)
    if any(r.pretrend is not None and not r.pretrend.passed for r in main if r.outcome == Outcome.APPRAISAL.value):
        notices.add(Notice.PRETREND_FAILED.value)
    if placebo is not None and placebo.att.significant:
        notices.add(Notice.PLACEBO_FAILED.value)
    return notices


def counts(panel: pd.DataFrame, moves: pd.DataFrame) -> dict:
    """The data behind the evaluation, for the report's header."""
    people = panel.drop_duplicates(c.EMPLOYEE_ID)
    return {"employees": int(len(people)), "moved": int(people[pp.COHORT].notna().sum()),
            "never_moved": int(people[pp.COHORT].isna().sum()), "rows": int(len(panel)),
            "appraisals": int(panel[Outcome.APPRAISAL.value].notna().sum()),
            "surveys": int(panel[Outcome.SATISFACTION.value].notna().sum()),
            "followed_known": int(moves[pp.FOLLOWED].notna().sum())}
