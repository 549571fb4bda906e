"""More requests at once than the server has database connections (found by
benchmarks/load.py, issue #10). A request used to keep its connection between the thread-pool
steps FastAPI runs it in (the role check, then the endpoint); with enough requests in flight,
every thread waited for a connection held by a request waiting for a thread, until the pool's
30 s timeout answered 500 to some and the rest timed out."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests

from central_api.db import POOL_CONNECTIONS
from central_api.embedded import EmbeddedServer, start_embedded
from tests.clients import signed_in

IN_FLIGHT = 8 * POOL_CONNECTIONS  # and more than FastAPI's 40 threads


@pytest.fixture
def server(server_db_url: str) -> Iterator[EmbeddedServer]:
    started = start_embedded(server_db_url, seed_demo_users=True)
    yield started
    started.stop()


def test_many_more_requests_than_connections_all_get_their_answer(server):
    token = signed_in(server.url).token
    start = threading.Barrier(IN_FLIGHT)
    answers: list[int | str] = []

    def pull() -> None:
        start.wait()
        try:
            # Far below the pool's 30 s timeout: a deadlock shows as a timeout here.
            reply = requests.get(f"{server.url}/api/v1/sync/pull", params={"since": 0},
                                 headers={"Authorization": f"Bearer {token}"}, timeout=(5, 20))
            answers.append(reply.status_code)
        except requests.RequestException as exc:
            answers.append(type(exc).__name__)

    threads = [threading.Thread(target=pull) for _ in range(IN_FLIGHT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [200] * IN_FLIGHT


def test_a_refused_request_gives_its_connection_back(server):
    """The slot and the connection come back whichever way the endpoint ends."""
    token = signed_in(server.url).token
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(2 * POOL_CONNECTIONS):
        gone = requests.get(f"{server.url}/api/v1/tickets/NO-SUCH", headers=headers, timeout=5)
        assert gone.status_code == 404
        bad = requests.get(f"{server.url}/api/v1/sync/pull", params={"since": -1},
                           headers=headers, timeout=5)
        assert bad.status_code == 422
    assert requests.get(f"{server.url}/api/v1/sync/pull", headers=headers, timeout=5).ok
