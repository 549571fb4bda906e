"""The assessment rules as pure functions: policy data, scores, ranks, call-ins, escalation."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_app.core.assessment import (
    LEVEL_DEPUTY,
    LEVEL_PRINCIPAL,
    LEVEL_PUBLIC,
    AssessmentInputs,
    AssessmentPolicy,
    InputError,
    OfficialScore,
    PolicyError,
    assess,
    competition_ranks,
    computed_score,
    escalation_level,
    group_call_ins,
    parse_scores,
    year_result,
)
from agent_app.core.catalogue import Catalogue
from agent_app.core.reports import Month, UnitDirectory
from agent_app.paths import resources_dir

POLICY_DATA = json.loads((resources_dir() / "policy" / "assessment.json").read_text("utf-8"))
POLICY = AssessmentPolicy.from_dict(POLICY_DATA)
DIRECTORY = UnitDirectory.from_catalogue(Catalogue.load(resources_dir() / "catalogues"))


def test_the_shipped_components_are_the_work_rules_list_and_make_100_points():
    assert set(POLICY.component_names.values()) == {
        "查收/签收", "与诉求人沟通", "反馈质量", "办理时效", "办理质量", "办结率", "回复率",
        "满意率", "知识点报送"}
    assert POLICY.full_points == 100


def test_the_shares_in_force_depend_on_the_month():
    rule_text = POLICY.share_for("districts", Month(2023, 7))
    august = POLICY.share_for("districts", Month(2023, 8))
    assert rule_text is not None and august is not None
    assert rule_text[1] == Decimal("0.90") and august[1] == Decimal("0.85")
    assert POLICY.share_for("streets", Month(2023, 8))[1] == Decimal("0.80")  # type: ignore[index]
    assert POLICY.share_for("pingyu_towns", Month(2023, 8)) is None  # no call-in rule
    assert POLICY.share_for("districts", Month(2020, 1)) is None  # before the work rules


def test_overlapping_policy_dates_are_an_entry_numbered_error():
    data = copy.deepcopy(POLICY_DATA)
    data["call_in"]["shares"].append({"from": "2023-07-15", "to": "2023-09-30",
                                      "shares": {"districts_and_counties": "0.8"}})
    with pytest.raises(PolicyError, match="call_in shares entry 3: its dates overlap entry 1"):
        AssessmentPolicy.from_dict(data)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["components"].append({"code": "speed", "name": "x", "points": 1}),
     "components entry 10: unknown component 'speed'"),
    (lambda d: d["call_in"]["shares"][0].update({"to": "2020-01-01"}),
     "call_in shares entry 1: ends"),
    (lambda d: d["call_in"]["shares"][1]["shares"].update({"departments_and_streets": "1.5"}),
     "call_in shares entry 2: share 'departments_and_streets' must be above 0"),
    (lambda d: d["call_in"]["groups"][0].update({"share": "nobody"}),
     "call_in groups entry 1: no dated share is called 'nobody'"),
])
def test_a_bad_policy_entry_is_named(change, message):
    data = copy.deepcopy(POLICY_DATA)
    change(data)
    with pytest.raises(PolicyError, match=message):
        AssessmentPolicy.from_dict(data)


@given(st.lists(st.decimals(min_value=0, max_value=120, places=2), min_size=1, max_size=30))
def test_competition_ranks_share_ties_and_skip(scores):
    units = {f"u{i}": s for i, s in enumerate(scores)}
    ranks = competition_ranks(units)
    for unit, score in units.items():
        assert ranks[unit] == 1 + sum(1 for other in units.values() if other > score)


def test_seed_001_counties_rank_1_2_3_3_3_6():
    scores = {"郏县": Decimal("119.87"), "叶县": Decimal("119.59"), "舞钢市": Decimal("119.56"),
              "宝丰县": Decimal("119.56"), "鲁山县": Decimal("119.56"),
              "汝州市": Decimal("118.70")}
    assert list(competition_ranks(scores).values()) == [1, 2, 3, 3, 3, 6]


def test_the_last_two_take_in_ties_and_need_to_be_below_the_threshold():
    scores = {"a": Decimal(90), "b": Decimal(80), "c": Decimal(70), "d": Decimal(70),
              "e": Decimal(60)}
    found = group_call_ins("city_departments", scores, Month(2023, 8), POLICY)
    assert found.threshold == Decimal(72)  # 80 % of 90
    # The last two are e and the tie c/d: all three are below 72.
    assert found.called_in == ("e", "c", "d")
    above = group_call_ins("city_departments", {**scores, "e": Decimal(73)}, Month(2023, 8),
                           POLICY)
    assert above.called_in == ("c", "d")
    one_only = group_call_ins("districts", scores, Month(2023, 8), POLICY)
    assert one_only.called_in == ("e",)  # 60 < 85 % of 90 = 76.5


@pytest.mark.parametrize(("earlier", "level", "count"), [
    ([], LEVEL_DEPUTY, 1),
    ([Month(2023, 7)], LEVEL_PRINCIPAL, 2),  # twice in a row
    ([Month(2023, 2), Month(2023, 5)], LEVEL_PRINCIPAL, 3),  # three times in all
    ([Month(2023, 6), Month(2023, 7)], LEVEL_PUBLIC, 3),  # three in a row
    ([Month(2023, 1), Month(2023, 3), Month(2023, 5), Month(2023, 7)], LEVEL_PUBLIC, 5),
    ([Month(2022, 12), Month(2022, 11)], LEVEL_DEPUTY, 1),  # last year does not count
])
def test_escalation_over_the_year(earlier, level, count):
    assert escalation_level(Month(2023, 8), earlier, POLICY) == (level, count)


def test_score_lines_are_all_checked_before_any_is_used():
    with pytest.raises(InputError) as raised:
        parse_scores("unit,score\n郏 县,119.87\n郏县,1\n叶县,-3\n石龙区,1,2\n", DIRECTORY,
                     source="s.csv")
    assert [n for n, _ in raised.value.problems] == [3, 4, 5]
    parsed = parse_scores("\ufeffunit,score\n郏 县,119.87\n市交警支队,93.50\n", DIRECTORY)
    assert [(s.unit, s.group, s.score) for s in parsed] == [
        ("郏县", "counties", Decimal("119.87")),
        ("市公安局交管支队", "city_departments", Decimal("93.50"))]


def test_computed_score_scales_over_the_components_it_has():
    from tests.report_history import TicketHistory, cst
    from tests.unit.test_reports import report

    histories = [TicketHistory(f"t{i}", cst(2024, 2, 1 + i, 9))
                 .dispatch("市城市管理局", cst(2024, 2, 1 + i, 10))
                 .reply(cst(2024, 2, 2 + i, 9)).close(cst(2024, 2, 3 + i))
                 for i in range(6)]
    row = report(*histories).units[0]
    # Everything in time, replied and closed, nobody surveyed (满意率 and 沟通 left out), no
    # acceptance check and no KB figures: full marks on what there is.
    assert computed_score(row, None, POLICY) == Decimal("100.00")
    # No KB article this month: the 5 points of 知识点报送 are lost.
    assert computed_score(row, 0, POLICY) == Decimal("91.67")  # 55 of 60 points, scaled


RUZHOU_TOWNS = [  # seed 002, 附件1
    "杨楼镇", "临汝镇", "蟒川镇", "焦村镇", "陵头镇", "洗耳河街道", "夏店镇", "大峪镇",
    "煤山街道", "风穴路街道", "骑岭乡", "温泉镇", "钟楼街道", "紫云路街道", "庙下镇", "米庙镇",
    "汝南街道", "王寨乡", "小屯镇", "纸坊镇", "寄料镇",
]
RUZHOU_DEPARTMENTS = [  # seed 002, 附件2
    "住房和城乡建设局", "教育体育局（教育）", "生态环境局", "商务局", "医疗保障局",
    "煤矿安全监察局", "文广旅游局", "融媒体中心", "自来水公司", "人力资源和社会保障局",
    "农业农村局", "教育体育局（体育）", "公路管理局", "城市管理局", "国资事务中心",
    "市场监督管理局", "自然资源和规划局", "卫生健康委员会",
]


def test_the_ruzhou_bulletins_short_names_are_placed_in_its_groups():
    for name in RUZHOU_TOWNS:
        assert DIRECTORY.lookup(name) == (f"汝州市{name}", "ruzhou_towns")
    for name in RUZHOU_DEPARTMENTS:
        full = f"汝州市{name}"
        assert DIRECTORY.lookup(full) == (full, "ruzhou_departments")
        found = DIRECTORY.lookup(name)
        # Pingyu (seed 003) prints some of the same short names: then the full name is asked.
        assert found == (full, "ruzhou_departments") or (
            isinstance(found, list) and full in found), name
    assert DIRECTORY.lookup("国网汝州市供电公司") == ("国网汝州市供电公司", "ruzhou_departments")
    # Short names the city uses for its own units keep meaning the city's unit.
    assert DIRECTORY.lookup("移动公司") == ("移动公司", "city_departments")
    assert DIRECTORY.lookup("退役军人 事务局") == ("平舆县退役军人事务局", "pingyu_departments")


def test_no_name_or_alias_means_two_units():
    catalogue = Catalogue.load(resources_dir() / "catalogues")
    seen: dict[str, str] = {}
    for unit in catalogue.units:
        for name in (unit.name, *unit.aliases):
            assert seen.setdefault(name, unit.code) == unit.code, name
    codes = [unit.code for unit in catalogue.units]
    assert len(codes) == len(set(codes))


# Overdue from policy ----------------------------------------------------------------------


def test_a_ticket_without_a_stored_deadline_gets_the_policy_deadline_with_tiaoxiu():
    """A complaint dispatched on Thursday 1 February 2024 without a deadline: five working
    days, and Sunday 4 February is a working day (调休 before the Spring Festival), so the
    deadline is the end of Wednesday 7 February, not Thursday 8."""
    from agent_app.core.calendar import WorkingCalendar
    from agent_app.core.deadlines import DeadlinePolicy
    from agent_app.core.reports import compute_report, policy_deadlines
    from tests.report_history import TicketHistory, cst

    def ticket(ticket_id: str, replied: tuple[int, int]) -> TicketHistory:
        history = TicketHistory(ticket_id, cst(2024, 2, 1, 9))
        history.data.update(unit="市城市管理局", status="dispatched")
        history.event("dispatched", cst(2024, 2, 1, 10), unit="市城市管理局")
        return history.reply(cst(2024, 2, *replied))

    policy = DeadlinePolicy.from_dict({"rules": [
        {"appeal_type": "complaint", "urgency": "*", "amount": 5, "unit": "days",
         "working": True}]})
    tickets = [ticket("in-time", (7, 15)).report_ticket(),
               ticket("late", (8, 10)).report_ticket()]
    without = compute_report(tickets, Month(2024, 2))
    with_policy = compute_report(tickets, Month(2024, 2),
                                 deadline_for=policy_deadlines(policy, WorkingCalendar()))
    assert without.units[0].overdue == 0  # before: never overdue
    assert (with_policy.units[0].received, with_policy.units[0].overdue) == (2, 1)


def test_a_published_table_reads_with_its_own_titles_and_a_group_settles_a_short_name():
    parsed = parse_scores("网络单位,考核总分,排名\n郏 县,119.87,1\n", DIRECTORY)
    assert [(s.unit, s.score) for s in parsed] == [("郏县", Decimal("119.87"))]
    parsed = parse_scores("unit,score,group\n税务局,97.5,汝州市市直单位\n"
                          "税务局,87.5,pingyu_departments\n", DIRECTORY)
    assert [(s.unit, s.group) for s in parsed] == [("汝州市税务局", "ruzhou_departments"),
                                                   ("平舆县税务局", "pingyu_departments")]
    with pytest.raises(InputError) as raised:
        parse_scores("unit,score,group\n郏县,119,市内五区\n叶县,119,火星组\n", DIRECTORY)
    assert raised.value.problems == (
        (2, "郏县 is in the group 汝州市等其他7个县（市、区）, not '市内五区'"),
        (3, "unknown ranking group '火星组'"))


def test_the_tickets_behind_a_figure_are_the_ones_it_counts():
    from agent_app.core.reports import tickets_behind
    from tests.report_history import TicketHistory, cst

    in_time = (TicketHistory("in-time", cst(2024, 2, 1, 9)).dispatch("市城市管理局",
                                                                     cst(2024, 2, 1, 10))
               .reply(cst(2024, 2, 2)))
    late = (TicketHistory("late", cst(2024, 2, 1, 9)).dispatch("市城市管理局",
                                                               cst(2024, 2, 1, 10), days=1)
            .reply(cst(2024, 2, 5)).redo(cst(2024, 2, 6)))
    other = TicketHistory("other", cst(2024, 2, 1)).dispatch("市住建局", cst(2024, 2, 1, 10))
    tickets = [h.report_ticket() for h in (in_time, late, other)]
    feb = Month(2024, 2)
    assert [t.id for t in tickets_behind(tickets, feb, "市城市管理局", "received")] == [
        "in-time", "late"]
    assert [t.id for t in tickets_behind(tickets, feb, "市城市管理局", "overdue")] == ["late"]
    assert [t.id for t in tickets_behind(tickets, feb, "市城市管理局", "redo")] == ["late"]
    assert tickets_behind(tickets, feb, "市住建局", "replied") == []


def test_the_years_result_is_the_average_of_the_months_with_honours():
    from agent_app.core.reports import compute_report

    december = compute_report([], Month(2023, 12), directory=DIRECTORY)
    scores = [OfficialScore(unit, group, Decimal(score), None, n) for n, (unit, group, score)
              in enumerate([("新华区", "districts", "80"), ("卫东区", "districts", "90"),
                            ("市住建局", "city_departments", "88"),
                            ("市税务局", "city_departments", "86"),
                            ("市商务局", "city_departments", "70")], start=2)]
    earlier = {Month(2023, 11): {"新华区": Decimal("100"), "卫东区": Decimal("80"),
                                 "市商务局": Decimal("100")}}
    # No tickets: nobody is ranked in December, so only the earlier month counts.
    unranked = assess(december, POLICY, DIRECTORY, AssessmentInputs(
        scores=scores, score_history=earlier))
    year = {row["unit"]: row for row in unranked.year}
    assert year["新华区"]["months"] == 1 and year["新华区"]["honour"]
    assert not year["卫东区"]["honour"] and year["卫东区"]["final"]


def test_honours_go_to_the_first_of_districts_and_the_first_two_of_departments():
    from agent_app.core.reports import compute_report
    from tests.report_history import TicketHistory, cst

    scores = {"新华区": "80", "卫东区": "90", "市住建局": "88", "市税务局": "86", "市商务局": "70"}
    tickets = [TicketHistory(f"{unit}{n}", cst(2023, 12, 1 + n, 9))
               .dispatch(unit, cst(2023, 12, 1 + n, 10)).report_ticket()
               for unit in scores for n in range(6)]
    december = compute_report(tickets, Month(2023, 12), directory=DIRECTORY)
    assessed = assess(december, POLICY, DIRECTORY, AssessmentInputs(scores=[
        OfficialScore(u, DIRECTORY.lookup(u)[1], Decimal(s), None, 2)  # type: ignore[index]
        for u, s in scores.items()]))
    earlier = {Month(2023, 11): {"新华区": Decimal(100), "市商务局": Decimal(100)}}
    year = {row["unit"]: row for row in year_result(assessed, earlier, POLICY)}
    assert year["新华区"]["average"] == 90 and year["卫东区"]["average"] == 90
    assert year["新华区"]["rank"] == year["卫东区"]["rank"] == 1  # a tie shares the honour
    assert year["新华区"]["honour"] and year["卫东区"]["honour"]
    assert year["市住建局"]["honour"] and year["市税务局"]["honour"]
    assert year["市商务局"]["average"] == 85 and not year["市商务局"]["honour"]  # third
