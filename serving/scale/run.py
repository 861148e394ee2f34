"""Score a whole round, on one process or on Dask, into a scored-pairs folder.

:func:`prepare_job` reads what every slice shares (the shared tables, the round, the posts)
and :func:`score_round` runs :func:`serving.scale.pairs.score_slice` over the employee
slices: one after the other in this process (``Engine.LOCAL``) or as Dask tasks
(``Engine.DASK``, :mod:`serving.scale.dask_engine`). Either way only the kept pairs are
held, and the folder (:mod:`serving.scale.scored`) appears whole or not at all.
"""

import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from features import columns as c
from features.cluster import dask_client, peak_rss_mb
from features.eligibility import EligibilityRules, rules_label
from features.io import dataset_from_tables
from features.pairs import PositionTable
from features.round import Round, positions_with_round, read_round, round_from_frame
from features.slices import EmployeeSlice, SharedTables, employee_ids, plan_slices, read_shared
from serving.champion import ServedModel
from serving.scale.dask_engine import run_on_dask
from serving.scale.pairs import RoundJob, SlicePairs, empty_pairs, score_slice, top_pairs
from serving.scale.scored import PAIRS_DIR, Progress, ScoredPairs, read_scored, staged, vacancy_counts, write_summary
from serving.scale.settings import ROWS_PER_SLICE, ClusterSettings, Engine, Keep


@dataclass(frozen=True)
class ScoringSummary:
    """What :func:`score_round` did (also written to ``scoring.json``)."""

    engine: Engine
    workers: int
    slices: int
    employees: int
    vacancies: int
    pairs_scored: int
    pairs_kept: int
    seconds: float
    peak_mb: dict[str, float]               # per worker (the process itself for ``local``)
    limit_mb: dict[str, float | None]

    @property
    def pairs_per_second(self) -> float:
        return self.pairs_scored / self.seconds if self.seconds > 0 else 0.0


def prepare_job(directory: str | Path, served: ServedModel, round_: Round | str | Path | pd.DataFrame,
                when: pd.Timestamp | None, rules: EligibilityRules, keep: Keep = Keep(), *,
                due_only: bool = False, threads: int = 1) -> RoundJob:
    """The job of a round: shared tables read and checked once, the round read against
    them (a bad round file is a ``DatasetError`` naming its rows), the posts with its
    ad-hoc vacancies, and the date (the dataset's default when None)."""
    shared = read_shared(directory)
    posts_only = dataset_from_tables(shared.tables, source=str(directory),
                                     catalog_is_default=shared.catalog_is_default)
    if not isinstance(round_, Round):
        round_ = (round_from_frame(round_, posts_only) if isinstance(round_, pd.DataFrame)
                  else read_round(round_, posts_only))
    positions = positions_with_round(PositionTable.from_dataset(posts_only), posts_only, round_)
    vacancy_ids = np.array([v.position_id for v in round_.vacancies], dtype=object)
    if not due_only:                # the due list reads the standards of everyone's own post
        positions = positions.only(vacancy_ids)
    day = shared.default_as_of if when is None else pd.Timestamp(when).normalize()
    return RoundJob(served.bundle, without_standards(shared), positions, vacancy_ids, day, rules, keep,
                    due_only=due_only, threads=threads)


def scored_pairs(directory: str | Path, served: ServedModel, job: RoundJob, *, engine: Engine = Engine.DASK,
                 rows_per_slice: int = ROWS_PER_SLICE, cluster: ClusterSettings = ClusterSettings(),
                 progress: Progress | None = None) -> ScoredPairs:
    """:func:`score_round` into a temporary folder, read back: for callers that use the
    kept pairs at once (the batch scorer, ``mutasi plan --engine dask``)."""
    with tempfile.TemporaryDirectory(prefix="mutasi-pairs-") as tmp:
        out = Path(tmp) / "scored"
        score_round(directory, job, served, out, engine=engine, rows_per_slice=rows_per_slice, cluster=cluster,
                    progress=progress)
        return read_scored(out)


