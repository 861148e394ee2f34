"""The populations ``mutasi monitor`` compares, gathered from the data, the audit log and
the version: the reference and current feature rows of the drift comparison, and the
matured cohorts of the calibration.

Like with like: both drift populations are **candidate pools** (every eligible person
for a post, not only the one appointed).

- reference = historical pools (:func:`features.history_pools.historical_pools`: the
  appointed person and sampled eligible others, with their features at the decision date)
  of the transfers in the last ``reference_months`` of the version's training data (its
  ``dataset_end``), ending at the current window's start when that is earlier so the two
  never overlap. Not the boosters' fit rows alone: risk labels need 730 days of
  follow-up, so those end years before the data does, and the comparison would measure
  that gap rather than change since training;
- current = the pools of the vacancies ranked in the audit log in the ``recent_months``
  before the date (each rebuilt with :func:`features.candidates.candidate_pool` at its
  ranking's date); when the log has fewer than ``min_ranked_pools`` of them, the pools at
  the date of a seeded sample of ``pools`` posts filled by transfers in that window (the
  kind of post that falls vacant; any posts when there were none). Each pool gives at most
  1 + ``alternatives`` rows on both sides, so every vacancy weighs alike (a large pool
  would otherwise stand for its post many times over); both are cut to ``rows`` rows.
"""

from collections.abc import Callable

import numpy as np
import pandas as pd

from features import columns as c
from features.candidates import DEFAULT_RULES, candidate_pool
from features.history_pools import historical_pools
from features.labels import label_events
from features.names import AS_OF, EVENT_ID
from features.timeline import dataset_end, transfer_events
from features.training_table import move_features
from models.bundle import RankerBundle
from models.scoring import score_candidates
from serving.context import ServingContext
from serving.monitoring import calibration as cal
from serving.monitoring.drift import sample_rows
from serving.monitoring.settings import MonitorSettings

Step = Callable[[str, int, int], None]
REFERENCE_STAGE, CURRENT_STAGE, COHORT_STAGE = "reference pools", "current pools", "matured cohorts"
RANKINGS_READ = 5000                # audit log entries read at most


def _no_step(_stage: str, _done: int, _total: int) -> None:
    return None


def data_end_of(bundle: RankerBundle, context: ServingContext) -> pd.Timestamp:
    """The end of the data the version was trained on (``dataset_end`` in its metadata)."""
    given = bundle.metadata.get("dataset_end")
    return pd.Timestamp(given) if given else dataset_end(context.dataset)


def reference_window(context: ServingContext, bundle: RankerBundle, as_of: pd.Timestamp,
                     settings: MonitorSettings) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start, end): the ``reference_months`` before the version's data end, or before the
    current window's start when that is earlier, so the two never overlap."""
    end = min(data_end_of(bundle, context), as_of - pd.DateOffset(months=settings.recent_months))
    return end - pd.DateOffset(months=settings.reference_months), end


