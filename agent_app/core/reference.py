"""The reference data every screen decides with: catalogue, routing, deadline policy, calendar.

The shipped files in `resources/catalogues` are the fallback; the server's copies, fetched by
sync, replace them document by document, so a centre can change its policy or add a 调休 day
without a new release.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from agent_app.core.calendar import CalendarOverride, WorkingCalendar
from agent_app.core.catalogue import Catalogue
from agent_app.core.deadlines import DeadlinePolicy
from agent_app.core.routing import RoutingTable

# Document name → file in resources/catalogues. The server sends the same names.
DOCUMENTS = {
    "categories": "categories.json",
    "units": "units.json",
    "locations": "locations.json",
    "routing": "routing.json",
    "deadline_policy": "deadline_policy.json",
    "calendar_overrides": "calendar_overrides.json",
}


@dataclass(frozen=True)
class ReferenceData:
    catalogue: Catalogue
    routing: RoutingTable
    policy: DeadlinePolicy
    calendar: WorkingCalendar

    @classmethod
    def from_documents(cls, docs: Mapping[str, Any]) -> ReferenceData:
        return cls(
            catalogue=Catalogue.from_documents(docs["categories"], docs["units"],
                                               docs["locations"]),
            routing=RoutingTable.from_dict(docs["routing"]),
            policy=DeadlinePolicy.from_dict(docs["deadline_policy"]),
            calendar=WorkingCalendar.from_overrides(
                CalendarOverride(date.fromisoformat(o["date"]), bool(o["workday"]),
                                 o.get("note", ""))
                for o in docs["calendar_overrides"]),
        )


def shipped_documents(folder: Path) -> dict[str, Any]:
    return {name: json.loads((folder / file).read_text(encoding="utf-8"))
            for name, file in DOCUMENTS.items()}
