"""Run provenance: data fingerprint, row counts, git commit."""

import hashlib
import subprocess
from pathlib import Path

from features.io import Dataset, table_file
from features.schema import SPECS


def data_fingerprint(directory: str | Path) -> str:
    """SHA-256 over the contract table files of a dataset directory (names and bytes)."""
    digest = hashlib.sha256()
    for name in SPECS:
        path = table_file(Path(directory), name)
        if path is None:
            continue
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def row_counts(dataset: Dataset) -> dict[str, int]:
    return {f"rows_{name}": len(frame) for name, frame in dataset.tables().items()}


def git_commit() -> str:
    """The commit of the code being run, or 'unknown' outside a git checkout."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True,
                             timeout=5, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