def without_standards(shared: SharedTables) -> SharedTables:
    """The shared tables a slice reads: the posts' competency standards (ten rows per post,
    the largest shared table) are already in the job's PositionTable and no snapshot step
    reads them, so they are not sent to every worker."""
    standards = shared.tables[c.POSITION_COMPETENCIES]
    return replace(shared, tables={**shared.tables, c.POSITION_COMPETENCIES: standards.iloc[:0]})


def score_round(directory: str | Path, job: RoundJob, served: ServedModel, out: str | Path, *,
                engine: Engine = Engine.LOCAL, rows_per_slice: int = ROWS_PER_SLICE,
                cluster: ClusterSettings = ClusterSettings(), progress: Progress | None = None,
                force: bool = False) -> ScoringSummary:
    """Score every eligible pair of the round and write the kept ones to ``out``."""
    started = time.perf_counter()
    slices = plan_slices(employee_ids(directory), rows_per_slice)
    with staged(Path(out), force) as staging:
        pairs_dir = staging / PAIRS_DIR
        if engine == Engine.DASK:
            with dask_client(cluster) as client:
                run = run_on_dask(client, str(directory), slices, job, pairs_dir, progress)
            n_eligible, kept, workers, peak, limit = run.n_eligible, run.kept, run.workers, run.peak_mb, run.limit_mb
        else:
            n_eligible, kept = _run_here(str(directory), slices, job, pairs_dir, progress)
            workers, peak, limit = 1, {"local": peak_rss_mb()}, {"local": None}
        summary = ScoringSummary(Engine(engine), workers, len(slices), sum(len(s) for s in slices),
                                 len(job.vacancy_ids), int(n_eligible.sum()), int(kept.sum()),
                                 time.perf_counter() - started, peak, limit)
        write_summary(staging, vacancy_counts(job.vacancy_ids, n_eligible, kept),
                      manifest(job, served, summary, rows_per_slice))
    return summary


def manifest(job: RoundJob, served: ServedModel, summary: ScoringSummary, rows_per_slice: int) -> dict:
    return {"as_of": job.when.date().isoformat(),
            "model": {"name": served.name, "version": served.version, "run_id": served.run_id},
            "rules": rules_label(job.rules), "policy": job.policy.describe(), "due_only": job.due_only,
            "keep": {"top_n": job.keep.top_n, "score_floor": job.keep.score_floor},
            "engine": str(summary.engine), "workers": summary.workers, "slices": summary.slices,
            "rows_per_slice": rows_per_slice, "employees": summary.employees, "vacancies": summary.vacancies,
            "pairs_scored": summary.pairs_scored, "pairs_kept": summary.pairs_kept,
            "seconds": round(summary.seconds, 3), "pairs_per_second": round(summary.pairs_per_second, 1),
            "memory_mb": {"peak": {k: round(v, 1) for k, v in summary.peak_mb.items()},
                          "limit": {k: None if v is None else round(v, 1) for k, v in summary.limit_mb.items()}}}


def _run_here(directory: str, slices: list[EmployeeSlice], job: RoundJob, pairs_dir: Path,
              progress: Progress | None) -> tuple[np.ndarray, pd.Series]:
    """The slices one after the other; the kept pairs of each are reduced as they come."""
    n_eligible = np.zeros(len(job.vacancy_ids), np.int64)
    kept = empty_pairs()
    for done, part in enumerate(slices, start=1):
        result: SlicePairs = score_slice(directory, part, job)
        n_eligible += result.n_eligible
        kept = top_pairs(pd.concat([kept, result.pairs], ignore_index=True), job.keep)
        if progress:
            progress(done, len(slices))
    pairs_dir.mkdir()
    kept.to_parquet(pairs_dir / "part.0.parquet", index=False)
    return n_eligible, kept[c.POSITION_ID].value_counts()


__all__ = ["ClusterSettings", "Engine", "Keep", "ScoringSummary", "prepare_job", "score_round"]
