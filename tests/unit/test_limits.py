"""Sign-in lockouts and the push token bucket (central_api/limits.py), on a clock we move."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agent_app.core import refusals
from central_api import limits
from central_api.limits import Lockout, TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_lockout_starts_at_the_threshold_and_doubles_up_to_the_cap():
    clock = Clock()
    lockout = Lockout(threshold=5, base=30, cap=120, clock=clock)
    for _ in range(4):
        lockout.failed("user:op01")
        assert lockout.retry_after("user:op01") is None
    waits = []
    for _ in range(4):
        lockout.failed("user:op01")
        waits.append(lockout.retry_after("user:op01"))
    assert waits == [30, 60, 120, 120]
    clock.now += 119
    assert lockout.retry_after("user:op01") == 1
    clock.now += 1
    assert lockout.retry_after("user:op01") is None
    lockout.failed("user:op01")  # still counted: the next failure locks at once, longer
    assert lockout.retry_after("user:op01") == 120
    assert lockout.retry_after("user:op02") is None  # per key


def test_a_success_or_a_long_quiet_time_starts_the_count_again():
    clock = Clock()
    lockout = Lockout(threshold=3, base=30, forget_after=600, clock=clock)
    for _ in range(2):
        lockout.failed("k")
    lockout.succeeded("k")
    lockout.failed("k")
    assert lockout.retry_after("k") is None
    lockout.failed("k")
    clock.now += 601
    lockout.failed("k")
    assert lockout.retry_after("k") is None


def test_the_tables_are_bounded(monkeypatch):
    monkeypatch.setattr(limits, "MAX_KEYS", 50)
    lockout = Lockout(threshold=1, clock=Clock())
    bucket = TokenBucket(rate=1, burst=1, clock=Clock())
    for n in range(200):
        lockout.failed(f"user:made-up-{n}")
        bucket.take(f"user:{n}")
    assert len(lockout._keys) == len(bucket._keys) == 50
    assert lockout.retry_after("user:made-up-199") is not None  # the newest are kept


def test_the_bucket_allows_its_burst_then_its_rate():
    clock = Clock()
    bucket = TokenBucket(rate=2, burst=3, clock=clock)
    assert [bucket.take("u") for _ in range(3)] == [None, None, None]
    assert bucket.take("u") == 0.5
    clock.now += 0.5
    assert bucket.take("u") is None
    assert bucket.take("other") is None


@given(st.lists(st.floats(min_value=0, max_value=5), min_size=1, max_size=60))
def test_the_bucket_never_grants_more_than_burst_plus_rate_times_elapsed(gaps):
    clock = Clock()
    bucket = TokenBucket(rate=1.5, burst=4, clock=clock)
    granted = 0
    for gap in gaps:
        clock.now += gap
        if bucket.take("u") is None:
            granted += 1
    assert granted <= 4 + 1.5 * sum(gaps) + 1e-9


def test_too_many_names_the_wait_in_whole_seconds():
    refusal = limits.too_many(29.2, refusals.LOCKED_OUT)
    assert refusal.status_code == 429 and refusal.headers == {"Retry-After": "30"}
    assert "30 秒" in refusal.detail
    assert refusal.body["code"] == "locked_out" and refusal.body["values"] == ["30"]
