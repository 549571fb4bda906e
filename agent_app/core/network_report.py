"""The month's network tables: each level's own work, assisting work, transfers, missed
calls, and 本级登记 vs 上级交办 (issue #16; seeds 002 and 004).

Computed from tickets in the interchange format (their event dicts), so an imported history
reproduces them. Definitions, each counted in the month (Asia/Shanghai) of the event:

- received: the unit was dispatched the ticket (派单/改派/重办) or it was passed down to it (下派).
- accepted / accepted_in_time: its 签收 of a ticket received; in time when within the
  acceptance limit for the ticket's kind (resources/network: 15 min for life or property at
  risk, 30 min for water, power, gas or heating cuts, one working day otherwise).
- passed_down: 下派 by the unit to a unit below.
- replied: the unit's work reached the one above: its reply to the centre, or its reply up
  once the upper unit accepted it (a reply sent back does not count; `sent_back` counts it).
- returned: returns to the centre and returns up, by the returning unit.
- assisting / assist_replied: 协办 requests naming the unit, and its replies to the lead.
- transfers: 转接 by target. Missed calls: abandoned calls, those called back, reached, and
  called back within the policy time (missed_call_callback_minutes).
- registered_here / handed_down: a ticket whose first dispatch goes to a 分中心's own unit
  (汝州市 …) was handed down by the city (上级交办) to that 分中心; any other counts as
  registered (本级登记) at the centre of its first unit's area (`centre` on the line wins).

Levels are the network's; the group a unit is listed in is its catalogue ranking group
(市内五区 apart from 市内五区乡镇（街道）, as in the seed tables), else its level.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from agent_app.core.calendar import WorkingCalendar
from agent_app.core.catalogue import Catalogue
from agent_app.core.enums import Urgency
from agent_app.core.interchange import InterchangeError, parse_time, shown
from agent_app.core.lifecycle import EventKind
from agent_app.core.models import CategoryPath
from agent_app.core.network import Network
from agent_app.core.reports import Month

MISSED_CALL_RECORD = "missed_call"
# The event kinds the tables read (a cache reads no others).
NETWORK_EVENT_KINDS = (EventKind.DISPATCHED, EventKind.REDO, EventKind.PASSED_DOWN,
                       EventKind.ACCEPTED, EventKind.REPLIED, EventKind.REPLY_REVIEWED,
                       EventKind.RETURNED, EventKind.RETURNED_UP, EventKind.ASSIST_REQUESTED,
                       EventKind.ASSIST_REPLIED, EventKind.TRANSFERRED)


@dataclass
class NetworkRow:
    unit: str
    level: str
    group: str
    received: int = 0
    accepted: int = 0
    accepted_in_time: int = 0
    passed_down: int = 0
    replied: int = 0
    returned: int = 0
    sent_back: int = 0
    assisting: int = 0
    assist_replied: int = 0


@dataclass
class MissedCalls:
    missed: int = 0
    called_back: int = 0
    reached: int = 0
    within_policy: int = 0


@dataclass
class NetworkTables:
    units: list[NetworkRow] = field(default_factory=list)
    transfers: dict[str, int] = field(default_factory=dict)
    missed_calls: MissedCalls = field(default_factory=MissedCalls)
    registered_here: dict[str, int] = field(default_factory=dict)  # 本级登记 by centre
    handed_down: dict[str, int] = field(default_factory=dict)  # 上级交办 by 分中心


class NetworkTally:
    """The tables, built one ticket or missed call at a time (a month is a large file)."""

    def __init__(self, month: Month, network: Network, catalogue: Catalogue,
                 calendar: WorkingCalendar) -> None:
        self.month, self.network, self.calendar = month, network, calendar
        self.groups = {u.name: u.group for u in catalogue.units}
        for unit in catalogue.units:
            for alias in unit.aliases:
                self.groups.setdefault(alias, unit.group)
        self.rows: dict[str, NetworkRow] = {}
        self.transfers: Counter[str] = Counter()
        self.missed = MissedCalls()
        self.registered_here: Counter[str] = Counter()
        self.handed_down: Counter[str] = Counter()

    def in_month(self, moment: datetime) -> bool:
        return self.month.start <= moment < self.month.end

    def row(self, unit: str) -> NetworkRow:
        row = self.rows.get(unit)
        if row is None:
            level = self.network.level_of(unit)
            row = NetworkRow(unit, level.value if level else "",
                             self.groups.get(unit) or (level.value if level else ""))
            self.rows[unit] = row
        return row

    def add_ticket(self, data: Mapping[str, Any]) -> None:
        events = [(parse_time(str(e["at"])), e) for e in data.get("events", ())]
        events.sort(key=lambda pair: pair[0])
        category = data.get("category")
        limit = self.network.limit_for(str(data.get("urgency", Urgency.NORMAL.value)),
                                       CategoryPath(*category) if category else None,
                                       str(data.get("content", "")))
        received: dict[str, datetime] = {}  # unit → when it last received the ticket
        first_dispatch: str | None = None
        for at, event in events:
            kind, unit = event.get("kind"), event.get("unit")
            here = self.in_month(at)
            if kind == EventKind.DISPATCHED and unit:
                first_dispatch = first_dispatch or str(unit)
                received[str(unit)] = at
                if here:
                    self.row(str(unit)).received += 1
            elif kind == EventKind.REDO and unit:
                received[str(unit)] = at
                if here:
                    self.row(str(unit)).received += 1
            elif kind == EventKind.PASSED_DOWN:
                to_unit, from_unit = str(event.get("to_unit")), str(event.get("from_unit"))
                received[to_unit] = at
                if here:
                    self.row(to_unit).received += 1
                    self.row(from_unit).passed_down += 1
            elif kind == EventKind.ACCEPTED and unit and here:
                row = self.row(str(unit))
                row.accepted += 1
                start = received.get(str(unit))
                if start is not None and at <= limit.deadline(start, self.calendar):
                    row.accepted_in_time += 1
            elif not here:
                continue
            elif kind == EventKind.REPLIED and unit:
                self.row(str(unit)).replied += 1
            elif kind == EventKind.REPLY_REVIEWED and unit:
                if event.get("decision") == "accepted":
                    self.row(str(unit)).replied += 1
                else:
                    self.row(str(unit)).sent_back += 1
            elif kind in (EventKind.RETURNED, EventKind.RETURNED_UP) and unit:
                self.row(str(unit)).returned += 1
            elif kind == EventKind.ASSIST_REQUESTED and unit:
                self.row(str(unit)).assisting += 1
            elif kind == EventKind.ASSIST_REPLIED and unit:
                self.row(str(unit)).assist_replied += 1
            elif kind == EventKind.TRANSFERRED:
                self.transfers[str(event.get("target"))] += 1
        created = parse_time(str(data["created_at"]))
        if self.in_month(created) and first_dispatch is not None:
            centre = data.get("centre")
            if first_dispatch in self.network.branch_centres and not centre:
                self.handed_down[self.network.branch_centres[first_dispatch]] += 1
            else:
                self.registered_here[str(centre or self.network.centre_of(first_dispatch))] += 1

    def tables(self) -> NetworkTables:
        order = {level: i for i, level in enumerate(("city", "district", "street",
                                                       "community"))}
        rows = sorted(self.rows.values(),
                      key=lambda r: (order.get(r.level, 9), r.group, -r.received, r.unit))
        return NetworkTables(rows, dict(sorted(self.transfers.items())), self.missed,
                             dict(self.registered_here), dict(self.handed_down))

    def add_missed_call(self, data: Mapping[str, Any]) -> None:
        events = sorted(((parse_time(str(e["at"])), e) for e in data.get("events", ())),
                        key=lambda pair: pair[0])
        missed_at = next((at for at, e in events if e.get("kind") == EventKind.MISSED_CALL), None)
        if missed_at is None or not self.in_month(missed_at):
            return
        self.missed.missed += 1
        callbacks = [(at, e) for at, e in events if e.get("kind") == EventKind.MISSED_CALLBACK]
        if not callbacks:
            return
        self.missed.called_back += 1
        first_at = callbacks[0][0]
        if first_at - missed_at <= timedelta(minutes=self.network.missed_call_callback_minutes):
            self.missed.within_policy += 1
        if any(e.get("reached") for _, e in callbacks):
            self.missed.reached += 1


def check_missed_call(data: Mapping[str, Any]) -> None:
    """A missed-call line: an id, and events missed_call / missed_callback with times."""
    if not isinstance(data.get("id"), str):
        raise InterchangeError("missed call: id is not text")
    events = data.get("events")
    if not isinstance(events, list) or not events:
        raise InterchangeError(f"missed call {shown(data['id'])}: no events")
    for event in events:
        if not isinstance(event, dict):
            raise InterchangeError(f"missed call {shown(data['id'])}: an event is not an object")
        if event.get("kind") not in (EventKind.MISSED_CALL, EventKind.MISSED_CALLBACK):
            raise InterchangeError(f"missed call {shown(data['id'])}: unknown event kind "
                                   f"{shown(event.get('kind'))}")
        try:
            parse_time(str(event.get("at")))
        except (InterchangeError, ValueError) as exc:
            raise InterchangeError(f"missed call {shown(data['id'])}: bad time") from exc
        if (event["kind"] == EventKind.MISSED_CALLBACK
                and not isinstance(event.get("reached"), bool)):
            raise InterchangeError(f"missed call {shown(data['id'])}: reached is not yes/no")


def compute_network_tables(tickets: Iterable[Mapping[str, Any]],
                           missed_calls: Iterable[Mapping[str, Any]], month: Month, *,
                           network: Network, catalogue: Catalogue,
                           calendar: WorkingCalendar) -> NetworkTables:
    tally = NetworkTally(month, network, catalogue, calendar)
    for ticket in tickets:
        tally.add_ticket(ticket)
    for call in missed_calls:
        tally.add_missed_call(call)
    return tally.tables()


def network_tables_to_dict(tables: NetworkTables) -> dict[str, Any]:
    return asdict(tables)
