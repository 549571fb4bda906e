"""What an operation changed, as the screens need to know it (Anki's `OpChanges`).

Storage records it from what a unit of work actually wrote (storage/changes.py); the tasks
runner hands it to the screens with the operation's result, so no call site names topics.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Topic(StrEnum):
    """What a task changed; views refresh only for the topics they show."""

    TICKETS = "tickets"
    OUTBOX = "outbox"
    DRAFTS = "drafts"
    KB = "kb"
    CONNECTIVITY = "connectivity"
    SYNC = "sync"
    REFERENCE = "reference"  # catalogues, routing, deadline policy, calendar


@dataclass(frozen=True)
class OpChanges:
    """The topics an operation touched and, for tickets, which ones.

    `ticket_ids` is None when any ticket may have changed (a full resync, a statement over
    the whole table): a view then reloads everything it shows.
    """

    topics: frozenset[Topic] = frozenset()
    ticket_ids: frozenset[str] | None = frozenset()

    @classmethod
    def of(cls, *topics: Topic, ticket_ids: Iterable[str] | None = ()) -> OpChanges:
        return cls(frozenset(topics), None if ticket_ids is None else frozenset(ticket_ids))

    def touches(self, *topics: Topic) -> bool:
        return not self.topics.isdisjoint(topics)

    def __bool__(self) -> bool:
        return bool(self.topics)

    def __or__(self, other: OpChanges) -> OpChanges:
        ids = (None if self.ticket_ids is None or other.ticket_ids is None
               else self.ticket_ids | other.ticket_ids)
        return OpChanges(self.topics | other.topics, ids)


NO_CHANGES = OpChanges()
