"""Limits that keep the server up (issue 15, item 4): failed sign-ins lock an account and a
source address out for a growing time, and each user's pushes draw from a token bucket.

In-process and in memory: each server process counts on its own (a restart forgets), which is
enough to turn 500 guesses in 46 s into a handful, and costs no database round trip. Both
tables are bounded, so a flood of made-up user names cannot grow them without end.
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from agent_app.core.refusals import PUSH_TOO_FAST, Refusal
from central_api.refused import RefusedAnswer, refuse

MAX_KEYS = 100_000  # per table; the least recently touched are forgotten first

Clock = Callable[[], float]


def too_many(retry_after: float, refusal: Refusal) -> RefusedAnswer:
    """A 429 whose sentence and Retry-After name the same whole seconds (its one value)."""
    seconds = max(1, math.ceil(retry_after))
    return refuse(refusal, seconds, headers={"Retry-After": str(seconds)})


@dataclass
class _Failures:
    count: int = 0
    locked_until: float = 0.0
    last: float = 0.0


@dataclass
class Lockout:
    """Failures per key (an account, an address). From the `threshold`-th failure on, each one
    locks the key for `base` seconds, doubling with every further failure up to `cap`. A key
    with no failure for `forget_after` seconds starts again from nothing; a success clears it."""

    threshold: int
    base: float = 30.0
    cap: float = 15 * 60.0
    forget_after: float = 30 * 60.0
    clock: Clock = time.monotonic
    _keys: OrderedDict[str, _Failures] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(self, key: str) -> float | None:
        """Seconds until `key` may try again, or None if it may now."""
        now = self.clock()
        with self._lock:
            entry = self._keys.get(key)
            if entry is None or entry.locked_until <= now:
                return None
            return entry.locked_until - now

    def failed(self, key: str) -> None:
        now = self.clock()
        with self._lock:
            entry = self._keys.pop(key, None)
            if entry is None or now - entry.last > self.forget_after:
                entry = _Failures()
            entry.count += 1
            entry.last = now
            if entry.count >= self.threshold:
                doublings = min(entry.count - self.threshold, 32)
                entry.locked_until = now + min(self.base * 2**doublings, self.cap)
            self._keys[key] = entry
            while len(self._keys) > MAX_KEYS:
                self._keys.popitem(last=False)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._keys.pop(key, None)


@dataclass
class TokenBucket:
    """Per key, up to `burst` requests at once, refilled at `rate` per second."""

    rate: float
    burst: float
    clock: Clock = time.monotonic
    _keys: OrderedDict[str, tuple[float, float]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str) -> float | None:
        """Take one token: None if there was one, else the seconds until there is."""
        now = self.clock()
        with self._lock:
            tokens, then = self._keys.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            if tokens >= 1:
                self._keys[key] = (tokens - 1, now)
                wait = None
            else:
                self._keys[key] = (tokens, now)
                wait = (1 - tokens) / self.rate
            while len(self._keys) > MAX_KEYS:
                self._keys.popitem(last=False)
            return wait


@dataclass
class ServerLimits:
    """The limits of one server (one database). Sign-in: an account is locked after 5
    failures; an address after 30 (a centre's seats may share one address, and one operator's
    typos must not lock the floor out). Pushes: a client pushes after each save and every few
    seconds, so 30 at once and 5 a second is far above any real seat."""

    account: Lockout = field(default_factory=lambda: Lockout(threshold=5))
    address: Lockout = field(default_factory=lambda: Lockout(threshold=30))
    password_change: Lockout = field(default_factory=lambda: Lockout(threshold=5))
    push: TokenBucket = field(default_factory=lambda: TokenBucket(rate=5.0, burst=30.0))


_by_engine: weakref.WeakKeyDictionary[Engine, ServerLimits] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def for_engine(engine: Engine, limits: ServerLimits | None = None) -> ServerLimits:
    """The limits of the server on `engine`; `limits` installs them (create_app does)."""
    with _registry_lock:
        if limits is not None:
            _by_engine[engine] = limits
        return _by_engine.setdefault(engine, ServerLimits())


def take_push(session: Session, user_id: int) -> None:
    """Called first thing in a push: raises 429 when this user pushes faster than allowed."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    wait = for_engine(engine).push.take(f"user:{user_id}")
    if wait is not None:
        raise too_many(wait, PUSH_TOO_FAST)
