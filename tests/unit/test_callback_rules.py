"""The callback and extension rules the queue and the screens use instead of their own copies
(core/actions): the same answers as the rules the commands apply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from agent_app.core.actions import (
    MAX_CALLBACK_ATTEMPTS,
    ExtensionDecision,
    FollowUp,
    callback_commands,
    is_unreached_callback,
    latest_extension,
    may_close_unrated,
    pending_extension_in,
    unreached_attempt_numbers,
    unreached_callbacks,
)
from agent_app.core.enums import Rating
from agent_app.core.lifecycle import Action, EventKind
from agent_app.core.models import TicketEvent

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

# A timeline of replies, callbacks (reached or not) and extension events, in order.
_steps = st.lists(st.sampled_from(["reply", "reached", "unreached", "ext-pending",
                                   "ext-approved", "ext-denied", "note"]), max_size=30)


def _timeline(steps: list[str]) -> list[TicketEvent]:
    events = []
    for number, step in enumerate(steps):
        at = START + timedelta(minutes=number)
        event_id = f"e{number}"
        if step == "reply":
            events.append(TicketEvent(event_id, at, EventKind.REPLIED, "unit", {"text": "已处理"}))
        elif step in ("reached", "unreached"):
            events.append(TicketEvent(event_id, at, EventKind.CALLBACK, "op",
                                      {"reached": step == "reached"}))
        elif step.startswith("ext-"):
            decision = {"ext-pending": ExtensionDecision.PENDING,
                        "ext-approved": ExtensionDecision.APPROVED,
                        "ext-denied": ExtensionDecision.DENIED}[step]
            events.append(TicketEvent(event_id, at, EventKind.EXTENSION, "unit",
                                      {"decision": decision.value}))
        else:
            events.append(TicketEvent(event_id, at, EventKind.NOTE, "op", {"text": "备注"}))
    return events


@given(_steps, st.randoms(use_true_random=False))
def test_the_latest_extension_read_in_any_order_is_the_pending_rule(steps, rng):
    events = _timeline(steps)
    shuffled = list(events)
    rng.shuffle(shuffled)
    known: tuple[str, bool] | None = None
    for event in shuffled:
        if event.kind == EventKind.EXTENSION:
            known = latest_extension(known, event.at.isoformat(), event.data)
    waiting = known is not None and known[1]
    assert waiting == (pending_extension_in(events) is not None)


@given(_steps)
def test_attempt_numbers_count_unanswered_callbacks_since_the_reply_before_them(steps):
    events = _timeline(steps)
    numbers = unreached_attempt_numbers(events)
    assert set(numbers) == {event.id for event in events if is_unreached_callback(event)}
    for position, event in enumerate(events):
        if event.id in numbers:
            # The n-th: as many unanswered callbacks as the timeline up to it counts.
            assert numbers[event.id] == unreached_callbacks(events[:position + 1])


@given(st.booleans(), st.integers(min_value=0, max_value=10))
def test_closing_unrated_needs_no_callback_wanted_or_enough_attempts(permitted, unreached):
    assert may_close_unrated(permitted, unreached) == (
        not permitted or unreached >= MAX_CALLBACK_ATTEMPTS)
    assert may_close_unrated(True, MAX_CALLBACK_ATTEMPTS)
    assert not may_close_unrated(True, MAX_CALLBACK_ATTEMPTS - 1)


def test_ratings_lead_to_redo_when_dissatisfied_and_to_closing_when_complete():
    def kinds(ratings: dict[str, object]) -> list[object]:
        return [command.kind for command in callback_commands("T-1", START, "op", ratings,
                                                              redo_reason="来电人不满意")]

    dissatisfied = callback_commands("T-1", START, "op", {
        "reached": True, "result": Rating.DISSATISFIED.value,
        "process": Rating.SATISFIED.value}, redo_reason="来电人不满意")
    assert [command.kind for command in dissatisfied] == [FollowUp.CALLBACK, Action.REDO]
    assert dissatisfied[1].data == {"reason": "来电人不满意"}
    assert kinds({"reached": True, "result": Rating.SATISFIED.value,
                  "process": Rating.SATISFIED.value}) == [FollowUp.CALLBACK, Action.CLOSE]
    # Only one rating given: recorded, and the ticket stays for the second.
    assert kinds({"reached": True, "result": Rating.SATISFIED.value}) == [FollowUp.CALLBACK]
