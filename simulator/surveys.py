"""Post-move surveys of simulated transferees: satisfaction, wish to stay, a comment.

For every transfer, a survey about 3 months and about 12 months after the move (a couple
of weeks either way), sent only while the person still holds the post, has not exited and
the date lies within the data; a share ``response_rate`` answers. Satisfaction (1-5) is
an ordinal draw around

    base - fit * true_failure_probability - relocated * relocation
         - relocated_unwilling * (relocated and not willing) + person + noise

where ``true_failure_probability`` is the simulator's own hidden probability that the move
fails (:func:`simulator.outcomes.transfer_truth`: the move's latent fit), *relocated* means
the new post lies in another region than the one before, *willing* is the person's last
stated willingness to relocate on or before the move day (never stated counts as not
willing, as in the hidden outcome model), and *person* is one draw per move shared by its
two surveys. ``wants_to_stay`` is more often false when satisfaction is low (missing for a
share); some answers carry a short comment in Indonesian.

Drawn after the history from their own random stream (seeded by the simulation's seed),
reading the history without changing it: every other table is the same with or without
them. Surveys are outcomes and signals, never model features.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from features import vocab as v
from simulator import days as d

SURVEY_STREAM = 20_260_316        # mixed with the seed: a stream no other draw uses
DAYS_PER_MONTH = 30.44

UNHAPPY = ("Beban kerja tidak sesuai kompetensi saya", "Belum mendapat arahan yang jelas dari atasan",
           "Butuh pelatihan teknis untuk jabatan ini", "Ingin kembali ke unit asal")
FAR_FROM_HOME = ("Jauh dari keluarga", "Biaya hidup di lokasi baru tinggi", "Sulit beradaptasi dengan daerah baru")
NEUTRAL = ("Masih menyesuaikan diri", "Perlu bimbingan mentor", "Cukup, tetapi masih banyak yang perlu dipelajari")
HAPPY = ("Tim sangat mendukung", "Sesuai dengan minat dan keahlian saya", "Lingkungan kerja nyaman",
         "Atasan memberi kesempatan berkembang")


@dataclass(frozen=True)
class SurveySettings:
    """When surveys are sent, who answers, and how satisfaction is drawn (module text)."""

    months: tuple[int, ...] = (3, 12)          # after the move
    jitter_days: int = 14                      # each survey date ± this many days
    response_rate: float = 0.7
    base: float = 4.0
    fit: float = 3.0                           # per unit of true failure probability
    relocation: float = 0.3
    relocated_unwilling: float = 0.8
    person_sd: float = 0.4
    noise_sd: float = 0.6
    stay_intercept: float = 0.8                # logit of wants_to_stay at satisfaction 3
    stay_slope: float = 1.2                    # per satisfaction point
    stay_missing: float = 0.1                  # share of answers leaving wants_to_stay empty
    comment_rate: float = 0.3

    def __post_init__(self) -> None:
        for name in ("response_rate", "stay_missing", "comment_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {rate!r}")
        if not self.months or min(self.months) < 1 or self.jitter_days < 0:
            raise ValueError(f"months must be ≥ 1 and jitter_days ≥ 0, not {self.months!r}, {self.jitter_days!r}")
        if self.jitter_days * 2 >= min(self.months) * DAYS_PER_MONTH:
            raise ValueError(f"jitter_days={self.jitter_days} would put a survey before its move")


@dataclass(frozen=True)
class Moves:
    """The transfers to survey, one array element each (days as day numbers)."""

    employee: np.ndarray
    start: np.ndarray
    failure_prob: np.ndarray      # the hidden truth of the move
    relocated: np.ndarray         # the new post is in another region than the one before
    willing: np.ndarray           # last stated willingness to relocate on or before the move
    held_until: np.ndarray        # last day in the post (FAR_FUTURE while held)
    exit_day: np.ndarray          # FAR_FUTURE when still in service


@dataclass(frozen=True)
class Answers:
    """Survey answers: employee row, day, satisfaction, wants_to_stay (None = empty), comment."""

    employee: np.ndarray
    day: np.ndarray
    satisfaction: np.ndarray
    wants_to_stay: np.ndarray     # object: True, False or None
    comment: np.ndarray           # object: text or None


def satisfaction_mean(settings: SurveySettings, moves: Moves) -> np.ndarray:
    """The centre of each move's satisfaction before the person and noise draws."""
    unwilling = moves.relocated & ~moves.willing
    return (settings.base - settings.fit * moves.failure_prob - settings.relocation * moves.relocated
            - settings.relocated_unwilling * unwilling)


def _comments(rng: np.random.Generator, satisfaction: np.ndarray, relocated: np.ndarray) -> np.ndarray:
    far = relocated & (rng.random(len(satisfaction)) < 0.6)
    unhappy = np.where(far, rng.choice(np.array(FAR_FROM_HOME, dtype=object), len(satisfaction)),
                       rng.choice(np.array(UNHAPPY, dtype=object), len(satisfaction)))
    neutral = rng.choice(np.array(NEUTRAL, dtype=object), len(satisfaction))
    happy = rng.choice(np.array(HAPPY, dtype=object), len(satisfaction))
    return np.where(satisfaction <= 2, unhappy, np.where(satisfaction == 3, neutral, happy))


def draw_surveys(seed: int, moves: Moves, settings: SurveySettings, end: int) -> Answers:
    """Every answered survey of ``moves`` up to day ``end``, deterministic by seed."""
    rng = np.random.default_rng([int(seed), SURVEY_STREAM])
    n = len(moves.employee)
    person = settings.person_sd * rng.standard_normal(n)
    centre = satisfaction_mean(settings, moves) + person
    rows = []
    for months in settings.months:
        day = (moves.start + int(round(months * DAYS_PER_MONTH))
               + rng.integers(-settings.jitter_days, settings.jitter_days + 1, size=n))
        latent = centre + settings.noise_sd * rng.standard_normal(n)
        answered = rng.random(n) < settings.response_rate
        sent = (day <= moves.held_until) & (day < moves.exit_day) & (day <= end)
        keep = np.flatnonzero(sent & answered)
        rows.append((keep, day[keep], latent[keep]))
    who = np.concatenate([k for k, _, _ in rows]).astype(np.int64)
    day = np.concatenate([x for _, x, _ in rows]).astype(np.int64)
    latent = np.concatenate([x for _, _, x in rows])
    satisfaction = np.clip(np.rint(latent), v.MIN_SATISFACTION, v.MAX_SATISFACTION).astype(np.int64)
    stays = rng.random(len(who)) < expit(settings.stay_intercept + settings.stay_slope * (satisfaction - 3))
    blank = rng.random(len(who)) < settings.stay_missing
    wants = np.where(blank, None, stays).astype(object)
    said = rng.random(len(who)) < settings.comment_rate
    comment = np.where(said, _comments(rng, satisfaction, moves.relocated[who]), None).astype(object)
    return Answers(moves.employee[who], day, satisfaction, wants, comment)


def unique_days(answers: Answers) -> np.ndarray:
    """Positions of answers keeping the first of any (employee, day) pair (the table's key)."""
    keys = answers.employee.astype(np.int64) * (1 << 32) + (answers.day.astype(np.int64) - d.NEVER)
    _, first = np.unique(keys, return_index=True)
    return np.sort(first)

