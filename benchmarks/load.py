"""Load (issue #10): many simulated clients push and pull against the central API on PostgreSQL.

Every simulated client signs in through /auth/login as a user of its own and speaks the real
protocol through `CentralClient`: it pushes numbered mutations (client_id + mutation_id, with
its epoch, cursor and last acknowledged id) in batches and pulls pages of changes after its
cursor, then the KB feed, as `SyncEngine.sync_once` does. In a loop it thinks for a moment
(a random 0.5–1.5 × `--think` seconds), registers a ticket now and then, follows up on one of
its own (dispatch, direct answer for a consultation, note; leads also supervise tickets other
people dispatched), then syncs: push, pull, KB pull, and on its first sync the reference
documents (catalogues, deadline policy, calendar). Every HTTP request is timed by kind. Two
leads supervising one ticket at once is a real conflict: the server rejects the second
(counted, not an error). A think of 5 s is some ten times what 200 operators do, and about
what a 2-core machine running both the server and the clients keeps up with; at 1 s (issue
20's goal) such a machine is past its capacity and requests queue: compare with the floor.

Two kinds of client, because the real client's local cache costs more CPU than this 2-core
machine can spare for 200 of them: every client holds every ticket, so each one created is
written into 200 SQLite files, and the clients would then measure their own queueing for the
CPU, not the server.
- engine clients (`--engine-clients`, default 10) are the real thing: `SyncEngine` over an
  SQLite cache of their own (`open_database`), tickets registered and followed up through
  `ops`, as the screens do;
- protocol clients (the rest) keep the same state in memory: an outbox of numbered mutations,
  the cursor and epoch, the version of every ticket they hold, their own tickets as they last
  changed them (commands applied with the same core code the engine uses).

The server is `central_api.app.create_app` under uvicorn in a process of its own, with
`--server-workers` worker processes: the epoch is read per request and versions come from a
sequence with no global lock (central_api/versions.py), so several processes may serve one
database; the schema and the first epoch are written before the workers start, so they do not
race to migrate. It keeps idle connections longer than uvicorn's 5 s (ServerProcess says why).

THE FLOOR, measured first in the same run (`--floor-seconds`, default 20): the same clients in
the same processes, signed in, with the same think times, make the same three requests per
cycle as a sync (push, pull, KB pull), each a GET /auth/me, the smallest authenticated route
(the sign-in check and a small answer). It is what the framework, the sign-in check, HTTP and
the clients' own requests cost at that rate on this machine; each kind is printed beside it,
with the ratio at p95. The CPU seconds of the client processes, of the server (uvicorn and its
workers) and of PostgreSQL are printed per phase (Linux), since clients and server share the
machine's cores and a costly load generator takes CPU the server would otherwise have.

Clients are threads, spread over `--client-processes` processes (default 2): a client spends
most of its time asleep or waiting for the server, so a thread each is cheap, and two
interpreters keep one GIL from queueing 200 threads' JSON work behind each other (which would
be measured as request latency). Alembic's migration context is global, so each process opens
its engine clients' caches one after another before the threads start.

Benchmark users get a password hash with few PBKDF2 iterations: 200 sign-ins at the
production cost would keep the server's CPUs busy for half a minute before the load starts.
The sign-in path itself is the real one.

When time is up every client pushes what it still holds and pulls, all processes wait for each
other, and every client pulls once more. Then the FINAL STATE CHECK:
- every ticket any client created is on the server exactly once (no ticket lost, none twice,
  none nobody sent), and its content is what was sent: the creation as its creator sent it
  with every follow-up the server acknowledged as applied, replayed in the server's order
  through the same command code; events nobody sent, or sent ones missing, are mismatches;
- every client holds every ticket on the server, each at the server's version, and nothing is
  left in any outbox.

    python benchmarks/load.py [--clients 200] [--seconds 60] [--database-url URL]
                              [--engine-clients 10] [--think 5.0]
                              [--server-workers 2] [--client-processes 2]
                              [--floor-seconds 20]

Without --database-url a throwaway PostgreSQL cluster is started (tests/postgres.py); a given
database should be empty (tickets already on it are pulled by every client, not checked).
Prints figures and the check; the last line is JSON. Exits 1 if any request failed (non-2xx
or an exception) or the check found a mismatch.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path: a module here named like one of the
# standard library's (benchmarks/queue.py once shadowed `queue`, which concurrent.futures and
# psycopg import) would break the imports below, so the folder is taken off before them.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import queue  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from contextlib import contextmanager, suppress  # noqa: E402
from dataclasses import dataclass, field, replace  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from functools import cache  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

from agent_app.core.actions import (  # noqa: E402
    CommandKind,
    CommandRefusedError,
    TicketCommand,
    allowed_commands,
    apply_command,
    next_supervision_level,
)
from agent_app.core.calendar import CHINA_TZ  # noqa: E402
from agent_app.core.creation import creation_steps, registered_ticket  # noqa: E402
from agent_app.core.enums import (  # noqa: E402
    AppealType,
    Channel,
    Role,
    TicketStatus,
    Urgency,
)
from agent_app.core.intake import new_ticket_id  # noqa: E402
from agent_app.core.interchange import ticket_from_dict, ticket_to_dict  # noqa: E402
from agent_app.core.lifecycle import Action, SideEvent  # noqa: E402
from agent_app.core.models import (  # noqa: E402
    Caller,
    CategoryPath,
    LocationPath,
    Ticket,
    TicketEvent,
    new_event_id,
)
from agent_app.core.wire import parse_intake  # noqa: E402
from agent_app.sync.client import ApiError, CentralClient, ServerUnreachableError  # noqa: E402
from benchmarks.common import percentile  # noqa: E402

if TYPE_CHECKING:
    from multiprocessing.synchronize import Barrier

    from fastapi import FastAPI

    from agent_app.core.reference import ReferenceData
    from agent_app.storage.database import Database
    from agent_app.sync.engine import SyncEngine

DB_URL_ENV = "HOTLINE_LOAD_DB_URL"
PASSWORD = "load-bench"
# Few iterations on purpose (module docstring); verify_password reads them from the hash.
BENCH_HASH_ITERATIONS = 1_000
LEAD_EVERY = 10  # one client in ten is a team lead
NEW_TICKET_SHARE = 0.6  # of cycles that register a ticket
FOLLOW_UP_SHARE = 0.5  # of cycles that act on a ticket
LEAD_OTHERS_SHARE = 0.5  # of a lead's follow-ups that supervise a dispatched ticket
PUSH_BATCH = 200  # as SyncEngine
PAGE_SIZE = 500  # as SyncEngine
DRAIN_ROUNDS = 5
KEEP_ALIVE_SECONDS = 75  # idle connections the server keeps (ServerProcess says why)
PHASE_TIMEOUT = 900.0  # seconds a process waits for the others at a phase boundary
MAX_MESSAGES = 10  # error and mismatch messages shown
FLOOR_PATH = "/auth/me"  # the smallest authenticated route: a token check and a user
FLOOR_KINDS = ("push", "pull", "kb")  # what each floor request stands in for
OP_CREATE = "ticket.create"
OP_ACTION = "ticket.action"
KINDS = {"/sync/push": "push", "/sync/pull": "pull", "/kb/articles": "kb",
         "/auth/login": "login", "/catalogues": "reference", "/deadline-policy": "reference",
         "/calendar/overrides": "reference"}
SHOWN_KINDS = ("push", "pull", "kb", "ticket", "reference", "other")
FOLLOW_UPS: tuple[CommandKind, ...] = (Action.DISPATCH, Action.ANSWER, SideEvent.NOTE,
                                       SideEvent.SUPERVISION)
SUPERVISABLE = frozenset({TicketStatus.DISPATCHED.value, TicketStatus.ACCEPTED.value})
UNITS = ("市城市管理局", "平顶山燃气公司", "市交通运输局", "平顶山热力集团", "市公安局交管支队")
APPEALS = (
    (AppealType.COMPLAINT, CategoryPath("城市管理", "路灯照明"),
     "校门口两侧路灯长期不亮，晚上接孩子很不安全。", "希望尽快修复路灯"),
    (AppealType.HELP, CategoryPath("公共服务", "供暖"),
     "家中暖气不热，室温不到十五度，老人受不了。", "希望热力公司上门检修"),
    (AppealType.REPORT, CategoryPath("城市管理", "占道经营"),
     "小区门口早市占道经营，车辆无法通行。", "希望城管依法处理"),
    (AppealType.CONSULTATION, CategoryPath("公共服务", "供水"),
     "咨询停水通知的具体恢复时间。", "希望告知恢复供水时间"),
)
ANSWER_TEXT = "已根据知识库向来电人说明供水恢复时间及临时取水点。"
NOTE_TEXT = "来电人再次来电催办，情绪较急，请尽快处理。"
NOTICE_TEXT = "请承办单位加快办理进度，按时反馈办理结果。"


@dataclass(frozen=True)
class Account:
    username: str
    role: Role
    engine: bool  # a real SyncEngine over SQLite, or the protocol in memory


# Server ----------------------------------------------------------------------------------
def server_app() -> FastAPI:
    """The uvicorn factory each worker process calls; the database comes from the parent."""
    from central_api.app import create_app

    return create_app(os.environ[DB_URL_ENV])


SERVE = """
import os, sys
import uvicorn
if sys.argv[3]:  # --pin: the workers it starts inherit the CPUs
    os.sched_setaffinity(0, {int(cpu) for cpu in sys.argv[3].split(",")})
