"""``simulate``: run the province simulator and return its tables, truth and latent state."""

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from simulator import days as d
from simulator.catalog import load_catalog
from simulator.context import Sim, SimConfig
from simulator.history import run_history
from simulator.outcomes import OutcomeParams
from simulator.program import (
    APPRAISAL_TRUTH,
    SATISFACTION_TRUTH,
    ProgramSettings,
    ProgramTruth,
    service_truth,
    truth_frame,
)
from simulator.state import Recorder, State
from simulator.status import StatusSettings
from simulator.structure import build_world
from simulator.surveys import SurveySettings
from simulator.tables import build_tables, employee_ids, transfers_truth
from simulator.world import World

GENERATOR = "mutasi province simulator (Nusa Tenggara Timur)"


@dataclass(frozen=True)
class Latent:
    """Hidden state at the end of the simulation, as the oracle needs it."""

    world: World
    state: State
    params: OutcomeParams
    config: SimConfig
    employee_ids: np.ndarray     # employee_id of state row i

    @property
    def as_of(self) -> pd.Timestamp:
        """The day after the dataset's end."""
        return pd.Timestamp(f"{self.config.end_year + 1}-01-01")


@dataclass(frozen=True)
class Simulation:
    """A simulated dataset: contract tables, the truth of its transfers, the latent state,
    and the true programme effect (:mod:`simulator.program`)."""

    tables: dict[str, pd.DataFrame]
    transfers_truth: pd.DataFrame
    latent: Latent
    manifest: dict
    program_truth: ProgramTruth


def simulate(n_employees: int, seed: int, start_year: int = 2013, end_year: int = 2025,
             n_vacancies: int = 40, params: OutcomeParams | None = None,
             selection_bias: float = 1.0, status: StatusSettings | None = None,
             required_fields_share: float = 1.0, surveys: SurveySettings | None = None,
             program: ProgramSettings | None = None) -> Simulation:
    """Simulate a provincial government of about ``n_employees`` active staff from
    1 January ``start_year`` to 31 December ``end_year``; deterministic for a seed.

    ``selection_bias`` is how strongly appointments followed the managers' systematic
    preferences rather than chance: 0 random among fitting candidates, 1 the default.
    ``status`` sets the rates of study leave, service bonds, CLTN and suspension
    (:mod:`simulator.status`); ``required_fields_share`` the share of posts with an education
    prerequisite that name it (:mod:`simulator.required_fields`); ``surveys`` when post-move
    surveys are sent and how they are answered (:mod:`simulator.surveys`). None of them
    changes any other table. ``program`` sets the known programme effect
    (:mod:`simulator.program`); with its ``appraisal=None`` (the default) it changes only the
    yearly staff survey's answers in ``surveys`` and ``service_indicators``."""
    if n_employees < 50:
        raise ValueError("n_employees must be at least 50")
    if end_year < start_year + 2:
        raise ValueError("the window must span at least three years")
    if not (np.isfinite(selection_bias) and selection_bias >= 0):
        raise ValueError(f"selection_bias must be a finite number >= 0, not {selection_bias!r}")
    if not 0.0 <= required_fields_share <= 1.0:
        raise ValueError(f"required_fields_share must be between 0 and 1, not {required_fields_share!r}")
    config = SimConfig(n_employees=n_employees, seed=seed, start_year=start_year, end_year=end_year,
                       n_vacancies=n_vacancies, selection_bias=float(selection_bias),
                       status=status or StatusSettings(), required_fields_share=float(required_fields_share),
                       surveys=surveys or SurveySettings(), program=program or ProgramSettings())
    params = params or OutcomeParams()
    rng = np.random.default_rng(seed)
    world = build_world(n_employees, rng)
    sim = Sim(world, load_catalog(world), params, config,
              State(len(world.codes), len(world.domains), world.n_positions), Recorder(), rng)
    run_history(sim)
    ids = employee_ids(np.arange(sim.state.n))
    tables = build_tables(sim)
    truth = transfers_truth(sim, ids)
    latent = Latent(world, sim.state, params, config, ids)
    program_truth = ProgramTruth(truth_frame(ids, sim.rec.columns(APPRAISAL_TRUTH)),
                                 truth_frame(ids, sim.rec.columns(SATISFACTION_TRUTH)),
                                 service_truth(config.program), config.program)
    return Simulation(tables, truth, latent, manifest(sim, tables, truth, latent), program_truth)


def manifest(sim: Sim, tables: dict[str, pd.DataFrame], truth: pd.DataFrame, latent: Latent) -> dict:
    """What was simulated, with the hidden model's parameters."""
    cfg = sim.config
    end = d.day(cfg.end_year, 12, 31)
    return {
        "generator": GENERATOR,
        "seed": cfg.seed,
        "n_employees": cfg.n_employees,
        "start_year": cfg.start_year,
        "end_year": cfg.end_year,
        "dataset_end": f"{cfg.end_year}-12-31",
        "as_of": latent.as_of.strftime("%Y-%m-%d"),
        "active_at_end": int(sim.state.active(end).sum()),
        "n_vacancies": cfg.n_vacancies,
        "counts": {name: int(len(table)) for name, table in tables.items()},
        "transfers": int(len(truth)),
        "outcome_model": asdict(sim.params),
        "process": asdict(cfg),
        "program": asdict(cfg.program),
    }
