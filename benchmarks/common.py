"""Shared by the benchmarks: a local cache filled with many tickets, and percentiles."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from datetime import timedelta

from agent_app.storage import ops
from agent_app.storage.database import Database
from agent_app.storage.repositories import ticket_payload
from tests.factories import make_ticket


def fill_cache(db: Database, tickets: int, *, batch: int = 10_000) -> float:
    """`tickets` synced tickets, one a minute back in time, each caller a different phone,
    five tickets per address (as a city's repeat callers spread). Returns the seconds."""
    base = make_ticket()
    started = time.perf_counter()
    for start in range(0, tickets, batch):
        records = []
        for n in range(start, min(start + batch, tickets)):
            ticket = replace(base, id=f"BULK-{n:07d}", caller=replace(
                base.caller, phone=f"139{n:08d}"), address=address_of(n),
                created_at=base.created_at - timedelta(minutes=n),
                events=[replace(base.events[0], id=str(uuid.UUID(int=n)))])
            records.append(ticket_payload(ticket))
        ops.import_synced_tickets(db, records)
    return time.perf_counter() - started


def address_of(n: int) -> str:
    return f"五一路{n % 20_000}号"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
