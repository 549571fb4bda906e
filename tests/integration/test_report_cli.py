"""`agent-app report` as ops run it: its own process, real files, a real local cache."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from openpyxl import load_workbook

from agent_app.storage import ops
from agent_app.storage.database import DB_FILENAME, open_database
from tests.cli import agent_app
from tests.report_history import TicketHistory, cst


def february_histories() -> list[TicketHistory]:
    first = (TicketHistory("A", cst(2024, 2, 3, 9)).dispatch("市城市管理局", cst(2024, 2, 3, 10))
             .reply(cst(2024, 2, 4)).callback(cst(2024, 2, 5), "satisfied", "dissatisfied"))
    second = (TicketHistory("B", cst(2024, 2, 10, 9), channel="web_message")
              .dispatch("市城市管理局", cst(2024, 2, 10, 10)).reply(cst(2024, 2, 11))
              .redo(cst(2024, 2, 12)))
    answered = TicketHistory("C", cst(2024, 2, 11), appeal_type="consultation").answer(
        cst(2024, 2, 11, 0, 3))
    return [first, second, answered]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_bad_lines_are_reported_by_number_and_skipped(tmp_path):
    good = [json.dumps(h.as_dict(), ensure_ascii=False) for h in february_histories()]
    source = write_lines(tmp_path / "tickets.jsonl", [
        good[0], "{not json", good[1], "", '{"id": "X", "created_at": "yesterday"}', "[]",
        good[2]])
    result = agent_app("--data-dir", str(tmp_path / "data"), "report", "--month", "2024-02",
                       "--from-jsonl", str(source))
    assert result.returncode == 1, result.stderr
    assert "line 2: not JSON" in result.stderr
    assert "line 5: ticket X:" in result.stderr and "line 6:" in result.stderr
    assert "line 4" not in result.stderr  # a blank line is not an error
    report = json.loads(result.stdout)
    [unit] = report["units"]
    assert (unit["unit"], unit["group"], unit["received"], unit["redo"]) == (
        "市城市管理局", "city_departments", 2, 1)
    assert unit["result_satisfaction"] == 100.0 and unit["process_satisfaction"] == 0.0
    assert unit["rank"] is None
    assert report["totals"]["contacts"] == 3


def test_a_month_without_data_is_an_empty_report_not_an_error(tmp_path):
    source = write_lines(tmp_path / "tickets.jsonl",
                         [json.dumps(h.as_dict()) for h in february_histories()])
    from_file = agent_app("--data-dir", str(tmp_path / "data"), "report", "--month", "2023-07",
                          "--from-jsonl", str(source))
    fresh_cache = agent_app("--data-dir", str(tmp_path / "fresh"), "report", "--month",
                            "2024-02")
    for result in (from_file, fresh_cache):
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["units"] == [] and report["appeal_types"] == []
        assert report["totals"]["contacts"] == 0


def test_the_local_cache_gives_the_same_report_as_the_file(tmp_path):
    histories = february_histories()
    data_dir = tmp_path / "data"
    db = open_database(data_dir / DB_FILENAME)
    try:
        ops.import_synced_tickets(db, [h.as_dict() for h in histories])
    finally:
        db.close()
    source = write_lines(tmp_path / "tickets.jsonl",
                         [json.dumps(h.as_dict()) for h in histories])
    from_cache = agent_app("--data-dir", str(data_dir), "report", "--month", "2024-02")
    from_file = agent_app("--data-dir", str(data_dir), "report", "--month", "2024-02",
                          "--from-jsonl", "-", stdin=source.read_bytes())
    assert from_cache.returncode == 0 and from_file.returncode == 0, from_cache.stderr
    assert json.loads(from_cache.stdout) == json.loads(from_file.stdout)
    assert json.loads(from_cache.stdout)["units"][0]["received"] == 2


def test_xlsx_and_csv_files_and_refused_arguments(tmp_path):
    source = write_lines(tmp_path / "tickets.jsonl",
                         [json.dumps(h.as_dict()) for h in february_histories()])
    data = ("--data-dir", str(tmp_path / "data"))
    workbook = tmp_path / "out" / "二月.xlsx"
    workbook.parent.mkdir()
    written = agent_app(*data, "report", "--month", "2024-02", "--from-jsonl", str(source),
                        "-o", str(workbook))
    assert written.returncode == 0, written.stderr
    assert load_workbook(workbook).sheetnames == ["汇总", "市直和驻平单位"]
    table = tmp_path / "out" / "units.csv"  # the format follows the suffix
    assert agent_app(*data, "report", "--month", "2024-02", "--from-jsonl", str(source),
                     "-o", str(table)).returncode == 0
    [row] = list(csv.DictReader(table.open(encoding="utf-8-sig")))
    assert row["unit"] == "市城市管理局" and row["received"] == "2"

    no_output = agent_app(*data, "report", "--month", "2024-02", "--format", "xlsx",
                          "--from-jsonl", str(source))
    assert no_output.returncode == 2 and "-o FILE.xlsx" in no_output.stderr
    bad_month = agent_app(*data, "report", "--month", "2024-13", "--from-jsonl", str(source))
    assert bad_month.returncode == 2 and "YYYY-MM" in bad_month.stderr
    missing = agent_app(*data, "report", "--month", "2024-02", "--from-jsonl",
                        str(tmp_path / "nowhere.jsonl"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
