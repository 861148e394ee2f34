"""Training effects, checked against the truth: the ``expected_risk_change`` every training
recommendation claims, against the true change of the move's failure probability.

For each seed a province is simulated (its latent state kept beside it) and a ranker
fitted in-process; on every oracle vacancy, every eligible candidate gets the product's
recommendations (:func:`serving.recommend.recommend`, all trainings it keeps, not only
the top 3), each claim is a (candidate, post, training) pair, and
:func:`simulator.what_if.training_truth` gives its true change (the training completed
the day before the move, by the simulator's own rules). Three uplifts, same boosters:

- ``record_only``: uplift 0, the claim carries only what the training record adds (hours);
- ``naive``: change ~ years + trainings (:class:`training.uplift.UpliftMethod` NAIVE);
- ``adjusted``: the selection-adjusted estimate the product ships (the default).

Per uplift: pairs kept, Spearman and Pearson of claimed vs true risk change, mean claimed,
mean true, their ratio, the share of claims whose true change is negative too (right
sign), a binned calibration (quintiles of the claim: mean claimed vs mean true), the
mean uplift assumed against the mean true level gain of the same pairs, and what the
product does with the claims: the Spearman between claimed and true change among one
candidate's trainings (mean over candidates with >= 3), and the true change of each
candidate's top-claimed training against the best and the mean true change it had.

``python -m bench.training_effects --seeds 7 11 13 --employees 2000`` prints the rows and
writes them into ``bench/results.json`` and ``bench/results.md`` (``--no-write``: print only).
"""

import pickle
from pathlib import Path

import numpy as np

from bench.common import cached_bundle
from bench.results import seeds_main

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".mutasi" / "bench"          # provinces (with their latent state) and bundles, made once
SEEDS = (7, 11, 13)
EMPLOYEES = 2000
BINS = 5
LATENT_FILE = "latent.pkl"
CLAIMED = "claimed_risk_change"


def province(employees: int, seed: int) -> tuple[Path, object]:
    """A simulated province and its latent state, written once under ``.mutasi/bench``."""
    from simulator import simulate, write_simulation

    path = CACHE / f"training-effects-{employees}-{seed}"
    if not (path / LATENT_FILE).exists():
        print(f"  simulating {employees:,} employees, seed {seed} (once, cached in {path})", flush=True)
        sim = simulate(n_employees=employees, seed=seed)
        write_simulation(sim, path)
        (path / LATENT_FILE).write_bytes(pickle.dumps(sim.latent))
    return path, pickle.loads((path / LATENT_FILE).read_bytes())


def fitted_bundle(path: Path):
    """The ranker fitted on a province, saved once beside it."""
    return cached_bundle(path, path.with_name(path.name + "-bundle"))


def claims(context, bundle, oracle):
    """Every training the product recommends to every eligible candidate of every oracle
    vacancy: ``employee_id, position_id, training_code``, the claim and the assumed uplift."""
    import pandas as pd

    from features import columns as c
    from features.names import AS_OF
    from serving.ranking import RankingOptions, score_pool
    from serving.recommend import recommend

    rows = []
    catalog = context.catalog_index
    for pid, group in oracle.groupby(c.POSITION_ID, sort=False):
        when = pd.Timestamp(group[AS_OF].iloc[0])
        scored = score_pool(context, bundle, context.positions, pid, when, RankingOptions())
        cand = scored.pool.candidates
        recs = recommend(bundle, cand, context.positions, pid, catalog, scored.scored.risk,
                         scored.scored.performance, "en", top=len(catalog.training_codes))
        for employee, (kept, _) in zip(cand[c.EMPLOYEE_ID].tolist(), recs):
            rows += [{c.EMPLOYEE_ID: str(employee), c.POSITION_ID: pid, c.TRAINING_CODE: r.training_code,
                      CLAIMED: r.expected_risk_change,
                      "assumed_uplift": float(np.mean(list(r.assumed_uplift.values()))) if r.assumed_uplift
                      else 0.0} for r in kept]
    return pd.DataFrame(rows)


