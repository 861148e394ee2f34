"""Each employee's first transfer in an evaluation window, with the groups HR compares.

One row per moved employee: ``employee_id, cohort (period), move_date, position_id`` and
the groups of that first move (constants of :mod:`features.program_panel`):

- ``match``: ``own`` when the new post's domain is the domain of the post left, else ``other``;
- ``gap_size``: the competency shortfall to the new post's standard at the move: the sum, over
  the post's required competencies, of required level − the latest assessed level before the
  move, where positive (NaN when the employee had no assessment before the move);
  ``gap``: ``small`` at or below the median of the moved, ``large`` above it;
- ``move_group``: ``rotation`` (rotasi, mutasi), ``promotion`` (promosi), ``other``;
- ``followed``: ``yes`` when the latest ranking of the post served before the move (at most
  365 days before) ranked this employee first, ``no`` when it ranked someone else first, NaN
  when no such ranking exists;
- ``dest_unit_id``, ``dest_domain``: where the move went.

Employees with a transfer in the :data:`~features.program_panel.WASHOUT` periods before the
window are returned separately (:func:`recently_moved`): their earlier move's effect would
still be running, so they belong to neither group.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features import columns as c
from features import program_panel as pp
from features import vocab as v
from features.io import Dataset
from features.timeline import previous_posts, stints

RANKED_AS_OF = "ranked_as_of"
FOLLOW_WINDOW_DAYS = 365


@dataclass(frozen=True)
class Window:
    """The evaluation's periods, first and last included."""

    first: int
    last: int

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"the window's first period {self.first} is after its last {self.last}")

    @property
    def periods(self) -> tuple[int, ...]:
        return tuple(range(self.first, self.last + 1))


def _moves(dataset: Dataset) -> pd.DataFrame:
    """Transfer events with the post and domain left."""
    table = stints(dataset)
    domain = dataset.positions.set_index(c.POSITION_ID)[c.DOMAIN]
    unit = dataset.positions.set_index(c.POSITION_ID)[c.UNIT_ID]
    table = table.assign(prev_position=previous_posts(table))
    moves = table[table[c.MOVE_TYPE] != v.INITIAL_MOVE].copy()
    moves[pp.DEST_DOMAIN] = domain.reindex(moves[c.POSITION_ID]).to_numpy()
    moves[pp.DEST_UNIT] = unit.reindex(moves[c.POSITION_ID]).to_numpy()
    moves["prev_domain"] = domain.reindex(moves["prev_position"]).to_numpy()
    moves[pp.PERIOD] = moves[c.START_DATE].dt.year
    return moves


def recently_moved(dataset: Dataset, window: Window) -> pd.Index:
    """Employees with a transfer in the WASHOUT periods before the window's first."""
    moves = _moves(dataset)
    before = (moves[pp.PERIOD] < window.first) & (moves[pp.PERIOD] >= window.first - pp.WASHOUT)
    return pd.Index(moves.loc[before, c.EMPLOYEE_ID].unique())


def gap_sizes(dataset: Dataset, moves: pd.DataFrame) -> pd.Series:
    """Competency shortfall of each move (index of ``moves``) to its post's standard."""
    required = dataset.position_competencies[[c.POSITION_ID, c.COMPETENCY_CODE, c.REQUIRED_LEVEL]]
    need = moves[[c.EMPLOYEE_ID, c.POSITION_ID, c.START_DATE]].reset_index().merge(required, on=c.POSITION_ID)
    levels = dataset.competency_assessments[[c.EMPLOYEE_ID, c.COMPETENCY_CODE, c.ASSESSED_DATE, c.LEVEL]]
    levels = levels.dropna(subset=[c.ASSESSED_DATE]).sort_values(c.ASSESSED_DATE, kind="stable")
    need = need.sort_values(c.START_DATE, kind="stable")
    # strictly before the move: a record dated on the move day is the future
    joined = pd.merge_asof(need, levels, left_on=c.START_DATE, right_on=c.ASSESSED_DATE,
                           by=[c.EMPLOYEE_ID, c.COMPETENCY_CODE], allow_exact_matches=False)
    assessed = joined.groupby("index")[c.LEVEL].count()
    short = (joined[c.REQUIRED_LEVEL] - joined[c.LEVEL]).clip(lower=0).fillna(0.0)
    total = short.groupby(joined["index"]).sum()
    return total.where(assessed.reindex(total.index) > 0).reindex(moves.index)


