"""Write a simulation as a contract dataset directory, with its manifest and oracle files.

Everything is written into a temporary sibling directory that is renamed into place at
the end, so a failure never leaves a half-written dataset behind.
"""

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from features.io import load_dataset
from features.names import (
    ORACLE_LOG_FILE,
    ORACLE_TRANSFERS_FILE,
    ORACLE_VACANCIES_FILE,
    SIMULATION_MANIFEST_FILE,
)
from features.schema import SPECS, Kind
from simulator.logged import LOG_SEED_OFFSET, logged_choices
from simulator.oracle import oracle_vacancies
from simulator.program import TRUTH_FILES
from simulator.simulation import Simulation

FORMATS = ("parquet", "csv")
Progress = Callable[[str], None] | None


def _say(progress: Progress, message: str) -> None:
    if progress is not None:
        progress(message)


def written_columns(table: str, frame: pd.DataFrame) -> list:
    """The contract columns of ``table`` the simulator fills (an optional one it has no
    values for, like ``display_name``, is left out)."""
    return [col for col in SPECS[table].columns if col.name in frame.columns or not col.optional]


def csv_ready(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Text the contract expects in CSV: ISO dates, true/false, empty for missing."""
    out = {}
    for col in written_columns(table, frame):
        values = frame[col.name]
        if col.kind is Kind.DATE:
            values = values.dt.strftime("%Y-%m-%d")
        elif col.kind is Kind.BOOL:
            values = values.map({True: "true", False: "false"})
        out[col.name] = values
    return pd.DataFrame(out)


def parquet_table(table: str, frame: pd.DataFrame) -> pa.Table:
    """Arrow table with dates as ``date32`` and no pandas index metadata."""
    arrays, names = [], []
    for col in written_columns(table, frame):
        values = frame[col.name]
        if col.kind is Kind.DATE:
            arrays.append(pa.array(values.to_numpy(dtype="datetime64[D]"), type=pa.date32(),
                                   mask=values.isna().to_numpy()))
        elif col.kind in (Kind.INT,):
            arrays.append(pa.array(values.to_numpy(dtype=np.int64)))
        else:
            arrays.append(pa.Array.from_pandas(values))
        names.append(col.name)
    return pa.Table.from_arrays(arrays, names=names)


def write_table(directory: Path, table: str, frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        csv_ready(table, frame).to_csv(directory / f"{table}.csv", index=False, lineterminator="\n")
    else:
        pq.write_table(parquet_table(table, frame), directory / f"{table}.parquet")


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """An oracle frame as Parquet (dates as ``date32``)."""
    arrays = {name: (pa.array(col.to_numpy(dtype="datetime64[D]"), type=pa.date32())
                     if pd.api.types.is_datetime64_any_dtype(col) else pa.Array.from_pandas(col))
              for name, col in frame.items()}
    pq.write_table(pa.table(arrays), path)


def write_simulation(sim: Simulation, out_dir: str | Path, fmt: str = "parquet", progress: Progress = None,
                     overwrite: bool = True, logged_replicates: int = 0) -> Path:
    """Write ``sim`` to ``out_dir`` (tables, manifest, oracle, the true programme effect:
    :data:`simulator.program.TRUTH_FILES`); return the directory.

    An existing ``out_dir`` is replaced only once the new dataset is complete and valid;
    with ``overwrite=False`` an existing non-empty ``out_dir`` is an error instead.
    ``logged_replicates > 0`` also writes that many simulated logged choices per oracle
    vacancy, with realised outcomes (:func:`simulator.logged.logged_choices`)."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    if logged_replicates < 0:
        raise ValueError(f"logged_replicates must be >= 0, not {logged_replicates}")
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and not overwrite)):
        raise FileExistsError(f"{out_dir} exists and is not empty")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        for name, frame in sim.tables.items():
            _say(progress, f"writing {name} ({len(frame)} rows)")
            write_table(work, name, frame, fmt)
        _say(progress, "validating the written dataset")
        dataset = load_dataset(work)
        _say(progress, "computing the oracle of held-out vacancies")
        oracle = oracle_vacancies(sim.latent, dataset)
        write_frame(oracle, work / ORACLE_VACANCIES_FILE)
        write_frame(sim.transfers_truth, work / ORACLE_TRANSFERS_FILE)
        for part, name in TRUTH_FILES.items():
            write_frame(getattr(sim.program_truth, part), work / name)
        summary = {"vacancies": int(oracle["position_id"].nunique()), "pairs": int(len(oracle))}
        if logged_replicates > 0:
            _say(progress, f"simulating {logged_replicates} logged choices per held-out vacancy")
            seed = sim.latent.config.seed + LOG_SEED_OFFSET
            log = logged_choices(sim.latent, oracle, logged_replicates, seed)
            write_frame(log, work / ORACLE_LOG_FILE)
            summary |= {"logged_replicates": logged_replicates, "logged_choices": int(len(log)),
                        "logged_seed": seed}
        manifest = {**sim.manifest, "format": fmt, "oracle": summary}
        (work / SIMULATION_MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        replace_directory(work, out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _say(progress, f"wrote {out_dir}")
    return out_dir


def replace_directory(source: Path, target: Path) -> None:
    """Move ``source`` to ``target``; an existing ``target`` is removed only after the move."""
    if not target.exists():
        os.rename(source, target)
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.rename(target, old)
    try:
        os.rename(source, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
