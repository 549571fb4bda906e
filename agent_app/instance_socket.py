"""Where the running instance listens for screen pops (its QLocalServer), Qt-free: the
`agent-app call` fast path (cli.py) and the instance itself (ui/single_instance.py) name the
same socket from this one place. On Linux the socket file lives in a folder only this account
can enter; elsewhere the name is a named pipe with the user's access list."""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
import tempfile
from pathlib import Path


def server_name(data_dir: Path) -> str:
    # Per data folder (the demo and a real cache are separate), short enough for every OS.
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    name = f"hotline-agent-{digest}"
    if not sys.platform.startswith("linux"):
        return name  # a Windows named pipe: UserAccessOption gives it the user's ACL
    return str(private_socket_dir(data_dir) / name)


def private_socket_dir(data_dir: Path) -> Path:
    """A folder only this account can enter, the same for every launch of this account."""
    uid = os.getuid()
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    candidates: list[Path] = []
    if runtime and _is_private_dir(Path(runtime), uid):
        candidates.append(Path(runtime) / "hotline-agent")
    candidates.append(Path(tempfile.gettempdir()) / f"hotline-agent-{uid}")
    # Someone else made the folder under our name in /tmp: the data folder is ours (0700).
    candidates.append(data_dir / "run")
    for candidate in candidates:
        with contextlib.suppress(OSError):
            candidate.mkdir(mode=0o700, exist_ok=True)
            if _is_private_dir(candidate, uid):
                return candidate
        _warn_not_private(candidate)
    return candidates[-1]


def _is_private_dir(path: Path, uid: int) -> bool:
    """Ours, a real folder (not a link planted by someone else), nobody else may enter."""
    try:
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != uid:
        return False
    if stat.S_IMODE(info.st_mode) & 0o077:
        with contextlib.suppress(OSError):
            path.chmod(0o700)  # ours, made looser by someone's umask: tighten it
        return not stat.S_IMODE(path.lstat().st_mode) & 0o077
    return True




def _warn_not_private(folder: Path) -> None:
    import logging  # only here: the screen pop's fast path imports no logging

    logging.getLogger(__name__).warning(
        "screen-pop socket folder %s is not private; not used", folder)
