"""Figures logged with each run: calibration, feature importance, SHAP summary."""

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from models.bundle import PERFORMANCE_MODEL, RISK_MODEL, RankerBundle  # noqa: E402


def calibration_plot(table: pd.DataFrame, path: Path) -> Path:
    """Reliability diagram from :func:`training.metrics.calibration_table`."""
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", label="perfect")
    ax.plot(table["predicted"], table["observed"], marker="o", label="model (test)")
    for row in table.itertuples():
        ax.annotate(str(row.count), (row.predicted, row.observed), fontsize=7, xytext=(3, -9),
                    textcoords="offset points")
    ax.set(xlabel="predicted adjustment risk", ylabel="observed failure rate", xlim=(0, 1), ylim=(0, 1),
           title="Risk calibration (test period)")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def importance_frame(bundle: RankerBundle) -> pd.DataFrame:
    """Total gain per feature for both boosters."""
    names = list(bundle.spec.features)
    return pd.DataFrame({
        "feature": names,
        "performance_gain": bundle.performance.feature_importance("gain"),
        "risk_gain": bundle.risk.feature_importance("gain"),
    }).sort_values("risk_gain", ascending=False)


def importance_plot(importance: pd.DataFrame, path: Path, top: int = 20) -> Path:
    fig, axes = plt.subplots(1, 2, figsize=(11, 6))
    for ax, col, title in ((axes[0], "performance_gain", "performance"), (axes[1], "risk_gain", "risk")):
        top_rows = importance.nlargest(top, col)[::-1]
        ax.barh(top_rows["feature"], top_rows[col])
        ax.set_title(f"{title}: total gain")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def shap_summary_plot(bundle: RankerBundle, frame: pd.DataFrame, path: Path, max_rows: int = 2000,
                      seed: int = 0) -> Path:
    """Beeswarm of TreeSHAP values (LightGBM ``pred_contrib``) for both models."""
    import shap

    sample = frame.sample(min(max_rows, len(frame)), random_state=seed)
    x = bundle.matrix(sample)
    shown = pd.DataFrame(x, columns=list(bundle.spec.features))
    fig = plt.figure(figsize=(14, 8))
    for k, target in enumerate((PERFORMANCE_MODEL, RISK_MODEL)):
        values = bundle.contributions(x, target)[:, :-1]
        fig.add_subplot(1, 2, k + 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)   # all-missing features colour as NaN
            shap.summary_plot(values, shown, max_display=15, show=False, plot_size=None, color_bar=k == 1)
        plt.title(f"SHAP: {target}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path

