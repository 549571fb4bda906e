"""Proposals for the intake form from what the operator has typed so far (issue 22).

One `SmartIntake` holds everything read once (catalogue, place names, risk words, category
model); `propose(text)` is pure and fast enough to call on every pause in typing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_app.core.catalogue import Catalogue
from agent_app.core.models import CategoryPath, LocationPath
from agent_app.core.routing import RoutingTable, UnitSuggestion, suggest_units
from agent_app.core.smart_intake.category import (
    CategoryKey,
    CategoryModel,
    Lexicon,
    TrainingTicket,
    build_model,
)
from agent_app.core.smart_intake.phones import extract_phones, mask_contacts
from agent_app.core.smart_intake.places import Place, PlaceFinder
from agent_app.core.smart_intake.risk import RiskHit, RiskWords
from agent_app.search.text import fold

INTAKE_RESOURCES = "intake"
MODEL_FILE = "category_model.json"
LEXICON_FILE = "category_words.txt"
RISK_FILE = "risk_words.json"
PLACES_FILE = "place_aliases.json"
# 张先生, 李女士, 王阿姨: a surname and how the caller wants to be addressed.
_ADDRESS_FORM_RE = re.compile(
    r"(?:我姓|姓)?([\u4e00-\u9fff])(先生|女士|小姐|阿姨|大爷|大妈|大姐|大哥|师傅|老师|老人家)")
_COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")


@dataclass(frozen=True)
class Proposal:
    categories: tuple[CategoryPath, ...] = ()
    location: LocationPath | None = None
    phones: tuple[str, ...] = ()
    risk: tuple[RiskHit, ...] = ()
    caller_name: str = ""  # 张先生: the form of address the caller gave
    units: tuple[UnitSuggestion, ...] = ()

    @property
    def is_risk(self) -> bool:
        return bool(self.risk)

    def as_json(self) -> dict[str, Any]:
        """The line `agent-app intake suggest --json` prints."""
        location = None
        if self.location is not None:
            location = [self.location.district or None, self.location.street or None,
                        self.location.community or None]
        return {"categories": [[c.level1, c.level2] for c in self.categories],
                "location": location, "phones": list(self.phones), "risk": self.is_risk}


@dataclass
class SmartIntake:
    catalogue: Catalogue
    routing: RoutingTable | None
    places: PlaceFinder
    risk_words: RiskWords
    lexicon: Lexicon
    model: CategoryModel
    _category_paths: list[CategoryKey] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self._category_paths = catalogue_paths(self.catalogue)

    @classmethod
    def load(cls, resources: Path, *, model_path: Path | None = None,
             routing: RoutingTable | None = None) -> SmartIntake:
        """`resources` is the resources folder; `model_path` a locally rebuilt model, used
        instead of the shipped one when it exists and reads."""
        catalogue = Catalogue.load(resources / "catalogues")
        intake = resources / INTAKE_RESOURCES
        model = None
        for candidate in (model_path, intake / MODEL_FILE):
            if candidate is not None and candidate.exists():
                try:
                    model = CategoryModel.load(candidate)
                    break
                except (OSError, ValueError, KeyError):
                    continue  # a damaged local model: fall back to the shipped one
        places = PlaceFinder.load(resources / "catalogues", intake / PLACES_FILE)
        lexicon = Lexicon.load(intake / LEXICON_FILE)
        if model is None:
            model = build_model(catalogue_paths(catalogue), lexicon, ())
        if routing is None:
            import json

            routing = RoutingTable.from_dict(json.loads(
                (resources / "catalogues" / "routing.json").read_text(encoding="utf-8")))
        return cls(catalogue, routing, places, RiskWords.load(intake / RISK_FILE), lexicon,
                   model)

    def propose(self, text: str) -> Proposal:
        if not text.strip():
            return Proposal()
        place = self.places.locate(text)
        location = _location(place)
        categories = tuple(CategoryPath(*c) for c in self.model.propose(
            mask_places(self.places, text)))
        units: tuple[UnitSuggestion, ...] = ()
        if self.routing is not None and categories:
            units = tuple(suggest_units(self.routing, self.catalogue, categories[0],
                                        location or LocationPath()))
        return Proposal(categories, location, tuple(extract_phones(text)),
                        tuple(self.risk_words.hits(text)), caller_name(text), units)

    def rebuilt(self, tickets: Sequence[TrainingTicket]) -> CategoryModel:
        """A new model from the centre's registered tickets; pure, for a background thread."""
        return build_model(self._category_paths, self.lexicon, tickets,
                           mask=lambda text: mask_places(self.places, text))


def catalogue_paths(catalogue: Catalogue) -> list[CategoryKey]:
    return [(top.name, sub.name) for top in catalogue.top_categories()
            for sub in catalogue.subcategories(top.code)]


def mask_places(places: PlaceFinder, text: str) -> str:
    """The text with place names and call-back numbers blanked: where an appeal is, and how
    to call the caller back, say nothing of what it is."""
    folded = mask_contacts(fold(text))
    mentions = places.mentions(folded)
    if not mentions:
        return folded
    chars = list(folded)
    for mention in mentions:
        for i in range(mention.start, mention.start + len(mention.text)):
            chars[i] = " "
    return "".join(chars)


def caller_name(text: str) -> str:
    for match in _ADDRESS_FORM_RE.finditer(text):
        if match.group(1) in _COMMON_SURNAMES:
            return match.group(1) + match.group(2)
    return ""


def _location(place: Place | None) -> LocationPath | None:
    return LocationPath(*place) if place is not None else None


def training_tickets(records: Sequence[Mapping[str, Any]]) -> list[TrainingTicket]:
    """From interchange-format tickets: those that carry a category and a content."""
    found = []
    for record in records:
        category = record.get("category")
        content = record.get("content") or ""
        if category and content and len(category) == 2:
            found.append(TrainingTicket(content, (category[0], category[1])))
    return found
