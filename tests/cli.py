"""Running the real `agent-app` command line in a subprocess, as a user's shell would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def agent_app(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Output decoded as UTF-8 strictly: a stray byte from the command fails the test."""
    result = subprocess.run([sys.executable, "-m", "agent_app", *args], input=stdin,
                            capture_output=True, cwd=ROOT, timeout=180)
    return subprocess.CompletedProcess(result.args, result.returncode,
                                       result.stdout.decode("utf-8"),
                                       result.stderr.decode("utf-8"))