def measure(frame, name: str) -> dict:
    """Claimed vs true risk change of one uplift's pairs."""
    import pandas as pd
    from scipy.stats import pearsonr, spearmanr

    from features import columns as c
    from simulator.what_if import TRUE_LEVEL_GAIN, TRUE_RISK_CHANGE

    claimed, true = frame[CLAIMED].to_numpy(float), frame[TRUE_RISK_CHANGE].to_numpy(float)
    enough = len(frame) > 2 and np.ptp(claimed) > 0 and np.ptp(true) > 0
    bins = pd.qcut(claimed, min(BINS, max(1, len(frame) // 20)), labels=False, duplicates="drop") \
        if len(frame) >= 20 else np.zeros(len(frame), dtype=int)
    calib = frame.assign(bin=bins).groupby("bin")[[CLAIMED, TRUE_RISK_CHANGE]].mean()
    per = frame.groupby([c.EMPLOYEE_ID, c.POSITION_ID], sort=False)
    within = [spearmanr(g[CLAIMED], g[TRUE_RISK_CHANGE]).statistic for _, g in per
              if len(g) >= 3 and g[CLAIMED].nunique() > 1 and g[TRUE_RISK_CHANGE].nunique() > 1]
    top = frame.sort_values(CLAIMED, kind="stable").groupby([c.EMPLOYEE_ID, c.POSITION_ID]).head(1)
    return {"uplift": name, "pairs": len(frame),
            "spearman": round(float(spearmanr(claimed, true).statistic), 3) if enough else None,
            "pearson": round(float(pearsonr(claimed, true).statistic), 3) if enough else None,
            "mean_claimed": round(float(claimed.mean()), 4) if len(frame) else None,
            "mean_true": round(float(true.mean()), 4) if len(frame) else None,
            "ratio_claimed_to_true": round(float(claimed.mean() / true.mean()), 2) if len(frame) and true.mean()
            else None,
            "right_sign": round(float((true < 0).mean()), 3) if len(frame) else None,
            "calibration": " ".join(f"{a:+.3f}/{b:+.3f}" for a, b in calib.itertuples(index=False)),
            "within_candidate_spearman": round(float(np.nanmean(within)), 3) if within else None,
            "top_claimed_true": round(float(top[TRUE_RISK_CHANGE].mean()), 4) if len(frame) else None,
            "best_true": round(float(per[TRUE_RISK_CHANGE].min().mean()), 4) if len(frame) else None,
            "candidate_mean_true": round(float(per[TRUE_RISK_CHANGE].mean().mean()), 4) if len(frame) else None,
            "mean_assumed_uplift": round(float(frame["assumed_uplift"].mean()), 3) if len(frame) else None,
            "mean_true_level_gain": round(float(frame[TRUE_LEVEL_GAIN].mean()), 3) if len(frame) else None}


def province_effects(employees: int, seed: int) -> list[dict]:
    """Rows of one province: per uplift, the claims measured against the truth."""
    from dataclasses import replace

    import pandas as pd

    from features import columns as c
    from features.io import load_dataset
    from models.bundle import POOLED_UPLIFT
    from serving.context import ServingContext
    from simulator.what_if import training_truth
    from training.evaluate import read_oracle
    from training.uplift import UpliftMethod, estimate_uplift

    path, latent = province(employees, seed)
    bundle = fitted_bundle(path)
    dataset = load_dataset(path)
    context = ServingContext.from_dataset(dataset)
    oracle = read_oracle(path)
    uplifts = {"record_only": {POOLED_UPLIFT: 0.0}, "naive": estimate_uplift(dataset, method=UpliftMethod.NAIVE),
               "adjusted": estimate_uplift(dataset, method=UpliftMethod.ADJUSTED)}
    made = {name: claims(context, replace(bundle, uplift=u), oracle) for name, u in uplifts.items()}
    keys = [c.EMPLOYEE_ID, c.POSITION_ID, c.TRAINING_CODE]
    union = pd.concat([m[keys] for m in made.values()]).drop_duplicates()
    truth = training_truth(latent, union)
    rows = []
    for name, frame in made.items():
        row = measure(frame.merge(truth, on=keys, how="left"), name)
        rows.append({"bench": "training_effects", "employees": employees, "seed": seed,
                     "pooled_uplift": uplifts[name][POOLED_UPLIFT], **row})
    return rows


def summary(rows: list[dict]) -> list[dict]:
    """Mean and spread (min..max) over the seeds, per uplift."""
    import pandas as pd

    frame = pd.DataFrame(rows)
    out = []
    for name, group in frame.groupby("uplift", sort=False):
        item = {"bench": "training_effects_mean", "employees": int(group["employees"].iloc[0]),
                "seeds": len(group), "uplift": name, "pairs": int(group["pairs"].sum())}
        for key in ("spearman", "within_candidate_spearman", "ratio_claimed_to_true", "right_sign",
                    "mean_claimed", "mean_true", "top_claimed_true", "best_true", "candidate_mean_true",
                    "mean_assumed_uplift", "mean_true_level_gain"):
            values = group[key].dropna().astype(float)
            item[key] = (f"{values.mean():.3f} ({values.min():.3f}..{values.max():.3f})" if len(values) else None)
        out.append(item)
    return out


def run(seeds=SEEDS, employees: int = EMPLOYEES) -> list[dict]:
    rows: list[dict] = []
    for seed in seeds:
        mine = province_effects(employees, seed)
        print(*(f"  {r}" for r in mine), sep="\n", flush=True)
        rows += mine
    return rows + summary(rows)


def main(argv: list[str] | None = None) -> None:
    seeds_main(argv, "training_effects", "Claimed training effects against the simulator's truth.", run, SEEDS, EMPLOYEES, show=3)


if __name__ == "__main__":
    main()
