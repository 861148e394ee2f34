"""Names of derived columns: point-in-time keys, labels, the simulator's oracle.

Feature column names live with their definitions in :mod:`features.pairs` and
:mod:`features.snapshot`; this module holds the names that several packages share.
"""

# point-in-time keys
AS_OF = "as_of"                      # decision date t: records dated on or after t are the future
EVENT_ID = "event_id"                # one transfer event (assignment row) of the training table

# labels (contract section 3)
PERFORMANCE = "performance"          # post-transfer SKP score 1..5, NaN when censored
FAILURE = "failure"                  # adjustment failure 0/1, NaN when censored
FOLLOWED_UP = "failure_followed_up"  # the whole 730-day window lies within the dataset

# the simulator's oracle (written beside a simulated dataset, never read by the contract loader)
ORACLE_VACANCIES_FILE = "oracle_vacancies.parquet"
ORACLE_TRANSFERS_FILE = "oracle_transfers.parquet"
SIMULATION_MANIFEST_FILE = "simulation.json"
TRUE_EXPECTED_SCORE = "true_expected_score"
TRUE_FAILURE_PROB = "true_failure_prob"

# historical pools and the selection (propensity) model (issue 13)
CHOSEN = "chosen"                    # this candidate was the one appointed in the logged history
POOL_SIZE = "pool_size"              # eligible candidates of the event's whole pool (the chosen included)
SAMPLE_WEIGHT = "sample_weight"      # how many pool members a sampled row stands for (1 for the chosen)
PROPENSITY = "propensity"            # P(this candidate is the one chosen | the whole pool), selection model
REPLICATE = "replicate"              # a simulated logged choice's replicate number (oracle log)
ORACLE_LOG_FILE = "oracle_log.parquet"   # simulated logged choices on the oracle's vacancies
