"""Follow-through after a transfer: who was moved in a window, and what is known about
them since the move.

A *look* is one row ``(employee_id, position_id, move_date, check_date)``: a transferee
seen at ``check_date``, ``move_date`` being the start of their stint in ``position_id``.
The post-transfer risk model's inputs for a look are the ranker's own features at the move
(:func:`~features.training_table.move_features` at ``move_date``: what the decision knew)
plus what happened in the new post before ``check_date`` (:data:`SINCE_MOVE_FEATURES`).
Only records dated strictly before ``check_date`` count, as everywhere else.

Surveys and service indicators are outcomes and signals: they are never read here.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features import columns as c
from features import vocab as v
from features.io import DATE_DTYPE, Dataset
from features.model_inputs import CATEGORICAL_FEATURES, FEATURES
from features.names import AS_OF
from features.pairs import PositionTable
from features.snapshot import LAST_SCORE, LAST_WORK_BEHAVIOR, Sources
from features.timeline import LAST_DAY, stints
from features.training_table import move_features
from features.vocab import DAYS_PER_YEAR

MOVE_DATE = "move_date"                  # start of the stint in the new post (the decision's t)
CHECK_DATE = "check_date"                # the follow-up looks from here: records before it count

MONTHS_SINCE_MOVE = "months_since_move"
APPRAISALS_SINCE_MOVE = "appraisals_since_move"          # appraisals of the new post closed by the check
LAST_SCORE_SINCE_MOVE = "last_score_since_move"          # NaN when none yet
MEAN_SCORE_SINCE_MOVE = "mean_score_since_move"
SCORE_CHANGE_SINCE_MOVE = "score_change_since_move"      # last score since the move − last score before it
LAST_BEHAVIOR_SINCE_MOVE = "last_work_behavior_since_move"
SANCTIONS_SINCE_MOVE = "sanctions_since_move"            # any level, started in the new post
TRAINING_HOURS_SINCE_MOVE = "training_hours_since_move"  # JP completed in the new post

SINCE_MOVE_FEATURES = (
    MONTHS_SINCE_MOVE, APPRAISALS_SINCE_MOVE, LAST_SCORE_SINCE_MOVE, MEAN_SCORE_SINCE_MOVE,
    SCORE_CHANGE_SINCE_MOVE, LAST_BEHAVIOR_SINCE_MOVE, SANCTIONS_SINCE_MOVE, TRAINING_HOURS_SINCE_MOVE,
)
FOLLOWUP_FEATURES = FEATURES + SINCE_MOVE_FEATURES        # the post-transfer risk model's inputs
FOLLOWUP_CATEGORICAL = CATEGORICAL_FEATURES

FOLLOWUP_MONTHS = 24          # who is followed: moved within the last 24 months (the risk window)
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
LOOK_COLUMNS = (c.EMPLOYEE_ID, c.POSITION_ID, MOVE_DATE, CHECK_DATE)

assert not set(SINCE_MOVE_FEATURES) & set(FEATURES)


@dataclass(frozen=True)
class Looks:
    """Rows to follow up: ``employee_id, position_id, move_date, check_date`` (other
    columns are kept by callers, ignored here)."""

    rows: pd.DataFrame

    def __post_init__(self) -> None:
        missing = set(LOOK_COLUMNS) - set(self.rows.columns)
        if missing:
            raise ValueError(f"Looks needs columns {sorted(missing)}")
        if (self.rows[CHECK_DATE] < self.rows[MOVE_DATE]).any():
            raise ValueError("a check_date precedes its move_date")

    def __len__(self) -> int:
        return len(self.rows)


def transferees(dataset: Dataset, as_of, months: int = FOLLOWUP_MONTHS,
                stint_table: pd.DataFrame | None = None) -> Looks:
    """Everyone whose current post (at ``as_of``) began by a transfer (any move type but
    ``initial``) within the last ``months`` months before ``as_of``, who still holds it and
    has not exited: their looks with ``check_date = as_of``, sorted by move date then id."""
    t = pd.Timestamp(as_of)
    table = stints(dataset) if stint_table is None else stint_table
    since = t - pd.DateOffset(months=months)
    holding = (table[c.START_DATE] < t) & (table[LAST_DAY].isna() | (table[LAST_DAY] >= t))
    moved = (table[c.MOVE_TYPE] != v.INITIAL_MOVE) & (table[c.START_DATE] >= since)
    exits = dataset.exits.set_index(c.EMPLOYEE_ID)[c.EXIT_DATE]
    exit_date = pd.Series(exits.reindex(table[c.EMPLOYEE_ID]).to_numpy(), index=table.index).astype(DATE_DTYPE)
    present = exit_date.isna() | (exit_date >= t)
    rows = table.loc[holding & moved & present, [c.EMPLOYEE_ID, c.POSITION_ID, c.START_DATE, c.MOVE_TYPE]]
    rows = rows.rename(columns={c.START_DATE: MOVE_DATE}).assign(**{CHECK_DATE: t})
    rows = rows.astype({CHECK_DATE: DATE_DTYPE}).sort_values([MOVE_DATE, c.EMPLOYEE_ID], kind="stable")
    return Looks(rows.reset_index(drop=True))


def followup_features(src: Sources, positions: PositionTable, looks: Looks,
                      decision: pd.DataFrame | None = None) -> pd.DataFrame:
    """The post-transfer model's inputs of each look, in look order: the ranker's features
    at the move (what the decision knew) and :data:`SINCE_MOVE_FEATURES` at the check.
    ``decision``: those features at the move already built (one row per look, in look
    order, e.g. taken from the training table), so they are not computed again."""
    rows = looks.rows
    if len(looks) == 0 and decision is None:       # the snapshot needs a row to type its columns
        return _empty_like(src, positions)
    if decision is None:
        moves = pd.DataFrame({c.EMPLOYEE_ID: rows[c.EMPLOYEE_ID].astype("str").to_numpy(),
                              AS_OF: rows[MOVE_DATE].astype(DATE_DTYPE).to_numpy(),
                              c.POSITION_ID: rows[c.POSITION_ID].astype("str").to_numpy()})
        decision = move_features(src, positions, moves)
    elif len(decision) != len(looks):
        raise ValueError(f"decision has {len(decision)} rows for {len(looks)} looks")
    decision = decision.reset_index(drop=True)
    since = since_move(src, looks, decision[LAST_SCORE].to_numpy(dtype="float64", na_value=np.nan))
    return pd.concat([decision, since], axis=1)


def _empty_like(src: Sources, positions: PositionTable) -> pd.DataFrame:
    """The columns of :func:`followup_features`, with no row."""
    probe = Looks(pd.DataFrame({c.EMPLOYEE_ID: [src.employees.index[0]], c.POSITION_ID: [positions.attributes.index[0]],
                                MOVE_DATE: [pd.Timestamp("2000-01-01")], CHECK_DATE: [pd.Timestamp("2000-01-01")]}))
    return followup_features(src, positions, probe).iloc[:0]


def _window(looks: Looks, table: pd.DataFrame, start_col: str, end_col: str, columns: list[str]) -> pd.DataFrame:
    """Records of each look's employee with ``start_col`` ≥ the move and ``end_col`` before
    the check, with the look's row number ``_look``."""
    keys = pd.DataFrame({"_look": np.arange(len(looks)), c.EMPLOYEE_ID: looks.rows[c.EMPLOYEE_ID].to_numpy(),
                         MOVE_DATE: looks.rows[MOVE_DATE].to_numpy(), CHECK_DATE: looks.rows[CHECK_DATE].to_numpy()})
    wanted = list(dict.fromkeys([c.EMPLOYEE_ID, start_col, end_col, *columns]))
    joined = keys.merge(table[wanted], on=c.EMPLOYEE_ID)
    keep = (joined[start_col] >= joined[MOVE_DATE]) & (joined[end_col] < joined[CHECK_DATE])
    return joined[keep]


