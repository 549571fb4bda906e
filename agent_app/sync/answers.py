"""Checks of the central API's answers before the client relies on them.

A proxy's error page, a half-upgraded server or a broken one can answer 200 with a body of
another shape. Each answer the sync path reads is checked here field by field; a missing or
wrong-typed field is `ServerAnswerError`, which the engine treats like an unreachable server
(nothing is applied, the next sync tries again), never a KeyError deep in the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast


class AnswerShapeError(ValueError):
    """What was wrong with an answer, for the log (no values quoted)."""


def _field(data: Any, key: str, kinds: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(data, Mapping):
        raise AnswerShapeError(f"{what} is not an object")
    if key not in data:
        raise AnswerShapeError(f"{what} lacks {key!r}")
    value = data[key]
    # bool is an int in Python; a count or version that is true/false is wrong.
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _tuple(kinds)):
        raise AnswerShapeError(f"{what}: {key!r} has the wrong type")
    return value


def _as_object(value: Any) -> dict[str, Any]:
    """A decoded JSON object `_field` has found to be a mapping, typed as what it is."""
    return cast(dict[str, Any], value)


def _tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def check_push_reply(reply: Any, sent: list[dict[str, Any]]) -> dict[str, Any]:
    acks = _field(reply, "acks", list, "push reply")
    _field(reply, "last_mutation_id", int, "push reply")
    gap = reply.get("gap_at")
    if gap is not None and (not isinstance(gap, int) or isinstance(gap, bool)):
        raise AnswerShapeError("push reply: 'gap_at' has the wrong type")
    ids = {m["mutation_id"] for m in sent}
    for ack in acks:
        mutation_id = _field(ack, "mutation_id", int, "ack")
        if mutation_id not in ids:
            raise AnswerShapeError("ack for a mutation that was not sent")
        if _field(ack, "status", str, "ack") not in ("applied", "duplicate", "rejected"):
            raise AnswerShapeError("ack: unknown status")
        for key, kinds in (("reason", str), ("version", int)):
            if ack.get(key) is not None and not isinstance(ack[key], kinds):
                raise AnswerShapeError(f"ack: {key!r} has the wrong type")
    return _as_object(reply)


def check_pull_page(page: Any, *, item: str) -> dict[str, Any]:
    """A page of ticket (`item="ticket"`) or article (`item="article"`) changes. The items
    themselves are checked one by one where they are stored, so one bad row is set aside
    without losing the page."""
    _field(page, "server_epoch", str, "pull page")
    _field(page, "cursor", int, "pull page")
    _field(page, "more", bool, "pull page")
    for change in _field(page, "changes", list, "pull page"):
        _field(change, "version", int, "change")
        _field(change, "id", str, "change")
        deleted = _field(change, "deleted", bool, "change")
        if not deleted and not isinstance(change.get(item), Mapping):
            raise AnswerShapeError(f"change lacks its {item}")
    return _as_object(page)


def check_health(reply: Any) -> dict[str, Any]:
    _field(reply, "server_epoch", str, "health")
    return _as_object(reply)


def check_login(reply: Any) -> dict[str, Any]:
    _field(reply, "token", str, "login reply")
    _field(reply, "expires_at", str, "login reply")
    check_profile(_field(reply, "user", Mapping, "login reply"))
    return _as_object(reply)


def check_profile(user: Any) -> dict[str, Any]:
    for key in ("username", "display_name", "role"):
        _field(user, key, str, "user")
    if user.get("unit_code") is not None and not isinstance(user["unit_code"], str):
        raise AnswerShapeError("user: 'unit_code' has the wrong type")
    return _as_object(user)
