"""``mutasi plan`` (registered by :mod:`mutasi.cli`) and its helpers: settings from the
options, stdout kept clean of the solver's notes, and the readable summary. No import of
:mod:`mutasi.cli` (no import cycle).
"""

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mutasi.common import (
    AsOfOption,
    DataOption,
    DayFirstOption,
    TrackingOption,
    as_of_option,
    err,
    fail,
    open_audit_log,
    out,
    quiet_libraries,
    rules_for,
    say,
)
from mutasi.rules_cli import RulesOption
from mutasi.scale_cli import (
    FloorOption,
    MemoryOption,
    SchedulerOption,
    SliceOption,
    TopOption,
    WorkersOption,
    cluster_settings,
    keep_setting,
)
from serving.errors import RankingError
from serving.planning.settings import KeyPostGuard, Movers, OutflowCap, PlanSettings, PlanWeights, check_settings
from serving.scale.settings import DEFAULT_MEMORY_LIMIT, DEFAULT_TOP_N, DEFAULT_WORKERS, ROWS_PER_SLICE, Engine

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
                   max_risk: str | None, time_limit: float | None, lang: str,
                   movers: Movers = Movers.ALL) -> PlanSettings:
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
        lang=lang, time_limit_s=base.time_limit_s if time_limit is None else time_limit, movers=movers)
    check_settings(settings)
    return settings


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


