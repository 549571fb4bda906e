"""Commit-ordered versions on a real PostgreSQL: two transactions, the first to take a version
commits last. A pull between the two commits must not expose the later version first, or a
client's cursor would move past the earlier one and never see it."""

import threading
import time

import pytest
from sqlalchemy import select

from central_api import db as database
from central_api.models import VersionCounter
from central_api.sync import next_version


@pytest.fixture
def engine(postgres_cluster):
    engine = database.make_engine(postgres_cluster.create_database())
    database.upgrade(engine)
    yield engine
    engine.dispose()


def test_a_second_writer_waits_for_the_first_so_versions_commit_in_order(engine):
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
    time.sleep(0.5)
    assert "v2" not in got, "the second writer must wait for the first to commit"
    with sessions() as reader:  # what a pull would see now: nothing newer than committed work
        assert reader.scalar(select(VersionCounter.value)) == v1 - 1
    first.commit()
    first.close()
    thread.join(timeout=10)
    assert got["v2"] == v1 + 1


def test_a_rolled_back_writer_leaves_no_hole_that_hides_later_changes(engine):
    sessions = database.session_factory(engine)
    with sessions() as aborted:
        taken = next_version(aborted)
        aborted.rollback()
    with sessions() as writer:
        assert next_version(writer) == taken  # the counter rolled back with it
        writer.commit()
