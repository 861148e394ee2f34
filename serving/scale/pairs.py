"""The pairs of one employee slice: eligibility, pair features and scores of every
(employee, vacancy) pair, of which only the best are kept.

Pure functions of a slice's data and a :class:`RoundJob` (everything every slice needs: the
model, the posts, the round's vacancies, the date, the rules and what to keep). The same
functions run in this process (engine ``local``) and on Dask workers (engine ``dask``), so
the numbers cannot depend on the engine. Scoring goes through the round planner's
:class:`serving.planning.build.PairScorer`, i.e. :func:`models.scoring.score_matrix`, the
one scoring path; a test checks the numbers against the batch scorer's rankings.
"""

from contextlib import closing
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features import columns as c
from features.arrays import Columns
from features.cluster import peak_rss_mb
from features.eligibility import EligibilityRules, PostEligibility, employee_reasons
from features.pairs import PositionTable
from features.slices import EmployeeSlice, SharedTables, read_slice, slice_sources
from features.snapshot import snapshot_at
from models.bundle import RankerBundle
from models.policy import ScorePolicy
from models.scoring import ADJUSTMENT_RISK, PREDICTED_PERFORMANCE, RANK, SCORE
from serving.due import NOT_DUE, due_mask
from serving.planning.build import PairScorer
from serving.scale.settings import Keep

EMPLOYEE_ROW = "employee_row"          # the employee's row in the employees table (ties: lower first)
PREFERENCE_MET = "preference_met"      # the post is in the employee's stated domain or region
AGAINST_WISH = "against_wish"          # another region against a stated unwillingness to relocate
N_ELIGIBLE = "n_eligible"              # per vacancy: eligible employees (pairs scored)
N_KEPT = "n_kept"                      # per vacancy: pairs written
PAIR_COLUMNS = [c.POSITION_ID, c.EMPLOYEE_ID, EMPLOYEE_ROW, PREDICTED_PERFORMANCE, ADJUSTMENT_RISK, SCORE,
                PREFERENCE_MET, AGAINST_WISH]
RANKED_COLUMNS = [*PAIR_COLUMNS, RANK]

CHUNK_ROWS = 50_000         # pairs whose features are built and scored at once in a slice
VACANCY_BLOCK = 200         # vacancies whose pairs are scored before trimming to the kept ones


@dataclass(frozen=True)
class RoundJob:
    """What every slice needs; sent once to each Dask worker."""

    bundle: RankerBundle
    shared: SharedTables
    positions: PositionTable            # the dataset's posts and the round's ad-hoc ones
    vacancy_ids: np.ndarray             # the round's position ids, in round order
    when: pd.Timestamp
    rules: EligibilityRules
    keep: Keep = Keep()
    policy: ScorePolicy = ScorePolicy()
    due_only: bool = False              # only employees on the due list may move
    threads: int = 1                    # LightGBM threads per slice
    chunk_rows: int = CHUNK_ROWS
    vacancy_block: int = VACANCY_BLOCK


@dataclass(frozen=True)
class SlicePairs:
    """A slice's kept pairs (:data:`RANKED_COLUMNS`, ranks within the slice), the eligible
    count per vacancy (round order) and what the slice cost."""

    pairs: pd.DataFrame
    n_eligible: np.ndarray
    peak_rss_mb: float                  # the process's peak resident memory after the slice


def score_slice(directory: str, part: EmployeeSlice, job: RoundJob) -> SlicePairs:
    """Read one slice, take its snapshot at the job's date and score its pairs."""
    dataset = read_slice(directory, part, job.shared)
    snap = snapshot_at(slice_sources(dataset, job.shared), dataset.employees[c.EMPLOYEE_ID], job.when)
    return score_view(job, Columns.from_frame(snap), part.first_row)


def score_view(job: RoundJob, view: Columns, first_row: int = 0) -> SlicePairs:
    """Every eligible pair of ``view``'s employees and the job's vacancies, scored a block
    of vacancies at a time; only the kept ones (:func:`top_pairs`) are held."""
    masks = employee_reasons(view, job.rules)
    if job.due_only:
        masks = {**masks, NOT_DUE: ~due_mask(view, job.positions, job.rules)}
    eligibility = PostEligibility(view, masks, job.rules)
    n_eligible = np.zeros(len(job.vacancy_ids), np.int64)
    kept = [empty_pairs()]
    scorer = PairScorer(view, job.positions, job.bundle, chunk_rows=job.chunk_rows, threads=job.threads)
    with closing(scorer):
        for start in range(0, len(job.vacancy_ids), job.vacancy_block):
            block = np.arange(start, min(start + job.vacancy_block, len(job.vacancy_ids)))
            for v, rows in zip(block.tolist(), eligibility.rows(job.positions, job.vacancy_ids[block])):
                n_eligible[v] = len(rows)
                scorer.add(rows, v, job.vacancy_ids[v])
            kept.append(top_pairs(_frame(job, view, first_row, scorer.drain()), job.keep))
    pairs = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]
    return SlicePairs(pairs, n_eligible, peak_rss_mb())


def top_pairs(frame: pd.DataFrame, keep: Keep) -> pd.DataFrame:
    """The kept pairs of ``frame`` with their rank per vacancy: score descending, equal
    scores by employee row (the order :func:`models.scoring.rank_order` gives a whole pool).
    Applied per slice and again to their union, it gives the whole round's kept pairs."""
    if keep.score_floor is not None:
        frame = frame[frame[SCORE] >= keep.score_floor]
    frame = frame.sort_values([c.POSITION_ID, SCORE, EMPLOYEE_ROW], ascending=[True, False, True], kind="stable")
    rank = frame.groupby(c.POSITION_ID, sort=False).cumcount().to_numpy() + 1
    frame = frame.assign(**{RANK: rank})
    if keep.top_n is not None:
        frame = frame[frame[RANK] <= keep.top_n]
    return frame[RANKED_COLUMNS].reset_index(drop=True)


def empty_pairs() -> pd.DataFrame:
    """A zero-row frame with the kept pairs' columns and types."""
    return pd.DataFrame({c.POSITION_ID: pd.Series(dtype="str"), c.EMPLOYEE_ID: pd.Series(dtype="str"),
                         EMPLOYEE_ROW: pd.Series(dtype="int64"), PREDICTED_PERFORMANCE: pd.Series(dtype="float64"),
                         ADJUSTMENT_RISK: pd.Series(dtype="float64"), SCORE: pd.Series(dtype="float64"),
                         PREFERENCE_MET: pd.Series(dtype="bool"), AGAINST_WISH: pd.Series(dtype="bool"),
                         RANK: pd.Series(dtype="int64")})


def _frame(job: RoundJob, view: Columns, first_row: int, arrays: tuple[np.ndarray, ...]) -> pd.DataFrame:
    employee, vacancy, perf, risk, pref, unwilling = arrays
    return pd.DataFrame({
        c.POSITION_ID: pd.array(job.vacancy_ids[vacancy].astype(str), dtype="str"),
        c.EMPLOYEE_ID: pd.array(np.asarray(view[c.EMPLOYEE_ID])[employee].astype(str), dtype="str"),
        EMPLOYEE_ROW: employee + first_row, PREDICTED_PERFORMANCE: perf, ADJUSTMENT_RISK: risk,
        SCORE: job.policy.score(perf, risk), PREFERENCE_MET: pref, AGAINST_WISH: unwilling})
