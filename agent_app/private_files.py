"""Owner-only modes for what the client keeps on disk: the cache holds citizens' names, phones
and complaints, and a shared PC has other accounts. On Linux the data and log folders are 0700
and the database (with its WAL and shared-memory files), its backups, settings and logs 0600 —
also when an older version left them with looser modes. Elsewhere (Windows) the user's profile
folder already keeps other accounts out, and POSIX modes mean nothing: these do nothing there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import sys
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def applies() -> bool:
    return sys.platform.startswith("linux")


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed, and make it owner-only."""
    path.mkdir(parents=True, exist_ok=True)
    if applies():
        _chmod(path, PRIVATE_DIR_MODE)
    return path


def private_file(path: Path) -> None:
    """An existing file made owner-only; a missing one is left missing."""
    if applies() and path.exists():
        _chmod(path, PRIVATE_FILE_MODE)


def create_private_file(path: Path) -> None:
    """An empty file created owner-only before another library creates it with 0644 (SQLite
    gives its WAL and shared-memory files the database file's mode, so they follow)."""
    if not applies():
        return
    if path.exists():
        _chmod(path, PRIVATE_FILE_MODE)
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))


def tighten_folder(path: Path, prefixes: tuple[str, ...]) -> None:
    """The folder 0700 and our files directly in it (names starting with one of `prefixes`)
    0600: what an older version wrote with the default umask. Only ours: `--data-dir` may
    point at a folder that holds other things too."""
    if not applies() or not path.is_dir():
        return
    _chmod(path, PRIVATE_DIR_MODE)
    for child in path.iterdir():
        if child.is_symlink() or not child.name.startswith(prefixes):
            continue  # never follow a link to change some other file's mode
        if child.is_file():
            _chmod(child, PRIVATE_FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    try:
        current = path.stat().st_mode
        if stat.S_ISDIR(current) and current & stat.S_ISVTX:
            # A shared folder (/tmp, /var/tmp: sticky, everyone's): closing it would lock every
            # other account and service out of it. Our files in it are still made 0600.
            log.warning("%s is a shared folder; left as it is", path)
            return
        if stat.S_IMODE(current) != mode:
            path.chmod(mode)
    except PermissionError:
        # Not ours (a folder IT made): nothing we may change; the data is still written.
        log.warning("cannot make %s private: it belongs to another account", path)
