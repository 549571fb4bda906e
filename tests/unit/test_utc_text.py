"""Stored times are the same text as strftime(UTC_TEXT_FORMAT) made: rows written before and
after the faster formatting compare as times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from agent_app.storage.schema import UTC_TEXT_FORMAT, utc_text

_ZONES = st.builds(lambda minutes, seconds: timezone(timedelta(minutes=minutes,
                                                                seconds=seconds)),
                   st.integers(-23 * 60, 23 * 60), st.sampled_from([0, 0, 1, 59]))


@given(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31),
                    timezones=st.one_of(st.just(UTC), _ZONES)))
def test_a_time_is_stored_as_strftime_wrote_it(moment):
    assert utc_text(moment) == moment.astimezone(UTC).strftime(UTC_TEXT_FORMAT)


def test_a_year_before_1000_keeps_the_text_strftime_gives_it():
    moment = datetime(999, 5, 1, 12, tzinfo=UTC)
    assert utc_text(moment) == moment.strftime(UTC_TEXT_FORMAT)
