"""The same matter from other callers (并单) and hotspots (热点预警), from recent tickets.

A new appeal about the same place and the same problem as an open ticket another caller
registered in the last days is offered for merge, with the reason. Several calls about one
problem in one community within a few hours make a hotspot: the lead gets the tickets,
operators a banner with a prepared answer for the next caller about it.

Both look only at recent tickets, indexed by community, so the cost of a proposal does not
grow with the years of history in the cache.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from agent_app.core.enums import TicketStatus
from agent_app.core.i18n import QT_TRANSLATE_NOOP
from agent_app.core.models import CategoryPath, LocationPath

# A ticket still being worked on can take another caller's appeal.
OPEN_STATUSES = frozenset({TicketStatus.REGISTERED, TicketStatus.DISPATCHED,
                           TicketStatus.ACCEPTED, TicketStatus.RETURNED})
MERGE_WINDOW = timedelta(days=7)
HOTSPOT_WINDOW = timedelta(hours=3)
HOTSPOT_MIN_CALLS = 3

MERGE_REASON = QT_TRANSLATE_NOOP(
    "SmartIntake", "Same place (%1) and same problem (%2) as an open ticket from another "
                   "caller, registered %3")
HOTSPOT_TITLE = QT_TRANSLATE_NOOP("SmartIntake", "%1 calls about %2 in %3 since %4")
HOTSPOT_ANSWER = QT_TRANSLATE_NOOP(
    "SmartIntake", "We already know about the %1 problem in %2: %3 residents have reported "
                   "it and it has been passed to the responsible unit. We will add your call "
                   "to it and you will be told when it is resolved.")


@dataclass(frozen=True)
class RecentTicket:
    """What these checks need of a ticket: read from Ticket/IntakeState, never a copy of it."""

    id: str
    created_at: datetime
    status: TicketStatus
    caller_phone: str
    category: CategoryPath | None
    location: LocationPath
    content: str = ""


@dataclass(frozen=True)
class MergeOffer:
    ticket: RecentTicket
    hours_ago: int
    similarity: float  # of the two texts' character pairs, 0–1: ranks offers of one place

    @property
    def place(self) -> str:
        return str(self.ticket.location)

    @property
    def problem(self) -> str:
        return self.ticket.category.level2 if self.ticket.category else ""


@dataclass(frozen=True)
class Hotspot:
    location: LocationPath
    category: CategoryPath
    tickets: tuple[RecentTicket, ...]  # oldest first

    @property
    def key(self) -> tuple[LocationPath, CategoryPath]:
        return (self.location, self.category)

    @property
    def since(self) -> datetime:
        return self.tickets[0].created_at


def _place_key(location: LocationPath) -> LocationPath | None:
    # "Same place" means the same community; a district alone is far too wide.
    return location if location.is_complete else None


@dataclass
class RecentTickets:
    """Tickets of the last `MERGE_WINDOW`, by community, each list in time order."""

    merge_window: timedelta = MERGE_WINDOW
    hotspot_window: timedelta = HOTSPOT_WINDOW
    hotspot_min_calls: int = HOTSPOT_MIN_CALLS
    _by_place: dict[LocationPath, list[RecentTicket]] = field(
        default_factory=lambda: defaultdict(list))
    _ids: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, tickets: Iterable[RecentTicket], now: datetime, *,
           merge_window: timedelta = MERGE_WINDOW, hotspot_window: timedelta = HOTSPOT_WINDOW,
           hotspot_min_calls: int = HOTSPOT_MIN_CALLS) -> RecentTickets:
        recent = cls(merge_window, hotspot_window, hotspot_min_calls)
        for ticket in tickets:
            if now - ticket.created_at <= recent.merge_window:
                recent.add(ticket)
        return recent

    def add(self, ticket: RecentTicket) -> None:
        key = _place_key(ticket.location)
        if key is None:
            return
        if ticket.id in self._ids:
            self.remove(ticket.id)
        self._ids.add(ticket.id)
        bucket = self._by_place[key]
        times = [t.created_at for t in bucket]
        bucket.insert(bisect.bisect_right(times, ticket.created_at), ticket)

    def remove(self, ticket_id: str) -> None:
        if ticket_id not in self._ids:
            return
        self._ids.discard(ticket_id)
        for bucket in self._by_place.values():
            bucket[:] = [t for t in bucket if t.id != ticket_id]

    def __len__(self) -> int:
        return len(self._ids)

    def merge_offers(self, location: LocationPath, category: CategoryPath | None,
                     caller_phone: str, text: str, now: datetime) -> list[MergeOffer]:
        """Open tickets of another caller about this place and this subcategory, in the
        merge window; the most similar text first, then the most recent."""
        key = _place_key(location)
        if key is None or category is None:
            return []
        mine = _pairs(text)
        offers = []
        for ticket in self._by_place.get(key, ()):
            if (ticket.status not in OPEN_STATUSES or ticket.category != category
                    or not now - self.merge_window <= ticket.created_at <= now
                    or (caller_phone and _digits(ticket.caller_phone) == _digits(caller_phone))):
                continue
            hours = int((now - ticket.created_at).total_seconds() // 3600)
            offers.append(MergeOffer(ticket, hours, _similarity(mine, _pairs(ticket.content))))
        offers.sort(key=lambda o: (-o.similarity, o.hours_ago))
        return offers

    def hotspots(self, now: datetime) -> list[Hotspot]:
        """Every community and subcategory with calls from enough different callers in the
        hotspot window; the biggest first."""
        found = [hotspot for key in self._by_place for hotspot in self._hotspots_at(key, now)]
        found.sort(key=lambda h: (-len(h.tickets), str(h.location), str(h.category)))
        return found

    def hotspot_for(self, location: LocationPath, category: CategoryPath | None,
                    now: datetime) -> Hotspot | None:
        """The hotspot a new call about this place (and problem, when known) belongs to."""
        key = _place_key(location)
        if key is None:
            return None
        for hotspot in self._hotspots_at(key, now):
            if category is None or hotspot.category == category:
                return hotspot
        return None

    def _hotspots_at(self, key: LocationPath, now: datetime) -> list[Hotspot]:
        bucket = self._by_place.get(key, [])
        start = bisect.bisect_left([t.created_at for t in bucket], now - self.hotspot_window)
        by_category: dict[CategoryPath, list[RecentTicket]] = defaultdict(list)
        for ticket in bucket[start:]:
            if ticket.category is not None and ticket.created_at <= now:
                by_category[ticket.category].append(ticket)
        found = []
        for category, tickets in by_category.items():
            callers = {_digits(t.caller_phone) or t.id for t in tickets}
            if len(callers) >= self.hotspot_min_calls:
                found.append(Hotspot(key, category, tuple(tickets)))
        found.sort(key=lambda h: -len(h.tickets))
        return found


def new_hotspots(before: Sequence[Hotspot], after: Sequence[Hotspot]) -> list[Hotspot]:
    """Hotspots the lead has not been told about yet: a key not in `before`."""
    known = {h.key for h in before}
    return [h for h in after if h.key not in known]


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def _pairs(text: str) -> frozenset[str]:
    return frozenset(a + b for a, b in itertools.pairwise(text)
                     if not a.isspace() and not b.isspace())


def _similarity(mine: frozenset[str], theirs: frozenset[str]) -> float:
    if not mine or not theirs:
        return 0.0
    return len(mine & theirs) / len(mine | theirs)
