"""The four-level hotline network of seed 004 and the 2025 national rules, as data.

City centre (市级中心) → county/district dispatch centre (调度中心, with the seven 分中心) →
street/township service centre (街道/乡镇民呼必应服务中心) → community station (社区工作站).
The levels, centres and time limits are resources/network/network.json; which street lies
under which district and which community under which street is derived from the unit and
location catalogues, so the network follows them.

A ticket goes down one level at a time and only within the passing unit's own area
(`check_pass_down`); replies go back up the same way. Pure functions, no Qt.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from agent_app.core.calendar import WorkingCalendar
from agent_app.core.catalogue import Catalogue
from agent_app.core.i18n import QT_TRANSLATE_NOOP
from agent_app.core.lifecycle import EventKind
from agent_app.core.models import CategoryPath, Ticket

NETWORK_FILE = "network.json"


class Level(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"


LEVEL_ORDER: tuple[Level, ...] = (Level.CITY, Level.DISTRICT, Level.STREET, Level.COMMUNITY)

LEVEL_LABELS: dict[Level, str] = {
    Level.CITY: QT_TRANSLATE_NOOP("Network", "City centre"),
    Level.DISTRICT: QT_TRANSLATE_NOOP("Network", "District dispatch centre"),
    Level.STREET: QT_TRANSLATE_NOOP("Network", "Street service centre"),
    Level.COMMUNITY: QT_TRANSLATE_NOOP("Network", "Community station"),
}

# Refusals, translated in context "TicketCommand" like the other command refusals.
R_NOT_IN_NETWORK = QT_TRANSLATE_NOOP(
    "TicketCommand", "That unit is not part of the hotline network below this one.")
R_PASS_UP = QT_TRANSLATE_NOOP(
    "TicketCommand",
    "A ticket is passed down only: the chosen unit is not below yours. Reply or return it "
    "to the unit above instead.")
R_OTHER_AREA = QT_TRANSLATE_NOOP(
    "TicketCommand", "The chosen unit belongs to another area: pass down within your own.")
R_SKIP_LEVEL = QT_TRANSLATE_NOOP(
    "TicketCommand", "Pass a ticket down one level at a time.")


@dataclass(frozen=True)
class NetworkNode:
    name: str  # the unit name tickets carry
    level: Level
    parent: str | None  # the unit one level up; None for the city centre and city departments
    area: str  # the district or county the node lies in ("" for the city)
    # The unit code accounts are linked to: the catalogue's, else "loc-" and the place's
    # location code (community stations and county towns have no catalogue entry).
    code: str = ""


@dataclass(frozen=True)
class ReturnReason:
    code: str
    name: str


@dataclass(frozen=True)
class AcceptanceLimit:
    """签收时限 for one kind of ticket: minutes, or working days."""

    code: str
    minutes: int | None = None
    working_days: int | None = None
    urgency: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    def applies_to(self, urgency: str, category: CategoryPath | None, content: str) -> bool:
        if not self.urgency and not self.keywords:
            return True
        if urgency in self.urgency:
            return True
        text = " ".join([category.level1, category.level2, content] if category else [content])
        return any(word in text for word in self.keywords)

    def deadline(self, received: datetime, calendar: WorkingCalendar) -> datetime:
        if self.minutes is not None:
            return received + timedelta(minutes=self.minutes)
        return calendar.add_working_days(received, self.working_days or 1)


@dataclass
class Network:
    city_centre: str
    branch_centres: dict[str, str]  # unit name → 分中心 name
    nodes: dict[str, NetworkNode]
    return_reasons: tuple[ReturnReason, ...]
    return_window_working_hours: float
    acceptance_limits: tuple[AcceptanceLimit, ...]
    missed_call_callback_minutes: int
    transfer_targets: tuple[str, ...]
    _children: dict[str, list[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._children = {}
        for node in self.nodes.values():
            if node.parent is not None:
                self._children.setdefault(node.parent, []).append(node.name)

    @classmethod
    def from_documents(cls, network: Mapping[str, Any], catalogue: Catalogue) -> Network:
        city = str(network["city_centre"])
        nodes: dict[str, NetworkNode] = {
            city: NetworkNode(city, Level.CITY, None, "", str(network["city_centre_code"]))}
        codes = {u.name: u.code for u in catalogue.units}
        district_groups = set(network["district_groups"])
        street_groups = set(network["street_groups"])
        districts = {u.district or u.name: u.name for u in catalogue.units
                     if u.group in district_groups}
        for area, name in districts.items():
            nodes[name] = NetworkNode(name, Level.DISTRICT, city, area, codes[name])
        street_units = [u for u in catalogue.units if u.group in street_groups]
        for location in catalogue.locations:
            district_unit = districts.get(location.name)
            if district_unit is None:
                continue
            for street in location.children:
                # A street's unit is the catalogue's office (新华区西高皇街道办事处) when there is
                # one, else the place itself (汝州市杨楼镇) — counties list no street units.
                unit = next((u.name for u in street_units if u.district == location.name
                             and street.name in u.name), f"{location.name}{street.name}")
                nodes[unit] = NetworkNode(unit, Level.STREET, district_unit, location.name,
                                          codes.get(unit, f"loc-{street.code}"))
                for community in street.children:
                    station = f"{location.name}{street.name}{community.name}"
                    nodes[station] = NetworkNode(station, Level.COMMUNITY, unit, location.name,
                                                 f"loc-{community.code}")
        for office in street_units:  # offices the location catalogue does not list
            if office.name not in nodes and office.district in districts:
                nodes[office.name] = NetworkNode(office.name, Level.STREET,
                                                 districts[office.district], office.district,
                                                 office.code)
        return cls(
            city_centre=city,
            branch_centres={str(b["unit"]): str(b["name"]) for b in network["branch_centres"]},
            nodes=nodes,
            return_reasons=tuple(ReturnReason(str(r["code"]), str(r["name"]))
                                 for r in network["return_reasons"]),
            return_window_working_hours=float(network["return_window_working_hours"]),
            acceptance_limits=tuple(
                AcceptanceLimit(str(a["code"]), a.get("minutes"), a.get("working_days"),
                                tuple(a.get("urgency", ())), tuple(a.get("keywords", ())))
                for a in network["acceptance_limits"]),
            missed_call_callback_minutes=int(network["missed_call_callback_minutes"]),
            transfer_targets=tuple(str(t) for t in network["transfer_targets"]),
        )

    @classmethod
    def load(cls, resources: Path) -> Network:
        document = json.loads((resources / "network" / NETWORK_FILE).read_text("utf-8"))
        return cls.from_documents(document, Catalogue.load(resources / "catalogues"))

    # The hierarchy -------------------------------------------------------------------------
    def node(self, unit: str | None) -> NetworkNode | None:
        return self.nodes.get(unit) if unit else None

    def unit_named_by_code(self, code: str | None) -> str | None:
        return next((n.name for n in self.nodes.values() if code and n.code == code), None)

    def level_of(self, unit: str | None) -> Level | None:
        node = self.node(unit)
        return node.level if node else None

    def children(self, unit: str) -> list[str]:
        return list(self._children.get(unit, ()))

    def ancestors(self, unit: str) -> list[str]:
        """From the unit's parent up to the city centre."""
        chain: list[str] = []
        node = self.node(unit)
        while node is not None and node.parent is not None:
            chain.append(node.parent)
            node = self.node(node.parent)
        return chain

    def check_pass_down(self, from_unit: str | None, to_unit: str) -> None:
        """Raises PassRefusedError unless `to_unit` is directly below `from_unit`."""
        source, target = self.node(from_unit), self.node(to_unit)
        if source is None or target is None:
            raise PassRefusedError(R_NOT_IN_NETWORK)
        if target.parent == source.name:
            return
        if LEVEL_ORDER.index(target.level) <= LEVEL_ORDER.index(source.level):
            raise PassRefusedError(R_PASS_UP)
        if source.name in self.ancestors(target.name):
            raise PassRefusedError(R_SKIP_LEVEL)
        raise PassRefusedError(R_OTHER_AREA)

    def may_pass_down(self, from_unit: str | None, to_unit: str) -> bool:
        try:
            self.check_pass_down(from_unit, to_unit)
        except PassRefusedError:
            return False
        return True

    def centre_of(self, unit: str | None) -> str:
        """The centre that registers and counts this unit's area: a 分中心, else the city."""
        node = self.node(unit)
        while node is not None:
            if node.name in self.branch_centres:
                return self.branch_centres[node.name]
            node = self.node(node.parent)
        return self.city_centre

    # Policy --------------------------------------------------------------------------------
    def return_reason(self, code: str) -> ReturnReason | None:
        return next((r for r in self.return_reasons if r.code == code), None)

    def acceptance_limit(self, ticket: Ticket) -> AcceptanceLimit:
        return self.limit_for(ticket.urgency.value, ticket.category, ticket.content)

    def limit_for(self, urgency: str, category: CategoryPath | None, content: str
                  ) -> AcceptanceLimit:
        """The first limit whose kind fits; the last one applies to everything else."""
        return next(limit for limit in self.acceptance_limits
                    if limit.applies_to(urgency, category, content))

    def acceptance_deadline(self, ticket: Ticket, received: datetime,
                            calendar: WorkingCalendar) -> datetime:
        return self.acceptance_limit(ticket).deadline(received, calendar)

    def return_deadline(self, received: datetime, calendar: WorkingCalendar) -> datetime:
        """派单异议 must come within this time of receipt; later returns are refused."""
        return calendar.add_working_hours(received, self.return_window_working_hours)


