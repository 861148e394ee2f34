"""``mutasi monitor``: drift of the population scored now and calibration on matured
cohorts for the served version; writes the report, logs the figures to MLflow on the
version's run, and exits 1 when an alarm rings (so a scheduler can alert)."""

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mutasi.common import (
    BAD_INPUT,
    AsOfOption,
    DataOption,
    DayFirstOption,
    LangOption,
    TrackingOption,
    as_of_option,
    check_lang,
    err,
    fail,
    out,
    quiet_libraries,
    say,
)

ALARM_EXIT = 1
ARTIFACT_DIR = "monitoring"         # artifacts on the version's run: monitoring/<as_of>/


def write_report_dir(target: Path, write) -> None:
    """``write(folder)`` fills a temporary folder beside ``target``, which then replaces
    ``target`` whole: a failure leaves the old report (or none), never half a new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    old = target.with_name(f".{target.name}.old")
    try:
        write(temporary)
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            os.replace(target, old)
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            shutil.rmtree(temporary)
        if old.exists() and target.exists():
            shutil.rmtree(old)


def load_served(tracking_uri: str | None, version: str | None):
    """(bundle, name, version, run_id) of ``version`` or the champion; exit 1 saying why not."""
    from models.store import CHAMPION, MODEL_NAME, connect, load_bundle, version_uri

    client = connect(tracking_uri)
    uri = version_uri(version)
    try:
        entry = (client.get_model_version(MODEL_NAME, version) if version
                 else client.get_model_version_by_alias(MODEL_NAME, CHAMPION))
        bundle = load_bundle(uri)
    except Exception as exc:  # MLflow's errors for a missing alias or version are broad
        fail(escape(f"cannot load {uri} (--model VERSION, or train and promote a champion first): {exc}"))
    return client, bundle, MODEL_NAME, str(entry.version), entry.run_id or ""


def log_to_mlflow(client, run_id: str, report, folder: Path) -> None:
    """The figures as metrics on the version's run (step = the as-of date as YYYYMMDD, so
    their history follows the dates monitored) and the files under monitoring/<as_of>/."""
    step = int(report.as_of.strftime("%Y%m%d"))
    for key, value in report.metrics().items():
        client.log_metric(run_id, key, value, step=step)
    client.log_artifacts(run_id, str(folder), artifact_path=f"{ARTIFACT_DIR}/{report.as_of.date().isoformat()}")


def verdict_lines(report, lang: str) -> list[str]:
    from serving.monitoring.report import alarm_names

    d, served = report.drift, report.served
    lines = [f"drift: {len(d.drifted)}/{len(d.features)} features ({d.share:.3f}, alarm at >= {d.max_share:g})"
             + (f": {', '.join(d.drifted[:8])}" + (" …" if len(d.drifted) > 8 else "") if d.drifted else "")]
    for v in report.calibrations:
        mark = " (monitored)" if served is v else ""
        lines.append(f"calibration v{v.version}{mark}: n {v.n_risk}, ece {v.ece:.3f}, brier {v.brier:.3f}, "
                     f"performance n {v.n_performance}, bias {v.performance_bias:+.2f}, mae {v.performance_mae:.2f}")
    if not report.calibrations:
        lines.append("calibration: no matured cohort yet")
    alarms = report.alarms
    lines.append(f"ALARM: {alarm_names(alarms, lang)}" if alarms else "ok: no alarm")
    return lines


def monitor_cmd(data: DataOption,
                as_of: AsOfOption = None,
                day_first: DayFirstOption = False,
                out_dir: Annotated[Path | None, typer.Option(
                    "--out", file_okay=False, help="Report folder (replaced whole; default: monitoring/<as_of> in "
                                                   "the home).")] = None,
                model: Annotated[str | None, typer.Option("--model", help="Model version (default: the champion).")]
                = None,
                max_drift_share: Annotated[float | None, typer.Option(
                    help="Drift alarm when at least this share of the features drift (default 0.1).")] = None,
                max_ece: Annotated[float | None, typer.Option(
                    help="Calibration alarm when the version's ECE on its matured cohort exceeds this "
                         "(default 0.05).")] = None,
                lang: LangOption = "id",
                as_json: Annotated[bool, typer.Option("--json", help="Print monitor.json's document.")] = False,
                tracking_uri: TrackingOption = None) -> None:
    """Monitor the served model: data drift per feature (Evidently) between what the version
    learned from and the candidate pools scored now, and calibration on matured cohorts per
    version. Writes monitor.html, drift.html and monitor.json, logs the figures to MLflow on
    the version's run.

    Exit 1 when drift or calibration crosses its threshold (naming which), 0 otherwise,
    2 on a bad option."""
    from dataclasses import replace

    import pandas as pd

    from features.io import DatasetError
    from models.store import home
    from mutasi.progress import StageBar
    from serving import context_for
    from serving.audit import AuditLog
    from serving.monitoring.cohorts import RANKINGS_READ
    from serving.monitoring.monitor import ModelRef, run_monitor
    from serving.monitoring.plot import reliability_png
    from serving.monitoring.report import DRIFT_HTML, report_files
    from serving.monitoring.settings import MonitorSettings

    check_lang(lang)
    given = {k: v for k, v in (("max_drift_share", max_drift_share), ("max_ece", max_ece)) if v is not None}
    try:
        settings = replace(MonitorSettings(), **given)
    except ValueError as exc:
        fail(escape(f"--{str(exc).replace('_', '-')}"), BAD_INPUT)
    day = as_of_option(as_of, day_first)
    quiet_libraries()
    say(f"loading {data}")
    try:
        context = context_for(data)
    except DatasetError as exc:
        fail(escape(str(exc)))
    when = pd.Timestamp(day) if day is not None else context.default_as_of
    client, bundle, name, version, run_id = load_served(tracking_uri, model)
    say(f"monitoring {name} v{version} as of {when.date()}")
    rankings = AuditLog().rankings(limit=RANKINGS_READ)          # read only: the latest entries
    try:
        with StageBar(err).running() as bar:
            report, run = run_monitor(context, bundle, ModelRef(name, version, run_id), rankings, when, settings,
                                      step=bar)
    except ValueError as exc:
        fail(escape(str(exc)))
    target = out_dir if out_dir is not None else home() / "monitoring" / when.date().isoformat()
    files = report_files(report, reliability_png(report.calibrations, lang), lang)

    def write(folder: Path) -> None:
        run.save_html(folder / DRIFT_HTML)
        for file_name, body in files.items():
            (folder / file_name).write_bytes(body)

    try:
        write_report_dir(target, write)
    except OSError as exc:
        fail(escape(f"cannot write {target}: {exc}"))
    say(escape(f"wrote {', '.join(sorted([*files, DRIFT_HTML]))} to {target}"))
    if run_id:
        log_to_mlflow(client, run_id, report, target)
        say(f"logged {len(report.metrics())} figures to MLflow run {run_id}")
    if as_json:
        print(json.dumps(report.to_document(), ensure_ascii=False))
    else:
        for line in verdict_lines(report, lang):
            out.print(line, highlight=False, markup=False, soft_wrap=True)
    if report.alarms:
        raise typer.Exit(ALARM_EXIT)
