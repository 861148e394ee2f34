"""What the HTTP door and the reviewer page do with round plans, without HTTP: plan and
record, read a recorded plan with its decisions, record a decision on a move, re-plan.
Handlers only translate; tests may call these directly.

A plan runs in a worker thread, at most :data:`MAX_CONCURRENT_PLANS` at a time (one more
is refused with :class:`PlanBusy`), and the request waits at most
:func:`request_seconds` for it (:class:`PlanTimeout`). A thread cannot be stopped: a plan
that overran keeps its slot until it ends and is never recorded (nobody was served it).
"""

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from typing import Literal, TypeVar

import pandas as pd
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from features.problems import ERROR, DatasetError
from serving import as_round
from serving.errors import RankingError
from serving.limits import MAX_ECHO
from serving.planning.announce import announcement, render_announcement_html, render_announcement_text
from serving.planning.document import Plan
from serving.planning.plan import plan
from serving.planning.requests import (
    MoveDecisionIn,
    PlanError,
    PlanNotFound,
    PlanRequest,
    plan_call,
    stored_request,
    with_settings,
)
from serving.planning.review import accepted_moves, replan_settings
from serving.planning.settings import MAX_TIME_LIMIT_S
from serving.problems import problem
from serving.security import Caller
from serving.service import AppState

MAX_CONCURRENT_PLANS = 2            # plans computed at once by one server (each is CPU-heavy)
PLAN_OVERHEAD_S = 60.0              # reading the round, scoring its pairs, explanations: beyond the solver's limit
BUSY_RETRY_S = 30                   # Retry-After of a refused plan
MAX_PROBLEMS = 200                  # round problems listed in one answer
T = TypeVar("T")

_slots = threading.BoundedSemaphore(MAX_CONCURRENT_PLANS)
_workers = ThreadPoolExecutor(MAX_CONCURRENT_PLANS, thread_name_prefix="mutasi-plan")


class PlanBusy(RuntimeError):
    """Every plan slot is taken."""


class PlanTimeout(RuntimeError):
    def __init__(self, seconds: float):
        super().__init__(f"the plan took longer than {seconds:g} s; try a smaller round or a lower time_limit_s")
        self.seconds = seconds


def request_seconds(time_limit_s: float) -> float:
    """How long a plan request may take: the solver's limit and the work around it."""
    return min(time_limit_s, MAX_TIME_LIMIT_S) + PLAN_OVERHEAD_S


async def bounded(work: Callable[[], T], seconds: float) -> T:
    """``work()`` in a plan worker thread, awaited at most ``seconds``."""
    if not _slots.acquire(blocking=False):
        raise PlanBusy(f"{MAX_CONCURRENT_PLANS} plans are being computed; try again shortly")
    try:
        future = _workers.submit(work)
    except BaseException:
        _slots.release()
        raise
    future.add_done_callback(lambda _done: _slots.release())        # when the thread ends, not when we stop waiting
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), seconds)
    except TimeoutError:
        raise PlanTimeout(seconds) from None


def _public(document: dict, audit_id: int, previous_id: int | None) -> dict:
    return {**document, "audit_id": audit_id, "replan_of": previous_id}


async def plan_and_record(state: AppState, body: PlanRequest, who: Caller, *, recorded: dict | None = None,
                          previous_id: int | None = None) -> dict:
    """Plan the round of ``body`` (RankingError, DatasetError, NoChampionError, PlanBusy,
    PlanTimeout) and record it under the caller's identity; the document with its
    ``audit_id`` and ``replan_of`` (the plan it re-plans, or None)."""
    try:
        call = plan_call(body)                   # settings and ids checked before any work
        call = replace(call, settings=replace(call.settings, rules=state.rules))     # the server's rule pack

        def work() -> dict:
            served = state.champion.get()
            rows = pd.DataFrame(call.rows, dtype=object)         # values as given: 0 stays 0 in a problem
            return plan(state.context, served, as_round(rows, state.context), call.as_of, call.settings).to_document()

        document = await bounded(work, request_seconds(call.settings.time_limit_s))
    except RankingError as exc:
        raise PlanError(exc.field, str(exc)) from exc
    request = recorded if recorded is not None else body.model_dump(mode="json")
    audit_id = await run_in_threadpool(state.audit.record_plan, who.identity, request, document, peer=who.peer,
                                       previous_id=previous_id)
    return _public(document, audit_id, previous_id)


def recorded_plan(state: AppState, audit_id: int) -> dict:
    """The recorded entry of a plan; PlanNotFound naming ``audit_id`` when there is none."""
    entry = state.audit.plan_entry(audit_id)
    if entry is None:
        raise PlanNotFound("audit_id", f"no plan with audit id {audit_id}")
    return entry


def decisions_view(decisions: list[dict]) -> list[dict]:
    keys = ("id", "at", "employee_id", "position_id", "decision", "reviewer", "note")
    return [{key: d[key] for key in keys} for d in decisions]


def stored_plan(state: AppState, audit_id: int) -> dict:
    """A recorded plan's document with the decisions in force on its moves."""
    entry = recorded_plan(state, audit_id)
    return {**_public(entry["document"], audit_id, entry["previous_id"]),
            "decisions": decisions_view(state.audit.move_decisions(audit_id))}


AnnouncementFormat = Literal["html", "text", "json"]


