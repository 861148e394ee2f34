"""Files written whole: every command and report that writes several files at once uses this."""

import os
import tempfile
from pathlib import Path


def write_whole(files: dict[Path, bytes]) -> None:
    """Each file to a temporary file beside it, then every one renamed into place: a failure
    leaves no half-written file (and removes the temporary ones). Files get the permissions
    ``open()`` would give them (the umask's), not the temporary file's 0600."""
    temporary: list[tuple[str, Path]] = []
    mask = os.umask(0)
    os.umask(mask)
    try:
        for path, body in files.items():
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            temporary.append((name, path))
            with os.fdopen(handle, "wb") as f:
                f.write(body)
            os.chmod(name, 0o666 & ~mask)
        for name, path in temporary:
            os.replace(name, path)
    finally:
        for name, _ in temporary:
            if os.path.exists(name):
                os.unlink(name)
