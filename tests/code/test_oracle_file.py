"""The oracle comes in only by name (``--oracle``), and a bad file is a named error that
stops before any work."""

import pandas as pd
import pytest
from typer.testing import CliRunner

from mutasi.cli import app
from training.evaluate import OracleError, read_oracle

pytestmark = pytest.mark.code


def test_a_file_that_is_not_parquet_is_named(tmp_path):
    bad = tmp_path / "oracle.parquet"
    bad.write_text("position_id,employee_id\n")
    with pytest.raises(OracleError, match="cannot be read as Parquet") as err:
        read_oracle(bad)
    assert str(bad) in str(err.value)


def test_missing_columns_are_named(tmp_path):
    thin = tmp_path / "oracle.parquet"
    pd.DataFrame({"position_id": ["p1"], "employee_id": ["e1"]}).to_parquet(thin)
    with pytest.raises(OracleError, match="true_expected_score"):
        read_oracle(thin)


def test_train_stops_on_a_bad_oracle_with_a_message(tiny_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("MUTASI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    bad = tmp_path / "oracle.parquet"
    bad.write_text("not parquet")
    done = CliRunner().invoke(app, ["train", "--data", str(tiny_dir), "--oracle", str(bad)])
    assert done.exit_code == 1
    assert "cannot be read as Parquet" in done.output and "loading and validating" not in done.output
    assert not (tmp_path / "home" / "mlflow.db").exists()          # stopped before any run
