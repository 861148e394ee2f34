"""Province simulator: a synthetic provincial government in the contract's format, with
the hidden truth of its transfers and an oracle of held-out vacancies.

``simulate(n_employees, seed)`` runs it; ``write_simulation(sim, out_dir)`` writes it.
"""

from simulator.outcomes import OutcomeParams
from simulator.simulation import Latent, Simulation, simulate
from simulator.writer import write_simulation

__all__ = ["OutcomeParams", "Latent", "Simulation", "simulate", "write_simulation"]
