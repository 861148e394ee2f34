"""Programme evaluation: did the mutasi rounds work? (``mutasi evaluate-program``)

Contract tables → ``features.program_panel`` (employee-period, unit-period and survey
panels) → the estimators here (Callaway–Sant'Anna staggered difference-in-differences with
the not-yet-transferred as comparison, a dose event study for units) → a report (HTML,
JSON, MLflow evaluation run)."""