def plan_cmd(data: DataOption,
             round_file: Annotated[Path, typer.Option("--round", help="Round file (CSV or Parquet): position_id, "
                                                                      "headcount?, priority?.")],
             as_of: AsOfOption = None,
             max_outflow: Annotated[str | None, typer.Option(
                 "--max-outflow-per-unit", help="Most people one unit may lose: N people, a share (0.2 or 20%), "
                                                "or none (default 20%).")] = None,
             w_performance: Annotated[float | None, typer.Option(help="Weight of predicted performance (1).")] = None,
             w_risk: Annotated[float | None, typer.Option(help="Weight of adjustment risk (2).")] = None,
             w_preference: Annotated[float | None, typer.Option(help="Bonus for a met preference (0.25).")] = None,
             w_unwilling: Annotated[float | None, typer.Option(
                 help="Penalty for a relocation against a stated unwillingness (0.75).")] = None,
             chain_depth: Annotated[int | None, typer.Option(help="How deep movers' old posts join the round (0).")]
             = None,
             fix: Annotated[list[str] | None, typer.Option("--fix", help="Fix a move EMP:POS (repeatable).")] = None,
             forbid: Annotated[list[str] | None, typer.Option("--forbid", help="Forbid a move EMP:POS (repeatable).")]
             = None,
             min_performance: Annotated[str | None, typer.Option(
                 help="Key posts: lowest predicted performance, or none (3.5).")] = None,
             max_risk: Annotated[str | None, typer.Option(help="Key posts: highest risk, or none (0.35).")] = None,
             time_limit: Annotated[float | None, typer.Option(help="Solver time limit in seconds (60).")] = None,
             lang: Annotated[str, typer.Option(help="id or en")] = "id",
             as_json: Annotated[bool, typer.Option("--json", help="Print the plan document (JSON) only.")] = False,
             out_dir: Annotated[Path | None, typer.Option("--out", help="Write plan.csv, unfilled.csv, plan.xlsx "
                                                                        "and plan.html here.")] = None,
             announce: Annotated[bool, typer.Option(help="Also write announcement.html/.txt (needs --out).")] = False,
             tracking_uri: TrackingOption = None,
             day_first: DayFirstOption = False,
             rules: RulesOption = None,
             movers: Annotated[Movers, typer.Option(
                 "--movers", case_sensitive=False, help="Who may move: all (anyone eligible) or due (only those on "
                                                        "the due list at the round's date; see `mutasi due`).")]
             = Movers.ALL,
             pairs_dir: Annotated[Path | None, typer.Option(
                 "--pairs", exists=True, file_okay=False, help="Plan from a scored round (`mutasi score-round "
                                                               "--out DIR`): only the pairs it kept.")] = None,
             engine: Annotated[Engine, typer.Option(
                 "--engine", case_sensitive=False, help="local: every eligible pair scored in this process; dask: "
                                                        "the round scored on Dask first (a LocalCluster or "
                                                        "--scheduler), keeping --top-n per vacancy.")]
             = Engine.LOCAL,
             scheduler: SchedulerOption = None,
             workers: WorkersOption = None,
             memory_limit: MemoryOption = None,
             slice_employees: SliceOption = None,
             top_n: TopOption = None,
             score_floor: FloorOption = None) -> None:
    """Plan a mutasi round: the best assignment of many vacancies together, with its bound,
    the greedy baseline, what each constraint costs and why vacancies stay unfilled.

    The pairs are scored here (--engine local), first on Dask keeping the best per vacancy
    (--engine dask; its options default as in `mutasi score-round`), or read from a scored
    round (--pairs).

    Exit 2 on a bad input (round file, setting, unknown or infeasible fixed moves, a scored
    round that does not fit), 1 when the dataset cannot be loaded, no model is champion or
    the cluster cannot be reached. Stdout holds only the plan."""
    from features.io import DatasetError
    from features.problems import format_report
    from mutasi.progress import StageBar
    from serving import RankingError, as_round, champion_for, context_for, plan_round
    from serving.champion import ChampionCache, NoChampionError
    from serving.planning.announce import announcement, announcement_files
    from serving.planning.export import plan_files, write_files
    from serving.planning.sparse import check_no_chains, score_for_plan
    from serving.ranking import resolve_as_of
    from serving.scale.scored import ScoredPairsError, read_scored

    def bad_round(exc: DatasetError) -> None:
        fail(escape(f"{round_file}: the round file does not follow the contract\n{format_report(exc.problems)}"), 2)

    quiet_libraries()
    day = as_of_option(as_of, day_first)
    if announce and out_dir is None:
        fail("--announce needs --out DIR (the announcement is written there)", 2)
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        fail(escape(f"--out {out_dir} exists and is not a directory"), 2)
    scoring = {"--scheduler": scheduler, "--workers": workers, "--memory-limit": memory_limit,
               "--slice-employees": slice_employees, "--top-n": top_n, "--score-floor": score_floor}
    if engine != Engine.DASK and any(v is not None for v in scoring.values()):
        fail(f"{', '.join(k for k, v in scoring.items() if v is not None)}: only with --engine dask", 2)
    if engine == Engine.DASK and pairs_dir is not None:
        fail("--pairs plans from a round scored already: leave out --engine dask", 2)
    keep = keep_setting(DEFAULT_TOP_N if top_n is None else top_n, score_floor)
    try:
        scored = None if pairs_dir is None else read_scored(pairs_dir)
    except ScoredPairsError as exc:
        fail(escape(f"{exc.field}: {exc.detail}"), 2)
    try:                        # before the long load: a wrong setting fails at once
        settings = build_settings(max_outflow=max_outflow, w_performance=w_performance, w_risk=w_risk,
                                  w_preference=w_preference, w_unwilling=w_unwilling, chain_depth=chain_depth,
                                  fix=fix, forbid=forbid, min_performance=min_performance, max_risk=max_risk,
                                  time_limit=time_limit, lang=lang, movers=movers)
        if pairs_dir is not None or engine == Engine.DASK:
            check_no_chains(settings)
    except RankingError as exc:
        fail(escape(f"{exc.field}: {exc}"), 2)
    settings = replace(settings, rules=rules_for(rules))
    say(f"loading {data}")
    try:
        context = context_for(data)
    except DatasetError as exc:
        fail(escape(str(exc)))
    try:
        round_ = as_round(round_file, context)
    except DatasetError as exc:
        bad_round(exc)
    if round_.warnings:
        say(escape(format_report(list(round_.warnings))))
    say(f"planning {len(round_)} vacancies ({round_.total_headcount} people needed)")
    try:
        with stdout_to_stderr(), StageBar(err).running() as bar:
            champion = champion_for(tracking_uri)
            if engine == Engine.DASK:
                say(f"scoring the pairs on Dask first, keeping the best {keep.top_n} per vacancy")
                served = champion.get()
                champion = ChampionCache.fixed(served.bundle, served.name, served.version, served.run_id)
                cluster = cluster_settings(scheduler, workers or DEFAULT_WORKERS, memory_limit or DEFAULT_MEMORY_LIMIT)
                scored = score_for_plan(data, served, round_, resolve_as_of(context, day), settings, keep,
                                        rows_per_slice=slice_employees or ROWS_PER_SLICE, cluster=cluster,
                                        progress=lambda done, total: bar("employee slices", done, total))
            plan = plan_round(round_, day, data=context, settings=settings, champion=champion, progress=bar,
                              scored=scored)
    except NoChampionError as exc:
        fail(escape(str(exc)))
    except OSError as exc:
        if engine != Engine.DASK:
            raise
        fail(escape(f"cannot reach the Dask scheduler: {exc}"))
    except DatasetError as exc:
        bad_round(exc)
    except RankingError as exc:
        fail(escape(f"{exc.field}: {exc}"), 2)
    from serving.planning.plan import settings_document

    request = {"round_file": str(round_file), "as_of": day.isoformat() if day else None,
               "settings": settings_document(settings)}
    if scored is not None:
        request["pairs"] = str(pairs_dir) if pairs_dir is not None else str(Engine.DASK)
    plan.audit_id = open_audit_log(settings.rules).record_plan("cli", request, plan.to_document())
    if as_json:
        print(plan.to_json())
    else:
        render_plan(plan, context, out, lang)
    if out_dir is not None:
        writers = plan_files(plan, context, lang)
        if announce:
            writers.update(announcement_files(announcement(plan, context, lang=lang)))
        try:
            paths = write_files(out_dir, writers)
        except OSError as exc:
            fail(escape(f"cannot write {out_dir}: {exc}"))
        say(escape(f"wrote {', '.join(p.name for p in paths)} to {out_dir}"))
