"""Reading JSON Lines files whose bad lines are reported by number and skipped, not fatal."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

# A longer line is skipped unread: one runaway line must not take all the memory.
MAX_LINE_BYTES = 8 * 1024 * 1024
_CHUNK = 1024 * 1024
_JSON_SPACE = " \t\r\n"  # str.strip() would also eat form feeds and such, hiding a bad line
# In a JSON line NUL and lone surrogates can only come as \u escapes; the escape is cheap to
# look for in the raw bytes, so only a line holding one has its strings checked.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_REASON = "text must not contain NUL characters or unpaired surrogates"


@dataclass(frozen=True)
class BadLine:
    number: int
    reason: str


def json_lines(handle: IO[bytes], bad: list[BadLine]) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each line holding JSON; blank lines are allowed, and a line
    that is not UTF-8 JSON is noted in `bad` and skipped. A byte-order mark is accepted."""
    number = 0
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            _skip_rest_of_line(handle)
            bad.append(BadLine(number, f"line longer than {MAX_LINE_BYTES // 1024 // 1024} MB"))
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip(_JSON_SPACE)
        except UnicodeDecodeError as exc:
            bad.append(BadLine(number, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at byte "
                                       f"{exc.start + 1})"))
            continue
        if not line:
            continue
        try:
            value = _DECODER.decode(line)
        except json.JSONDecodeError as exc:
            # "Invalid control character at" + " at column 9": say "at" once.
            bad.append(BadLine(number, f"not JSON ({exc.msg.removesuffix(' at')} at column "
                                       f"{exc.colno})"))
            continue
        except _NotJsonError as exc:
            bad.append(BadLine(number, f"not JSON ({exc})"))
            continue
        except ValueError:  # Python refuses to read an integer of thousands of digits
            bad.append(BadLine(number, f"not JSON (a number of more than "
                                       f"{sys.get_int_max_str_digits()} digits)"))
            continue
        except RecursionError:
            bad.append(BadLine(number, "not JSON (nested too deeply)"))
            continue
        if _SUSPECT_ESCAPE.search(raw) and unstorable_text(value):
            bad.append(BadLine(number, UNSTORABLE_REASON))
            continue
        yield number, value


class _NotJsonError(ValueError):
    pass


def _no_constant(name: str) -> Any:
    # Python reads NaN and Infinity, JSON has no such words.
    raise _NotJsonError(f"{name} is not a JSON value")


# One decoder for all lines: json.loads with an argument would make a new one per line.
_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def _skip_rest_of_line(handle: IO[bytes]) -> None:
    while chunk := handle.readline(_CHUNK):
        if chunk.endswith(b"\n"):
            return


def unstorable_text(value: Any) -> bool:
    """Whether any string in `value` (keys too) holds a NUL or an unpaired surrogate. A loop,
    not recursion: the value may be nested as deep as the parser allows."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
