"""Catalogues the centre maintains as data: categories, units and their ranking groups, places.

Built from the JSON documents shipped in resources/catalogues (and later sent by the server),
so a new category or unit is a data change, never a code change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_app.core.models import CategoryPath, LocationPath


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    parent_code: str | None = None


@dataclass(frozen=True)
class UnitGroup:
    code: str
    name: str
    centre: str
    aliases: tuple[str, ...] = ()  # the names the work rules and bulletins give the group


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    group: str
    district: str | None = None
    aliases: tuple[str, ...] = ()  # other names used city-wide (市交警支队 = 市公安局交管支队)
    # Names the unit's own centre prints in its bulletins (seed 002's 税务局 is 汝州市税务局):
    # another centre may use the same short name, so they only resolve when unambiguous.
    short_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class LocationNode:
    code: str
    name: str
    children: tuple[LocationNode, ...] = ()


class CatalogueError(ValueError):
    pass


@dataclass
class Catalogue:
    categories: list[Category]
    groups: list[UnitGroup]
    units: list[Unit]
    locations: list[LocationNode]
    _units_by_name: dict[str, Unit] = field(init=False, repr=False)
    _categories_by_path: dict[tuple[str, str], Category] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._units_by_name = {}
        for unit in self.units:
            for name in (unit.name, *unit.aliases):
                self._units_by_name[name] = unit
        parents = {c.code: c for c in self.categories if c.parent_code is None}
        self._categories_by_path = {
            (parents[c.parent_code].name, c.name): c
            for c in self.categories
            if c.parent_code is not None
        }

    @classmethod
    def from_documents(
        cls,
        categories: Sequence[Mapping[str, Any]],
        units: Mapping[str, Any],
        locations: Sequence[Mapping[str, Any]],
    ) -> Catalogue:
        flat: list[Category] = []
        for top in categories:
            flat.append(Category(code=str(top["code"]), name=top["name"]))
            for child in top.get("children", ()):
                flat.append(Category(str(child["code"]), child["name"], str(top["code"])))
        groups = [UnitGroup(g["code"], g["name"], g.get("centre", ""), tuple(g.get("aliases", ())))
                  for g in units["groups"]]
        group_codes = {g.code for g in groups}
        unit_list = []
        for u in units["units"]:
            if u["group"] not in group_codes:
                raise CatalogueError(f"unit {u['name']} names unknown group {u['group']}")
            unit_list.append(
                Unit(
                    u["code"], u["name"], u["group"], u.get("district"),
                    tuple(u.get("aliases", ())), tuple(u.get("short_names", ())),
                )
            )
        return cls(flat, groups, unit_list, [_location(node) for node in locations])

    @classmethod
    def load(cls, folder: Path) -> Catalogue:
        def read(name: str) -> Any:
            try:
                return json.loads((folder / name).read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise CatalogueError(f"cannot read catalogue {folder / name}: {exc}") from exc

        return cls.from_documents(
            read("categories.json"), read("units.json"), read("locations.json")
        )

    # Categories -----------------------------------------------------------------------------
    def top_categories(self) -> list[Category]:
        return [c for c in self.categories if c.parent_code is None]

    def subcategories(self, parent_code: str) -> list[Category]:
        return [c for c in self.categories if c.parent_code == parent_code]

    def category(self, path: CategoryPath) -> Category | None:
        return self._categories_by_path.get((path.level1, path.level2))

    # Units ----------------------------------------------------------------------------------
    def unit(self, name: str) -> Unit | None:
        """By official name or any alias used in the reports (市交警支队 = 市公安局交管支队)."""
        return self._units_by_name.get(name)

    def units_in_group(self, group_code: str) -> list[Unit]:
        return [u for u in self.units if u.group == group_code]

    # Locations ------------------------------------------------------------------------------
    def district(self, name: str) -> LocationNode | None:
        return next((d for d in self.locations if d.name == name), None)

    def has_location(self, path: LocationPath) -> bool:
        nodes: Sequence[LocationNode] = self.locations
        for part in (path.district, path.street, path.community):
            if not part:
                return True
            node = next((n for n in nodes if n.name == part), None)
            if node is None:
                return False
            nodes = node.children
        return True

    def iter_location_paths(self) -> Iterator[LocationPath]:
        for district in self.locations:
            for street in district.children:
                for community in street.children:
                    yield LocationPath(district.name, street.name, community.name)


def _location(node: Mapping[str, Any]) -> LocationNode:
    return LocationNode(
        code=str(node["code"]),
        name=node["name"],
        children=tuple(_location(child) for child in node.get("children", ())),
    )
