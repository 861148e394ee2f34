"""Round scoring at scale: the same scores (to 1e-9) and rankings in this process and on
a real Dask LocalCluster of 1, 2 and 4 workers, checked against the ranking's own path
(candidate_pool → score_candidates) on a simulated province."""

import shutil
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster

from features import columns as c
from features.candidates import candidate_pool
from features.eligibility import EligibilityRules
from features.problems import DatasetError
from features.round import positions_with_round, round_from_frame
from models.scoring import ADJUSTMENT_RISK, PREDICTED_PERFORMANCE, SCORE, rank_order, score_candidates
from serving.batch import COLUMNS, score_vacancies_at_scale
from serving.champion import ServedModel
from serving.context import ServingContext
from serving.scale.pairs import EMPLOYEE_ROW, N_ELIGIBLE, RANK
from serving.scale.run import prepare_job, score_round
from serving.scale.scored import read_scored
from serving.scale.settings import SCHEDULER_ENV, ClusterSettings, Engine, Keep

pytestmark = [pytest.mark.model, pytest.mark.slow]

SAME = 1e-9
SLICE = 400                     # employees per slice: the 1,500-employee province makes several


@pytest.fixture(scope="module")
def setup(trained):
    """A round of 12 existing posts and one ad-hoc post, its job, and the served model."""
    served = ServedModel(trained["fitted"].bundle, "mutasi-ranker", "7", "run")
    posts = trained["dataset"].positions[c.POSITION_ID].tolist()[::150][:12]
    unit = trained["dataset"].units[c.UNIT_ID].iloc[3]
    frame = pd.DataFrame({c.POSITION_ID: [*posts, "adhoc-perawat"], c.UNIT_ID: [None] * len(posts) + [unit],
                          c.TITLE: [None] * len(posts) + ["Perawat Ahli Pertama"],
                          c.POSITION_TYPE: [None] * len(posts) + ["fungsional"],
                          c.JOB_CLASS: [None] * len(posts) + [9.0], c.DOMAIN: [None] * len(posts) + ["kesehatan"],
                          c.MIN_GRADE: [None] * len(posts) + ["III/a"], c.MIN_EDUCATION: [None] * len(posts) + ["s1"]})
    job = prepare_job(trained["path"], served, frame, None, EligibilityRules(), Keep(top_n=None))
    return {"path": trained["path"], "served": served, "job": job, "frame": frame, "dataset": trained["dataset"]}


@pytest.fixture(scope="module")
def reference(setup):
    """Every vacancy's pool scored as a ranking scores it, ranked by rank_order."""
    dataset, job = setup["dataset"], setup["job"]
    context = ServingContext.from_dataset(dataset)
    round_ = round_from_frame(setup["frame"], dataset)
    positions = positions_with_round(context.positions, dataset, round_)
    view = context.snapshot_columns(job.when)
    rows = []
    for pid in job.vacancy_ids:
        pool = candidate_pool(view, positions, pid, EligibilityRules())
        scored = score_candidates(setup["served"].bundle, pool.frame)
        order = rank_order(scored.score)
        rank = np.empty(len(order), np.int64)
        rank[order] = np.arange(1, len(order) + 1)
        rows.append(scored.frame().assign(**{c.POSITION_ID: pid, c.EMPLOYEE_ID: pool.candidates[c.EMPLOYEE_ID],
                                             "ref_rank": rank}))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def local(setup, tmp_path_factory):
    out = tmp_path_factory.mktemp("scored") / "local"
    summary = score_round(setup["path"], setup["job"], setup["served"], out, rows_per_slice=SLICE)
    return {"scored": read_scored(out), "summary": summary}


def cluster_of(workers: int):
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, memory_limit="2GiB",
                        dashboard_address=None)


def test_local_engine_gives_the_rankings_numbers(local, reference):
    pairs = local["scored"].pairs
    assert local["summary"].slices > 2 and len(pairs) == len(reference) > 1000
    joined = pairs.merge(reference, on=[c.POSITION_ID, c.EMPLOYEE_ID], how="outer", validate="one_to_one",
                         suffixes=("", "_ref"), indicator=True)
    assert (joined["_merge"] == "both").all()
    for name in (PREDICTED_PERFORMANCE, ADJUSTMENT_RISK, SCORE):
        assert np.abs(joined[name] - joined[f"{name}_ref"]).max() < SAME
    assert (joined[RANK] == joined["ref_rank"]).all()
    counts = reference.groupby(c.POSITION_ID).size()
    vacancies = local["scored"].vacancies.set_index(c.POSITION_ID)
    assert (vacancies[N_ELIGIBLE] == counts.reindex(vacancies.index).fillna(0)).all()
    assert vacancies.loc["adhoc-perawat", N_ELIGIBLE] > 0


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_dask_gives_the_same_scores_and_rankings(setup, local, workers, tmp_path):
    with cluster_of(workers) as cluster, Client(cluster) as client:
        summary = score_round(setup["path"], setup["job"], setup["served"], tmp_path / "dask", engine=Engine.DASK,
                              rows_per_slice=SLICE, cluster=ClusterSettings(scheduler=cluster.scheduler_address))
        addresses = set(client.scheduler_info(n_workers=-1)["workers"])
    got, want = read_scored(tmp_path / "dask"), local["scored"]
    assert summary.workers == workers and summary.pairs_scored == local["summary"].pairs_scored
    pd.testing.assert_frame_equal(got.pairs, want.pairs, check_exact=False, rtol=0, atol=SAME)
    assert (got.pairs[[c.POSITION_ID, c.EMPLOYEE_ID, RANK]] == want.pairs[[c.POSITION_ID, c.EMPLOYEE_ID, RANK]]).all().all()
    pd.testing.assert_frame_equal(got.vacancies, want.vacancies)
    assert set(summary.peak_mb) <= addresses and all(mb > 50 for mb in summary.peak_mb.values())
    assert all(limit == 2048 for limit in summary.limit_mb.values())
    assert got.manifest["engine"] == "dask" and got.manifest["workers"] == workers