uvicorn.run("benchmarks.load:server_app", factory=True, host="127.0.0.1",
            port=int(sys.argv[1]), workers=int(sys.argv[2]), log_level="info",
            access_log=False, timeout_keep_alive=KEEP_ALIVE)
"""


class ServerProcess:
    """uvicorn with its workers, in processes of their own; their log goes to a file, read
    back when something went wrong. Idle connections are kept for KEEP_ALIVE_SECONDS, as a
    reverse proxy in front of it would: with uvicorn's 5 s, a client that thinks about that
    long sends its next request just as the server closes the connection, and gets a reset
    for a request the server never saw (CentralClient retries push and pull, not the rest)."""

    def __init__(self, db_url: str, workers: int, log: Path,
                 cpus: set[int] | None = None) -> None:
        import requests

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-c", SERVE.replace("KEEP_ALIVE", str(KEEP_ALIVE_SECONDS)),
                 str(port), str(workers), ",".join(map(str, sorted(cpus or ())))], cwd=ROOT,
                env={**os.environ, DB_URL_ENV: db_url}, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_tail()}")
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not start")

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


def accounts(clients: int, engine_clients: int) -> list[Account]:
    """One user per client; one in ten a lead; the engine clients spread evenly."""
    engines = {k * clients // engine_clients for k in range(min(engine_clients, clients))}
    made = []
    for n in range(clients):
        lead = n % LEAD_EVERY == LEAD_EVERY - 1
        made.append(Account(f"load-{'lead' if lead else 'op'}-{n:03d}",
                            Role.LEAD if lead else Role.OPERATOR, n in engines))
    return made


def prepare_database(db_url: str, users: list[Account]) -> set[str]:
    """Schema, first epoch and the users, before any worker starts. Returns the tickets
    already on the server."""
    from sqlalchemy import select

    from central_api.app import create_app
    from central_api.models import TicketRecord, User
    from central_api.security import hash_password

    app = create_app(db_url)  # migrates and writes the first epoch
    password_hash = hash_password(PASSWORD, iterations=BENCH_HASH_ITERATIONS)
    try:
        with app.state.sessions() as s:
            existing = set(s.scalars(select(User.username)))
            s.add_all(User(username=user.username, display_name=user.username,
                           role=user.role.value, unit_code=None, password_hash=password_hash,
                           active=True, created_at=datetime.now(UTC))
                      for user in users if user.username not in existing)
            s.commit()
            return set(s.scalars(select(TicketRecord.id)
                                 .where(TicketRecord.deleted.is_(False))))
    finally:
        app.state.engine.dispose()


# Measuring -------------------------------------------------------------------------------
@dataclass
class Stats:
    """One client's requests in one phase: seconds per request kind, and what failed."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    messages: list[str] = field(default_factory=list)
    in_time: int = 0  # answered before the load's deadline

    def record(self, kind: str, seconds: float, *, in_time: bool) -> None:
        self.seconds.setdefault(kind, []).append(seconds)
        self.in_time += in_time

    def fail(self, kind: str, message: str) -> None:
        self.errors += 1
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(f"{kind}: {message}")

    def merge(self, other: Stats) -> None:
        for kind, values in other.seconds.items():
            self.seconds.setdefault(kind, []).extend(values)
        self.errors += other.errors
        self.in_time += other.in_time
        self.messages.extend(other.messages[:MAX_MESSAGES - len(self.messages)])

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.seconds.values()) + self.errors


