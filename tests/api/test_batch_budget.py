"""The batch's time budget and its single model, on the serving function itself (a clock
the test controls, no waiting): requests not started in time are errors, not lost."""

import itertools

import pytest

from serving.audit import AuditLog
from serving.batch_rankings import OUT_OF_TIME, rank_many
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.security import Caller
from serving.service import AppState

from synthetic_bundle import synthetic_bundle

pytestmark = pytest.mark.code

WHO = Caller("tester", "127.0.0.1")


class CountingCache(ChampionCache):
    """A fixed model that counts how often it is asked for."""

    def __init__(self, served):
        super().__init__(check_every=float("inf"))
        self._served, self._checked, self.calls = served, float("inf"), 0

    def get(self):
        self.calls += 1
        return super().get()


@pytest.fixture(scope="module")
def state(tiny, tmp_path_factory) -> AppState:
    fixed = ChampionCache.fixed(synthetic_bundle(tiny.training_catalog, n=300))
    return AppState(ServingContext.from_dataset(tiny), CountingCache(fixed.get()),
                    AuditLog(tmp_path_factory.mktemp("batch") / "audit.db"))


def test_requests_left_when_the_budget_is_spent_are_errors(state):
    ticks = itertools.count()               # 0 at the start, then one "second" per request
    items = [{"position_id": "p3", "top_k": 1}] * 4
    outcome = rank_many(state, items, WHO, budget_s=2.5, clock=lambda: float(next(ticks)))
    assert [r is not None for r in outcome.rankings] == [True, True, False, False]
    assert [(e["index"], e["problem"]["status"], e["problem"]["field"]) for e in outcome.errors] == [
        (2, OUT_OF_TIME, "requests.2"), (3, OUT_OF_TIME, "requests.3")]


def test_the_whole_batch_asks_for_the_model_once(state):
    before = state.champion.calls
    outcome = rank_many(state, [{"position_id": p, "top_k": 1} for p in ("p1", "p2", "p3", "p4")], WHO)
    assert state.champion.calls - before == 1
    assert len({(r.model.name, r.model.version) for r in outcome.rankings if r is not None}) == 1
