"""The one door to Evidently (data drift per column and its HTML report).

Imported lazily by :mod:`serving.monitoring.drift` only when drift is measured: Evidently
costs seconds to import. Two things happen before the first import, here and nowhere else:

- **pandas 3 shim.** Evidently 0.7.23's legacy tests module imports
  ``pandas.core.dtypes.common.infer_dtype_from_object``, which pandas 3 removed; without it
  ``import evidently`` fails. The shim puts back a function with the same meaning (the
  scalar type of a dtype) when it is missing, and does nothing on a pandas that has it.
- **No telemetry.** Evidently's usage telemetry (``evidently.telemetry``, used by its UI
  and collector services, not by reports) is switched off by ``DO_NOT_TRACK``, which this
  module sets unless the user set it.
"""

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandas.core.dtypes.common as pandas_common

DO_NOT_TRACK = "DO_NOT_TRACK"           # evidently.telemetry.DO_NOT_TRACK_ENV
os.environ.setdefault(DO_NOT_TRACK, "1")
if not hasattr(pandas_common, "infer_dtype_from_object"):
    pandas_common.infer_dtype_from_object = lambda dtype: pd.api.types.pandas_dtype(dtype).type

with warnings.catch_warnings():         # its web dependencies warn about their own deprecations on import
    warnings.simplefilter("ignore")
    from evidently import DataDefinition, Report  # noqa: E402  (after the shim and the telemetry switch)
    from evidently import Dataset as EvidentlyDataset  # noqa: E402
    from evidently.presets import DataDriftPreset  # noqa: E402

VALUE_DRIFT = "evidently:metric_v2:ValueDrift"
FAILED = "FAIL"                          # a column test's status when Evidently detects drift


@dataclass(frozen=True)
class ColumnDrift:
    """Evidently's verdict on one column: its method, score, threshold and decision."""

    column: str
    method: str
    value: float
    threshold: float
    drifted: bool


@dataclass(frozen=True)
class DriftRun:
    columns: tuple[ColumnDrift, ...]
    snapshot: object                     # evidently's Snapshot (``save_html``)

    def save_html(self, path: Path) -> Path:
        self.snapshot.save_html(str(path))
        return path


def run_drift(reference: pd.DataFrame, current: pd.DataFrame, numeric: list[str], categorical: list[str],
              methods: dict[str, str]) -> DriftRun:
    """Evidently's data drift preset on the columns ``numeric`` + ``categorical`` with the
    method of each column (``methods``, Evidently's names) at its default threshold. The
    per-column decision is Evidently's own (its column test fails when it detects drift)."""
    definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
    cur = EvidentlyDataset.from_pandas(current, data_definition=definition)
    ref = EvidentlyDataset.from_pandas(reference, data_definition=definition)
    preset = DataDriftPreset(columns=numeric + categorical, per_column_method=methods)
    snapshot = Report([preset], include_tests=True).run(cur, ref)
    document = snapshot.dict()
    failed = {test["metric_config"]["params"]["column"]: test["status"] == FAILED
              for test in document.get("tests", []) if test["metric_config"]["params"].get("type") == VALUE_DRIFT}
    columns = tuple(ColumnDrift(m["config"]["column"], str(m["config"]["method"]), float(m["value"]),
                                float(m["config"]["threshold"]), failed[m["config"]["column"]])
                    for m in document["metrics"] if m["config"]["type"] == VALUE_DRIFT)
    return DriftRun(columns, snapshot)