def test_kept_pairs_are_the_best_above_the_floor(setup, local, tmp_path):
    everything = local["scored"].pairs
    floor = float(everything[SCORE].median())
    job = replace(setup["job"], keep=Keep(top_n=5, score_floor=floor))
    score_round(setup["path"], job, setup["served"], tmp_path / "top", rows_per_slice=SLICE)
    kept = read_scored(tmp_path / "top")
    want = everything[(everything[RANK] <= 5) & (everything[SCORE] >= floor)].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept.pairs, want, check_exact=False, rtol=0, atol=SAME)
    assert kept.manifest["keep"] == {"top_n": 5, "score_floor": floor}
    assert (kept.vacancies["n_kept"] <= 5).all() and kept.vacancies["n_kept"].sum() == len(want)


def test_the_scheduler_address_comes_from_the_environment(setup, local, tmp_path, monkeypatch):
    """On a cluster given by $DASK_SCHEDULER_ADDRESS, with a top 5 and a floor: the slices'
    kept pairs reduce to the round's best, as the local engine's full list says."""
    everything = local["scored"].pairs
    floor = float(everything[SCORE].quantile(0.3))
    job = replace(setup["job"], keep=Keep(top_n=5, score_floor=floor))
    with cluster_of(2) as cluster:
        monkeypatch.setenv(SCHEDULER_ENV, cluster.scheduler_address)
        summary = score_round(setup["path"], job, setup["served"], tmp_path / "remote",
                              engine=Engine.DASK, rows_per_slice=SLICE, cluster=ClusterSettings(workers=1))
        with Client(cluster) as client:
            workers = set(client.scheduler_info(n_workers=-1)["workers"])
    assert summary.workers == 2 and set(summary.peak_mb) <= workers    # the given cluster, not a new one of 1
    want = everything[(everything[RANK] <= 5) & (everything[SCORE] >= floor)].reset_index(drop=True)
    pd.testing.assert_frame_equal(read_scored(tmp_path / "remote").pairs, want, check_exact=False, rtol=0,
                                  atol=SAME)


def test_a_bad_slice_fails_whole_and_writes_nothing(setup, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(setup["path"], data)
    grades = pd.read_parquet(data / "grades.parquet")
    last = grades[c.EMPLOYEE_ID].iloc[-1]
    grades.loc[grades.index[-1], c.GRADE] = "V/z"
    grades.to_parquet(data / "grades.parquet", index=False)
    with cluster_of(2) as cluster:
        with pytest.raises(DatasetError) as caught:
            score_round(data, setup["job"], setup["served"], tmp_path / "out", engine=Engine.DASK,
                        rows_per_slice=SLICE, cluster=ClusterSettings(scheduler=cluster.scheduler_address))
    bad = [p for p in caught.value.problems if p.severity == "error"]
    assert bad and bad[0].table == c.GRADES and bad[0].column == c.GRADE and bad[0].value == "V/z"
    assert "slice" in bad[0].message and last
    assert not (tmp_path / "out").exists() and [p.name for p in tmp_path.iterdir()] == ["data"]


def test_employee_rows_are_the_employee_tables_and_break_ties(setup, local):
    pairs = local["scored"].pairs
    ids = setup["dataset"].employees[c.EMPLOYEE_ID].to_numpy()
    assert (ids[pairs[EMPLOYEE_ROW].to_numpy()] == pairs[c.EMPLOYEE_ID].to_numpy()).all()
    for _, group in pairs.groupby(c.POSITION_ID):
        key = list(zip(-group[SCORE], group[EMPLOYEE_ROW]))
        assert key == sorted(key) and (group[RANK].to_numpy() == np.arange(1, len(group) + 1)).all()


def test_the_batch_scorer_at_scale_gives_the_rankings_numbers(setup, reference):
    posts = [p for p in setup["job"].vacancy_ids.tolist() if p != "adhoc-perawat"][:5]
    with cluster_of(2) as cluster:
        got = score_vacancies_at_scale(setup["path"], setup["served"], posts, rows_per_slice=SLICE,
                                       cluster=ClusterSettings(scheduler=cluster.scheduler_address))
    want = reference[reference[c.POSITION_ID].isin(posts)]
    joined = got.merge(want, on=[c.POSITION_ID, c.EMPLOYEE_ID], how="outer", suffixes=("", "_ref"), indicator=True)
    assert len(got) == len(want) > 100 and (joined["_merge"] == "both").all()
    assert np.abs(joined[SCORE] - joined[f"{SCORE}_ref"]).max() < SAME
    assert (joined[RANK] == joined["ref_rank"]).all()
    assert list(got.columns) == COLUMNS
