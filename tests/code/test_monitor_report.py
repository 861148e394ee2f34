"""The monitoring report (serving.monitoring.report, monitor) on a hand-made result: the
verdict names the alarms, drifted features come first, the reliability plot is embedded,
nothing is fetched from outside, the JSON document holds the figures, both languages; the
report folder is replaced whole or not at all (mutasi.monitor_cli.write_report_dir)."""

import base64
import json
import re

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features.names import AS_OF, FAILURE, PERFORMANCE
from mutasi.monitor_cli import write_report_dir
from serving.monitoring import calibration as cal
from serving.monitoring.calibration import calibrate_version
from serving.monitoring.drift import DriftResult, FeatureDrift
from serving.monitoring.monitor import Alarm, ModelRef, MonitorReport
from serving.monitoring.plot import reliability_png
from serving.monitoring.report import MONITOR_HTML, MONITOR_JSON, RELIABILITY_PNG, monitor_html, report_files
from serving.monitoring.settings import MonitorSettings

pytestmark = pytest.mark.code

SETTINGS = MonitorSettings(max_drift_share=0.3, min_cohort=100)


def cohort(version: str, n: int, risk: float, failures: int, predicted: float, realised: float) -> pd.DataFrame:
    """``n`` moves predicted at ``risk`` with ``failures`` of them failed; scores as given."""
    return pd.DataFrame({cal.VERSION: version, cal.SOURCE: cal.Source.TRANSFERS.value, c.EMPLOYEE_ID: "e",
                         c.POSITION_ID: "p", AS_OF: pd.Timestamp("2020-01-01"), cal.PREDICTED_RISK: risk,
                         cal.PREDICTED_PERFORMANCE: predicted, FAILURE: (np.arange(n) < failures).astype(float),
                         PERFORMANCE: realised})


def report(drifted: int, ece_rows: pd.DataFrame | None = None) -> MonitorReport:
    features = tuple(FeatureDrift(f"f{k}", "wasserstein", 0.5 if k < drifted else 0.01, 0.1, k < drifted,
                                  "value >= threshold") for k in range(4))
    drift = DriftResult(features, SETTINGS.max_drift_share, 900, 800, ("empty_col",), "reference words", "current words")
    calibrations = () if ece_rows is None else (calibrate_version("3", ece_rows),)
    return MonitorReport(pd.Timestamp("2026-01-01"), ModelRef("mutasi-ranker", "3", "run1"), SETTINGS, drift,
                         calibrations)


def test_the_verdict_names_each_alarm():
    assert report(0).alarms == ()
    assert report(2).alarms == (Alarm.DRIFT,)                        # 2 of 4 >= 0.3
    off = cohort("3", 200, risk=0.1, failures=60, predicted=4.0, realised=3.0)
    assert report(0, off).alarms == (Alarm.CALIBRATION, Alarm.PERFORMANCE_BIAS)
    assert report(1, cohort("3", 200, risk=0.1, failures=20, predicted=4.0, realised=4.0)).alarms == ()


def test_the_page_puts_alarms_and_drifted_features_first_and_embeds_the_plot():
    rows = cohort("3", 200, risk=0.1, failures=60, predicted=4.0, realised=3.0)
    done = report(2, rows)
    png = reliability_png(done.calibrations, "id")
    page = monitor_html(done, png, "id")
    assert "ALARM: drift data, kalibrasi risiko (ECE), bias prediksi kinerja" in page
    cells = re.findall(r"<td>(f\d)</td>", page)
    assert cells[:2] == ["f0", "f1"] and len(cells) == 4
    embedded = re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page).group(1)
    assert base64.b64decode(embedded) == png and png.startswith(b"\x89PNG")
    assert not re.search(r"(src|href)=['\"]https?:", page)          # self-contained
    assert "empty_col" in page and "drift.html" in page


def test_english_page_and_no_cohort_yet():
    page = monitor_html(report(0), None, "en")
    assert "No alarm" in page and "No matured cohort yet" in page and "<img" not in page
    assert reliability_png((), "en") is None


def test_the_json_document_holds_the_figures():
    rows = cohort("3", 200, risk=0.1, failures=40, predicted=4.0, realised=3.5)
    done = report(1, rows)
    files = report_files(done, reliability_png(done.calibrations), "en")
    assert set(files) == {MONITOR_HTML, MONITOR_JSON, RELIABILITY_PNG}
    document = json.loads(files[MONITOR_JSON])
    assert document["alarms"] == ["calibration", "performance_bias"]
    assert document["drift"]["share"] == pytest.approx(0.25) and document["drift"]["drifted"] == ["f0"]
    assert document["calibration"][0]["ece"] == pytest.approx(0.1)
    assert document["calibration"][0]["performance_bias"] == pytest.approx(0.5)
    assert done.metrics()["monitor_ece"] == pytest.approx(0.1)
    assert done.metrics()["monitor_drift_share"] == pytest.approx(0.25)


def test_the_report_folder_is_replaced_whole_or_not_at_all(tmp_path):
    target = tmp_path / "mon"
    write_report_dir(target, lambda folder: (folder / "a.txt").write_text("one"))
    assert (target / "a.txt").read_text() == "one"

    def broken(folder):
        (folder / "a.txt").write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_report_dir(target, broken)
    assert (target / "a.txt").read_text() == "one"                 # the old report stays
    write_report_dir(target, lambda folder: (folder / "b.txt").write_text("two"))
    assert sorted(p.name for p in target.iterdir()) == ["b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mon"]    # no temporary folder left
