"""The monthly report's definitions, one by one (agent_app.core.reports)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from agent_app.core.interchange import InterchangeError
from agent_app.core.reports import (
    OTHER_GROUP,
    Month,
    MonthlyReport,
    UnitDirectory,
    UnitRow,
    compute_report,
    percentage,
    report_ticket_from_dict,
    report_to_dict,
)
from agent_app.paths import resources_dir
from tests.report_history import TicketHistory, cst

FEB = Month(2024, 2)


def report(*histories: TicketHistory, month: Month = FEB, **options) -> MonthlyReport:
    return compute_report([h.report_ticket() for h in histories], month, **options)


def unit_row(result: MonthlyReport, unit: str) -> UnitRow:
    [row] = [u for u in result.units if u.unit == unit]
    return row


def dispatched(ticket_id: str, unit: str, at, **kwargs) -> TicketHistory:
    return TicketHistory(ticket_id, at - timedelta(minutes=10), **kwargs).dispatch(unit, at)


# Months -----------------------------------------------------------------------------------

def test_month_parses_only_year_dash_month():
    assert Month.parse("2024-02") == FEB
    assert str(Month.parse(" 2024-12 ")) == "2024-12"
    for bad in ("2024-13", "2024-00", "2024-2", "24-02", "2024/02", "", "0000-01"):
        with pytest.raises(ValueError):
            Month.parse(bad)


def test_month_bounds_are_midnights_in_china_and_december_rolls_over():
    assert FEB.start == cst(2024, 2, 1)
    assert FEB.end == cst(2024, 3, 1)  # 2024 is a leap year: 29 days
    assert Month(2023, 12).end == cst(2024, 1, 1)
    assert Month(2024, 1).previous() == Month(2023, 12)
    assert Month.of(cst(2024, 2, 29, 23, 59)) == FEB


def test_an_event_belongs_to_the_month_of_its_time_in_asia_shanghai():
    # 2024-01-31 23:59:59.999999 in Beijing is still January, though 15:59 UTC; 2024-02-01
    # 00:00 in Beijing is February, though still 31 January in UTC.
    late_january = dispatched("A", "城管局", cst(2024, 1, 31, 23, 59, 59, 999999))
    february_midnight = dispatched("B", "城管局", cst(2024, 2, 1))
    march_midnight = dispatched("C", "城管局", cst(2024, 3, 1))
    last_instant = dispatched("D", "城管局", cst(2024, 2, 29, 23, 59, 59, 999999))
    result = report(late_january, february_midnight, march_midnight, last_instant)
    assert unit_row(result, "城管局").received == 2
    january = report(late_january, february_midnight, month=Month(2024, 1))
    assert unit_row(january, "城管局").received == 1


# 承办件数 ----------------------------------------------------------------------------------

def test_received_counts_distinct_tickets_dispatched_to_the_unit_in_the_month():
    twice = dispatched("A", "城管局", cst(2024, 2, 3))
    twice.event("dispatched", cst(2024, 2, 9), unit="城管局")  # after a redo, same unit
    other = dispatched("B", "城管局", cst(2024, 2, 4))
    before = dispatched("C", "城管局", cst(2024, 1, 20)).reply(cst(2024, 2, 2))
    assert unit_row(report(twice, other, before), "城管局").received == 2


def test_a_redispatch_counts_for_the_new_unit_too():
    ticket = dispatched("A", "住建局", cst(2024, 2, 3))
    ticket.event("returned", cst(2024, 2, 3, 15), unit="住建局", reason="不属于本单位职责")
    ticket.dispatch("城管局", cst(2024, 2, 4))
    result = report(ticket)
    assert unit_row(result, "住建局").received == 1
    assert unit_row(result, "城管局").received == 1
    assert result.totals.received == 2 and result.totals.dispatched == 1


def test_catalogue_aliases_count_under_the_official_name():
    from agent_app.core.catalogue import Catalogue

    directory = UnitDirectory.from_catalogue(Catalogue.load(resources_dir() / "catalogues"))
    a = dispatched("A", "市交警支队", cst(2024, 2, 3))
    b = dispatched("B", "市公安局交管支队", cst(2024, 2, 4))
    result = report(a, b, directory=directory)
    row = unit_row(result, "市公安局交管支队")
    assert row.received == 2 and row.group == "city_departments"
    assert row.group_name == "市直和驻平单位"


# 超期件数 ----------------------------------------------------------------------------------

def test_overdue_when_the_first_reply_came_after_the_deadline():
    late = dispatched("A", "城管局", cst(2024, 2, 3)).reply(cst(2024, 2, 9))  # deadline 8th
    on_time = dispatched("B", "城管局", cst(2024, 2, 3)).reply(cst(2024, 2, 7))
    # The second reply after a redo is late, but only the first reply counts.
    redone = (dispatched("C", "城管局", cst(2024, 2, 3)).reply(cst(2024, 2, 4))
              .redo(cst(2024, 2, 5), days=1).reply(cst(2024, 2, 20)))
    # Replied in March, after the deadline: still overdue in February's report.
    replied_in_march = dispatched("D", "城管局", cst(2024, 2, 25)).reply(cst(2024, 3, 5))
    row = unit_row(report(late, on_time, redone, replied_in_march), "城管局")
    assert (row.received, row.overdue) == (4, 2)


def test_overdue_without_reply_only_when_the_deadline_is_before_the_months_end():
    passed = dispatched("A", "城管局", cst(2024, 2, 10))  # deadline 15 February
    still_running = dispatched("B", "城管局", cst(2024, 2, 27))  # deadline 3 March
    row = unit_row(report(passed, still_running), "城管局")
    assert (row.received, row.overdue) == (2, 1)


def test_for_the_month_in_progress_only_deadlines_already_passed_count():
    passed = dispatched("A", "城管局", cst(2024, 2, 3))  # deadline 8 February
    later = dispatched("B", "城管局", cst(2024, 2, 10))  # deadline 15 February
    row = unit_row(report(passed, later, as_of=cst(2024, 2, 12)), "城管局")
    assert row.overdue == 1


def test_an_approved_extension_moves_the_deadline():
    extended = (dispatched("A", "城管局", cst(2024, 2, 3))
                .extend(cst(2024, 2, 5), cst(2024, 2, 20)).reply(cst(2024, 2, 15)))
    pending = dispatched("B", "城管局", cst(2024, 2, 3))
    pending.event("extension", cst(2024, 2, 5), requested_deadline=cst(2024, 2, 20).isoformat(),
                  decision="pending", reason="需协调多个部门")
    pending.reply(cst(2024, 2, 15))
    row = unit_row(report(extended, pending), "城管局")
    assert row.overdue == 1  # only the ticket whose extension was never approved


def test_a_unit_that_returned_the_ticket_in_time_is_not_overdue():
    returned = dispatched("A", "住建局", cst(2024, 2, 3))
    returned.event("returned", cst(2024, 2, 4), unit="住建局", reason="不属于本单位职责")
    returned.dispatch("城管局", cst(2024, 2, 5))  # and 城管局 never replies: deadline 10th
    held_too_long = dispatched("B", "住建局", cst(2024, 2, 3))
    held_too_long.dispatch("城管局", cst(2024, 2, 12)).reply(cst(2024, 2, 14))  # 住建局: 8th
    result = report(returned, held_too_long)
    assert unit_row(result, "住建局").overdue == 1
    assert unit_row(result, "城管局").overdue == 1


def test_without_any_deadline_nothing_is_overdue():
    ticket = TicketHistory("A", cst(2024, 2, 1))
    ticket.event("dispatched", cst(2024, 2, 1, 1), unit="城管局")
    assert unit_row(report(ticket), "城管局").overdue == 0


# 重办量 -----------------------------------------------------------------------------------

def test_redo_counts_redo_events_in_the_month_for_the_unit():
    twice = (dispatched("A", "教育局", cst(2024, 1, 25)).reply(cst(2024, 1, 28))
             .redo(cst(2024, 2, 2)).reply(cst(2024, 2, 4)).redo(cst(2024, 2, 6)))
    in_march = dispatched("B", "教育局", cst(2024, 2, 20)).reply(cst(2024, 2, 25)).redo(
        cst(2024, 3, 1))
    result = report(twice, in_march)
    row = unit_row(result, "教育局")
    assert (row.received, row.redo) == (1, 2)  # ticket A came in January
    assert result.totals.redo == 2


def test_a_redo_without_a_unit_counts_for_the_unit_holding_the_ticket():
    ticket = dispatched("A", "住建局", cst(2024, 2, 1)).dispatch("城管局", cst(2024, 2, 2))
    ticket.reply(cst(2024, 2, 3)).event("redo", cst(2024, 2, 4), reason="来电人不满意")
    result = report(ticket)
    assert unit_row(result, "城管局").redo == 1
    assert unit_row(result, "住建局").redo == 0


# 满意率 -----------------------------------------------------------------------------------

def test_satisfaction_uses_the_latest_callback_per_ticket_in_the_month():
    redone = (dispatched("A", "供电公司", cst(2024, 2, 1)).reply(cst(2024, 2, 2))
              .callback(cst(2024, 2, 3), "dissatisfied", "dissatisfied").redo(cst(2024, 2, 3))
              .reply(cst(2024, 2, 5)).callback(cst(2024, 2, 6), "basically_satisfied",
                                               "satisfied"))
    unhappy = (dispatched("B", "供电公司", cst(2024, 2, 1)).reply(cst(2024, 2, 2))
               .callback(cst(2024, 2, 3), "dissatisfied", "basically_satisfied"))
    # Rated in January and March only: not this month's callbacks.
    outside = (dispatched("C", "供电公司", cst(2024, 1, 20)).reply(cst(2024, 1, 22))
               .callback(cst(2024, 1, 23), "dissatisfied", "dissatisfied")
               .callback(cst(2024, 3, 1), "dissatisfied", "dissatisfied"))
    row = unit_row(report(redone, unhappy, outside), "供电公司")
    assert (row.result_rated, row.result_satisfied) == (2, 1)
    assert (row.process_rated, row.process_satisfied) == (2, 2)
    assert row.result_satisfaction == 50.0 and row.process_satisfaction == 100.0


def test_a_callback_not_reached_leaves_the_earlier_rating_standing():
    ticket = (dispatched("A", "城管局", cst(2024, 2, 1)).reply(cst(2024, 2, 2))
              .callback(cst(2024, 2, 3), "satisfied", "dissatisfied")
              .callback(cst(2024, 2, 4), None, None))
    row = unit_row(report(ticket), "城管局")
    assert (row.result_satisfaction, row.process_satisfaction) == (100.0, 0.0)


def test_result_and_process_are_counted_on_their_own_ratings():
    only_result = (dispatched("A", "城管局", cst(2024, 2, 1)).reply(cst(2024, 2, 2))
                   .callback(cst(2024, 2, 3), "satisfied", None))
    both = (dispatched("B", "城管局", cst(2024, 2, 1)).reply(cst(2024, 2, 2))
            .callback(cst(2024, 2, 3), "dissatisfied", "satisfied"))
    row = unit_row(report(only_result, both), "城管局")
    assert (row.result_rated, row.process_rated) == (2, 1)
    assert (row.result_satisfaction, row.process_satisfaction) == (50.0, 100.0)


def test_no_rating_at_all_is_not_surveyed_not_zero():
    ticket = dispatched("A", "残联", cst(2024, 2, 1)).reply(cst(2024, 2, 2))
    row = unit_row(report(ticket), "残联")
    assert row.result_satisfaction is None and row.process_satisfaction is None
    assert row.result_rated == 0


def test_percentages_have_two_decimals_rounded_half_up():
    assert percentage(14, 15) == 93.33
    assert percentage(2, 3) == 66.67
    assert percentage(1, 8) == 12.5
    assert percentage(1, 200) == 0.5
    assert percentage(1, 16) == 6.25
    assert percentage(1, 1600) == 0.06  # 0.0625 → half up
    assert percentage(0, 7) == 0.0 and percentage(7, 7) == 100.0
    assert percentage(0, 0) is None and percentage(3, 0) is None


# 办结率, 回复率, 按时签收率 ------------------------------------------------------------------

def test_closed_and_reply_rates_by_the_months_end():
    closed = (dispatched("A", "城管局", cst(2024, 2, 1)).reply(cst(2024, 2, 2))
              .callback(cst(2024, 2, 3), "satisfied", "satisfied").close(cst(2024, 2, 3)))
    replied_late = dispatched("B", "城管局", cst(2024, 2, 26)).reply(cst(2024, 3, 2))
    replied = dispatched("C", "城管局", cst(2024, 2, 20)).reply(cst(2024, 2, 22))
    waiting = dispatched("D", "城管局", cst(2024, 2, 27))
    row = unit_row(report(closed, replied_late, replied, waiting), "城管局")
    assert row.closed_rate == 25.0 and row.reply_rate == 50.0


def test_on_time_acceptance_follows_the_acceptance_check_and_is_none_without_one():
    quick = dispatched("A", "城管局", cst(2024, 2, 1, 9)).accept(cst(2024, 2, 1, 9, 30))
    slow = dispatched("B", "城管局", cst(2024, 2, 1, 9)).accept(cst(2024, 2, 1, 15))
    never = dispatched("C", "城管局", cst(2024, 2, 1, 9))
    within_an_hour = report(quick, slow, never,
                            accepted_in_time=lambda d, a: a - d <= timedelta(hours=1))
    assert unit_row(within_an_hour, "城管局").on_time_accept_rate == 33.33
    assert unit_row(report(quick), "城管局").on_time_accept_rate is None
    assert report(quick).totals.on_time_accept_rate is None


# Ranking ------------------------------------------------------------------------------------

def _unit_with(unit: str, tickets: int, satisfied: int, rated: int, start: int) -> list:
    histories = []
    for n in range(tickets):
        history = dispatched(f"{unit}-{n}", unit, cst(2024, 2, 1 + n % 20)).reply(
            cst(2024, 2, 2 + n % 20))
        if n < rated:
            history.callback(cst(2024, 2, 3 + n % 20),
                             "satisfied" if n < satisfied else "dissatisfied", "satisfied")
        histories.append(history)
    return histories


def test_units_below_six_tickets_are_listed_but_not_ranked_and_ties_share_a_rank():
    histories = (_unit_with("甲", 6, 6, 6, 0) + _unit_with("乙", 8, 8, 8, 0)
                 + _unit_with("丙", 10, 5, 10, 0) + _unit_with("丁", 5, 5, 5, 0)
                 + _unit_with("戊", 7, 0, 0, 0))
    result = report(*histories)
    ranks = {u.unit: u.rank for u in result.units}
    assert ranks == {"甲": 1, "乙": 1, "丙": 3, "戊": 4, "丁": None}
    # Ranked first in rank order, then the rest.
    assert [u.unit for u in result.units] == ["乙", "甲", "丙", "戊", "丁"]
    assert all(u.group == OTHER_GROUP for u in result.units)


def test_units_are_grouped_by_the_tickets_unit_group_by_code_or_name():
    from agent_app.core.catalogue import Catalogue

    directory = UnitDirectory.from_catalogue(Catalogue.load(resources_dir() / "catalogues"))
    a = dispatched("A", "医保局", cst(2024, 2, 1), unit_group="县直单位")
    b = dispatched("B", "阳城镇", cst(2024, 2, 1), unit_group="pingyu_towns")
    c = dispatched("C", "某新单位", cst(2024, 2, 1), unit_group="企业")
    d = dispatched("D", "医保局", cst(2024, 2, 2))  # the group learnt from ticket A
    result = report(a, b, c, d, directory=directory)
    groups = {u.unit: (u.group, u.group_name) for u in result.units}
    assert groups == {"医保局": ("pingyu_departments", "县直单位"),
                      "阳城镇": ("pingyu_towns", "乡镇街道"), "某新单位": ("企业", "企业")}
    assert [code for code, _ in result.groups] == ["pingyu_departments", "pingyu_towns", "企业"]
    assert unit_row(result, "医保局").received == 2


# Contacts: appeal types, categories, hot topics, channels -----------------------------------

def test_contacts_by_appeal_type_category_and_channel_with_shares():
    tickets = [
        TicketHistory("A", cst(2024, 2, 1), appeal_type="consultation",
                      category=("政务服务", "网点服务")).answer(cst(2024, 2, 1, 0, 5)),
        TicketHistory("B", cst(2024, 2, 2), appeal_type="consultation",
                      category=("政务服务", "网点服务"), channel="web_message")
        .dispatch("税务局", cst(2024, 2, 2, 1)).reply(cst(2024, 2, 3)).close(cst(2024, 2, 4)),
        TicketHistory("C", cst(2024, 2, 3), appeal_type="complaint",
                      category=("城市管理", "噪音扰民")).dispatch("城管局", cst(2024, 2, 3, 1)),
        TicketHistory("D", cst(2024, 1, 31, 23, 59), appeal_type="report"),  # January
        TicketHistory("E", cst(2024, 2, 4), appeal_type="help", category=None),
    ]
    result = report(*tickets)
    assert [(r.key, r.count, r.share) for r in result.appeal_types] == [
        (("consultation",), 2, 50.0), (("help",), 1, 25.0), (("complaint",), 1, 25.0)]
    assert [(r.key, r.count) for r in result.categories] == [(("政务服务",), 2), (("城市管理",), 1)]
    assert [(r.key, r.count, r.share) for r in result.hot_topics] == [
        (("政务服务", "网点服务"), 2, 50.0), (("城市管理", "噪音扰民"), 1, 25.0)]
    totals = result.totals
    assert (totals.contacts, totals.answered_directly, totals.dispatched) == (4, 1, 2)
    assert (totals.hot_topics_count, totals.hot_topics_share) == (3, 75.0)
    channels = {c.channel: c for c in result.channels}
    assert channels["web_message"].dispatched == 1 and channels["web_message"].closed == 1
    assert channels["web_message"].reply_rate == 100.0
    assert channels["phone_12345"].contacts == 3
    assert channels["phone_12345"].closed_rate == 0.0


def test_hot_topics_keep_the_ten_largest():
    tickets = [TicketHistory(f"T{n}-{k}", cst(2024, 2, 1 + k % 25),
                             category=("城市管理", f"问题{n:02d}"))
               for n in range(12) for k in range(n + 1)]
    result = report(*tickets)
    assert len(result.hot_topics) == 10
    assert result.hot_topics[0].key == ("城市管理", "问题11")
    assert result.totals.hot_topics_count == sum(range(3, 13))


# Whole report -------------------------------------------------------------------------------

def test_an_empty_month_is_an_empty_report():
    result = report(dispatched("A", "城管局", cst(2024, 1, 5)).reply(cst(2024, 1, 6)))
    assert result.is_empty
    data = report_to_dict(result)
    assert data["month"] == "2024-02"
    assert data["units"] == [] and data["appeal_types"] == [] and data["hot_topics"] == []
    assert data["totals"]["contacts"] == 0 and data["totals"]["result_satisfaction"] is None
    assert compute_report([], FEB).is_empty


def test_the_json_shape_names_every_field_of_the_issue():
    data = report_to_dict(report(dispatched("A", "城管局", cst(2024, 2, 1))))
    assert {"month", "units", "appeal_types", "categories", "hot_topics", "totals"} <= set(data)
    assert {"unit", "group", "received", "overdue", "redo", "result_satisfaction",
            "process_satisfaction", "closed_rate", "reply_rate", "rank"} <= set(data["units"][0])


@pytest.mark.parametrize(("record", "message"), [
    ([], "JSON object"),
    ({"id": "X"}, "missing field 'created_at'"),
    ({"id": "X", "created_at": "2024-02-01T08:00:00+08:00", "channel": "phone_12345",
      "appeal_type": "complaint", "status": "registered", "unit_group": 3}, "unit_group"),
    ({"id": "X", "created_at": "2024-02-01T08:00:00+08:00", "channel": "phone_12345",
      "appeal_type": "complaint", "status": "dispatched",
      "events": [{"id": "e", "at": "2024-02-01T09:00:00+08:00", "kind": "dispatched",
                  "unit": "城管局", "deadline": "soon"}]}, "X"),
    ({"id": "X", "created_at": "2024-02-01T08:00:00+08:00", "channel": "phone_12345",
      "appeal_type": "complaint", "status": "dispatched",
      "events": [{"id": "e", "at": "2024-02-01T09:00:00+08:00", "kind": "dispatched",
                  "unit": ["城管局"]}]}, "unit is not text"),
])
def test_malformed_tickets_are_refused_with_a_reason(record, message):
    with pytest.raises(InterchangeError, match=message):
        report_ticket_from_dict(record)
