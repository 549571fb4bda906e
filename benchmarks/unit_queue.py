"""A unit account's queue on a server holding 100,000 tickets (issue #16, "Done when").

A real central API on loopback (SQLite file), 100,000 stored tickets spread over the units of
the catalogue; the unit signed in holds some, assists on some (协办, found by the text of the
ticket). The figure is the median latency of GET /unit/tickets; the baseline is GET /auth/me
on the same server in the same run (sign-in check and one round trip, no tickets read).

    python benchmarks/unit_queue.py [--tickets 100000] [--calls 15]

Prints figures; the last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent_app.core.enums import Role  # noqa: E402
from agent_app.core.interchange import ticket_to_dict  # noqa: E402
from agent_app.core.models import new_event_id  # noqa: E402
from agent_app.sync.client import CentralClient  # noqa: E402
from central_api.accounts import add_user  # noqa: E402
from central_api.embedded import start_embedded  # noqa: E402
from central_api.models import TicketRecord  # noqa: E402
from central_api.workflow import _catalogue  # noqa: E402
from tests.factories import dispatched, make_ticket  # noqa: E402

UNIT, UNIT_CODE = "新华区", "pds-qu-xhq"
PASSWORD = "benchmark-2026"


def fill(sessions, count: int) -> tuple[int, int]:
    units = [u.name for u in _catalogue().units]
    template = dispatched(make_ticket("B-0"), units[0])
    held = assisted = 0
    now = datetime.now(UTC)
    with sessions() as session:
        rows = []
        for number in range(count):
            unit = UNIT if number % 200 == 0 else units[number % len(units)]
            ticket = replace(template, id=f"B-{number:06d}", unit=unit)
            data = ticket_to_dict(ticket)
            if number % 500 == 7:  # some tickets name the unit as an assisting unit
                data["events"].append({"id": new_event_id(), "at": now.isoformat(),
                                       "kind": "assist_requested", "actor": "op01",
                                       "unit": UNIT, "lead_unit": unit})
                assisted += 1
            held += unit == UNIT
            rows.append(TicketRecord(id=ticket.id, data=json.dumps(data, ensure_ascii=False),
                                     status=ticket.status.value, unit=unit, version=number + 1,
                                     deleted=False, updated_at=now))
            if len(rows) == 10_000:
                session.add_all(rows)
                session.commit()
                rows = []
        session.add_all(rows)
        session.commit()
    return held, assisted


def median_latency(call, calls: int) -> float:
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = start_embedded(f"sqlite:///{Path(folder) / 'central.db'}",
                                seed_demo_users=True)
        try:
            sessions = server.server.config.app.state.sessions
            with sessions() as session:
                add_user(session, username="xhq", role=Role.UNIT, display_name="新华区",
                         unit_code=UNIT_CODE, password=PASSWORD, actor="benchmark")
            started = time.perf_counter()
            held, assisted = fill(sessions, args.tickets)
            print(f"stored {args.tickets} tickets in {time.perf_counter() - started:.1f} s "
                  f"({held} held by {UNIT}, {assisted} it assists on)")
            client = CentralClient(server.url, timeout=(5, 60))
            client.token = client.login("xhq", PASSWORD).token
            queue = client.get("/unit/tickets")
            queue_s = median_latency(lambda: client.get("/unit/tickets"), args.calls)
            baseline_s = median_latency(lambda: client.get("/auth/me"), args.calls)
        finally:
            server.stop()
    print(f"GET /unit/tickets: {queue_s:.3f} s median for {len(queue)} tickets "
          f"(baseline GET /auth/me {baseline_s:.3f} s, ratio {queue_s / baseline_s:.1f})")
    print(json.dumps({"tickets": args.tickets, "queue_rows": len(queue),
                      "unit_queue_s": round(queue_s, 4), "baseline_s": round(baseline_s, 4),
                      "ratio": round(queue_s / baseline_s, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
