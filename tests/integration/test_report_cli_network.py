"""`agent-app report --from-jsonl` refuses what it cannot count, by line number, and exits
non-zero: today's Chinese rating words made every unit 未抽访 with exit 0."""

from __future__ import annotations

import json
from pathlib import Path

from agent_app.commands.report import EXIT_OK, EXIT_PARTIAL, run_report
from agent_app.core.interchange import ticket_to_dict
from tests.factories import make_ticket


def _lines(tmp_path: Path, *records: dict) -> Path:
    path = tmp_path / "tickets.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def _ticket(ticket_id: str, *events: dict) -> dict:
    data = ticket_to_dict(make_ticket(ticket_id))
    data["events"] = [*data["events"], *events]
    return data


def _event(number: int, kind: str, at: str, **extra) -> dict:
    return {"id": f"e-{number}", "at": at, "kind": kind, "actor": "x", **extra}


def test_chinese_rating_words_and_unknown_kinds_are_line_numbered_errors(tmp_path, capsys):
    good = _ticket("T-1", _event(1, "dispatched", "2026-11-23T11:00:00+08:00", unit="新华区"))
    chinese = _ticket("T-2", _event(2, "dispatched", "2026-11-23T11:00:00+08:00", unit="新华区"),
                      _event(3, "callback", "2026-11-25T11:00:00+08:00", reached=True,
                             result="满意", process="满意"))
    unknown = _ticket("T-3", _event(4, "handed_over", "2026-11-23T11:00:00+08:00"))
    source = _lines(tmp_path, good, chinese, unknown)
    assert run_report(tmp_path, "2026-11", source=source, fmt="json") == EXIT_PARTIAL
    captured = capsys.readouterr()
    assert "line 2:" in captured.err and "unknown rating 满意" in captured.err
    assert "line 3:" in captured.err and "unknown event kind handed_over" in captured.err
    report = json.loads(captured.out)
    assert report["network"]["units"][0]["unit"] == "新华区"
    assert report["network"]["units"][0]["received"] == 1  # only the good line counted


def test_missed_call_lines_are_counted_and_checked(tmp_path, capsys):
    call = {"record": "missed_call", "id": "M-1", "events": [
        {"kind": "missed_call", "at": "2026-11-23T11:00:00+08:00", "number": "13800000000"},
        {"kind": "missed_callback", "at": "2026-11-23T11:12:00+08:00", "reached": True}]}
    broken = {"record": "missed_call", "id": "M-2", "events": [
        {"kind": "missed_callback", "at": "2026-11-23T11:12:00+08:00", "reached": "是"}]}
    assert run_report(tmp_path, "2026-11", source=_lines(tmp_path, call),
                      fmt="json") == EXIT_OK
    tables = json.loads(capsys.readouterr().out)["network"]["missed_calls"]
    assert tables == {"missed": 1, "called_back": 1, "reached": 1, "within_policy": 1}
    assert run_report(tmp_path, "2026-11", source=_lines(tmp_path, call, broken),
                      fmt="json") == EXIT_PARTIAL
    assert "line 2:" in capsys.readouterr().err