@dataclass(frozen=True)
class Sent:
    """A mutation the server acknowledged as applied (or as already applied)."""

    username: str
    op: str
    entity_id: str
    args: dict[str, Any]
    version: int | None  # None for a duplicate: the applying reply was lost


def kind_of(path: str) -> str:
    if path.startswith("/tickets/"):
        return "ticket"
    return KINDS.get(path, "other")


class TimedClient(CentralClient):
    """The real client, with every request timed and sorted by kind; failures (any non-2xx,
    any exception) counted even when a retry then succeeds. Pushes keep a ledger of what the
    server applied, for the final check."""

    def __init__(self, base_url: str, username: str) -> None:
        super().__init__(base_url)
        self.username = username
        self.stats = Stats()
        self.deadline = float("inf")  # time.monotonic() when the load ends
        self.label: str | None = None  # the kind a floor request stands in for
        self.applied: dict[int, Sent] = {}  # by mutation id

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        kind = self.label or kind_of(path)
        started = time.perf_counter()
        try:
            result = super()._request(method, path, **kwargs)
        except ApiError as exc:
            self.stats.fail(kind, f"HTTP {exc.status} {exc.message}")
            raise
        except ServerUnreachableError as exc:
            self.stats.fail(kind, f"{exc} ({exc.__cause__!r})"[:300])
            raise
        self.stats.record(kind, time.perf_counter() - started,
                          in_time=time.monotonic() <= self.deadline)
        return result

    def push(self, client_id: str, mutations: list[dict[str, Any]], **standing: Any
             ) -> dict[str, Any]:
        reply: dict[str, Any] = super().push(client_id, mutations, **standing)
        sent = {m["mutation_id"]: m for m in mutations}
        for ack in reply["acks"]:
            mutation = sent.get(ack["mutation_id"])
            if mutation is None or ack["status"] == "rejected":
                continue
            if ack["status"] == "duplicate" and ack["mutation_id"] in self.applied:
                continue  # applied in an earlier reply, which gave its version
            self.applied[ack["mutation_id"]] = Sent(
                self.username, mutation["op"], mutation["entity_id"], mutation["args"],
                ack.get("version"))
        return reply


# Clients ---------------------------------------------------------------------------------
@dataclass
class Tally:
    registered: int = 0
    commands: int = 0
    refused_locally: int = 0  # the local copy no longer allowed the follow-up picked
    rejected: int = 0
    duplicates: int = 0
    conflicts: int = 0

    def merge(self, other: Tally) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@cache
def shipped_rules() -> ReferenceData:
    """The deadline policy and calendar the protocol clients apply commands with: the shipped
    ones, which a new server also serves."""
    from agent_app.core.reference import ReferenceData, shipped_documents
    from agent_app.paths import resources_dir

    return ReferenceData.from_documents(shipped_documents(resources_dir() / "catalogues"))


class LoadClient:
    """What both kinds of client do; subclasses keep the state and speak to the server."""

    def __init__(self, url: str, account: Account, *, seed: int, think: float) -> None:
        self.username = account.username
        self.role = account.role
        self.think = think
        self.rng = random.Random(seed)
        self.client = TimedClient(url, account.username)
        self.tally = Tally()
        self.setup_stats = self.client.stats
        self.load_stats = Stats()
        self.floor_stats = Stats()
        self.final_stats = Stats()
        self.load_ended = 0.0

    def thinking_until(self, deadline: float) -> Iterator[int]:
        """One cycle after each think (a random 0.5–1.5 × `think` s), until the next think
        would end past the deadline: then it sleeps to the deadline and stops."""
        cycle = 0
        while True:
            pause = self.rng.uniform(0.5, 1.5) * self.think
            if time.monotonic() + pause >= deadline:
                time.sleep(max(0.0, deadline - time.monotonic()))
                return
            time.sleep(pause)
            cycle += 1
            yield cycle

    def floor(self, deadline: float) -> None:
        """The floor: the same think times and the same requests per cycle as the load (a
        push, a pull, a KB pull), each a GET of the smallest authenticated route, so the
        server does the sign-in check and answers, and nothing else."""
        self.client.stats = self.floor_stats
        self.client.deadline = deadline
        for _cycle in self.thinking_until(deadline):
            for label in FLOOR_KINDS:
                self.client.label = label
                with suppress(ApiError, ServerUnreachableError):  # counted as failed
                    self.client.get(FLOOR_PATH)
            self.client.label = None
        self.client.stats = self.setup_stats

    def sign_in(self) -> None:
        # A failure is counted; every request the client makes then fails too.
        with suppress(ApiError, ServerUnreachableError):
            self.client.token = self.client.login(self.username, PASSWORD).token

    def run(self, deadline: float) -> None:
        """Think, work, sync until the deadline; then push what is left and pull."""
        self.client.stats = self.load_stats
        self.client.deadline = deadline
        for _cycle in self.thinking_until(deadline):
            self.work()
            self.sync()
        self.load_ended = time.time()
        self.client.stats = self.final_stats
        for _ in range(DRAIN_ROUNDS):
            self.sync()
            if self.unsent() == 0:
                break

    def work(self) -> None:
        try:
            if self.rng.random() < NEW_TICKET_SHARE or not self.has_own_tickets():
                self.register(self.new_ticket())
                self.tally.registered += 1
            if self.rng.random() < FOLLOW_UP_SHARE:
                self.follow_up()
        except (ApiError, ServerUnreachableError):
            pass  # counted by the request that failed
        except Exception as exc:  # a local failure is an error of the run, like a 500
            self.client.stats.fail("local", f"{type(exc).__name__}: {exc}")

    def sync(self) -> None:
        try:
            self.sync_once()
        except (ApiError, ServerUnreachableError):
            pass  # counted by the request that failed
        except Exception as exc:  # a gap, a local database error: errors of the run too
            self.client.stats.fail("sync", f"{type(exc).__name__}: {exc}")

    def new_ticket(self) -> Ticket:
        now = datetime.now(CHINA_TZ)
        appeal, category, content, demand = self.rng.choice(APPEALS)
        return Ticket(
            id=new_ticket_id(now), created_at=now, channel=Channel.PHONE_12345,
            appeal_type=appeal, urgency=Urgency.NORMAL, status=TicketStatus.REGISTERED,
            caller=Caller(name="张先生", phone=f"139{self.rng.randrange(10**8):08d}"),
            category=category, location=LocationPath("卫东区", "五一路街道", "五一路社区"),
            address=f"五一路{self.rng.randrange(1, 300)}号", content=content, demand=demand,
            events=[TicketEvent(new_event_id(), now, "registered", self.username)])

    def follow_up(self) -> None:
        others = self.role is Role.LEAD and self.rng.random() < LEAD_OTHERS_SHARE
        ticket = self.dispatched_ticket() if others else self.own_ticket()
        if ticket is None:
            return
        command = self.plan(ticket)
        if command is None:
            self.done_with(ticket.id)
            return
        try:
            self.perform(ticket, command)
        except CommandRefusedError:
            self.tally.refused_locally += 1
            return
        self.tally.commands += 1

    def plan(self, ticket: Ticket) -> TicketCommand | None:
        """A follow-up the screens would offer on this ticket now, or None."""
        consultation = ticket.appeal_type is AppealType.CONSULTATION
        kinds = [kind for kind in allowed_commands(ticket, self.role) if kind in FOLLOW_UPS
                 and (kind is not Action.ANSWER or consultation)
                 and (kind is not Action.DISPATCH or not consultation)]
        if not kinds:
            return None
        kind = self.rng.choice(kinds)
        data: dict[str, Any] = {}
        if kind is Action.DISPATCH:
            data = {"unit": self.rng.choice(UNITS)}
        elif kind is Action.ANSWER:
            data = {"text": ANSWER_TEXT}
        elif kind is SideEvent.NOTE:
            data = {"text": NOTE_TEXT}
        elif kind is SideEvent.SUPERVISION:
            level = next_supervision_level(ticket)
            data = {"level": level.value if level else "", "notice": NOTICE_TEXT}
        return TicketCommand(ticket.id, kind, datetime.now(CHINA_TZ), self.username, data)

    # What each kind of client does its own way.
    def has_own_tickets(self) -> bool:
        raise NotImplementedError

    def register(self, ticket: Ticket) -> None:
        raise NotImplementedError

    def own_ticket(self) -> Ticket | None:
        raise NotImplementedError

    def dispatched_ticket(self) -> Ticket | None:
        """A ticket someone dispatched (a lead supervises it)."""
        raise NotImplementedError

    def done_with(self, ticket_id: str) -> None:
        raise NotImplementedError

    def perform(self, ticket: Ticket, command: TicketCommand) -> None:
        raise NotImplementedError

    def sync_once(self) -> None:
        raise NotImplementedError

    def pull(self) -> None:
        raise NotImplementedError

    def unsent(self) -> int:
        raise NotImplementedError

    def view(self) -> dict[str, int | None]:
        """Ticket id → the server version this client holds."""
        raise NotImplementedError

    def close(self) -> None:
        self.client.close()


