"""Monitoring of the served model (``mutasi monitor``): data drift of the population
being scored now against what the version learned from (Evidently, behind
:mod:`serving.monitoring.evidently_edge`), calibration on matured cohorts per model version,
and the report (HTML, Evidently's own drift HTML, JSON)."""
