"""A hand-made :class:`serving.program.results.ProgramEvaluation` for the report, JSON,
MLflow and browser tests (they test rendering, not estimation): every outcome, a placebo,
group splits, satisfaction and one service indicator, with effects whose signs are set by
the caller."""

from serving.program.results import (
    DidResult,
    DidSettings,
    DoseResult,
    Estimate,
    EventEffect,
    Notice,
    Outcome,
    PreTrend,
    ProgramEvaluation,
    Split,
)

EMPLOYEE_OUTCOMES = (Outcome.APPRAISAL, Outcome.BEHAVIOR, Outcome.SANCTION, Outcome.EXIT)
SPLIT_GROUPS = ((Split.MATCH, "own"), (Split.MATCH, "other"), (Split.GAP, "small"), (Split.GAP, "large"),
                (Split.MOVE_TYPE, "rotation"), (Split.MOVE_TYPE, "promotion"), (Split.FOLLOWED, "yes"),
                (Split.FOLLOWED, "no"), (Split.DOMAIN, "kesehatan"))


def estimate(value: float, half_width: float = 0.05) -> Estimate:
    return Estimate(estimate=value, std_error=half_width / 1.96, ci_low=value - half_width,
                    ci_high=value + half_width, p_value=0.5 if abs(value) < half_width else 0.001)


def events(att: float, settings: DidSettings) -> tuple[EventEffect, ...]:
    """Leads near zero, the reference period at 0, the anticipation window, then ``att``."""
    ref = -(settings.anticipation + 1)
    out = [EventEffect(k, estimate(0.0 if k == ref else 0.01 * k), cohorts=3, reference=k == ref)
           for k in range(-settings.max_lead, 0)]
    out += [EventEffect(k, estimate(att), cohorts=3) for k in range(settings.max_event + 1)]
    return tuple(out)


def did(outcome: str, att: float, naive: float, settings: DidSettings, split: str = Split.ALL,
        group: str = "all", truth: float | None = None) -> DidResult:
    return DidResult(outcome=outcome, split=split, group=group, att=estimate(att), events=events(att, settings),
                     pretrend=PreTrend(statistic=1.5, dof=2, p_value=0.47), naive=estimate(naive),
                     n_treated=1234, n_comparison=5678, n_rows=40_000, cohorts=(2021, 2022, 2023), truth=truth)


def evaluation(sign: float = 1.0, settings: DidSettings = DidSettings()) -> ProgramEvaluation:
    """Every effect ``sign`` times a clear (significant) size; the naive one far below it."""
    main = tuple(did(o, sign * 0.2, sign * 0.2 - 0.3, settings, truth=sign * 0.19) for o in EMPLOYEE_OUTCOMES)
    splits = tuple(did(Outcome.APPRAISAL, sign * 0.1 * (k + 1), -0.1, settings, split, group)
                   for k, (split, group) in enumerate(SPLIT_GROUPS))
    service = (DoseResult(indicator="ikm", higher_is_better=True, att=estimate(sign * 3.0, 1.0),
                          events=events(sign * 3.0, settings), pretrend=None, naive=estimate(sign * 1.0, 1.0),
                          n_units=42, n_rows=300, truth=sign * 2.5),)
    return ProgramEvaluation(
        since="2019-01-01", until="2024-12-31", periods=(2019, 2020, 2021, 2022, 2023, 2024), settings=settings,
        main=main, placebo=did(Outcome.APPRAISAL, 0.0, 0.0, settings),
        splits=splits, satisfaction=did(Outcome.SATISFACTION, sign * 0.3, sign * 0.1, settings),
        service=service, notices=(Notice.NO_AUDIT_LOG.value, Notice.TOO_FEW_TREATED.value),
        data={"employees": 20_000, "moved": 1234, "periods": 6, "units": 42})
