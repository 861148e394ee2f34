"""The progress hooks behind the command line's bars: the training table's steps and the
fairness audit's vacancies are counted up to their totals, without changing what they
compute; the bar itself keeps stdout free for documents."""

import io

import pandas as pd
import pytest
from rich.console import Console

from features.snapshot import prepare_sources
from features.timeline import default_as_of
from features.training_table import TABLE_STAGE, build_training_table
from mutasi.progress import StageBar
from training.fairness import AUDIT_STAGE, FairnessSettings, run_audit

from synthetic_bundle import synthetic_bundle

pytestmark = pytest.mark.code


def recorder() -> tuple[list, callable]:
    seen: list[tuple[str, int, int]] = []
    return seen, lambda stage, done, total: seen.append((stage, done, total))


def test_training_table_counts_its_steps_and_computes_the_same(tiny):
    seen, step = recorder()
    table = build_training_table(tiny, step=step)
    assert seen == [(TABLE_STAGE, done, 3) for done in range(4)]
    pd.testing.assert_frame_equal(table, build_training_table(tiny))


def test_audit_counts_every_vacancy(tiny):
    seen, step = recorder()
    bundle = synthetic_bundle(tiny.training_catalog)
    positions = list(tiny.positions["position_id"])
    settings = FairnessSettings(top_k=1, max_positions=len(positions))
    report = run_audit(bundle, tiny, prepare_sources(tiny), default_as_of(tiny), settings, positions=positions,
                       step=step)
    assert seen[0] == (AUDIT_STAGE, 0, len(positions)) and seen[-1] == (AUDIT_STAGE, len(positions), len(positions))
    assert [done for _, done, _ in seen] == list(range(len(positions) + 1))
    plain = run_audit(bundle, tiny, prepare_sources(tiny), default_as_of(tiny), settings, positions=positions)
    pd.testing.assert_frame_equal(report.rates, plain.rates)


def test_stage_bar_draws_on_its_console_and_finishes_each_stage():
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, force_terminal=False)
    with StageBar(console).running() as bar:
        bar("loading data", 0, 1)
        bar("training table", 1, 3)                 # the previous stage is completed when this begins
    drawn = buffer.getvalue()
    assert "loading data" in drawn and "1/1" in drawn and "training table" in drawn and "3/3" in drawn
