"""Helpers of ``mutasi plan`` (the command itself, its errors and exit codes, live in
:mod:`mutasi.cli`): settings from the options, the progress bar on stderr, stdout kept
clean of the solver's notes, and the readable summary. No import of :mod:`mutasi.cli`
(no import cycle): consoles are passed in.
"""

import contextlib
import os
import sys
from collections.abc import Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from serving.errors import RankingError
from serving.planning.settings import KeyPostGuard, OutflowCap, PlanSettings, PlanWeights, check_settings

NONE_WORDS = ("none", "off", "")


def parse_moves(values: list[str] | None, field: str) -> tuple[tuple[str, str], ...]:
    """``EMP:POS`` strings as (employee_id, position_id); RankingError naming ``field.i``."""
    moves = []
    for i, text in enumerate(values or []):
        employee, sep, position = text.partition(":")
        if not sep or not employee.strip() or not position.strip():
            raise RankingError(f"{field}.{i}", f"{field}.{i} must be EMPLOYEE_ID:POSITION_ID, not {text!r}")
        moves.append((employee.strip(), position.strip()))
    return tuple(moves)


def optional_number(text: str | None, field: str, default: float | None) -> float | None:
    """A number, ``none`` (switched off) or, when not given, ``default``."""
    if text is None:
        return default
    if text.strip().lower() in NONE_WORDS:
        return None
    try:
        return float(text)
    except ValueError:
        raise RankingError(field, f"{field} must be a number or none, not {text!r}") from None


def build_settings(*, max_outflow: str | None, w_performance: float | None, w_risk: float | None,
                   w_preference: float | None, w_unwilling: float | None, chain_depth: int | None,
                   fix: list[str] | None, forbid: list[str] | None, min_performance: str | None,
                   max_risk: str | None, time_limit: float | None, lang: str) -> PlanSettings:
    """PlanSettings from the command's options (defaults for those not given), checked."""
    base = PlanSettings()
    given = {"performance": w_performance, "risk": w_risk, "preference": w_preference, "unwilling": w_unwilling}
    weights = PlanWeights(**{k: v for k, v in given.items() if v is not None})
    guard = KeyPostGuard(
        min_performance=optional_number(min_performance, "guard.min_performance", base.guard.min_performance),
        max_risk=optional_number(max_risk, "guard.max_risk", base.guard.max_risk))
    settings = PlanSettings(
        weights=weights, outflow=base.outflow if max_outflow is None else OutflowCap.parse(max_outflow),
        chain_depth=base.chain_depth if chain_depth is None else chain_depth,
        fixed=parse_moves(fix, "fixed"), forbidden=parse_moves(forbid, "forbidden"), guard=guard,
        lang=lang, time_limit_s=base.time_limit_s if time_limit is None else time_limit)
    check_settings(settings)
    return settings


class StageBar:
    """A rich progress bar on stderr fed by ``plan_round``'s ``progress(stage, done, total)``:
    one line per stage, the previous one completed when the next begins."""

    def __init__(self, console: Console):
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console, transient=False)
        self.tasks: dict[str, int] = {}
        self.current: str | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.current:
            self._finish()
            self.tasks[stage] = self.progress.add_task(stage, total=max(total, 1))
            self.current = stage
        self.progress.update(self.tasks[stage], completed=done, total=max(total, 1))

    def _finish(self) -> None:
        if self.current is not None:
            task = self.tasks[self.current]
            self.progress.update(task, completed=self.progress.tasks[task].total)

    @contextlib.contextmanager
    def running(self) -> Iterator["StageBar"]:
        with self.progress:
            yield self
            self._finish()


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send file descriptor 1 to stderr for a while: the MIP solver (HiGHS) writes notes
    straight to the process's stdout, which must carry nothing but the plan."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:                     # no real stdout (embedded): nothing to protect
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def render_plan(plan, context, console: Console, lang: str) -> None:
    """The readable summary: moves, the plan's value against its bound and the greedy pick,
    unfilled vacancies with their reasons, the constraints that cost something."""
    from serving.planning import words as w
    from serving.planning.export import constraints_cost

    names = w.Names.from_context(context)
    table = Table(title=w.t("plan_title", lang, as_of=plan.as_of.isoformat()), show_lines=True)
    table.add_column(w.t("to", lang), overflow="fold", ratio=3)
    table.add_column(w.t("employee", lang), no_wrap=True)
    table.add_column(w.t("from", lang), overflow="fold", ratio=3)
    table.add_column(w.t("perf_short", lang), justify="right", no_wrap=True)
    table.add_column(w.t("risk_short", lang), justify="right", no_wrap=True)
    table.add_column(w.t("reasons_for", lang), overflow="fold", ratio=4)
    for m in plan.moves:
        tags = [w.t(k, lang) for k in ("key_post", "preference_met", "against_wish", "fixed") if getattr(m, k)]
        cells = [f"{names.title(m.position_id) or m.position_id} ({m.position_id})\n{names.unit(m.unit_id)}",
                 "\n".join([m.employee_id, *tags]),
                 f"{names.title(m.from_position_id) or m.from_position_id or '-'}\n{names.unit(m.from_unit_id)}",
                 w.score(m.predicted_performance, lang), w.percent(m.adjustment_risk, lang),
                 "\n".join(names.reasons(m, lang, plan.language, favourable=True, limit=2))]
        table.add_row(*map(escape, cells))             # data, not rich markup
    console.print(table)
    o = plan.objective

    def num(value: float) -> str:
        return w.score(value, lang, 3)

    def line(text: str) -> None:
        console.print(text, highlight=False, markup=False)

    line(f"{w.t('value', lang)}: {num(o.value)} · {w.t('bound', lang)}: {num(o.bound)} · "
         f"{w.t('gap', lang)}: {w.percent(o.gap, lang, 2)} · {w.t('greedy_value', lang)}: {num(o.greedy_value)} "
         f"({o.greedy_filled})")
    line(w.t("cost_help", lang, relaxed=num(o.relaxed_value), cost=num(constraints_cost(plan))))
    binding = [k for k in plan.constraints if k.binding]
    for k in binding:
        line(f"  {w.constraint_name(k.name, lang)}: {num(k.cost)}")
    if not binding:
        line(w.t("no_binding", lang))
    if plan.unfilled:
        line(f"{w.t('unfilled', lang)}:")
        for u in plan.unfilled:
            reasons = "; ".join(w.unfilled_reason(r, lang) for r in u.reasons) or "-"
            line(f"  {names.title(u.position_id) or u.position_id} ({u.position_id}), "
                 f"{w.t('missing', lang).lower()} {u.missing}: {reasons}")
    else:
        line(w.t("no_unfilled", lang))
    line(f"{w.t('model', lang)}: {plan.model.name} v{plan.model.version} · {w.t('rules', lang)}: {plan.rules} · "
         f"{w.t('plan_id', lang)}: {plan.plan_id}")
