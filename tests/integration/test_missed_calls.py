"""漏接回拨: `agent-app call --missed` keeps the call in the local cache; callbacks are
recorded; the month's report counts them from the cache as from a file."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from agent_app.core.calendar import CHINA_TZ
from agent_app.storage.database import DB_FILENAME, open_database
from agent_app.storage.missed_calls import (
    awaiting_callback,
    missed_call_records,
    record_callback,
)
from tests.cli import agent_app


def test_a_missed_call_from_the_command_line_is_called_back_and_counted(tmp_path):
    data_dir = tmp_path / "data"
    first = agent_app("--data-dir", str(data_dir), "call", "--missed", "--number",
                      "13912345678", "--at", "2026-11-23T09:00:00+08:00")
    assert first.returncode == 0, first.stderr
    second = agent_app("--data-dir", str(data_dir), "call", "--missed", "--number",
                       "03752345678", "--at", "2026-11-23T10:00:00+08:00")
    assert second.returncode == 0, second.stderr
    naive = agent_app("--data-dir", str(data_dir), "call", "--missed", "--number",
                      "13912345678", "--at", "2026-11-23T09:00:00")
    assert naive.returncode == 2 and "offset" in naive.stderr
    first_id, second_id = first.stdout.strip(), second.stdout.strip()

    db = open_database(data_dir / DB_FILENAME)
    try:
        assert [c["id"] for c in awaiting_callback(db)] == [first_id, second_id]
        missed_at = datetime(2026, 11, 23, 9, 0, tzinfo=CHINA_TZ)
        record_callback(db, first_id, missed_at + timedelta(minutes=12), reached=True,
                        actor="op01")
        record_callback(db, second_id, missed_at + timedelta(hours=2), reached=False,
                        actor="op01")
        assert [c["id"] for c in awaiting_callback(db)] == [second_id]
        lines = missed_call_records(db, datetime(2026, 11, 1, tzinfo=CHINA_TZ),
                                    datetime(2026, 12, 1, tzinfo=CHINA_TZ))
    finally:
        db.close()

    from_cache = agent_app("--data-dir", str(data_dir), "report", "--month", "2026-11")
    assert from_cache.returncode == 0, from_cache.stderr
    counted = json.loads(from_cache.stdout)["network"]["missed_calls"]
    assert counted == {"missed": 2, "called_back": 2, "reached": 1, "within_policy": 1}
    source = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    from_file = agent_app("--data-dir", str(data_dir), "report", "--month", "2026-11",
                          "--from-jsonl", "-", stdin=source.encode())
    assert from_file.returncode == 0, from_file.stderr
    assert json.loads(from_file.stdout)["network"]["missed_calls"] == counted