class EngineClient(LoadClient):
    """The real client's stack: SQLite cache, outbox, `ops` and `SyncEngine`."""

    def __init__(self, folder: Path, url: str, account: Account, *, seed: int,
                 think: float) -> None:
        from agent_app.storage.database import open_database
        from agent_app.sync.engine import SyncEngine

        super().__init__(url, account, seed=seed, think=think)
        self.db: Database = open_database(folder / f"{account.username}.db")
        self.engine: SyncEngine = SyncEngine(self.db, self.client)
        self.reference: ReferenceData | None = None
        self.own: list[str] = []  # its tickets that may still take a follow-up

    def has_own_tickets(self) -> bool:
        return bool(self.own)

    def register(self, ticket: Ticket) -> None:
        from agent_app.storage import ops

        ops.register_ticket(self.db, ticket)
        self.own.append(ticket.id)

    def own_ticket(self) -> Ticket | None:
        if not self.own:
            return None
        with self.db.unit_of_work() as uow:
            return uow.tickets.get(self.rng.choice(self.own))

    def dispatched_ticket(self) -> Ticket | None:
        from sqlalchemy import func, select

        from agent_app.storage.schema import TicketRow

        with self.db.unit_of_work() as uow:
            ticket_id = uow.session.scalar(select(TicketRow.id)
                                           .where(TicketRow.status.in_(SUPERVISABLE))
                                           .order_by(func.random()).limit(1))
            return uow.tickets.get(ticket_id) if ticket_id is not None else None

    def done_with(self, ticket_id: str) -> None:
        if ticket_id in self.own:
            self.own.remove(ticket_id)

    def perform(self, ticket: Ticket, command: TicketCommand) -> None:
        from agent_app.storage import ops
        from agent_app.storage.reference import load_reference

        if self.reference is None:
            self.reference = load_reference(self.db)
        ops.perform_ticket_command(self.db, command, reference=self.reference)

    def sync_once(self) -> None:
        report = self.engine.sync_once()
        self.tally.rejected += len(report.rejected)
        self.tally.duplicates += report.duplicates
        self.tally.conflicts += report.conflicts

    def pull(self) -> None:
        from agent_app.sync.engine import SyncReport

        report = SyncReport()
        self.engine.pull(report, lambda _progress: None)
        self.tally.conflicts += report.conflicts

    def unsent(self) -> int:
        with self.db.unit_of_work() as uow:
            return uow.outbox.pending_count()

    def view(self) -> dict[str, int | None]:
        from sqlalchemy import select

        from agent_app.storage.schema import TicketRow

        with self.db.unit_of_work() as uow:
            return {row.id: row.server_version for row in
                    uow.session.execute(select(TicketRow.id, TicketRow.server_version))}

    def close(self) -> None:
        super().close()
        self.db.close()


