"""National scale: a round's (employee, vacancy) pairs scored slice by slice, on this
process or on a Dask cluster, into the sparse candidate pairs the planner reads.

- :mod:`serving.scale.pairs`: one slice's snapshot, eligibility and scores (pure);
- :mod:`serving.scale.dask_engine`: the cluster and the tasks;
- :mod:`serving.scale.run`: the job and :func:`score_round`;
- :mod:`serving.scale.scored`: the folder written and read back.
"""