def plan_announcement(state: AppState, audit_id: int, lang: str, fmt: str) -> tuple[str, str]:
    """The public announcement of a recorded plan's *accepted* moves, as (body, media
    type); PlanError naming ``decisions`` while no move has been accepted."""
    entry = recorded_plan(state, audit_id)
    accepted = accepted_moves(state.audit.move_decisions(audit_id))
    if not accepted:
        raise PlanError("decisions", f"no move of plan {audit_id} has been accepted yet: nothing to announce")
    document = Plan.model_validate({k: v for k, v in entry["document"].items() if k != "audit_id"})
    ann = announcement(document, state.context, accepted, lang=lang)
    if fmt == "json":
        return ann.model_dump_json(), "application/json"
    if fmt == "text":
        return render_announcement_text(ann), "text/plain; charset=utf-8"
    return render_announcement_html(ann), "text/html; charset=utf-8"


def decide_move(state: AppState, audit_id: int, body: MoveDecisionIn, who: Caller) -> dict:
    """Record a reviewer's accept or reject of one move of a recorded plan; RankingError
    when the plan or the move is not there."""
    entry = recorded_plan(state, audit_id)
    moves = {(m["employee_id"], m["position_id"]) for m in entry["document"]["moves"]}
    if (body.employee_id, body.position_id) not in moves:
        field = "employee_id" if body.employee_id not in {e for e, _ in moves} else "position_id"
        raise PlanError(field, f"the plan has no move of {body.employee_id[:MAX_ECHO]} to "
                                  f"{body.position_id[:MAX_ECHO]}")
    decision_id = state.audit.record_move_decision(audit_id, body.employee_id, body.position_id, body.decision.value,
                                                   body.reviewer, body.note, caller=who.identity, peer=who.peer)
    return {"id": decision_id, "plan_audit_id": audit_id, "plan_id": entry["plan_id"],
            "employee_id": body.employee_id, "position_id": body.position_id, "decision": body.decision.value}


async def replan_and_record(state: AppState, audit_id: int, who: Caller) -> dict:
    """A new plan of a recorded plan's round and settings on its date, with its rejected
    moves forbidden and its accepted moves fixed; recorded with a link to the previous."""
    entry = await run_in_threadpool(recorded_plan, state, audit_id)
    decisions = await run_in_threadpool(state.audit.move_decisions, audit_id)
    asked = stored_request(entry["request"])
    try:
        settings = replan_settings(plan_call(asked).settings, decisions)
    except RankingError as exc:
        raise PlanError(exc.field, str(exc)) from exc
    body = with_settings(asked, settings, date.fromisoformat(entry["document"]["as_of"]))
    recorded = {**entry["request"], **body.model_dump(mode="json", include={"as_of", "fixed", "forbidden"}),
                "replan_of": audit_id}
    return await plan_and_record(state, body, who, recorded=recorded, previous_id=audit_id)


# --- problem documents ----------------------------------------------------------------------


def _plain(value):
    """A problem's value fit for JSON: numpy scalars as Python values, long text cut."""
    item = getattr(value, "item", None)
    value = item() if callable(item) and getattr(value, "shape", None) == () else value
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, str) and len(value) > MAX_ECHO:
        return value[: MAX_ECHO - 1] + "\u2026"
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)[:MAX_ECHO]


def round_problem(exc: DatasetError) -> JSONResponse:
    """422 listing the round's problems (table, column, 1-based row, value, message); the
    field names the first as a path into the request (``round.0.headcount`` for row 1)."""
    errors = [p for p in exc.problems if p.severity == ERROR] or exc.problems
    errors = sorted(errors, key=lambda p: (p.row is not None, p.row or 0))     # the whole round first, then by row
    listed = [{"table": p.table, "column": p.column, "row": p.row, "value": _plain(p.value), "message": p.message,
               "severity": p.severity} for p in errors[:MAX_PROBLEMS]]
    first = errors[0] if errors else None
    where = "round" if first is None or first.column is None else (
        f"round.{first.column}" if first.row is None else f"round.{first.row - 1}.{first.column}")
    detail = str(first) if first else "the round is not valid"
    return problem(422, "invalid round", detail, where, problems=listed, n_problems=len(errors))


def install_plan_handlers(app: FastAPI) -> None:
    """Problem documents for an invalid round, a plan request that breaks a rule, an
    unknown plan, a busy server and a plan that overran."""

    @app.exception_handler(PlanError)
    async def cannot_plan(_request: Request, exc: PlanError) -> JSONResponse:
        return problem(422, "cannot plan", str(exc), exc.field)

    @app.exception_handler(PlanNotFound)
    async def unknown_plan(_request: Request, exc: PlanNotFound) -> JSONResponse:
        return problem(404, "no such plan", str(exc), exc.field)

    @app.exception_handler(DatasetError)
    async def invalid_round(_request: Request, exc: DatasetError) -> JSONResponse:
        return round_problem(exc)

    @app.exception_handler(PlanBusy)
    async def busy(_request: Request, exc: PlanBusy) -> JSONResponse:
        response = problem(503, "busy", str(exc))
        response.headers["Retry-After"] = str(BUSY_RETRY_S)
        return response

    @app.exception_handler(PlanTimeout)
    async def overran(_request: Request, exc: PlanTimeout) -> JSONResponse:
        return problem(503, "plan timed out", str(exc), "time_limit_s", seconds=exc.seconds)
