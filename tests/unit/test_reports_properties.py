"""Properties of the monthly report over random ticket histories (hypothesis)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.core.calendar import CHINA_TZ, WorkingCalendar
from agent_app.core.deadlines import DeadlinePolicy, accept_deadline
from agent_app.core.reports import (
    Month,
    MonthlyReport,
    ReportEvent,
    ReportTicket,
    acceptance_check,
    compute_report,
)

MONTHS = (Month(2024, 1), Month(2024, 2), Month(2024, 3))
WINDOW_START = datetime(2024, 1, 1, tzinfo=CHINA_TZ)
WINDOW_SECONDS = int((Month(2024, 4).start - WINDOW_START).total_seconds())
UNITS = ("城管局", "住建局", "教育局", "供电公司")
KINDS = ("dispatched", "accepted", "replied", "extension", "redo", "callback", "closed",
         "merged", "returned", "supervised", "answered")
RATINGS = (None, "satisfied", "basically_satisfied", "dissatisfied")


def moments() -> st.SearchStrategy[datetime]:
    # Whole-hour offsets hit the months' midnights (Beijing time) often.
    return st.one_of(
        st.integers(0, WINDOW_SECONDS - 1).map(lambda s: WINDOW_START + timedelta(seconds=s)),
        st.integers(0, WINDOW_SECONDS // 3600 - 1).map(
            lambda h: WINDOW_START + timedelta(hours=h)),
        st.sampled_from(MONTHS).map(lambda m: m.end - timedelta(microseconds=1)))


@st.composite
def events(draw: st.DrawFn) -> ReportEvent:
    kind = draw(st.sampled_from(KINDS))
    return ReportEvent(
        at=draw(moments()), kind=kind,
        unit=draw(st.one_of(st.none(), st.sampled_from(UNITS))),
        deadline=draw(st.one_of(st.none(), moments())) if kind in (
            "dispatched", "redo", "extension") else None,
        result=draw(st.sampled_from(RATINGS)) if kind == "callback" else None,
        process=draw(st.sampled_from(RATINGS)) if kind == "callback" else None)


@st.composite
def tickets(draw: st.DrawFn, number: int) -> ReportTicket:
    registered = draw(moments())
    timeline = sorted(draw(st.lists(events(), max_size=10)), key=lambda e: e.at)
    return ReportTicket(
        id=f"T{number}", created_at=registered,
        channel=draw(st.sampled_from(("phone_12345", "web_message", "wechat"))),
        appeal_type=draw(st.sampled_from(("consultation", "complaint", "help"))),
        category=draw(st.one_of(st.none(), st.sampled_from(
            (("城市管理", "路灯照明"), ("政务服务", "网点服务"))))),
        unit=draw(st.sampled_from(UNITS)),
        deadline=draw(st.one_of(st.none(), moments())),
        events=(ReportEvent(registered, "registered"), *timeline))


@st.composite
def histories(draw: st.DrawFn) -> list[ReportTicket]:
    count = draw(st.integers(0, 15))
    return [draw(tickets(n)) for n in range(count)]


def all_rates(report: MonthlyReport) -> list[tuple[float | None, int]]:
    """(rate, its denominator) everywhere the report has a rate."""
    rates: list[tuple[float | None, int]] = []
    for unit in report.units:
        rates += [(unit.result_satisfaction, unit.result_rated),
                  (unit.process_satisfaction, unit.process_rated),
                  (unit.closed_rate, unit.received), (unit.reply_rate, unit.received)]
    for channel in report.channels:
        rates += [(channel.closed_rate, channel.dispatched),
                  (channel.reply_rate, channel.dispatched)]
    for row in (*report.appeal_types, *report.categories, *report.hot_topics):
        rates.append((row.share, report.totals.contacts))
    totals = report.totals
    rates += [(totals.result_satisfaction, totals.result_rated),
              (totals.process_satisfaction, totals.process_rated),
              (totals.closed_rate, totals.received), (totals.reply_rate, totals.received),
              (totals.hot_topics_share, totals.contacts)]
    return rates


@settings(max_examples=80, deadline=None)
@given(histories(), st.sampled_from(MONTHS))
def test_rates_are_within_0_and_100_and_none_exactly_when_nothing_to_divide_by(
        history: list[ReportTicket], month: Month) -> None:
    report = compute_report(history, month, as_of=Month(2024, 2).end)
    for rate, denominator in all_rates(report):
        if denominator == 0:
            assert rate is None
        else:
            assert rate is not None and 0 <= rate <= 100
    for unit in report.units:
        assert 0 <= unit.overdue <= unit.received and unit.closed <= unit.received
        assert unit.result_satisfied <= unit.result_rated
        assert unit.process_satisfied <= unit.process_rated
        assert (unit.rank is None) == (unit.received < 6)
    # One latest callback per ticket at most.
    assert report.totals.result_rated <= len(history)
    assert report.totals.process_rated <= len(history)


@settings(max_examples=50, deadline=None)
@given(histories())
def test_consecutive_months_share_out_redos_and_contacts_without_gap_or_overlap(
        history: list[ReportTicket]) -> None:
    reports = [compute_report(history, month) for month in MONTHS]
    redos = sum(1 for t in history for e in t.events if e.kind == "redo")
    assert sum(r.totals.redo for r in reports) == redos
    assert sum(r.totals.contacts for r in reports) == len(history)


@settings(max_examples=30, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_the_order_of_tickets_does_not_matter(history: list[ReportTicket],
                                               rng: random.Random) -> None:
    shuffled = list(history)
    rng.shuffle(shuffled)
    for month in MONTHS:
        assert compute_report(shuffled, month) == compute_report(history, month)


@settings(max_examples=100, deadline=None)
@given(moments())
def test_a_dispatch_counts_in_the_month_of_its_beijing_time_only(moment: datetime) -> None:
    ticket = ReportTicket("T", moment, "phone_12345", "complaint", None, "城管局", None,
                          (ReportEvent(moment, "dispatched", "城管局"),))
    for month in MONTHS:
        received = sum(u.received for u in compute_report([ticket], month).units)
        assert received == (1 if Month.of(moment) == month else 0)


_PERIOD_EDGES = (time(0), time(8, 30), time(12), time(14), time(17, 30), time(23, 59, 59))


@st.composite
def working_moments(draw: st.DrawFn) -> datetime:
    day = datetime(2024, 1, 1, tzinfo=CHINA_TZ) + timedelta(days=draw(st.integers(0, 360)))
    at = draw(st.one_of(st.sampled_from(_PERIOD_EDGES),
                        st.times().map(lambda t: t.replace(microsecond=0))))
    return day.replace(hour=at.hour, minute=at.minute, second=at.second)


@settings(max_examples=300, deadline=None)
@given(working_moments(), st.one_of(
    st.integers(0, 14 * 24 * 60).map(lambda m: timedelta(minutes=m)),
    st.sampled_from([timedelta(hours=h) for h in (0, 1, 2, 3.5, 5.5, 18, 21.5, 24, 26)])),
    st.sampled_from([0.5, 1, 2, 3.5, 7, 20]))
def test_the_fast_acceptance_check_agrees_with_the_deadline_rule(
        dispatched: datetime, wait: timedelta, hours: float) -> None:
    calendar = WorkingCalendar()
    policy = DeadlinePolicy(rules=(), accept_within_working_hours=hours)
    accepted = dispatched + wait
    expected = accepted <= accept_deadline(dispatched, policy, calendar)
    assert acceptance_check(policy, calendar)(dispatched, accepted) == expected