def reference_rows(context: ServingContext, bundle: RankerBundle, as_of: pd.Timestamp, settings: MonitorSettings,
                   step: Step = _no_step) -> tuple[pd.DataFrame, str]:
    """Feature rows of the reference population and its description (see the module)."""
    start, end = reference_window(context, bundle, as_of, settings)
    events = recent_transfers(context, start, end)
    wanted = max(1, settings.rows // (settings.alternatives + 1))
    events = sample_rows(events, wanted, settings.seed)
    step(REFERENCE_STAGE, 0, 1)
    if events.empty:
        return pd.DataFrame(), f"no transfers between {start.date()} and {end.date()}"
    pools = historical_pools(context.dataset, events, alternatives=settings.alternatives, seed=settings.seed,
                             sources=context.sources)
    step(REFERENCE_STAGE, 1, 1)
    return (sample_rows(pools.frame, settings.rows, settings.seed),
            f"historical pools of {pools.events} transfers between {start.date()} and {end.date()}")


def recent_transfers(context: ServingContext, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Transfer events dated in [start, end)."""
    events = transfer_events(context.dataset)
    return events[(events[AS_OF] >= start) & (events[AS_OF] < end)].reset_index(drop=True)


def recent_rankings(rankings: list[dict], as_of: pd.Timestamp, settings: MonitorSettings) -> list[tuple[str, pd.Timestamp]]:
    """Distinct (post, date) of the rankings served in the ``recent_months`` up to ``as_of``,
    at most ``pools`` of them (a seeded sample)."""
    start = as_of - pd.DateOffset(months=settings.recent_months)
    seen = sorted({(str(r["position_id"]), pd.Timestamp(r["as_of"]).normalize()) for r in rankings
                   if start <= pd.Timestamp(r["as_of"]) <= as_of})
    if len(seen) <= settings.pools:
        return seen
    picked = np.random.default_rng(settings.seed).choice(len(seen), size=settings.pools, replace=False)
    return [seen[k] for k in sorted(picked)]


def current_rows(context: ServingContext, rankings: list[dict], as_of: pd.Timestamp, settings: MonitorSettings,
                 step: Step = _no_step) -> tuple[pd.DataFrame, str]:
    """Feature rows of the current population and its description (see the module)."""
    vacancies = recent_rankings(rankings, as_of, settings)
    if len(vacancies) >= settings.min_ranked_pools:
        words = f"pools of {len(vacancies)} vacancies ranked between " \
                f"{(as_of - pd.DateOffset(months=settings.recent_months)).date()} and {as_of.date()} (audit log)"
    else:                       # a handful of posts is no population: their pair features are a few values
        start = as_of - pd.DateOffset(months=settings.recent_months)
        posts = np.unique(recent_transfers(context, start, as_of)[c.POSITION_ID].astype(str).to_numpy())
        kind = "posts filled by transfers since " + str(start.date())
        if len(posts) == 0:
            posts, kind = np.unique(context.dataset.positions[c.POSITION_ID].astype(str).to_numpy()), "posts"
        rng = np.random.default_rng(settings.seed)
        picked = np.sort(rng.choice(len(posts), size=min(settings.pools, len(posts)), replace=False))
        words = (f"pools at {as_of.date()} of a sample of {len(picked)} {kind} (the audit log ranked "
                 f"{len(vacancies)} vacancies in the window, fewer than {settings.min_ranked_pools})")
        vacancies = [(str(posts[k]), as_of.normalize()) for k in picked]
    frames = []
    for k, (post, day) in enumerate(vacancies):
        step(CURRENT_STAGE, k, len(vacancies))
        pool = candidate_pool(context.snapshot_columns(day), context.positions, post, DEFAULT_RULES,
                              employee_masks=context.employee_masks(day, DEFAULT_RULES))
        if len(pool):           # at most 1 + alternatives rows per pool, as in the reference's pools
            frames.append(sample_rows(pool.frame.to_frame(), settings.alternatives + 1, settings.seed + k))
    step(CURRENT_STAGE, len(vacancies), len(vacancies))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return sample_rows(frame, settings.rows, settings.seed), words


def labelled_transfers(context: ServingContext) -> pd.DataFrame:
    """Every transfer (``event_id, employee_id, position_id, as_of``) with its matured labels."""
    events = transfer_events(context.dataset)
    labels = cal.matured_labels(label_events(events, context.dataset))
    return pd.concat([events[[EVENT_ID, c.EMPLOYEE_ID, c.POSITION_ID, AS_OF]].reset_index(drop=True),
                      labels.reset_index(drop=True)], axis=1)


def transfer_cohort(context: ServingContext, bundle: RankerBundle, version: str, events: pd.DataFrame,
                    settings: MonitorSettings) -> pd.DataFrame:
    """Rows of the **transfers** source for ``version``: its unseen matured transfers
    (at most ``rows``), scored at their decision date through the one scoring path."""
    unseen = sample_rows(cal.matured_transfers(events, data_end_of(bundle, context)), settings.rows, settings.seed)
    if unseen.empty:
        return pd.DataFrame(columns=list(cal.COHORT_COLUMNS))
    features = move_features(context.sources, context.positions, unseen)
    scored = score_candidates(bundle, features)
    return unseen.assign(**{cal.VERSION: str(version), cal.SOURCE: cal.Source.TRANSFERS.value,
                            cal.PREDICTED_RISK: scored.risk,
                            cal.PREDICTED_PERFORMANCE: scored.performance})[list(cal.COHORT_COLUMNS)]


def matured_cohort(context: ServingContext, bundle: RankerBundle, version: str, rankings: list[dict],
                   as_of: pd.Timestamp, settings: MonitorSettings, step: Step = _no_step) -> pd.DataFrame:
    """Both sources' rows: the audit log's matured rankings (every version) and the
    monitored version's unseen matured transfers."""
    step(COHORT_STAGE, 0, 2)
    events = labelled_transfers(context)
    audit = cal.audit_cohort(rankings, events, as_of, settings)
    step(COHORT_STAGE, 1, 2)
    transfers = transfer_cohort(context, bundle, version, events, settings)
    step(COHORT_STAGE, 2, 2)
    frames = [f for f in (audit, transfers) if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(cal.COHORT_COLUMNS))
