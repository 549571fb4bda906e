"""Reading JSON Lines files whose bad lines are reported by number and skipped, not fatal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any


@dataclass(frozen=True)
class BadLine:
    number: int
    reason: str


def json_lines(handle: IO[bytes], bad: list[BadLine]) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each line holding JSON; blank lines are allowed, and a line
    that is not UTF-8 JSON is noted in `bad` and skipped. A byte-order mark is accepted."""
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
        except UnicodeDecodeError:
            bad.append(BadLine(number, "not UTF-8 text"))
            continue
        if not line:
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append(BadLine(number, f"not JSON ({exc.msg} at column {exc.colno})"))
