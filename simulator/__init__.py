"""Province simulator: a synthetic provincial government in the contract's format, with
the hidden truth of its transfers and an oracle of held-out vacancies.

``simulate(n_employees, seed)`` runs it; ``write_simulation(sim, out_dir)`` writes it.

A product of its own beside the pipeline: it may use the contract's modules of
:mod:`features` (columns, vocabularies, schema, reading and writing tables, the contract's
eligibility rules that define the oracle's pools, geography), and nothing in ``features``,
``models``, ``serving`` or ``training`` imports it. Training sees its oracle only when a
user names the file (``mutasi train --oracle PATH``).
"""

from simulator.large import write_large
from simulator.outcomes import OutcomeParams
from simulator.shards import shard_seed
from simulator.simulation import Latent, Simulation, simulate
from simulator.status import StatusSettings
from simulator.surveys import SurveySettings
from simulator.writer import write_simulation

__all__ = ["OutcomeParams", "Latent", "Simulation", "StatusSettings", "SurveySettings", "shard_seed", "simulate",
           "write_large", "write_simulation"]