def followed(moves: pd.DataFrame, top_ranked: pd.DataFrame | None) -> pd.Series:
    """``yes``/``no``/NaN per move (index of ``moves``). ``top_ranked``: one row per served
    ranking: ``position_id, ranked_as_of, employee_id`` (its first-ranked candidate)."""
    out = pd.Series(np.nan, index=moves.index, dtype=object)
    if top_ranked is None or top_ranked.empty or moves.empty:
        return out
    ranked = top_ranked.rename(columns={c.EMPLOYEE_ID: "top"})
    pairs = moves[[c.POSITION_ID, c.START_DATE, c.EMPLOYEE_ID]].reset_index().merge(ranked, on=c.POSITION_ID)
    gap = pairs[c.START_DATE] - pd.to_datetime(pairs[RANKED_AS_OF])
    pairs = pairs[(gap > pd.Timedelta(0)) & (gap <= pd.Timedelta(days=FOLLOW_WINDOW_DAYS))]
    latest = pairs.sort_values(RANKED_AS_OF, kind="stable").drop_duplicates("index", keep="last")
    out[latest["index"].to_numpy()] = np.where(latest["top"] == latest[c.EMPLOYEE_ID], pp.YES, pp.NO)
    return out


def _labels(known: pd.Series, condition: pd.Series, yes: str, no: str) -> pd.Series:
    """``yes`` where the condition holds, ``no`` where not, NaN where unknown."""
    return pd.Series(np.where(condition, yes, no), index=known.index, dtype=object).where(known)


def first_moves(dataset: Dataset, window: Window, top_ranked: pd.DataFrame | None = None) -> pd.DataFrame:
    """The first transfer in the window of every employee moved in it, with its groups."""
    moves = _moves(dataset)
    inside = moves[(moves[pp.PERIOD] >= window.first) & (moves[pp.PERIOD] <= window.last)]
    first = inside.sort_values([c.EMPLOYEE_ID, c.START_DATE], kind="stable").drop_duplicates(c.EMPLOYEE_ID)
    first = first.reset_index(drop=True)
    gap = gap_sizes(dataset, first)
    known = gap.dropna()
    median = float(known.median()) if len(known) else np.nan
    move_type = first[c.MOVE_TYPE]
    return pd.DataFrame({
        c.EMPLOYEE_ID: first[c.EMPLOYEE_ID],
        pp.COHORT: first[pp.PERIOD].astype(float),
        pp.MOVE_DATE: first[c.START_DATE],
        c.POSITION_ID: first[c.POSITION_ID],
        pp.MATCH: _labels(first["prev_domain"].notna(), first[pp.DEST_DOMAIN] == first["prev_domain"], pp.OWN, pp.OTHER),
        pp.GAP_SIZE: gap.to_numpy(),
        pp.GAP: _labels(gap.notna(), gap <= median, pp.SMALL, pp.LARGE),
        pp.MOVE_GROUP: np.where(move_type.isin(pp.ROTATION_TYPES), pp.ROTATION,
                                np.where(move_type.isin(pp.PROMOTION_TYPES), pp.PROMOTION, pp.OTHER)),
        pp.FOLLOWED: followed(first, top_ranked).to_numpy(),
        pp.DEST_UNIT: first[pp.DEST_UNIT],
        pp.DEST_DOMAIN: first[pp.DEST_DOMAIN],
    })
