"""`agent-app diagnostics -o FILE.zip`: the zip of agent_app/diagnostics.py (which the Help
menu writes too), from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

from agent_app.diagnostics import export_diagnostics


def run_export(target: Path, *, data_dir: Path, log_dir: Path | None) -> int:
    """`agent-app diagnostics -o FILE.zip`."""
    try:
        written = export_diagnostics(target, data_dir=data_dir, log_dir=log_dir)
    except OSError as exc:
        print(f"cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"diagnostics written to {written}")
    return 0
