"""The place of an appeal (district › street/town › community/village) from its text.

Names come from the location catalogue in the forms callers use: the full name (西高皇街道),
the name without its suffix (西高皇, 中央花园), a county without 县/市 (鲁山, 汝州), plus a
reviewed gazetteer of aliases (resources/intake/place_aliases.json). A short loose name (two
characters, often an ordinary word: 温泉, 钟楼, 平安) only counts next to a place word (镇里,
那边, 小区) or when its district is named too; "X的" (下汤的, 八矿的) counts only for a
town's or street office's name or a mine number, not for a community's name that is an
ordinary word (和平的日子). Precision comes first: a level is only filled
when every name in the text agrees on one place; ambiguous names (王庄村 is in five towns)
leave the level empty rather than guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_app.search.text import fold

Place = tuple[str, str, str]  # district, street, community; "" where the name stops
_STREET_SUFFIXES = ("街道", "管委会", "镇", "乡")
_COMMUNITY_SUFFIXES = ("社区", "村")
# The office callers name instead of the place: 某某居委会 for 某某社区, 某某办事处 or
# 某某街道办 for 某某街道 (某某村委会 and 某某镇政府 already start with the place's name).
_COMMUNITY_OFFICE_WORDS = {"社区": ("居委会", "社区居委会")}
_STREET_OFFICE_WORDS = {"街道": ("街道办", "办事处", "街道办事处")}
_DISTRICT_SUFFIXES = ("区", "县", "市")
# What makes a short loose name a place: 下汤那边, 温泉镇上, 平安小区, 龙河一带.
_PLACE_CUE_RE = re.compile(r"(那边|那里|这边|这里|那块|这块|一带|附近|片区|辖区|小区|家属院|"
                           r"街上|镇上|乡里|镇里|村里|社区|地区|那儿|这儿|这一片|那一片|这一块|"
                           r"那一块|这片|那片|周边|跟前|宿舍|生活区|那一带|这一带|周围|"
                           r"那个地方|这个地方|那地方|这地方|集上|赶集|家属楼|家属区)")
# Before a short loose name, words that say a place follows: 住在焦店, 我是焦店的. Not for
# the weak names (温泉, 光明), which are ordinary words as often as places.
_PLACE_PRECUE_RE = re.compile(r"(住在|家住|家在|我是|俺是|老家)$")
# 下汤的, 八矿的: "X的" says a place only for a town's or street office's name or a mine
# number, never for a community's name that is an ordinary word (和平的日子, 花园的门).
_OWNER_CUE = "的"
_MINE_SUFFIX = "矿"
# Before a mine number, a numeral makes it another mine (十一矿 is not 一矿).
_NUMERALS = frozenset("一二三四五六七八九十")
_ROAD_SUFFIXES = ("路", "街", "大道")
# A road named after a street office or a community (长青社区 → 长青路, 古槐街道 → 古槐大道,
# 清河街道 → 清河北路) runs through that street office: said with its road word it puts the
# appeal there, not yet in the community.
_NAMED_ROAD_SUFFIXES = ("路", "街", "大道", "大街", "北路", "南路", "东路", "西路", "中路")
# After a road name, words that say it is the road: 开发一路北边, 新程街路口.
_ROAD_PREFIXES = frozenset("大小老新东西南北中前后")
_ROAD_CUE_RE = re.compile(r"(北边|南边|东边|西边|旁边|对面|两边|两侧|北侧|南侧|东侧|西侧|"
                          r"交叉口|路口|十字|与|和)")


@dataclass(frozen=True)
class _Name:
    places: frozenset[Place]
    loose: bool  # a shortened form: needs a cue or its district named when it is short
    named_road: bool = False  # 长青路 from 长青社区: gives way to any other name in the text
    owner_cue: bool = False  # "X的" places it (下汤的, 八矿的): a town's name or a mine number


@dataclass(frozen=True)
class PlaceMention:
    text: str
    start: int
    places: frozenset[Place]
    named_road: bool = False


class PlaceFinder:
    def __init__(self, names: Mapping[str, _Name], stop_words: Iterable[str] = (),
                 weak_names: Iterable[str] = ()) -> None:
        self._names = dict(names)
        self._stop = tuple(stop_words)
        self._weak = frozenset(weak_names)
        self._max_len = max((len(n) for n in self._names), default=0)
        self._first_chars = frozenset(n[0] for n in self._names)

    @classmethod
    def from_documents(cls, locations: Sequence[Mapping[str, Any]],
                       gazetteer: Mapping[str, Any] | None = None) -> PlaceFinder:
        full: dict[str, set[Place]] = {}
        loose: dict[str, set[Place]] = {}
        for district in locations:
            d = district["name"]
            full.setdefault(d, set()).add((d, "", ""))
            short = _strip(d, _DISTRICT_SUFFIXES)
            if len(short) >= 2 and d.endswith(("县", "市")):
                loose.setdefault(short, set()).add((d, "", ""))
            for street in district.get("children", ()):
                s = street["name"]
                full.setdefault(s, set()).add((d, s, ""))
                for office in _office_names(s, _STREET_OFFICE_WORDS):
                    full.setdefault(office, set()).add((d, s, ""))
                bare = _strip(s, _STREET_SUFFIXES)
                if len(bare) >= 2 and bare != s:
                    loose.setdefault(bare, set()).add((d, s, ""))
                for community in street.get("children", ()):
                    c = community["name"]
                    full.setdefault(c, set()).add((d, s, c))
                    for office in _office_names(c, _COMMUNITY_OFFICE_WORDS):
                        full.setdefault(office, set()).add((d, s, c))
                    bare_c = _strip(c, _COMMUNITY_SUFFIXES)
                    if len(bare_c) >= 2 and bare_c != c:
                        # 民主路 said bare is the road the community is named after: it puts
                        # the place in that street, not yet in the community.
                        road = bare_c.endswith(_ROAD_SUFFIXES)
                        loose.setdefault(bare_c, set()).add((d, s, "" if road else c))
        generic = frozenset(gazetteer.get("generic_road_stems", ())) if gazetteer else frozenset()
        roads = _named_roads(full, loose, locations, generic)
        names: dict[str, _Name] = {road: _Name(frozenset(places), loose=True, named_road=True)
                                   for road, places in roads.items()}
        for name, places in loose.items():
            streets = {p for p in places if not p[2]}
            # 光明路 is both 光明路街道 and 光明路社区 in it: said bare, it is the street (or the
            # road), not yet the community. A community keeps its bare name where no street
            # of its district has it (王寨: a town in 汝州市, a village in 平舆县).
            street_districts = {p[0] for p in streets}
            kept = streets | {p for p in places if p[2] and p[0] not in street_districts}
            owner = name not in generic and (name.endswith(_MINE_SUFFIX)
                                             or all(not p[2] for p in kept))
            names[name] = _Name(frozenset(kept), loose=True, owner_cue=owner)
        for name, places in full.items():
            names[name] = _Name(frozenset(places), loose=False)
        stop: list[str] = []
        weak: list[str] = []
        if gazetteer:
            for alias in gazetteer.get("aliases", ()):
                path = alias["path"]
                place = (path[0], path[1] or "", path[2] or "" if len(path) > 2 else "")
                previous = names.get(alias["name"])
                merged = (previous.places if previous and not previous.loose else frozenset())
                names[alias["name"]] = _Name(merged | {place}, loose=False)
            stop = list(gazetteer.get("not_places", ()))
            weak = list(gazetteer.get("weak_names", ()))
        return cls(names, stop, weak)

    @classmethod
    def load(cls, catalogue_dir: Path, gazetteer_path: Path | None) -> PlaceFinder:
        locations = json.loads((catalogue_dir / "locations.json").read_text(encoding="utf-8"))
        gazetteer = (json.loads(gazetteer_path.read_text(encoding="utf-8"))
                     if gazetteer_path is not None and gazetteer_path.exists() else None)
        return cls.from_documents(locations, gazetteer)

    def mentions(self, text: str) -> list[PlaceMention]:
        """Longest name first at each position; names inside a found name are not read again."""
        folded = fold(text)
        blocked = self._stop_spans(folded)
        raw: list[tuple[str, int, _Name]] = []
        position = 0
        while position < len(folded):
            if folded[position] not in self._first_chars:
                position += 1
                continue
            hit = self._longest_at(folded, position)
            if hit is None:
                position += 1
                continue
            if position in blocked and position + len(hit) - 1 in blocked:
                position += 1
                continue
            raw.append((hit, position, self._names[hit]))
            position += len(hit)
        # A weak district name (高新, 湛河) does not vouch for itself: 高新技术 is no place.
        districts_named = {next(iter(n.places))[0] for name, _, n in raw
                           if not n.loose and name not in self._weak and len(n.places) == 1
                           and all(not p[1] for p in n.places)}
        districts_named |= {p[0] for _, _, n in raw if n.loose and all(not p[1] for p in n.places)
                            for p in n.places}
        found: list[PlaceMention] = []
        for name, start, entry in raw:
            weak = entry.loose or name in self._weak
            if weak and not _loose_counts(name, entry, folded, start, districts_named,
                                          strict=name in self._weak):
                continue
            if entry.named_road and start > 0 and folded[start - 1] in _ROAD_PREFIXES:
                continue  # 大香山路 is another road than 香山路
            if (name.endswith(_MINE_SUFFIX) and start > 0 and folded[start - 1] in _NUMERALS
                    and name[0] in _NUMERALS):
                continue  # 十一矿 is another mine than 一矿
            found.append(PlaceMention(name, start, entry.places, entry.named_road))
        return found

    def _stop_spans(self, text: str) -> set[int]:
        blocked: set[int] = set()
        for stop in self._stop:
            start = text.find(stop)
            while start >= 0:
                blocked.update(range(start, start + len(stop)))
                start = text.find(stop, start + 1)
        return blocked

    def _longest_at(self, text: str, position: int) -> str | None:
        for length in range(min(self._max_len, len(text) - position), 1, -1):
            candidate = text[position:position + length]
            if candidate in self._names:
                return candidate
        return None

    def locate(self, text: str) -> Place | None:
        return resolve(self.mentions(text))


def _office_names(name: str, words: Mapping[str, Sequence[str]]) -> list[str]:
    """中兴路居委会 for 中兴路社区, 西高皇办事处 for 西高皇街道: the office said for the place."""
    for suffix, offices in words.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            return [name[: -len(suffix)] + office for office in offices]
    return []


def _strip(name: str, suffixes: Sequence[str]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _named_roads(full: Mapping[str, set[Place]], loose: Mapping[str, set[Place]],
                 locations: Sequence[Mapping[str, Any]], generic_stems: frozenset[str]
                 ) -> dict[str, set[Place]]:
    """长青路 from 长青社区, 古槐大道 from 古槐街道: the street office of the name, loose.

    Not for a name that is also a district's (新华社区 is in 湛河区; 新华路 is in 新华区), nor
    when the plain road is already a name of its own (光明路 is 光明路街道)."""
    district_stems = {_strip(d["name"], _DISTRICT_SUFFIXES) for d in locations}
    roads: dict[str, set[Place]] = {}
    for district in locations:
        d = district["name"]
        for street in district.get("children", ()):
            s = street["name"]
            stems = {_strip(s, _STREET_SUFFIXES)}
            # Not a village's: roads are named after towns and urban communities.
            stems.update(c["name"][:-2] for c in street.get("children", ())
                         if c["name"].endswith("社区"))
            for stem in stems:
                if (len(stem) < 2 or stem.endswith(_ROAD_SUFFIXES) or stem in district_stems
                        or stem in generic_stems):
                    continue
                if any(stem + suffix in full or stem + suffix in loose
                       for suffix in _ROAD_SUFFIXES):
                    continue  # 光明路 is 光明路街道 already: 光明北路 is that road, not 光明社区's
                for suffix in _NAMED_ROAD_SUFFIXES:
                    roads.setdefault(stem + suffix, set()).add((d, s, ""))
    return {road: places for road, places in roads.items()
            if road not in full and road not in loose}


def _loose_counts(name: str, entry: _Name, text: str, start: int,
                  districts_named: set[str], *, strict: bool = False) -> bool:
    if not strict and len(name) >= 3 and (name.endswith(_ROAD_SUFFIXES) or len(name) >= 4):
        return True
    if any(p[0] in districts_named for p in entry.places):
        return True
    after = text[start + len(name): start + len(name) + 4]
    if _PLACE_CUE_RE.match(after):
        return True
    if not strict and entry.owner_cue and after.startswith(_OWNER_CUE):
        return True
    if not strict and _PLACE_PRECUE_RE.search(text[max(0, start - 2):start]):
        return True
    if name.endswith(_ROAD_SUFFIXES) and _ROAD_CUE_RE.match(after):
        return True
    return not strict and len(name) >= 3


def resolve(mentions: Sequence[PlaceMention]) -> Place | None:
    """The deepest place every mention agrees on; None when nothing is determined.

    Each mention is a set of places it may mean. A place is a reading of the whole text
    when every mention has a meaning on its line (the same place, above or below it). The
    answer is what all the deepest readings share: one community, else one street, else
    one district, else nothing.
    """
    if not mentions:
        return None
    named = [m for m in mentions if not m.named_road]
    if named and len(named) < len(mentions):
        # A road named after a community may run on through other places (开源路): the
        # text's other names win when they disagree with it.
        with_roads = _resolve(mentions)
        return with_roads if with_roads is not None else _resolve(named)
    return _resolve(mentions)


def _resolve(mentions: Sequence[PlaceMention]) -> Place | None:
    districts = {p[0] for m in mentions for p in m.places if not p[1]}
    if len(districts) > 1:
        return None  # two districts named (moved from one to the other…): ask, don't guess
    district = next(iter(districts), None)
    # A road or estate name outside the district the caller named is a road crossing it
    # (建设路 runs through more than one district): the named district wins.
    meanings = [kept for kept in (_filter(m.places, district) for m in mentions) if kept]
    if not meanings:
        return (district, "", "") if district else None
    candidates = set().union(*meanings)
    readings = [place for place in candidates
                if all(any(_on_one_line(place, meaning) for meaning in options)
                       for options in meanings)]
    deepest = [place for place in readings
               if not any(other != place and _on_one_line(place, other)
                          and _depth(other) > _depth(place) for other in readings)]
    return _shared(deepest or list(candidates))


def _depth(place: Place) -> int:
    return sum(1 for part in place if part)


def _on_one_line(first: Place, second: Place) -> bool:
    """One is the other or lies inside it: 新华区 and 新华区 › 西高皇街道 › 中央花园社区."""
    return all(a == b or not a or not b for a, b in zip(first, second, strict=True))


def _shared(places: Sequence[Place]) -> Place | None:
    shared: list[str] = []
    for level in range(3):
        names = {p[level] for p in places}
        if len(names) != 1 or not next(iter(names)):
            break
        shared.append(next(iter(names)))
    if not shared:
        return None
    padded = [*shared, "", "", ""]
    return (padded[0], padded[1], padded[2])


def _filter(places: frozenset[Place], district: str | None) -> set[Place]:
    if district is None:
        return set(places)
    kept = {p for p in places if p[0] == district}
    return kept