class PassRefusedError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_SHIPPED: Network | None = None


def shipped_network(resources: Path | None = None) -> Network:
    """The network of the shipped catalogues (loaded once)."""
    global _SHIPPED
    if _SHIPPED is None or resources is not None:
        from agent_app.paths import resources_dir  # a path helper, no Qt

        loaded = Network.load(resources or resources_dir())
        if resources is not None:
            return loaded
        _SHIPPED = loaded
    return _SHIPPED


def chain_units(events: Sequence[Any]) -> list[str]:
    """The chain of units a ticket went down, top first, read from its timeline: a dispatch
    starts it, a pass-down adds a level, a return up or an accepted reply up removes one."""
    chain: list[str] = []
    for event in events:
        kind, data = event.kind, event.data
        if kind == EventKind.DISPATCHED or (kind == EventKind.REDO and data.get("unit")):
            chain = [str(data.get("unit"))] if data.get("unit") else chain
        elif kind == EventKind.PASSED_DOWN:
            chain.append(str(data.get("to_unit")))
        elif len(chain) > 1 and (kind == EventKind.RETURNED_UP or (
                kind == EventKind.REPLY_REVIEWED and data.get("decision") == "accepted")):
            chain.pop()
    return chain


def assisting_units(events: Sequence[Any]) -> list[str]:
    """协办 units named for the current dispatch, in order."""
    units: list[str] = []
    for event in events:
        if event.kind == EventKind.DISPATCHED:
            units = []
        elif event.kind == EventKind.ASSIST_REQUESTED and event.data.get("unit") not in units:
            units.append(str(event.data.get("unit")))
    return units
