"""`agent-app call`: the screen pop (a new intake form for this caller in the running
instance) and `--missed`, an abandoned call kept for a callback. Standard library only at import:
the screen pop hands its number over before anything else is loaded."""

from __future__ import annotations

import json
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path


def is_phone_like(text: str) -> bool:
    """core.intake.is_phone_like, without importing the intake rules (45 ms of a screen pop);
    tests/integration/test_cli_data_dir.py checks that the two agree."""
    return 3 <= len(text) <= 20 and all(ch.isdigit() or ch == "-" for ch in text)


def hand_over_call(data_dir: Path, number: str) -> bool:
    """The screen pop's fast path: the request goes straight to the running instance's
    QLocalServer, written with the standard library: loading the GUI first (as a start does)
    took 1–2.5 s of the caller's time, and even Qt's network module alone takes ~0.2 s to
    import. False when no instance is listening (then the app starts and pops the form)."""
    message = (json.dumps({"call": number}) + "\n").encode()
    name = _instance_name(data_dir)
    try:
        if sys.platform == "win32":
            # QLocalServer listens on the named pipe \\.\pipe\<name>.
            with open(rf"\\.\pipe\{name}", "wb", buffering=0) as pipe:
                pipe.write(message)
            return True
        # On Linux the name is the socket file's path in the account's private folder;
        # elsewhere on Unix a bare name, which Qt puts in its temporary folder.
        folder = os.environ.get("TMPDIR") or "/tmp"  # what QDir::tempPath() says
        path = name if os.path.isabs(name) else os.path.join(folder.rstrip("/") or "/", name)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(1.0)
            connection.connect(path)
            connection.sendall(message)
        return True
    except OSError:
        return False


def _instance_name(data_dir: Path) -> str:
    from agent_app.instance_socket import server_name  # stdlib only: no Qt, no logging

    return server_name(data_dir)


def run_missed_call(data_dir: Path, number: str, at: datetime | None) -> int:
    """漏接: recorded in the local cache; the id goes to stdout."""
    from agent_app.storage.database import DB_FILENAME, CorruptDatabaseError, open_database
    from agent_app.storage.missed_calls import record_missed_call

    try:
        db = open_database(data_dir / DB_FILENAME)
    except (CorruptDatabaseError, OSError) as exc:
        print(f"the local database cannot be used: {exc}", file=sys.stderr)
        return 2
    try:
        print(record_missed_call(db, number, at or datetime.now(UTC)))
    finally:
        db.close()
    return 0