class ProtocolClient(LoadClient):
    """The sync protocol as `SyncEngine` speaks it, its state in memory (module docstring)."""

    def __init__(self, url: str, account: Account, *, seed: int, think: float) -> None:
        super().__init__(url, account, seed=seed, think=think)
        self.client_id = str(uuid.uuid4())
        self.next_mutation_id = 1
        self.outbox: list[dict[str, Any]] = []
        self.epoch: str | None = None
        self.cursor = 0
        self.acked = 0  # the last mutation id the server acknowledged
        self.kb_epoch: str | None = None
        self.kb_cursor = 0
        self.held: dict[str, int] = {}  # ticket id → version
        self.supervisable: set[str] = set()  # dispatched tickets, for a lead to supervise
        self.own: dict[str, Ticket] = {}  # its tickets that may still take a follow-up
        self.reference_fetched = False

    def queue(self, op: str, entity_id: str, args: dict[str, Any]) -> None:
        self.outbox.append({"mutation_id": self.next_mutation_id, "op": op,
                            "entity_id": entity_id, "args": args,
                            "base_version": self.held.get(entity_id)})
        self.next_mutation_id += 1

    def has_own_tickets(self) -> bool:
        return bool(self.own)

    def register(self, ticket: Ticket) -> None:
        """As the real client: the facts of the call, then its steps as commands."""
        self.own[ticket.id] = ticket
        facts, commands = creation_steps(ticket)
        self.queue(OP_CREATE, ticket.id, facts.to_dict())
        for command in commands:
            self.queue(OP_ACTION, ticket.id, command.to_dict())

    def own_ticket(self) -> Ticket | None:
        return self.own[self.rng.choice(list(self.own))] if self.own else None

    def dispatched_ticket(self) -> Ticket | None:
        candidates = sorted(self.supervisable - self.own.keys())
        if not candidates:
            return None
        # What a lead's screen shows comes from its cache; this client asks for the one it
        # picked (GET /tickets/{id}), instead of keeping every ticket in memory.
        return ticket_from_dict(self.client.get(f"/tickets/{self.rng.choice(candidates)}")
                                ["ticket"])

    def done_with(self, ticket_id: str) -> None:
        self.own.pop(ticket_id, None)

    def perform(self, ticket: Ticket, command: TicketCommand) -> None:
        rules = shipped_rules()
        changed = apply_command(ticket, command, policy=rules.policy, calendar=rules.calendar)
        if ticket.id in self.own:
            self.own[ticket.id] = changed
        self.queue(OP_ACTION, ticket.id, command.to_dict())

    def sync_once(self) -> None:
        self.push()
        self.pull()
        self.pull_kb()
        if not self.reference_fetched:  # as refresh_reference, on the first sync
            for path in ("/catalogues", "/deadline-policy", "/calendar/overrides"):
                self.client.get(path)
            self.reference_fetched = True

    def push(self) -> None:
        while self.outbox:
            batch = self.outbox[:PUSH_BATCH]
            reply = self.client.push(self.client_id, batch, epoch=self.epoch,
                                     cursor=self.cursor, after=self.acked)
            acks = {ack["mutation_id"]: ack for ack in reply["acks"]}
            for mutation in batch:
                ack = acks.get(mutation["mutation_id"])
                if ack is None:
                    continue
                if ack["status"] == "duplicate":
                    self.tally.duplicates += 1
                elif ack["status"] == "rejected":
                    self.tally.rejected += 1
                    self.restore(mutation["entity_id"])
            self.outbox = [m for m in self.outbox if m["mutation_id"] not in acks]
            self.acked = max([self.acked, *acks])
            if reply.get("gap_at") is not None:
                raise RuntimeError(f"the server reports a gap at {reply['gap_at']}")
            if not acks:
                return

    def restore(self, ticket_id: str) -> None:
        """A refused command never happened: the server's copy replaces the local one."""
        if ticket_id in self.own:
            self.own[ticket_id] = ticket_from_dict(self.client.get(f"/tickets/{ticket_id}")
                                                   ["ticket"])

    def pull(self) -> None:
        waiting = {m["entity_id"] for m in self.outbox}
        while True:
            page = self.client.pull(self.cursor, limit=PAGE_SIZE, epoch=self.epoch)
            for change in page["changes"]:
                ticket_id = change["id"]
                if change["deleted"]:
                    self.held.pop(ticket_id, None)
                    self.supervisable.discard(ticket_id)
                    self.own.pop(ticket_id, None)
                    continue
                self.held[ticket_id] = change["version"]
                if change["ticket"]["status"] in SUPERVISABLE:
                    self.supervisable.add(ticket_id)
                else:
                    self.supervisable.discard(ticket_id)
                if ticket_id in self.own and ticket_id not in waiting:
                    # Someone else's change to it (a lead's supervision) is now ours too.
                    self.own[ticket_id] = ticket_from_dict(change["ticket"])
            self.cursor, self.epoch = page["cursor"], page["server_epoch"]
            if not page["more"]:
                return

    def pull_kb(self) -> None:
        while True:
            page = self.client.pull_kb(self.kb_cursor, limit=PAGE_SIZE, epoch=self.kb_epoch)
            self.kb_cursor, self.kb_epoch = page["cursor"], page["server_epoch"]
            if not page["more"]:
                return

    def unsent(self) -> int:
        return len(self.outbox)

    def view(self) -> dict[str, int | None]:
        return dict(self.held)


# Client processes ------------------------------------------------------------------------
@dataclass(frozen=True)
class ClientJob:
    index: int
    url: str
    folder: str
    users: list[Account]
    seconds: float
    think: float
    seed: int
    floor_seconds: float
    watched: dict[str, list[int]]  # process trees whose CPU the first process notes
    cpus: set[int] | None = None  # --pin: the CPUs this process runs on


@dataclass
class ProcessOutcome:
    index: int
    crash: str | None = None
    load: Stats = field(default_factory=Stats)
    floor: Stats = field(default_factory=Stats)
    final: Stats = field(default_factory=Stats)
    tally: Tally = field(default_factory=Tally)
    applied: list[Sent] = field(default_factory=list)
    # CPU seconds per phase ("floor", "load"): this process's own ("clients"), and for the
    # first process those of the watched trees (server, postgres).
    cpu: dict[str, dict[str, float]] = field(default_factory=dict)
    started: float = 0.0
    ended: float = 0.0
    views_checked: int = 0
    view_mismatches: int = 0
    messages: list[str] = field(default_factory=list)


def client_process(job: ClientJob, phases: tuple[Barrier, ...],
                   results: multiprocessing.Queue[ProcessOutcome]) -> None:
    """Entry point of a client process; any failure is reported, never left hanging."""
    try:
        if job.cpus:
            os.sched_setaffinity(0, job.cpus)
        results.put(run_clients(job, *phases))
    except BaseException:
        for barrier in phases:
            barrier.abort()
        results.put(ProcessOutcome(job.index, crash=traceback.format_exc()))


