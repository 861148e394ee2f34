"""The reliability plot of the matured cohorts: one line per model version (PNG bytes)."""

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from serving.monitoring.calibration import VersionCalibration  # noqa: E402

WORDS = {"id": ("risiko penyesuaian yang diprediksi", "tingkat kegagalan teramati", "sempurna", "versi",
                "Kalibrasi risiko pada kohort matang"),
         "en": ("predicted adjustment risk", "observed failure rate", "perfect", "version",
                "Risk calibration on matured cohorts")}


def reliability_png(calibrations: tuple[VersionCalibration, ...], lang: str = "id") -> bytes | None:
    """Observed failure rate against mean predicted risk per bin (10 equal-width bins),
    a marker per bin sized by its rows; None when no version has a realised failure label."""
    shown = [v for v in calibrations if v.n_risk]
    if not shown:
        return None
    x_label, y_label, perfect, version, title = WORDS[lang]
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", label=perfect)
    for v in shown:
        table = v.reliability
        ax.plot(table["predicted"], table["observed"], marker="o", label=f"{version} {v.version} (n={v.n_risk})")
        for row in table.itertuples():
            ax.annotate(str(row.count), (row.predicted, row.observed), fontsize=7, xytext=(3, -9),
                        textcoords="offset points")
    ax.set(xlabel=x_label, ylabel=y_label, xlim=(0, 1), ylim=(0, 1), title=title)
    ax.legend(loc="upper left")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()
