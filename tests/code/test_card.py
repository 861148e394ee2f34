"""The model card shows the real temporal splits (dates and counts of both targets) and the
registry decision with its reason."""

import numpy as np
import pandas as pd
import pytest

from features.names import AS_OF, FAILURE, PERFORMANCE
from training.card import model_card
from training.registry import Decision
from training.split import temporal_split

pytestmark = pytest.mark.code


@pytest.fixture
def splits():
    dates = pd.date_range("2014-01-01", periods=60, freq="MS")
    table = pd.DataFrame({AS_OF: dates, PERFORMANCE: np.linspace(1, 5, 60),
                          FAILURE: np.where(np.arange(60) < 50, np.arange(60) % 2, np.nan)})
    return temporal_split(table, PERFORMANCE), temporal_split(table, FAILURE)


def evaluation() -> pd.DataFrame:
    return pd.DataFrame([
        {"target": "performance", "split": "test", "method": "model", "mae": 0.3, "spearman": 0.5, "brier": np.nan},
        {"target": "performance", "split": "test", "method": "duk", "mae": np.nan, "spearman": 0.1, "brier": np.nan},
        {"target": "risk", "split": "test", "method": "model", "mae": np.nan, "spearman": np.nan, "brier": 0.1}])


def section(card: str, title: str) -> str:
    return card.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_card_shows_the_real_splits(splits):
    perf, risk = splits
    card = model_card({**perf.describe(), **risk.describe(), "n_events": 60}, evaluation(), ("a", "b"))
    data = section(card, "Data")
    for split, label in ((perf, "Performance split"), (risk, "Risk split")):
        line = next(x for x in data.splitlines() if x.startswith(f"- {label}"))
        assert str(split.valid_from.date()) in line and str(split.test_from.date()) in line
        assert f"({len(split.train)} events)" in line and f"({len(split.valid)} events)" in line
        assert f"({len(split.test)} events)" in line
        assert "?" not in line
    assert perf.valid_from != risk.valid_from                  # each target has its own split


def test_card_shows_the_decision_and_its_reason(splits):
    card = model_card({}, evaluation(), ("a",), decision=(Decision.REFUSED_BY_AUDIT, "its fairness audit failed"))
    assert section(card, "Registry decision").strip() == "Decision: `refused_by_audit`. Its fairness audit failed."
    assert "_Not registered yet._" in model_card({}, evaluation(), ("a",))


def test_metrics_tables_leave_missing_values_blank():
    card = model_card({}, evaluation(), ("a",))
    assert "| target | split | method | mae | spearman |" in card           # all-missing columns dropped
    assert "| performance | test | model | 0.300 | 0.500 |" in card
    assert "| performance | test | duk |  | 0.100 |" in card and "nan" not in card
    assert "| risk | test | model | 0.100 |" in card
