"""The thresholds and bounds of ``mutasi monitor``, in one place.

Why these defaults:

- ``max_drift_share`` 0.1 — the alarm rings when at least a tenth of the model's 55
  features drift. Drift per feature is Evidently's distance verdict (normed Wasserstein or
  Jensen-Shannon ≥ 0.1), which does not grow with the sample size. One real change in how
  people are rated or hired moves a family of features (the rating features under a change
  in leniency, tenure, grade and service under a cohort of new hires): a tenth of the inputs
  is about one such family. Measured on a 5,000-employee simulated province (600 pools of
  5 rows a side), a random split of one period's pools flags 1 of 55 (0.018); on an
  800-employee province it flags 13 of 55 (0.24): two years hold only ~230 transfers there,
  too few vacancies for the post-level features to agree by chance — small organisations
  need a higher share or a longer ``reference_months``. Evidently's own dataset-level
  default (half the columns) stays silent on a single family of drifted features.
- ``max_ece`` 0.05 — twice the ECE the versions reach on their own test period (about
  0.02), and above the ECE's sampling noise on a cohort of ``min_cohort`` rows.
- ``max_performance_bias`` 0.25 SKP points — half a rating step between the predicted and
  the realised post-transfer score, on average.
- ``min_cohort`` 200 — below it a cohort's calibration is shown but never rings the alarm:
  ECE on fewer rows is mostly noise.
"""

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class MonitorSettings:
    max_drift_share: float = 0.1        # drift alarm when the share of drifted features is at least this
    max_ece: float = 0.05               # calibration alarm when the served version's ECE exceeds this
    max_performance_bias: float = 0.25  # ... or when its mean predicted − realised score exceeds this (abs)
    min_cohort: int = 200               # matured rows a version needs before its calibration can alarm
    rows: int = 3000                    # rows per side of the drift comparison (and of a matured cohort)
    reference_months: int = 24          # reference: the last months of the transfers the version learned from
    recent_months: int = 12             # current: rankings served in the months before as_of
    pools: int = 600                    # vacancies (pools) rebuilt for the current population at most
    min_ranked_pools: int = 10          # fewer recently ranked vacancies than this: sample posts instead
    alternatives: int = 4               # rows per pool beyond the first: many small pools, not few big ones
    matured_months: int = 24            # a served ranking is judged once this old
    move_within_days: int = 365         # ... on who was moved into its post within this after it
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("max_drift_share", "max_ece"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if not self.max_performance_bias >= 0:
            raise ValueError(f"max_performance_bias must be >= 0, not {self.max_performance_bias}")
        for name in ("min_cohort", "rows", "reference_months", "recent_months", "pools", "min_ranked_pools", "matured_months",
                     "move_within_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, not {getattr(self, name)}")
        if self.alternatives < 0:
            raise ValueError(f"alternatives must be >= 0, not {self.alternatives}")

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}
