"""The MLflow edge of training: one run with parameters, metrics, artifacts and the pyfunc
model, then registration with the champion / challenger decision."""

import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import features
import models
from models.store import (
    artifact_location,
    connect,
    load_bundle,
    model_uri,
    tracking_uri,
)
from models.tags import AUDIT_TAG, DECISION_REASON_TAG, DECISION_TAG, audit_value
from training import evaluate as ev
from training import plots
from training.audit_words import audit_markdown
from training.card import write_tradeoff
from training.registry import compare, current_champion, gate, record_decision
from training.results import TrainedRun, TrainResult
from training.tracking import row_counts

SAMPLE_ROWS = 200


def ensure_experiment(client, name: str, uri: str) -> str:
    """The experiment's id; a new local experiment keeps its artifacts under ``.mutasi/``."""
    found = client.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    location = artifact_location() if uri.startswith("sqlite:") else None
    return client.create_experiment(name, artifact_location=location)


def write_artifacts(folder: Path, fitted, evaluated, table: pd.DataFrame) -> None:
    """Evaluation table, calibration plot, feature importance, SHAP summary."""
    folder.mkdir(parents=True, exist_ok=True)
    evaluated.table.to_csv(folder / "evaluation.csv", index=False)
    evaluated.calibration.to_csv(folder / "calibration.csv", index=False)
    plots.calibration_plot(evaluated.calibration, folder / "calibration.png")
    importance = plots.importance_frame(fitted.bundle)
    importance.to_csv(folder / "feature_importance.csv", index=False)
    plots.importance_plot(importance, folder / "feature_importance.png")
    plots.shap_summary_plot(fitted.bundle, table.iloc[fitted.risk_split.test], folder / "shap_summary.png")


def champion_metrics(client, name: str, table, fitted) -> tuple[dict | None, str | None]:
    """The current champion's promotion metrics on the new test set (None if there is none)."""
    champ = current_champion(client, name)
    if champ is None:
        return None, None
    version = str(champ.version)
    try:
        bundle = load_bundle(model_uri(name=name))
        return ev.promotion_metrics(bundle, table, fitted.perf_split, fitted.risk_split), version
    except KeyError:
        # the champion was trained on other features: it cannot score this test set
        return {"performance_spearman": float("-inf"), "risk_brier": float("inf")}, version


def log_and_register(run: TrainedRun, experiment: str, tracking_override: str | None, model_name: str,
                     force_champion: str | None, say: Callable[[str], None], tuning=None) -> TrainResult:
    """Log a :class:`~training.results.TrainedRun` to one MLflow run, register the model
    and decide its alias (champion only if no worse than the current one and, unless
    forced with a recorded reason, only if its fairness audit passed)."""
    import mlflow

    from models.pyfunc import log_bundle

    fitted, evaluated, table, audit = run.fitted, run.evaluated, run.table, run.audit
    flagged = len(audit.flagged())
    uri = tracking_uri(tracking_override)
    client = connect(tracking_override)
    experiment_id = ensure_experiment(client, experiment, uri)
    say(f"logging to MLflow at {uri} (experiment {experiment!r})")
    metrics = {**ev.flat_metrics(evaluated.table), **{f"promotion_{k}": v for k, v in evaluated.promotion.items()},
               **audit_metrics(audit), **selection_metrics(fitted)}
    with tempfile.TemporaryDirectory() as tmp, mlflow.start_run(experiment_id=experiment_id) as mlrun:
        folder = Path(tmp)
        mlflow.log_params({**run.settings.params(), **fitted.bundle.metadata, **fitted.bundle.fair.params(),
                           "n_events": len(table)})
        mlflow.set_tags({"git_commit": run.info["git_commit"], "data_fingerprint": run.info["data_fingerprint"],
                         AUDIT_TAG: audit_value(audit.passed)})
        mlflow.log_params(row_counts(run.dataset))
        mlflow.log_metrics(metrics)
        if tuning is not None:
            log_tuning(client, experiment_id, mlrun.info.run_id, tuning)
            say(f"logged {len(tuning.trials)} tuning trials as nested runs")
        write_artifacts(folder / "evaluation", fitted, evaluated, table)
        mlflow.log_artifacts(str(folder / "evaluation"), artifact_path="evaluation")
        if fitted.selection is not None:
            write_selection(folder / "selection", fitted.selection)
            mlflow.log_artifacts(str(folder / "selection"), artifact_path="selection")
        mlflow.log_text(audit_markdown(audit), "fairness/audit.md")
        mlflow.log_text(audit.to_json(), "fairness/audit.json")
        if write_tradeoff(folder / "fairness", audit.tradeoff):
            mlflow.log_artifacts(str(folder / "fairness"), artifact_path="fairness")
        bundle_dir = str(fitted.bundle.save(folder / "bundle"))
        code = [str(Path(features.__file__).parent), str(Path(models.__file__).parent)]
        say("logging the pyfunc model")
        model_info = log_bundle(bundle_dir, table.sample(min(SAMPLE_ROWS, len(table)), random_state=0), code)
        champion, champion_version = champion_metrics(client, model_name, table, fitted)
        comparison = gate(compare(evaluated.promotion, champion, champion_version), audit.passed, force_champion,
                          flagged)
        say(f"registry decision {comparison.decision}: {comparison.reason}")
        mlflow.set_tags({DECISION_TAG: comparison.decision.value, DECISION_REASON_TAG: comparison.reason})
        version = str(mlflow.register_model(model_info.model_uri, model_name).version)
        try:
            alias = record_decision(client, version, comparison, audit.passed, flagged, force_champion, model_name)
            text = run.card(f"v{version}", comparison)
            mlflow.log_text(text, "model_card.md")
            client.update_model_version(model_name, version, description=text[:4000])
        except BaseException:
            client.delete_model_version(model_name, version)   # no half-registered version
            raise
        say(f"registered {model_name} v{version} as {alias}")
        holder = version if comparison.promote else comparison.champion_version
        return TrainResult(mlrun.info.run_id, version, alias, comparison.decision, comparison.reason,
                           evaluated.table, metrics, flagged, holder)


