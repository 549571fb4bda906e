"""`agent-app intake suggest`: proposals for appeal texts from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from agent_app.core.smart_intake.engine import SmartIntake
from agent_app.paths import resources_dir


def run_suggest(text: str | None, *, batch: Path | None, as_json: bool,
                out: TextIO | None = None) -> int:
    """With the shipped model (demo history + reviewed words): the same answers on every PC,
    so a batch check measures the release, not one operator's cache."""
    out = out or sys.stdout
    intake = SmartIntake.load(resources_dir())
    if batch is not None:
        source = sys.stdin if str(batch) == "-" else batch.open(encoding="utf-8-sig")
        with source:
            for line in source:
                # One line in, one line out, even for a blank line, so outputs pair up.
                proposal = intake.propose(line.rstrip("\r\n"))
                out.write(json.dumps(proposal.as_json(), ensure_ascii=False) + "\n")
        return 0
    if text is None:
        print("intake suggest: give a text or --batch FILE", file=sys.stderr)
        return 2
    proposal = intake.propose(text)
    if as_json:
        out.write(json.dumps(proposal.as_json(), ensure_ascii=False) + "\n")
        return 0
    document = proposal.as_json()
    for key, value in document.items():
        out.write(f"{key}: {json.dumps(value, ensure_ascii=False)}\n")
    if proposal.caller_name:
        out.write(f"caller: {proposal.caller_name}\n")
    if proposal.units:
        out.write("units: " + ", ".join(s.unit.name for s in proposal.units[:3]) + "\n")
    return 0
