"""Settings of a run and the bundle of objects every simulation step works on."""

from dataclasses import dataclass, field

import numpy as np

from simulator.catalog import Catalog
from simulator.outcomes import OutcomeParams
from simulator.program import ProgramSettings
from simulator.state import Recorder, State
from simulator.status import StatusSettings
from simulator.surveys import SurveySettings
from simulator.world import World


@dataclass(frozen=True)
class SimConfig:
    """Sizes, dates and the rates of the observable (non-outcome) processes."""

    n_employees: int
    seed: int
    start_year: int = 2013
    end_year: int = 2025
    n_vacancies: int = 40
    transfer_rate: float = 0.125       # regular moves per active employee and year
    pool_size: int = 20                # candidates a manager compares for one vacancy
    open_entry: float = 0.3            # share of vacant entry posts offered to insiders
    lateral_share: float = 0.5        # of a year's intake, transfers in from other governments
    lenient_appraisal: float = 0.05    # a manager overlooks one 'butuh_perbaikan'
    pppk_from_year: int = 2019
    training_rate: float = 0.22        # yearly chance of a development training
    training_rate_gap: float = 0.18    # extra chance when short of the post's standard
    assessment_rate: float = 0.6       # yearly chance once the last assessment is 2.5+ years old
    assessment_interval_years: float = 2.5
    first_assessment_rate: float = 0.35
    min_tenure_days: int = 731         # regular moves only after two full years in post
    pelantikan_per_year: int = 4
    selection_bias: float = 1.0        # weight of managers' systematic preferences vs chance (0 = random)
    status: StatusSettings = field(default_factory=StatusSettings)   # study leave, bonds, CLTN, suspension
    required_fields_share: float = 1.0  # of the posts with a field prerequisite, those that name it
    surveys: SurveySettings = field(default_factory=SurveySettings)  # post-move surveys (outcomes, never features)
    program: ProgramSettings = field(default_factory=ProgramSettings)  # the known programme effect (issue 17)


@dataclass
class Sim:
    """Everything one run works on."""

    world: World
    catalog: Catalog
    params: OutcomeParams
    config: SimConfig
    state: State
    rec: Recorder
    rng: np.random.Generator
