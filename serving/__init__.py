"""Serving: ranked, explained candidates for a vacancy from the ``champion`` model.

Python door::

    from serving import rank_candidates
    ranking = rank_candidates("pos-00042", as_of="2026-01-01", top_k=10, data="path/to/dataset")
    ranking.to_document()      # the contract's JSON document

The dataset directory comes from ``data=`` or ``$MUTASI_DATA``; the model from the MLflow
registry (``$MLFLOW_TRACKING_URI``, else the store in the mutasi home: ``$MUTASI_HOME``, else
the user's data directory, e.g. ``~/.local/share/mutasi``; see :func:`models.store.home`).
Both are loaded once and cached. ``as_of`` is a ``datetime.date`` or an ISO ``YYYY-MM-DD``
text (never a guessed day order); ``None`` is the day after the data ends. Warnings that do
not stop a ranking (a date outside the data's window) are in ``ranking.notices``.
"""

import dataclasses
import os
import threading
from pathlib import Path

import pandas as pd

from features.round import Round, read_round, round_from_frame
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.planning.build import Progress
from serving.planning.document import Plan
from serving.planning.plan import plan
from serving.planning.settings import PlanSettings
from serving.ranking import RankingError, RankingOptions, Vacancy, rank
from serving.result import Ranking
from serving.scale.scored import ScoredPairs

DATA_ENV = "MUTASI_DATA"
_contexts: dict[str, ServingContext] = {}
_champions: dict[str | None, ChampionCache] = {}
_lock = threading.Lock()


def context_for(data: str | Path | ServingContext | None) -> ServingContext:
    """The cached serving context of a dataset directory (``$MUTASI_DATA`` by default)."""
    if isinstance(data, ServingContext):
        return data
    path = data or os.environ.get(DATA_ENV)
    if not path:
        raise RankingError("data", f"no dataset: pass data=DIR or set ${DATA_ENV}")
    key = str(Path(path).resolve())
    with _lock:
        if key not in _contexts:
            _contexts[key] = ServingContext.load(key)
        return _contexts[key]


def champion_for(tracking_uri: str | None = None) -> ChampionCache:
    with _lock:
        if tracking_uri not in _champions:
            _champions[tracking_uri] = ChampionCache(tracking_uri)
        return _champions[tracking_uri]


def rank_candidates(position_id: str, as_of=None, top_k: int = 10, *, data=None, lang: str = "id",
                    options: RankingOptions | None = None, vacancy: Vacancy | None = None,
                    tracking_uri: str | None = None, champion: ChampionCache | None = None) -> Ranking:
    """Rank the eligible candidates for ``position_id`` (or an ad-hoc ``vacancy``)."""
    opts = dataclasses.replace(options or RankingOptions(), top_k=top_k, lang=lang)
    served = (champion or champion_for(tracking_uri)).get()
    return rank(context_for(data), served, position_id, as_of, opts, vacancy)


def plan_round(round_, as_of=None, *, data=None, settings: PlanSettings | None = None,
               tracking_uri: str | None = None, champion: ChampionCache | None = None,
               progress: Progress | None = None, scored: ScoredPairs | None = None) -> Plan:
    """Plan a mutasi round (contract section 6): ``round_`` is a round file path, a
    DataFrame or a list of row dicts (position_id, headcount?, priority?, ad-hoc columns),
    or a :class:`features.round.Round`. ``scored``: plan from the pairs a scored round kept
    (:func:`serving.scale.scored.read_scored` of a ``mutasi score-round`` folder)."""
    context = context_for(data)
    served = (champion or champion_for(tracking_uri)).get()
    return plan(context, served, as_round(round_, context), as_of, settings or PlanSettings(), progress, scored)


def as_round(value, context: ServingContext) -> Round:
    """A Round from a path, a DataFrame, a list of row dicts or a Round."""
    if isinstance(value, Round):
        return value
    if isinstance(value, str | Path):
        return read_round(value, context.dataset)
    frame = value if isinstance(value, pd.DataFrame) else pd.DataFrame(list(value))
    return round_from_frame(frame, context.dataset)


__all__ = ["plan_round", "Plan", "PlanSettings", "rank_candidates", "Ranking", "RankingError", "RankingOptions", "Vacancy", "ServingContext",
           "ChampionCache"]
