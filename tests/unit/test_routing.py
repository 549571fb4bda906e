"""Routing suggestions from category and place, over the shipped catalogue and routing table."""

from __future__ import annotations

import pytest

from agent_app.core.models import CategoryPath, LocationPath
from agent_app.core.reference import ReferenceData, shipped_documents
from agent_app.core.routing import Reason, RoutingTable, suggest_units
from agent_app.paths import resources_dir


@pytest.fixture(scope="module")
def reference() -> ReferenceData:
    return ReferenceData.from_documents(shipped_documents(resources_dir() / "catalogues"))


def names(reference: ReferenceData, category: CategoryPath | None,
          location: LocationPath) -> list[tuple[str, Reason]]:
    return [(s.unit.name, s.reason) for s in
            suggest_units(reference.routing, reference.catalogue, category, location)]


XIGAOHUANG = LocationPath("新华区", "西高皇街道", "春华社区")


def test_a_department_category_puts_the_department_first_then_the_place(reference):
    assert names(reference, CategoryPath("公共服务", "供暖"), XIGAOHUANG) == [
        ("平顶山热力集团", Reason.CATEGORY),
        ("新华区西高皇街道办事处", Reason.STREET),
        ("新华区", Reason.DISTRICT),
    ]


def test_a_local_category_puts_the_street_office_first(reference):
    result = names(reference, CategoryPath("工资薪金", "拖欠工资"), XIGAOHUANG)
    assert result[0] == ("新华区西高皇街道办事处", Reason.STREET)
    assert ("市人社局", Reason.CATEGORY) in result


def test_the_exact_subcategory_rule_wins_over_the_general_one(reference):
    result = names(reference, CategoryPath("社会保险", "医疗保险"), LocationPath())
    assert result[0][0] == "市医疗保障局"
    assert "市人社局" not in [name for name, _ in result]


def test_units_of_the_other_centre_are_never_proposed(reference):
    pingyu = LocationPath("平舆县", "古槐街道", "")
    result = names(reference, CategoryPath("社会保险", "医疗保险"), pingyu)
    assert [name for name, _ in result] == ["平舆县医保局", "平舆县古槐街道"]
    # Pingyu has no heating company: no guess from the other centre, only the place.
    assert names(reference, CategoryPath("公共服务", "供暖"), pingyu) == [
        ("平舆县古槐街道", Reason.STREET)]


def test_without_a_place_every_centres_responsible_unit_is_listed(reference):
    result = [n for n, _ in names(reference, CategoryPath("政务服务", "住房公积金"),
                                  LocationPath())]
    assert result == ["市住房公积金管理中心", "平舆县公积金管理中心"]


def test_nothing_known_gives_nothing(reference):
    assert names(reference, None, LocationPath()) == []


def test_every_category_has_a_rule_naming_only_known_units(reference):
    catalogue = reference.catalogue
    for top in catalogue.top_categories():
        for sub in catalogue.subcategories(top.code):
            rule = reference.routing.rule_for(CategoryPath(top.name, sub.name))
            assert rule is not None, (top.name, sub.name)
            assert all(catalogue.unit(name) for name in rule.units), rule


def test_each_unit_is_suggested_once():
    table = RoutingTable.from_dict({"rules": [
        {"level1": "城市管理", "level2": "*", "units": ["新华区"], "local": True}]})
    reference = ReferenceData.from_documents(shipped_documents(resources_dir() / "catalogues"))
    result = suggest_units(table, reference.catalogue, CategoryPath("城市管理", "噪音扰民"),
                           XIGAOHUANG)
    assert [s.unit.name for s in result].count("新华区") == 1