def since_move(src: Sources, looks: Looks, score_at_move: np.ndarray) -> pd.DataFrame:
    """:data:`SINCE_MOVE_FEATURES` of each look. An appraisal counts when its period began
    in the new post and ended before the check; a sanction or training when it started
    (sanction) or ended (training) on or after the move and before the check."""
    n = len(looks)
    rows = looks.rows
    months = (rows[CHECK_DATE] - rows[MOVE_DATE]).dt.days.to_numpy(dtype="float64") / DAYS_PER_MONTH

    app = _window(looks, src.appraisals, c.PERIOD_START, c.PERIOD_END, [LAST_SCORE, LAST_WORK_BEHAVIOR])
    app = app.sort_values(["_look", c.PERIOD_END], kind="stable")
    grouped = app.groupby("_look")
    count = grouped.size().reindex(np.arange(n), fill_value=0).to_numpy(dtype="float64")
    last = grouped[LAST_SCORE].last().reindex(np.arange(n)).to_numpy(dtype="float64")
    mean = grouped[LAST_SCORE].mean().reindex(np.arange(n)).to_numpy(dtype="float64")
    behavior = grouped[LAST_WORK_BEHAVIOR].last().reindex(np.arange(n)).to_numpy(dtype="float64")

    dis = _window(looks, src.discipline, c.START_DATE, c.START_DATE, [])
    sanctions = dis.groupby("_look").size().reindex(np.arange(n), fill_value=0).to_numpy(dtype="float64")
    tr = _window(looks, src.trainings, c.END_DATE, c.END_DATE, [c.HOURS])
    hours = tr.groupby("_look")[c.HOURS].sum().reindex(np.arange(n), fill_value=0.0).to_numpy(dtype="float64")

    return pd.DataFrame({
        MONTHS_SINCE_MOVE: months, APPRAISALS_SINCE_MOVE: count, LAST_SCORE_SINCE_MOVE: last,
        MEAN_SCORE_SINCE_MOVE: mean, SCORE_CHANGE_SINCE_MOVE: last - np.asarray(score_at_move, dtype="float64"),
        LAST_BEHAVIOR_SINCE_MOVE: behavior, SANCTIONS_SINCE_MOVE: sanctions, TRAINING_HOURS_SINCE_MOVE: hours,
    })