def tree_cpu_seconds(roots: list[int]) -> float:
    """CPU seconds used so far by these processes and their descendants that are still
    running (Linux /proc; 0 elsewhere). Children that already exited are not counted."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    parents: dict[int, int] = {}
    used: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        used[pid] = int(fields[11]) + int(fields[12])
    total = 0
    for pid, ticks_used in used.items():
        walk = pid
        while walk > 1 and walk not in roots:
            walk = parents.get(walk, 0)
        total += ticks_used if walk in roots else 0
    return total / ticks


def cpu_marks(job: ClientJob) -> dict[str, float]:
    marks = {"clients": time.process_time()}
    if job.index == 0:
        marks.update({name: tree_cpu_seconds(roots) for name, roots in job.watched.items()})
    return marks


def run_clients(job: ClientJob, ready: Barrier, floored: Barrier,
                drained: Barrier) -> ProcessOutcome:
    folder = Path(job.folder)
    clients: list[LoadClient] = []
    for n, account in enumerate(job.users):
        seed = job.seed * 1_000_003 + n
        # One after another: Alembic's migration context is process-global.
        clients.append(EngineClient(folder, job.url, account, seed=seed, think=job.think)
                       if account.engine else
                       ProtocolClient(job.url, account, seed=seed, think=job.think))
    outcome = ProcessOutcome(job.index)
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        everyone(pool, LoadClient.sign_in, clients)
        ready.wait(PHASE_TIMEOUT)
        marks = [cpu_marks(job)]
        if job.floor_seconds > 0:
            floor_deadline = time.monotonic() + job.floor_seconds
            everyone(pool, lambda client: client.floor(floor_deadline), clients)
        floored.wait(PHASE_TIMEOUT)
        marks.append(cpu_marks(job))
        outcome.started = time.time()
        deadline = time.monotonic() + job.seconds
        everyone(pool, lambda client: client.run(deadline), clients)
        marks.append(cpu_marks(job))
        outcome.cpu = {phase: {name: marks[n + 1][name] - marks[n][name] for name in marks[n]}
                       for n, phase in enumerate(("floor", "load"))}
        drained.wait(PHASE_TIMEOUT)  # every client of every process has pushed everything
        everyone(pool, final_pull, clients)
    outcome.ended = max(client.load_ended for client in clients)
    server = server_versions(job.url, clients[0].client.token)
    for client in clients:
        held, unsent = client.view(), client.unsent()
        outcome.views_checked += len(server)
        missing = server.keys() - held.keys()
        extra = held.keys() - server.keys()
        stale = [ticket_id for ticket_id, version in server.items()
                 if ticket_id in held and held[ticket_id] != version]
        wrong = len(missing) + len(extra) + len(stale) + (1 if unsent else 0)
        outcome.view_mismatches += wrong
        if wrong and len(outcome.messages) < MAX_MESSAGES:
            outcome.messages.append(
                f"{client.username}'s view: {len(missing)} missing, {len(extra)} not on the "
                f"server, {len(stale)} at another version, {unsent} unsent mutation(s)")
        outcome.load.merge(client.load_stats)
        outcome.floor.merge(client.floor_stats)
        outcome.final.merge(client.setup_stats)  # sign-in: not part of the timed load
        outcome.final.merge(client.final_stats)
        outcome.tally.merge(client.tally)
        outcome.applied.extend(client.client.applied.values())
        client.close()
    return outcome


def final_pull(client: LoadClient) -> None:
    try:
        client.pull()
    except (ApiError, ServerUnreachableError):
        pass  # counted by the request that failed
    except Exception as exc:
        client.client.stats.fail("pull", f"{type(exc).__name__}: {exc}")


def everyone(pool: ThreadPoolExecutor, step: Callable[[LoadClient], None],
             clients: list[LoadClient]) -> None:
    for _ in pool.map(step, clients):  # re-raises what a client thread raised
        pass


def server_tickets(url: str, token: str | None) -> list[dict[str, Any]]:
    """Every change the server hands out from the start, as a client pulls it (untimed)."""
    client = CentralClient(url, token=token, timeout=(5, 120))
    changes: list[dict[str, Any]] = []
    cursor = 0
    try:
        while True:
            page = client.pull(cursor, limit=1000, epoch=None)
            changes += page["changes"]
            cursor = page["cursor"]
            if not page["more"]:
                return changes
    finally:
        client.close()


def server_versions(url: str, token: str | None) -> dict[str, int]:
    return {c["id"]: c["version"] for c in server_tickets(url, token) if not c["deleted"]}


# The final state check -------------------------------------------------------------------
@dataclass
class Check:
    tickets_checked: int = 0
    on_server: int = 0
    lost: int = 0
    duplicated: int = 0
    unexpected: int = 0
    content_mismatches: int = 0
    views_checked: int = 0
    view_mismatches: int = 0
    messages: list[str] = field(default_factory=list)

    @property
    def mismatches(self) -> int:
        return (self.lost + self.duplicated + self.unexpected + self.content_mismatches
                + self.view_mismatches)

    def note(self, message: str) -> None:
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(message)


@contextmanager
def server_rules(db_url: str) -> Iterator[tuple[Any, Any]]:
    """The deadline policy and working calendar the server applies commands with."""
    from central_api import db as database
    from central_api.commands import deadline_policy, working_calendar

    engine = database.make_engine(db_url)
    try:
        with database.session_factory(engine)() as s:
            yield deadline_policy(), working_calendar(s)
    finally:
        engine.dispose()


def check_server(url: str, token: str | None, db_url: str, applied: list[Sent],
                 before: set[str]) -> Check:
    check = Check()
    changes = [c for c in server_tickets(url, token) if not c["deleted"]]
    on_server = {c["id"]: c["ticket"] for c in changes}
    check.on_server = len(on_server)
    check.duplicated = len(changes) - len(on_server)
    created = {s.entity_id: s for s in applied if s.op == OP_CREATE}
    commands: dict[str, dict[str, Sent]] = {}
    for sent in applied:
        if sent.op == OP_ACTION:
            commands.setdefault(sent.entity_id, {})[sent.args["event_id"]] = sent
    unexpected = on_server.keys() - created.keys() - before
    check.unexpected = len(unexpected)
    for ticket_id in sorted(unexpected)[:3]:
        check.note(f"{ticket_id} is on the server but nobody created it")
    with server_rules(db_url) as (policy, calendar):
        for ticket_id, creation in created.items():
            check.tickets_checked += 1
            if ticket_id not in on_server:
                check.lost += 1
                check.note(f"{ticket_id}, created by {creation.username}, is not on the server")
                continue
            problem = compare(creation, commands.get(ticket_id, {}), on_server[ticket_id],
                              policy, calendar)
            if problem:
                check.content_mismatches += 1
                check.note(f"{ticket_id}: {problem}")
    return check


def compare(creation: Sent, commands: dict[str, Sent], stored: dict[str, Any],
            policy: Any, calendar: Any) -> str | None:
    """Why the server's copy is not the creation plus the applied follow-ups, or None."""
    server = ticket_from_dict(stored)
    order = [event.id for event in server.events]
    if len(order) != len(set(order)):
        return "an event is recorded twice"
    expected_ids = {creation.args["registered_event_id"]} | commands.keys()
    if set(order) != expected_ids:
        return (f"events missing {sorted(expected_ids - set(order))}, "
                f"not sent {sorted(set(order) - expected_ids)}")
    versions = [v for e in order if e in commands and (v := commands[e].version) is not None]
    if versions != sorted(versions):
        return "events are not in the order the server acknowledged them"
    ticket = registered_ticket(parse_intake(creation.args), creation.username)
    for event_id in order:
        if event_id in commands:
            sent = commands[event_id]
            command = replace(TicketCommand.from_dict(sent.args), actor=sent.username)
            try:
                ticket = apply_command(ticket, command, policy=policy, calendar=calendar)
            except CommandRefusedError as exc:
                return f"follow-up {event_id} does not apply in the server's order: {exc}"
    if ticket_to_dict(ticket) != ticket_to_dict(server):
        return "content differs from what was sent"
    return None


