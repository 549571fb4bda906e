"""A flood of sign-ins must not slow signed-in clients down (issue 15, item 4).

Found: 150 unauthenticated login threads pushed a signed-in client's pull from 0.009 s to
12.3 s, past the client's timeout, because each login held a database connection (and one of
the server's request threads) while it hashed. Now sign-in hashes on a small pool of its own
threads with no connection held.

The server runs in a process of its own (`agent-api serve`), as in production: in this process
the 150 flooding threads would compete with it for the interpreter. To measure the hashing and
not the lockout, this server's sign-in lockouts are set out of reach (`serve
--lockout-after`); test_a_flood_of_wrong_passwords_is_locked_out checks the lockout itself.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.clients import signed_in

ROOT = Path(__file__).resolve().parents[2]
FLOOD_THREADS = 150
PULLS = 7
# Asked for by the issue: the client's read timeout is well above it.
PULL_BOUND_S = 1.0


class Served:
    def __init__(self, db_url: str, log: Path, *, lockouts: bool) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        never = [] if lockouts else ["--lockout-after", "1000000000", "1000000000"]
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "central_api.cli", "serve", "--db", db_url, "--port",
                 str(port), "--demo-users", *never], cwd=ROOT, stdout=out,
                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, log.read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def flooded_server(tmp_path: Path, server_db_url: str) -> Iterator[Served]:
    served = Served(server_db_url, tmp_path / "server.log", lockouts=False)
    yield served
    served.stop()


def flood(url: str, stop: threading.Event, answers: list[int]) -> list[threading.Thread]:
    def guess(n: int) -> None:
        with requests.Session() as http:
            while not stop.is_set():
                try:
                    reply = http.post(f"{url}/api/v1/auth/login", timeout=(5, 60),
                                      json={"username": f"op0{n % 2 + 1}", "password": "guess"})
                    answers.append(reply.status_code)
                except requests.RequestException as exc:
                    answers.append(-1)
                    del exc

    threads = [threading.Thread(target=guess, args=(n,), daemon=True)
               for n in range(FLOOD_THREADS)]
    for thread in threads:
        thread.start()
    return threads


def test_a_signed_in_clients_pull_keeps_answering_while_150_threads_flood_the_login(
        flooded_server):
    client = signed_in(flooded_server.url, "lead01")
    stop = threading.Event()
    answers: list[int] = []
    threads = flood(flooded_server.url, stop, answers)
    try:
        while len(answers) < FLOOD_THREADS:  # every flooding thread has had an answer
            time.sleep(0.05)
        before = len(answers)
        latencies = []
        for _ in range(PULLS):
            started = time.perf_counter()
            page = client.pull(0, limit=100, epoch=None)
            latencies.append(time.perf_counter() - started)
            assert "changes" in page
        during = len(answers) - before
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    median = statistics.median(latencies)
    print(f"pull under a {FLOOD_THREADS}-thread login flood: median {median:.3f} s, "
          f"max {max(latencies):.3f} s over {PULLS} pulls (bound {PULL_BOUND_S} s); "
          f"{during} logins answered meanwhile, {len(answers)} in all")
    # The logins were really checked (hashed) all along, not refused before any work, and
    # the flood went on while the pulls were measured.
    assert set(answers) == {401}
    assert during > 0
    assert median < PULL_BOUND_S, latencies


def test_a_flood_of_wrong_passwords_is_locked_out(tmp_path):
    served = Served(f"sqlite:///{tmp_path / 'central.db'}", tmp_path / "server.log",
                    lockouts=True)
    try:
        stop = threading.Event()
        answers: list[int] = []
        threads = flood(served.url, stop, answers)
        while len(answers) < 500:  # the 500 guesses
            time.sleep(0.05)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        # Each account gets its 5 guesses (the address its 30) before the lockout, which
        # answers without hashing; more get a 401 only if already in flight (one a thread).
        assert set(answers) == {401, 429}
        assert answers.count(401) <= 30 + FLOOD_THREADS
        assert answers.count(429) >= len(answers) - 30 - FLOOD_THREADS
    finally:
        served.stop()
