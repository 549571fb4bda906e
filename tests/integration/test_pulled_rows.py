"""A pulled page stores its events' data as the text the check encoded: the same rows as when
the bulk insert encodes it itself (and as the ORM writes, tests/integration/test_bulk_insert)."""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.core.wire import checked_event_data
from agent_app.storage.database import open_database
from tests.factories import dispatched, make_ticket

_DATA = st.dictionaries(st.sampled_from(["note", "unit", "reason", "n"]),
                        st.one_of(st.text(max_size=20), st.integers(), st.booleans(),
                                  st.none(), st.lists(st.text(max_size=4), max_size=3)),
                        max_size=3)


def table(path: Path, name: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        columns = [c[1] for c in conn.execute(f"PRAGMA table_info({name})")
                   if c[1] != "updated_at"]
        return conn.execute(f"SELECT {', '.join(columns)} FROM {name} ORDER BY id").fetchall()
    finally:
        conn.close()


@settings(max_examples=15, deadline=None)
@given(st.lists(st.lists(_DATA, min_size=1, max_size=3), min_size=1, max_size=5))
def test_event_data_encoded_by_the_check_is_stored_as_the_bulk_insert_encodes_it(shapes):
    tickets = []
    for n, datas in enumerate(shapes):
        base = make_ticket(f"P-{n:04d}", phone=f"1390000{n:04d}", events=len(datas))
        base = dispatched(base, "市城市管理局") if n % 2 else base
        tickets.append(replace(base, events=[replace(e, data=data) for e, data in
                                             zip(base.events, datas + [{}] * 9, strict=False)]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        given_texts, encoded_here = (open_database(folder / "checked.db"),
                                     open_database(folder / "plain.db"))
        try:
            with given_texts.unit_of_work() as uow:
                uow.tickets.insert_many_from_server(
                    [(t, 5 + n) for n, t in enumerate(tickets)],
                    [checked_event_data(t) if n % 3 else None for n, t in enumerate(tickets)])
                uow.commit()
            with encoded_here.unit_of_work() as uow:
                uow.tickets.insert_many_from_server([(t, 5 + n) for n, t in enumerate(tickets)])
                uow.commit()
            with given_texts.unit_of_work() as uow:
                for ticket in tickets:
                    stored = uow.tickets.get(ticket.id)
                    assert stored is not None
                    assert ({e.id: e.data for e in stored.events}
                            == {e.id: e.data for e in ticket.events})
        finally:
            given_texts.close()
            encoded_here.close()
        for name in ("tickets", "ticket_events"):
            assert table(folder / "checked.db", name) == table(folder / "plain.db", name)
