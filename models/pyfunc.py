"""The MLflow pyfunc wrapper of a :class:`~models.bundle.RankerBundle`.

Logged with the ``features`` and ``models`` packages as code, so the registered model is
self-contained: any pyfunc client gets predicted performance and adjustment risk for a
frame of feature columns. The bundle carries the version's fair top-list setting
(``fair_ranking.json``, also in the model's metadata): the pyfunc predicts per row and
orders nothing; whoever orders a pool should apply :func:`models.fair.fair_order` with it,
as serving and the audit do. Importing this module imports MLflow.
"""

from pathlib import Path

import mlflow.pyfunc
import pandas as pd

from models.bundle import RankerBundle
from models.scoring import ADJUSTMENT_RISK, PREDICTED_PERFORMANCE, score_candidates

BUNDLE_ARTIFACT = "bundle"


class MutasiRanker(mlflow.pyfunc.PythonModel):
    """pyfunc model: feature frame in, ``predicted_performance`` and ``adjustment_risk`` out."""

    def load_context(self, context) -> None:
        self.bundle = RankerBundle.load(context.artifacts[BUNDLE_ARTIFACT])

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        scored = score_candidates(self.bundle, model_input)
        return pd.DataFrame({PREDICTED_PERFORMANCE: scored.performance, ADJUSTMENT_RISK: scored.risk},
                            index=model_input.index)


def log_bundle(bundle_dir: str, sample: pd.DataFrame, code_paths: list[str]):
    """Log the bundle as the run's pyfunc model ``model`` with an inferred signature
    (models-from-code: ``pyfunc_entry.py`` names the model, nothing is pickled)."""
    from mlflow.models import infer_signature

    bundle = RankerBundle.load(bundle_dir)
    inputs = bundle.spec.input_frame(sample)
    scored = score_candidates(bundle, inputs)
    outputs = pd.DataFrame({PREDICTED_PERFORMANCE: scored.performance, ADJUSTMENT_RISK: scored.risk})
    return mlflow.pyfunc.log_model(
        name="model", python_model=str(Path(__file__).with_name("pyfunc_entry.py")),
        artifacts={BUNDLE_ARTIFACT: bundle_dir},
        code_paths=code_paths, signature=infer_signature(inputs, outputs),
        input_example=inputs.head(3),
        metadata={"fair_ranking": bundle.fair.to_dict()},    # how the version orders top lists when served
    )
