"""Which units a ticket could be dispatched to, from its category and place.

The rules are data (`resources/catalogues/routing.json`, later sent by the server): per
category, the responsible departments of both centres. The caller's centre follows from the
place. Categories handled 属地 (by the place: noise, sanitation, wage arrears…) put the street or
town office and the district first, as the seeds' centres do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from agent_app.core.catalogue import Catalogue, Unit
from agent_app.core.models import CategoryPath, LocationPath

ANY = "*"
STREET_GROUPS = frozenset({"streets", "pingyu_towns"})
DISTRICT_GROUPS = frozenset({"districts", "counties"})


class Reason(StrEnum):
    CATEGORY = "category"  # the department responsible for the category
    STREET = "street"  # the street/town office of the place
    DISTRICT = "district"  # the district or county of the place


@dataclass(frozen=True)
class RoutingRule:
    level1: str
    level2: str  # ANY for every subcategory of level1
    units: tuple[str, ...]
    local: bool = False


@dataclass(frozen=True)
class UnitSuggestion:
    unit: Unit
    reason: Reason


@dataclass(frozen=True)
class RoutingTable:
    rules: tuple[RoutingRule, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoutingTable:
        return cls(tuple(
            RoutingRule(r["level1"], r.get("level2", ANY), tuple(r["units"]),
                        bool(r.get("local", False)))
            for r in data.get("rules", ())))

    def rule_for(self, category: CategoryPath) -> RoutingRule | None:
        """The exact subcategory's rule, else its top category's."""
        exact = general = None
        for rule in self.rules:
            if rule.level1 != category.level1:
                continue
            if rule.level2 == category.level2:
                exact = rule
            elif rule.level2 == ANY:
                general = rule
        return exact or general


def suggest_units(table: RoutingTable, catalogue: Catalogue, category: CategoryPath | None,
                  location: LocationPath) -> list[UnitSuggestion]:
    """Best first, each unit once; empty when neither category nor place says anything."""
    rule = table.rule_for(category) if category is not None else None
    centre = _centre_of(catalogue, location.district)
    department = [UnitSuggestion(unit, Reason.CATEGORY)
                  for unit in _resolve(catalogue, rule.units if rule else (), centre)]
    local = _local_units(catalogue, location)
    ordered = [*local, *department] if rule is None or rule.local else [*department, *local]
    seen: set[str] = set()
    result = []
    for suggestion in ordered:
        if suggestion.unit.code not in seen:
            seen.add(suggestion.unit.code)
            result.append(suggestion)
    return result


def _centre_of(catalogue: Catalogue, district: str) -> str | None:
    groups = {g.code: g.centre for g in catalogue.groups}
    for unit in catalogue.units:
        if district and unit.district == district:
            return groups.get(unit.group)
    return None


def _resolve(catalogue: Catalogue, names: Sequence[str], centre: str | None) -> list[Unit]:
    units = [u for u in (catalogue.unit(name) for name in names) if u is not None]
    if centre is None:
        return units  # no place chosen yet: every centre's responsible units, in rule order
    groups = {g.code: g.centre for g in catalogue.groups}
    # A centre without such a department gets no guess from the other centre.
    return [u for u in units if groups.get(u.group) == centre]


def _local_units(catalogue: Catalogue, location: LocationPath) -> list[UnitSuggestion]:
    found: list[UnitSuggestion] = []
    if location.street:
        found += [UnitSuggestion(u, Reason.STREET) for u in catalogue.units
                  if u.group in STREET_GROUPS and u.district == location.district
                  and _street_matches(u.name, location)]
    if location.district:
        found += [UnitSuggestion(u, Reason.DISTRICT) for u in catalogue.units
                  if u.group in DISTRICT_GROUPS and u.district == location.district]
    return found


def _street_matches(unit_name: str, location: LocationPath) -> bool:
    # Offices are named "<district><street>办事处" / "<county><town>"; the place list says
    # "<street>" (西高皇街道) or the town's bare name, so compare without the district prefix.
    bare = unit_name.removeprefix(location.district)
    return bare.startswith(location.street) or location.street.startswith(
        bare.removesuffix("人民政府").removesuffix("办事处"))
