"""Files only the service's own user may read: the data folder (0700); the database, generated
keys and backups (0600). Applied where the service creates them, whatever the umask."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) readable by this user only; an existing folder is
    left as it is (an operator may share it on purpose)."""
    if not path.exists():
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(path, DIR_MODE)  # mkdir's mode is masked by the umask
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 unless it exists (then it is left as it is)."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return path
    os.close(fd)
    os.chmod(path, FILE_MODE)
    return path


def write_once(path: Path, content: str) -> str:
    """Write `content` to a new file `path` (mode 0600) unless it exists; answers what the
    file holds. Parallel first runs agree on one content: the file appears complete or not
    at all (written aside, then linked into place)."""
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as f:
            f.write(content)
        os.link(tmp, path)
    except FileExistsError:
        return path.read_text()
    finally:
        os.unlink(tmp)
    return content
