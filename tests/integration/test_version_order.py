"""Commit-ordered visibility on a real PostgreSQL without a global lock: writers take
versions side by side, and a pull reads only below the smallest version a transaction still
in flight holds, so a client's cursor never moves past a version that commits later."""

import threading

import pytest
from sqlalchemy import text

from central_api import db as database
from central_api.versions import newest_version, next_version, pull_horizon


@pytest.fixture
def engine(postgres_cluster):
    engine = database.make_engine(postgres_cluster.create_database())
    database.upgrade(engine)
    yield engine
    engine.dispose()


def test_writers_do_not_wait_for_each_other_and_the_horizon_stops_at_the_first(engine):
    sessions = database.session_factory(engine)
    first = sessions()
    v1 = next_version(first)  # taken, not yet committed
    got: dict[str, int] = {}

    def second_writer() -> None:
        with sessions() as second:
            got["v2"] = next_version(second)
            second.commit()

    thread = threading.Thread(target=second_writer)
    thread.start()
    thread.join(timeout=10)
    assert got["v2"] > v1, "the second writer went ahead without waiting for the first"
    with sessions() as reader:  # what a pull would see now: nothing from v1 on
        assert pull_horizon(reader) == v1
    first.commit()
    first.close()
    with sessions() as reader:
        assert pull_horizon(reader) == got["v2"] + 1 == newest_version(reader) + 1


def test_a_rolled_back_or_killed_writer_does_not_hold_the_horizon_back(engine):
    sessions = database.session_factory(engine)
    with sessions() as aborted:
        taken = next_version(aborted)
        aborted.rollback()
    with sessions() as reader:
        assert pull_horizon(reader) == taken + 1
    # A writer whose connection dies mid-transaction: PostgreSQL drops its lock with it.
    dying = sessions()
    next_version(dying)
    pid = dying.execute(text("SELECT pg_backend_pid()")).scalar()
    with sessions() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.commit()
    with sessions() as reader:
        assert pull_horizon(reader) == newest_version(reader) + 1
    dying.invalidate()  # its connection is gone: nothing to roll back


def test_many_versions_in_one_transaction_hold_the_horizon_at_the_first(engine):
    sessions = database.session_factory(engine)
    with sessions() as writer:
        taken = [next_version(writer) for _ in range(300)]
        with sessions() as reader:
            assert pull_horizon(reader) == taken[0]
        writer.commit()
    assert taken == sorted(taken) and len(set(taken)) == 300


def test_concurrent_pushes_and_pulls_never_skip_a_version(engine):
    """Eight writers commit in random order while a reader pulls by cursor below the
    horizon: every version committed is seen, none after a larger one."""
    import random

    from central_api.models import ServerMeta

    sessions = database.session_factory(engine)
    committed: set[int] = set()
    lock = threading.Lock()

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(25):
            with sessions() as s:
                version = next_version(s)
                s.add(ServerMeta(key=f"v{version}", value=str(version)))
                threading.Event().wait(rng.uniform(0, 0.01))
                s.commit()
                with lock:
                    committed.add(version)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    seen: list[int] = []
    cursor = 0
    while any(t.is_alive() for t in threads) or len(seen) < len(committed):
        with sessions() as reader:
            horizon = pull_horizon(reader)
            rows = reader.execute(text(
                "SELECT value::bigint FROM server_meta WHERE key LIKE 'v%' "
                "AND value::bigint > :c AND value::bigint < :h ORDER BY value::bigint"),
                {"c": cursor, "h": horizon}).scalars().all()
        seen += rows
        cursor = rows[-1] if rows else cursor
    assert seen == sorted(committed) and len(seen) == 200