# Running ---------------------------------------------------------------------------------
@dataclass
class LoadResult:
    clients: int
    engine_clients: int
    leads: int
    processes: int
    server_workers: int
    pinned: str  # "" or which CPUs the server and the clients were pinned to
    think: float
    planned: float  # seconds clients start new cycles
    seconds: float  # until the last cycle under way then had finished
    load: Stats
    final: Stats
    tally: Tally
    check: Check
    floor: Stats = field(default_factory=Stats)
    floor_seconds: float = 0.0
    cpu: dict[str, dict[str, float]] = field(default_factory=dict)  # phase → who → seconds

    @property
    def errors(self) -> int:
        return self.load.errors + self.final.errors + self.floor.errors

    @property
    def unacknowledged(self) -> int:
        """Tickets registered whose creation the server never acknowledged."""
        return self.tally.registered - self.check.tickets_checked

    @property
    def mismatches(self) -> int:
        return self.check.mismatches + abs(self.unacknowledged)

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.mismatches == 0 and self.check.tickets_checked > 0


def pinned_cpus() -> tuple[set[int], set[int]]:
    """--pin: the last CPU this process may use for the server, the rest for the clients."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        raise SystemExit("--pin needs at least two CPUs")
    return {cpus[-1]}, set(cpus[:-1])


def drive_clients(url: str, folder: Path, users: list[Account], *, processes: int,
                  seconds: float, think: float, seed: int, floor_seconds: float,
                  watched: dict[str, list[int]],
                  cpus: set[int] | None = None) -> list[ProcessOutcome]:
    context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
    phases = tuple(context.Barrier(processes) for _ in range(3))  # ready, floored, drained
    results: multiprocessing.Queue[ProcessOutcome] = context.Queue()
    # Each kind dealt out on its own: the engine clients (the costly ones) once all fell into
    # the first process, whose GIL then slowed its protocol clients' requests too.
    engines, protocols = [u for u in users if u.engine], [u for u in users if not u.engine]
    jobs = [ClientJob(n, url, str(folder), engines[n::processes] + protocols[n::processes],
                      seconds, think, seed + n, floor_seconds, watched, cpus)
            for n in range(processes)]
    workers = [context.Process(target=client_process, args=(job, phases, results),
                               name=f"load-clients-{job.index}") for job in jobs]
    for worker in workers:
        worker.start()
    outcomes: list[ProcessOutcome] = []
    try:
        while len(outcomes) < len(workers):
            try:
                outcome = results.get(timeout=5)
            except queue.Empty:
                if any(w.exitcode not in (None, 0) for w in workers):
                    raise RuntimeError("a client process died") from None
                continue
            if outcome.crash:
                raise RuntimeError(f"client process {outcome.index} failed:\n{outcome.crash}")
            outcomes.append(outcome)
    finally:
        if len(outcomes) < len(workers):  # free the others from the phase barriers
            for barrier in phases:
                barrier.abort()
        for worker in workers:
            worker.join(timeout=60)
            if worker.is_alive():
                worker.kill()
    return outcomes


def run(args: argparse.Namespace) -> LoadResult:
    from tests.postgres import start_cluster

    users = accounts(args.clients, args.engine_clients)
    with tempfile.TemporaryDirectory(prefix="hotline-load-") as tmp:
        folder = Path(tmp)
        cluster = None if args.database_url else start_cluster()
        try:
            db_url = args.database_url if cluster is None else cluster.create_database()
            before = prepare_database(db_url, users)
            server_cpus, client_cpus = pinned_cpus() if args.pin else (None, None)
            server = ServerProcess(db_url, args.server_workers, folder / "server.log",
                                   server_cpus)
            watched = {"server": [server.process.pid]}
            if cluster is not None:
                with suppress(OSError, ValueError, IndexError):
                    watched["postgres"] = [int((cluster.data_dir / "postmaster.pid")
                                               .read_text().split()[0])]
            try:
                outcomes = drive_clients(server.url, folder, users,
                                         processes=min(args.client_processes, args.clients),
                                         seconds=args.seconds, think=args.think, seed=args.seed,
                                         floor_seconds=args.floor_seconds, watched=watched,
                                         cpus=client_cpus)
                load, final, tally, floor = Stats(), Stats(), Tally(), Stats()
                cpu: dict[str, dict[str, float]] = {}
                applied: list[Sent] = []
                for outcome in outcomes:
                    load.merge(outcome.load)
                    floor.merge(outcome.floor)
                    for phase, used in outcome.cpu.items():
                        for who, seconds in used.items():
                            cpu.setdefault(phase, {}).setdefault(who, 0.0)
                            cpu[phase][who] += seconds
                    final.merge(outcome.final)
                    tally.merge(outcome.tally)
                    applied += outcome.applied
                checker = CentralClient(server.url)
                token = checker.login(users[0].username, PASSWORD).token
                checker.close()
                check = check_server(server.url, token, db_url, applied, before)
                for outcome in outcomes:
                    check.views_checked += outcome.views_checked
                    check.view_mismatches += outcome.view_mismatches
                    for message in outcome.messages:
                        check.note(message)
                if load.errors or final.errors:
                    print(f"server log (end):\n{server.log_tail()}", file=sys.stderr)
            finally:
                server.stop()
        finally:
            if cluster is not None:
                cluster.stop()
    seconds = max(o.ended for o in outcomes) - min(o.started for o in outcomes)
    return LoadResult(clients=args.clients, engine_clients=sum(u.engine for u in users),
                      leads=sum(u.role is Role.LEAD for u in users), processes=len(outcomes),
                      server_workers=args.server_workers, think=args.think,
                      pinned=(f"server on CPU {sorted(server_cpus)}, clients on CPUs "
                              f"{sorted(client_cpus)}, PostgreSQL unpinned"
                              if server_cpus and client_cpus else ""),
                      planned=args.seconds, seconds=seconds, load=load, final=final,
                      tally=tally, check=check, floor=floor, floor_seconds=args.floor_seconds,
                      cpu=cpu)


def ms(values: list[float], q: float) -> float:
    return percentile(values, q) * 1000 if values else 0.0


def report(result: LoadResult) -> None:
    load, check, tally = result.load, result.check, result.tally
    requests = load.requests
    print(f"{result.clients} clients ({result.engine_clients} with SyncEngine and SQLite, "
          f"{result.leads} leads; think {result.think:g} s) in {result.processes} processes; "
          f"server: {result.server_workers} uvicorn workers on PostgreSQL"
          + (f"; PINNED: {result.pinned}" if result.pinned else ""))
    # The machine's own load beside the figures: on a shared 2-core machine they are bounds.
    print("load average " + " ".join(f"{value:.2f}" for value in os.getloadavg()))
    print(f"{load.in_time} requests answered in {result.planned:g} s: "
          f"{load.in_time / result.planned:.1f} requests/s ({requests - load.in_time} more to "
          f"finish the cycles under way, done after {result.seconds:.1f} s)")
    for kind in SHOWN_KINDS:
        values = load.seconds.get(kind, [])
        if values:
            print(f"  {kind:<9} {len(values):>7} requests  p50 {ms(values, 0.5):7.1f} ms  "
                  f"p95 {ms(values, 0.95):7.1f} ms  p99 {ms(values, 0.99):7.1f} ms")
    floor = result.floor
    if floor.requests:
        print(f"FLOOR, measured first in the same run: the same clients and think times for "
              f"{result.floor_seconds:g} s, each sync's push, pull and KB pull replaced by a "
              f"GET {FLOOR_PATH} (sign-in check only): {floor.in_time / result.floor_seconds:.1f}"
              f" requests/s, errors {floor.errors}")
        for kind in FLOOR_KINDS:
            values, real = floor.seconds.get(kind, []), load.seconds.get(kind, [])
            if values:
                ratio = ms(real, 0.95) / ms(values, 0.95) if real else 0.0
                print(f"  {kind:<9} {len(values):>7} requests  p50 {ms(values, 0.5):7.1f} ms  "
                      f"p95 {ms(values, 0.95):7.1f} ms  p99 {ms(values, 0.99):7.1f} ms  "
                      f"load/floor at p95 {ratio:.2f}")
    for phase, seconds in (("floor", result.floor_seconds), ("load", result.seconds)):
        used = result.cpu.get(phase)
        if used and seconds > 0:
            print(f"CPU in the {phase} phase (cores busy on average): " + ", ".join(
                f"{who} {value / seconds:.2f}" for who, value in sorted(used.items())))
    print(f"tickets registered {tally.registered}, follow-ups {tally.commands} "
          f"(refused by the local copy {tally.refused_locally}), rejected by the server "
          f"{tally.rejected}, duplicate acks {tally.duplicates}, conflicts {tally.conflicts}")
    print(f"sign-in, drain and final pull: {result.final.requests} requests more")
    print(f"errors: {result.errors}")
    for message in [*load.messages, *result.final.messages][:MAX_MESSAGES]:
        print(f"  {message}")
    print("FINAL STATE CHECK")
    print(f"  tickets checked {check.tickets_checked} (server holds {check.on_server}): "
          f"lost {check.lost}, duplicated {check.duplicated}, nobody's {check.unexpected}, "
          f"content differs {check.content_mismatches}, registered but never acknowledged "
          f"{result.unacknowledged}")
    print(f"  client views: {check.views_checked} ticket copies checked "
          f"({result.clients} clients), not at the server's version {check.view_mismatches}")
    print(f"  mismatches: {result.mismatches}")
    for message in check.messages:
        print(f"  {message}")
    print(json.dumps({
        "clients": result.clients, "seconds": result.planned, "requests": load.in_time,
        "requests_per_s": round(load.in_time / result.planned, 1),
        **{f"{kind}_p{q}_ms": round(ms(load.seconds.get(kind, []), q / 100), 1)
           for kind in ("push", "pull") for q in (50, 95, 99)},
        **{f"floor_{kind}_p{q}_ms": round(ms(result.floor.seconds.get(kind, []), q / 100), 1)
           for kind in ("push", "pull") for q in (50, 95, 99)},
        "push_p95_over_floor": round(ms(load.seconds.get("push", []), 0.95)
                                     / (ms(result.floor.seconds.get("push", []), 0.95) or 1), 2),
        "pinned": bool(result.pinned),
        "errors": result.errors, "tickets_checked": check.tickets_checked,
        "mismatches": result.mismatches,
        "load_average": [round(value, 2) for value in os.getloadavg()]}))


def main(argv: list[str] | None = None) -> LoadResult:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL URL (default: a throwaway cluster)")
    parser.add_argument("--engine-clients", type=int, default=10,
                        help="clients running the real SyncEngine over SQLite")
    parser.add_argument("--think", type=float, default=5.0,
                        help="mean seconds a client waits between cycles")
    parser.add_argument("--server-workers", type=int, default=2)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--pin", action="store_true",
                        help="server (uvicorn and workers) on the last CPU, client processes "
                             "on the others; PostgreSQL unpinned: measures the server on one "
                             "core, without the load generator taking its CPU")
    parser.add_argument("--floor-seconds", type=float, default=20.0,
                        help="seconds of the floor phase before the load (0: none)")
    result = run(parser.parse_args(argv))
    report(result)
    return result


if __name__ == "__main__":
    sys.exit(0 if main().ok else 1)