def audit_metrics(audit) -> dict[str, float]:
    """The audit's verdict and the lowest impact ratio per attribute (groups with enough data)."""
    out = {"fairness_passed": float(audit.passed), "fairness_flagged_groups": float(len(audit.flagged()))}
    rates = audit.rates[audit.rates["enough_data"]]
    for attribute, rows in rates.groupby("attribute"):
        out[f"fairness_{attribute}_min_selection_impact_ratio"] = float(rows["selection_impact_ratio"].min())
        out[f"fairness_{attribute}_min_scoring_impact_ratio"] = float(rows["scoring_impact_ratio"].min())
    return {k: v for k, v in out.items() if v == v}


TRIAL_STATUS = {"COMPLETE": "FINISHED", "PRUNED": "KILLED"}     # any other Optuna state: FAILED


def log_tuning(client, experiment_id: str, parent_run_id: str, tuning) -> None:
    """A :class:`~training.tune.TuneResult` under the parent run: one nested run per trial
    (its parameters, objective, details and Optuna state, with the trial's own times); on
    the parent, the best parameters as ``tuned_*`` params and ``tuning/best_params.json``,
    every trial as ``tuning/trials.csv`` and the search's size and time as metrics."""
    import mlflow
    from mlflow.entities import Metric, Param, RunTag
    from mlflow.utils.mlflow_tags import MLFLOW_PARENT_RUN_ID

    for trial in tuning.trials:
        start = int(trial.started * 1000)
        child = client.create_run(experiment_id, start_time=start, run_name=f"trial-{trial.number:03d}",
                                  tags={MLFLOW_PARENT_RUN_ID: parent_run_id, "optuna_state": trial.state})
        values = {**trial.details, **({} if trial.value is None else {"objective": trial.value})}
        client.log_batch(child.info.run_id, metrics=[Metric(k, float(v), start, 0) for k, v in values.items()],
                         params=[Param(k, str(v)) for k, v in trial.params.items()],
                         tags=[RunTag("optuna_trial", str(trial.number))])
        client.set_terminated(child.info.run_id, TRIAL_STATUS.get(trial.state, "FAILED"),
                              end_time=start + int(trial.seconds * 1000))
    mlflow.log_params({f"tuned_{k}": v for k, v in tuning.best_params.items()} | {"tuning_objective": tuning.objective})
    mlflow.log_metrics({"tuning_best_objective": tuning.best_value, "tuning_trials": float(len(tuning.trials)),
                        "tuning_pruned": float(tuning.n_pruned), "tuning_seconds": tuning.seconds})
    mlflow.log_text(tuning.best_params_json(), "tuning/best_params.json")
    mlflow.log_text(tuning.trials_frame().to_csv(index=False), "tuning/trials.csv")


def selection_metrics(fitted) -> dict[str, float]:
    """The selection model's overlap and fit (``selection_ess``, ``selection_share_clipped``,
    ``selection_max_weight``, ...) when a selection correction was applied."""
    if fitted.selection is None:
        return {}
    return {k: float(v) for k, v in fitted.selection.summary.items() if v == v}


def write_selection(folder: Path, selection) -> None:
    """The selection model's held-out calibration (CSV and plot) and its coefficients."""
    from training.propensity import calibration_plot

    folder.mkdir(parents=True, exist_ok=True)
    calibration = selection.report["calibration"]
    calibration.to_csv(folder / "selection_calibration.csv", index=False)
    calibration_plot(calibration, folder / "selection_calibration.png")
    selection.model.coefficients().to_csv(folder / "selection_coefficients.csv")
