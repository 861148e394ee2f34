"""The report's plots as inline SVG text (matplotlib, imported lazily, Agg backend): the
event study of an outcome (effect by period since the move with 95% CI bars, the reference
period marked, the anticipation window shaded as the eligibility check) and a small forest
plot of group effects. Text stays text (``svg.fonttype = none``) and every figure's ids are
prefixed with its key, so several SVGs live in one page without clashing ids."""

import io
import re
from dataclasses import dataclass

from serving.program.results import Estimate, EventEffect

SIZE = (6.4, 3.2)                     # inches: wide and short, shrinks to a phone's width
GROUP_ROW = 0.38                      # inches per group of a forest plot
COLORS = {"effect": "#1f5fa8", "reference": "#b23b3b", "window": "#f2d7a6", "zero": "#777777"}


@dataclass(frozen=True)
class EventLabels:
    """The words on an event-study plot (from :mod:`serving.program.words`)."""

    x: str
    y: str
    reference: str
    anticipation: str


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _svg(fig, key: str) -> str:
    """The figure as an ``<svg>`` element (no XML prologue), its ids salted with ``key``."""
    plt = _pyplot()
    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": key}):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    # ids unique in the page: matplotlib names artists figure_1, axes_1, ... in every figure
    text = text.replace(' id="', f' id="{key}-').replace('href="#', f'href="#{key}-').replace("url(#", f"url(#{key}-")
    # the report's CSS sizes it: drop the fixed pt size, keep the viewBox
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1', text, count=1)


def event_svg(events: tuple[EventEffect, ...], labels: EventLabels, key: str, anticipation: int = 2,
              factor: float = 1.0) -> str:
    """Effect by event time with its CI as error bars; ``factor`` rescales (shares → points)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=SIZE)
    shown = sorted(events, key=lambda e: e.event_time)
    if anticipation > 0:
        ax.axvspan(-anticipation - 0.5, -0.5, color=COLORS["window"], alpha=0.6, lw=0, label=labels.anticipation)
    ax.axhline(0.0, color=COLORS["zero"], lw=0.8)
    ax.axvline(-0.5, color=COLORS["zero"], lw=0.8, ls=":")
    plain = [e for e in shown if not e.reference]
    if plain:
        x = [e.event_time for e in plain]
        y = [e.effect.estimate * factor for e in plain]
        low = [(e.effect.estimate - e.effect.ci_low) * factor for e in plain]
        high = [(e.effect.ci_high - e.effect.estimate) * factor for e in plain]
        ax.errorbar(x, y, yerr=[low, high], fmt="o", color=COLORS["effect"], capsize=3, ms=5, lw=1.2)
    for e in shown:
        if e.reference:
            ax.plot([e.event_time], [e.effect.estimate * factor], marker="D", ms=7, color=COLORS["reference"],
                    ls="none", label=labels.reference)
    ax.set_xticks([e.event_time for e in shown])
    ax.set(xlabel=labels.x, ylabel=labels.y)
    ax.legend(loc="best", fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, key)


def forest_svg(rows: list[tuple[str, Estimate]], x_label: str, key: str) -> str:
    """One line per group: its effect and 95% CI, zero marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(SIZE[0], 0.9 + GROUP_ROW * max(len(rows), 1)))
    for k, (_, e) in enumerate(rows):
        ax.errorbar([e.estimate], [k], xerr=[[e.estimate - e.ci_low], [e.ci_high - e.estimate]], fmt="o",
                    color=COLORS["effect"], capsize=3, ms=5)
    ax.axvline(0.0, color=COLORS["zero"], lw=0.8)
    ax.set_yticks(range(len(rows)), [label for label, _ in rows])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.invert_yaxis()
    ax.set_xlabel(x_label)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, key)
