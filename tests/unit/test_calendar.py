from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.core.calendar import CHINA_TZ, CalendarOverride, WorkingCalendar

CAL = WorkingCalendar()


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CHINA_TZ)


def test_official_holidays_and_make_up_workdays_come_from_chinesecalendar():
    assert not CAL.is_workday(date(2025, 10, 1))  # National Day
    assert CAL.is_workday(date(2025, 9, 28))  # Sunday made a workday (调休)
    assert not CAL.is_workday(date(2026, 1, 1))
    assert CAL.is_workday(date(2026, 11, 23))  # an ordinary Monday


def test_years_the_package_does_not_know_fall_back_to_weekdays():
    assert CAL.is_workday(date(2031, 3, 3))  # Monday
    assert not CAL.is_workday(date(2031, 3, 1))  # Saturday


def test_server_overrides_win_over_the_package():
    cal = WorkingCalendar.from_overrides([
        CalendarOverride(date(2026, 11, 23), workday=False, note="centre closed"),
        CalendarOverride(date(2026, 11, 22), workday=True, note="Sunday shift"),
    ])
    assert not cal.is_workday(date(2026, 11, 23))
    assert cal.is_workday(date(2026, 11, 22))


def test_working_days_skip_the_national_day_week_and_count_the_make_up_saturday():
    # 2025-09-30 (Tue) + 1 working day: Oct 1–8 are holidays, Oct 11 (Sat) is a make-up day,
    # Oct 9 (Thu) is the first working day after.
    assert CAL.add_working_days(at(2025, 9, 30, 16), 1) == datetime.combine(
        date(2025, 10, 9), time(23, 59, 59), CHINA_TZ)
    assert CAL.add_working_days(at(2025, 9, 30, 16), 3).date() == date(2025, 10, 11)


def test_the_start_day_does_not_count_even_when_it_is_a_working_day():
    assert CAL.add_working_days(at(2026, 11, 23, 8), 1).date() == date(2026, 11, 24)
    assert CAL.add_working_days(at(2026, 11, 20, 17), 1).date() == date(2026, 11, 23)  # Fri→Mon


def test_working_hours_skip_lunch_nights_and_weekends():
    assert CAL.add_working_hours(at(2026, 11, 23, 11, 0), 2) == at(2026, 11, 23, 15, 0)
    assert CAL.add_working_hours(at(2026, 11, 20, 17, 0), 2) == at(2026, 11, 23, 10, 0)
    assert CAL.add_working_hours(at(2026, 11, 21, 10, 0), 1) == at(2026, 11, 23, 9, 30)
    assert CAL.add_working_hours(at(2026, 11, 23, 6, 0), 1) == at(2026, 11, 23, 9, 30)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        CAL.add_working_hours(datetime(2026, 11, 23, 10), 1)
    with pytest.raises(ValueError):
        CAL.add_working_days(at(2026, 11, 23), 0)


moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 1),
                       timezones=st.just(CHINA_TZ))


@settings(max_examples=150, deadline=None)
@given(start=moments, minutes=st.integers(min_value=1, max_value=60 * 7 * 15))
def test_adding_working_time_and_measuring_it_back_agree(start, minutes):
    end = CAL.add_working_hours(start, minutes / 60)
    assert end > start
    assert CAL.working_time_between(start, end) == timedelta(minutes=minutes)
    assert CAL.working_time_between(end, start) == -timedelta(minutes=minutes)
    # The deadline lands inside (or at the end of) a working period of a working day.
    assert CAL.is_workday(end.date())
    assert any(begin < end.time() <= finish for begin, finish in CAL.periods)


@settings(max_examples=100, deadline=None)
@given(start=moments, days=st.integers(min_value=1, max_value=30))
def test_working_day_deadlines_fall_on_working_days_and_grow_with_days(start, days):
    deadline = CAL.add_working_days(start, days)
    assert CAL.is_workday(deadline.date())
    assert deadline.date() > start.date()
    assert CAL.add_working_days(start, days + 1) > deadline
    counted = sum(
        CAL.is_workday(start.date() + timedelta(days=n))
        for n in range(1, (deadline.date() - start.date()).days + 1)
    )
    assert counted == days
