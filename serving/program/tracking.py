"""The programme evaluation as one MLflow run in experiment :data:`EXPERIMENT`, tagged
``mutasi.kind=program_evaluation``: parameters (window, settings, ``--by``, data counts),
metrics (per outcome the DiD effect, its CI and the naive figure, the pre-trend p-value;
the placebo; each group, satisfaction and service indicator) and the report's files as
artifacts. The store is :func:`models.store.tracking_uri`'s (``--tracking-uri``, else
``$MLFLOW_TRACKING_URI``, else the sqlite store in the home). MLflow is imported lazily and
driven through a client only: nothing is set in the process's environment."""

import math
from pathlib import Path

from models.store import artifact_location, tracking_uri
from serving.program.results import DidResult, DoseResult, Estimate, ProgramEvaluation

EXPERIMENT = "mutasi-evaluation"
KIND_TAG = "mutasi.kind"
KIND = "program_evaluation"
ARTIFACT_DIR = "program_evaluation"
METRICS_PER_BATCH, PARAMS_PER_BATCH = 1000, 100       # MLflow's limits of one log_batch


def _estimate_metrics(prefix: str, e: Estimate) -> dict[str, float]:
    return {f"{prefix}.att": e.estimate, f"{prefix}.ci_low": e.ci_low, f"{prefix}.ci_high": e.ci_high,
            f"{prefix}.p_value": e.p_value}


def _did_metrics(prefix: str, r: DidResult | DoseResult) -> dict[str, float]:
    out = {**_estimate_metrics(prefix, r.att), f"{prefix}.naive": r.naive.estimate}
    if r.pretrend is not None:
        out[f"{prefix}.pretrend_p"] = r.pretrend.p_value
    if r.truth is not None:
        out[f"{prefix}.truth"] = r.truth
    return out


def metrics(evaluation: ProgramEvaluation) -> dict[str, float]:
    """Every figure of the evaluation by name (finite ones only: MLflow keeps no NaN well)."""
    found: dict[str, float] = {}
    for r in evaluation.main:
        found |= _did_metrics(r.outcome, r)
    if evaluation.placebo is not None:
        found |= _did_metrics("placebo", evaluation.placebo)
    for r in evaluation.splits:
        found |= _did_metrics(f"split.{r.split}.{r.group}", r)
    if evaluation.satisfaction is not None:
        found |= _did_metrics("satisfaction", evaluation.satisfaction)
    for d in evaluation.service:
        found |= _did_metrics(f"service.{d.indicator}", d)
    return {k: float(v) for k, v in found.items() if v is not None and math.isfinite(float(v))}


def params(evaluation: ProgramEvaluation, by: str | None = None) -> dict[str, str]:
    """The window, the design settings, the ``--by`` split and the data counts."""
    periods = evaluation.periods
    values = {"since": evaluation.since or "", "until": evaluation.until or "", "by": by or "",
              "periods": f"{periods[0]}-{periods[-1]}" if periods else ""}
    values |= {f"settings.{k}": v for k, v in vars(evaluation.settings).items()}
    values |= {f"data.{k}": v for k, v in evaluation.data.items()}
    return {k: str(v) for k, v in values.items()}


def _experiment_id(client, uri: str) -> str:
    found = client.get_experiment_by_name(EXPERIMENT)
    if found is not None:
        return found.experiment_id
    location = artifact_location() if uri.startswith("sqlite:") else None
    return client.create_experiment(EXPERIMENT, artifact_location=location)


def log_evaluation(evaluation: ProgramEvaluation, files: list[Path], by: str | None = None,
                   tracking_override: str | None = None) -> str:
    """Log one finished run (params, metrics, ``files`` under :data:`ARTIFACT_DIR`); its id.
    A failure while logging marks the run FAILED."""
    import os

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param

    uri = tracking_uri(tracking_override)
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    run = client.create_run(_experiment_id(client, uri), tags={KIND_TAG: KIND}, run_name=KIND)
    run_id = run.info.run_id
    try:
        stamp = run.info.start_time
        figures = [Metric(k, v, stamp, 0) for k, v in metrics(evaluation).items()]
        settings = [Param(k, v) for k, v in params(evaluation, by).items()]
        for k in range(0, len(figures), METRICS_PER_BATCH):
            client.log_batch(run_id, metrics=figures[k:k + METRICS_PER_BATCH])
        for k in range(0, len(settings), PARAMS_PER_BATCH):
            client.log_batch(run_id, params=settings[k:k + PARAMS_PER_BATCH])
        for path in files:
            client.log_artifact(run_id, str(path), artifact_path=ARTIFACT_DIR)
    except BaseException:
        client.set_terminated(run_id, status="FAILED")
        raise
    client.set_terminated(run_id)
    return run_id
