"""Models-from-code entry point of the pyfunc model (read by MLflow when logging and loading)."""

import mlflow.models

from models.pyfunc import MutasiRanker

mlflow.models.set_model(MutasiRanker())
