from agent_app.core.catalogue import Catalogue
from agent_app.core.models import CategoryPath, LocationPath
from agent_app.paths import resources_dir

CATALOGUE = Catalogue.load(resources_dir() / "catalogues")


def test_the_shipped_catalogue_loads_with_two_category_levels():
    tops = CATALOGUE.top_categories()
    assert {"城市管理", "政务服务", "公共服务", "行风政风"} <= {c.name for c in tops}
    for top in tops:
        assert CATALOGUE.subcategories(top.code), top.name
    found = CATALOGUE.category(CategoryPath("政务服务", "网点服务"))
    assert found is not None and found.parent_code is not None


def test_units_are_found_by_name_and_by_the_aliases_the_reports_use():
    unit = CATALOGUE.unit("市公安局交管支队") or CATALOGUE.unit("市交警支队")
    assert unit is not None
    assert CATALOGUE.unit("市交警支队") == CATALOGUE.unit("市公安局交管支队")
    groups = {g.code for g in CATALOGUE.groups}
    assert {u.group for u in CATALOGUE.units} <= groups
    assert len(CATALOGUE.units_in_group("districts")) >= 5


def test_locations_go_down_to_community_level():
    paths = list(CATALOGUE.iter_location_paths())
    assert paths and all(p.is_complete for p in paths)
    assert CATALOGUE.has_location(paths[0])
    assert CATALOGUE.has_location(LocationPath("平舆县"))
    assert not CATALOGUE.has_location(LocationPath("新华区", "不存在的街道"))


def test_demo_kb_articles_are_valid_and_point_into_the_catalogue():
    import json
    from datetime import datetime

    lines = (resources_dir() / "kb" / "demo_articles.jsonl").read_text(
        encoding="utf-8").splitlines()
    articles = [json.loads(line) for line in lines if line.strip()]
    assert len(articles) >= 60
    assert len({a["id"] for a in articles}) == len(articles)
    for article in articles:
        level1, level2 = article["category"].split("/")
        assert CATALOGUE.category(CategoryPath(level1, level2)), article["category"]
        assert CATALOGUE.unit(article["unit"]), article["unit"]
        assert datetime.fromisoformat(article["updated_at"]).tzinfo is not None
        assert 80 <= len(article["body"]) <= 600 and article["title"]
