"""`agent-app report --scores`: the published August 2023 bulletin (seed 001) reproduced — its
ranks, ties included, and exactly the call-ins it states — and every bad input refused whole.

The published tables are transcribed in tests/fixtures/bulletins/2023-08.json."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from agent_app.commands.report import shipped_directory
from tests.cli import agent_app
from tests.report_history import TicketHistory, cst

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bulletins"
AUGUST = json.loads((FIXTURES / "2023-08.json").read_text(encoding="utf-8"))


def month_of_tickets(units: list[str], per_unit: int, year: int, month: int) -> list[str]:
    """`per_unit` tickets for each unit, dispatched, replied and rated within the month."""
    lines = []
    for number, unit in enumerate(units):
        for n in range(per_unit):
            day = 1 + n * 3
            history = (TicketHistory(f"{year}{month:02d}-{number}-{n}", cst(year, month, day, 9))
                       .dispatch(unit, cst(year, month, day, 10))
                       .accept(cst(year, month, day, 11))
                       .reply(cst(year, month, day + 1, 9))
                       .callback(cst(year, month, day + 2, 9), "satisfied", "satisfied")
                       .close(cst(year, month, day + 2, 10)))
            lines.append(json.dumps(history.as_dict(), ensure_ascii=False))
    return lines


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def scores_csv(path: Path, rows: list[tuple[str, str]], header: str = "unit,score") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header + "\n")
        writer = csv.writer(handle)
        writer.writerows(rows)
    return path


def published_units() -> list[str]:
    return [row[0] for table in AUGUST["tables"] for row in table["rows"]]


@pytest.fixture(scope="module")
def august(tmp_path_factory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("august")
    tickets = write(folder / "tickets.jsonl", month_of_tickets(published_units(), 6, 2023, 8))
    scores = scores_csv(folder / "scores.csv", [(row[0], row[1]) for table in AUGUST["tables"]
                                                for row in table["rows"]])
    result = agent_app("--data-dir", str(folder / "data"), "report", "--month", "2023-08",
                       "--from-jsonl", str(tickets), "--scores", str(scores))
    assert result.returncode == 0, result.stderr
    return {"report": json.loads(result.stdout), "folder": folder, "tickets": tickets}


def official(name: str) -> str:
    found = shipped_directory().lookup(name)
    assert isinstance(found, tuple), f"the catalogue cannot place {name}"
    return found[0]


def test_the_published_ranks_are_reproduced_ties_included(august):
    by_unit = {row["unit"]: row for row in august["report"]["units"]}
    for table in AUGUST["tables"]:
        for name, score, rank in table["rows"]:
            row = by_unit[official(name)]
            assert row["group"] == table["group"], name
            assert (row["score"], row["rank"], row["score_source"]) == (
                float(score), rank, "official"), name
    assert len(by_unit) == len(published_units())


def test_exactly_the_call_ins_the_bulletin_states(august):
    called = {row["unit"] for row in august["report"]["units"] if row["interview"]}
    stated = {official(name) for names in AUGUST["call_ins"].values() for name in names}
    assert called == stated
    levels = {row["interview_level"] for row in august["report"]["units"] if row["interview"]}
    assert levels == {"deputy"}  # the first call-in of the year
    assert all(row["interview_level"] is None
               for row in august["report"]["units"] if not row["interview"])


def test_each_group_lists_its_threshold_from_the_dated_shares(august):
    groups = {g["group"]: g for g in august["report"]["groups"]}
    # August 2023 applied 85 % of the top score to the districts and counties, 80 % to the
    # departments and streets (the bulletin's 四、(四)).
    assert groups["districts"]["threshold"] == pytest.approx(83.21 * 0.85)
    assert groups["counties"]["threshold"] == pytest.approx(119.87 * 0.85)
    assert groups["city_departments"]["threshold"] == pytest.approx(93.50 * 0.80)
    assert groups["streets"]["threshold"] == pytest.approx(91.00 * 0.80)
    assert groups["districts"]["last"] == 1 and groups["streets"]["last"] == 2


def test_the_work_rules_shares_would_have_called_in_one_more_street(tmp_path):
    """Under the 90 %/85 % of the work rules (in force until July 2023) 蒲城 (77.17 < 85 % of
    91.00) would be called in too: the shipped policy's dates decide, not a constant."""
    streets = next(t for t in AUGUST["tables"] if t["group"] == "streets")
    tickets = write(tmp_path / "t.jsonl", month_of_tickets([r[0] for r in streets["rows"]], 6,
                                                           2023, 7))
    scores = scores_csv(tmp_path / "s.csv", [(r[0], r[1]) for r in streets["rows"]])
    result = agent_app("--data-dir", str(tmp_path / "d"), "report", "--month", "2023-07",
                       "--from-jsonl", str(tickets), "--scores", str(scores))
    assert result.returncode == 0, result.stderr
    called = {row["unit"] for row in json.loads(result.stdout)["units"] if row["interview"]}
    assert called == {"卫东区蒲城街道办事处"}


def test_units_with_fewer_than_six_tickets_are_listed_but_not_ranked(tmp_path):
    districts = next(t for t in AUGUST["tables"] if t["group"] == "districts")
    units = [r[0] for r in districts["rows"]]
    lines = month_of_tickets(units[1:], 6, 2023, 8) + month_of_tickets(units[:1], 5, 2023, 8)
    tickets = write(tmp_path / "t.jsonl", lines)
    scores = scores_csv(tmp_path / "s.csv", [(r[0], r[1]) for r in districts["rows"]])
    result = agent_app("--data-dir", str(tmp_path / "d"), "report", "--month", "2023-08",
                       "--from-jsonl", str(tickets), "--scores", str(scores))
    assert result.returncode == 0, result.stderr
    by_unit = {row["unit"]: row for row in json.loads(result.stdout)["units"]}
    assert by_unit["石龙区"]["rank"] is None and by_unit["石龙区"]["score"] == 83.21
    assert by_unit["新华区"]["rank"] == 1  # the top of the ranked units
    assert by_unit["示范区"]["rank"] == 5 and by_unit["示范区"]["interview"]


def test_called_in_twice_in_a_row_escalates_to_the_principal_leader(august, tmp_path):
    """July and August 2023 both last: the July scores come in the same table with a month."""
    july = month_of_tickets(["示范区", "石龙区", "新华区"], 6, 2023, 7)
    tickets = write(tmp_path / "t.jsonl",
                    [*july, *august["tickets"].read_text(encoding="utf-8").splitlines()])
    rows = [("2023-07", "示范区", "60"), ("2023-07", "石龙区", "90"), ("2023-07", "新华区", "88")]
    rows += [("2023-08", r[0], r[1]) for t in AUGUST["tables"] for r in t["rows"]]
    scores = scores_csv(tmp_path / "s.csv", rows, header="month,unit,score")
    result = agent_app("--data-dir", str(tmp_path / "d"), "report", "--month", "2023-08",
                       "--from-jsonl", str(tickets), "--scores", str(scores))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    by_unit = {row["unit"]: row for row in report["units"]}
    demo_zone = official("示范区")
    assert by_unit[demo_zone]["interview_level"] == "principal"
    assert by_unit[demo_zone]["interviews_in_year"] == 2
    assert by_unit["电信公司"]["interview_level"] == "deputy"
    year = {row["unit"]: row for row in report["year"]}
    assert year[demo_zone]["months"] == 2
    assert year[demo_zone]["average"] == pytest.approx((60 + 68.60) / 2)


# Bad input: each line named, nothing applied ----------------------------------------------


def run_with_scores(tmp_path: Path, text: str) -> tuple[int, str, str]:
    tickets = write(tmp_path / "t.jsonl", month_of_tickets(["示范区", "石龙区"], 6, 2023, 8))
    scores = tmp_path / "bad.csv"
    scores.write_text(text, encoding="utf-8")
    result = agent_app("--data-dir", str(tmp_path / "d"), "report", "--month", "2023-08",
                       "--from-jsonl", str(tickets), "--scores", str(scores))
    return result.returncode, result.stdout, result.stderr


def test_every_bad_score_line_is_named_and_nothing_is_applied(tmp_path):
    code, out, err = run_with_scores(tmp_path, "unit,score\n"
                                               "示范区,68.60\n"
                                               "火星区,80\n"
                                               "石龙区,八十\n"
                                               "城乡一体化示范区,70\n"
                                               "石龙区,83.21\n")
    assert code == 2 and out == ""
    assert "bad.csv line 3: unknown unit '火星区'" in err
    assert "bad.csv line 4: score '八十' is not a number" in err
    assert "bad.csv line 5: duplicate row: 示范区 already has a score on line 2" in err
    assert "line 2:" not in err and "line 6:" not in err
    assert "nothing applied" in err


def test_a_score_table_without_its_columns_is_refused(tmp_path):
    code, out, err = run_with_scores(tmp_path, "name,points\n示范区,68.60\n")
    assert code == 2 and out == ""
    assert "bad.csv line 1: the header needs the columns unit, score" in err


def test_an_ambiguous_short_name_asks_for_the_full_name(tmp_path):
    code, _, err = run_with_scores(tmp_path, "unit,score\n税务局,97.5\n")
    assert code == 2
    assert "line 2: '税务局' is ambiguous (平舆县税务局, 汝州市税务局)" in err


def test_bad_adjustments_are_named_and_nothing_is_applied(tmp_path):
    tickets = write(tmp_path / "t.jsonl", month_of_tickets(["示范区"], 6, 2023, 8))
    adjustments = tmp_path / "adj.csv"
    adjustments.write_text("unit,points,reason,by,role\n"
                           "示范区,2,主要领导签批疑难案件,lead01,lead\n"
                           "示范区,-3,,lead01,lead\n"
                           "示范区,1,知识点,op7,operator\n", encoding="utf-8")
    result = agent_app("--data-dir", str(tmp_path / "d"), "report", "--month", "2023-08",
                       "--from-jsonl", str(tickets), "--adjustments", str(adjustments))
    assert result.returncode == 2 and result.stdout == ""
    assert "adj.csv line 3: an adjustment needs its reason" in result.stderr
    assert "adj.csv line 4: role 'operator': only a lead or an admin" in result.stderr


def test_adjustments_move_the_computed_score_and_are_listed(tmp_path):
    tickets = write(tmp_path / "t.jsonl", month_of_tickets(["示范区", "石龙区"], 6, 2023, 8))
    adjustments = tmp_path / "adj.csv"
    adjustments.write_text("unit,points,reason,by,role\n"
                           "示范区,-5,答复敷衍被退回,lead01,lead\n", encoding="utf-8")
    plain = agent_app("--data-dir", str(tmp_path / "d"), "report", "--month", "2023-08",
                      "--from-jsonl", str(tickets))
    adjusted = agent_app("--data-dir", str(tmp_path / "d"), "report", "--month", "2023-08",
                         "--from-jsonl", str(tickets), "--adjustments", str(adjustments))
    assert plain.returncode == 0 and adjusted.returncode == 0, adjusted.stderr
    before = {r["unit"]: r for r in json.loads(plain.stdout)["units"]}
    after_report = json.loads(adjusted.stdout)
    after = {r["unit"]: r for r in after_report["units"]}
    assert after["示范区"]["score"] == pytest.approx(before["示范区"]["score"] - 5)
    assert after["示范区"]["score_source"] == "computed" and after["示范区"]["adjustment"] == -5
    assert (after["石龙区"]["rank"], after["示范区"]["rank"]) == (1, 2)
    assert after_report["adjustments"] == [{"unit": "示范区", "points": -5.0,
                                            "reason": "答复敷衍被退回", "by": "lead01",
                                            "role": "lead"}]


def test_adjustments_kept_in_the_local_cache_are_applied_and_audited(tmp_path):
    from datetime import datetime
    from decimal import Decimal

    from agent_app.core.calendar import CHINA_TZ
    from agent_app.core.reports import Month
    from agent_app.storage import ops
    from agent_app.storage.database import DB_FILENAME, open_database
    from agent_app.storage.reports import record_adjustment

    data_dir = tmp_path / "data"
    db = open_database(data_dir / DB_FILENAME)
    try:
        ops.import_synced_tickets(db, [json.loads(line) for line in month_of_tickets(
            ["示范区", "石龙区"], 6, 2023, 8)])
        before = agent_app("--data-dir", str(data_dir), "report", "--month", "2023-08")
        recorded_at = datetime(2023, 9, 2, 9, 30, tzinfo=CHINA_TZ)
        record_adjustment(db, Month(2023, 8), "城乡一体化示范区", Decimal("-2.5"),
                          "答复敷衍被退回", actor="lead01", role="lead", now=recorded_at)
        with pytest.raises(ValueError, match="only a lead or an admin"):
            record_adjustment(db, Month(2023, 8), "示范区", Decimal(3), "加分", actor="op7",
                              role="operator", now=recorded_at)
        with pytest.raises(ValueError, match="needs its reason"):
            record_adjustment(db, Month(2023, 8), "示范区", Decimal(3), "  ", actor="lead01",
                              role="lead", now=recorded_at)
    finally:
        db.close()
    after = agent_app("--data-dir", str(data_dir), "report", "--month", "2023-08")
    assert before.returncode == 0 and after.returncode == 0, after.stderr
    old = {r["unit"]: r for r in json.loads(before.stdout)["units"]}
    report = json.loads(after.stdout)
    new = {r["unit"]: r for r in report["units"]}
    assert new["示范区"]["score"] == pytest.approx(old["示范区"]["score"] - 2.5)
    assert new["石龙区"]["score"] == old["石龙区"]["score"]
    assert report["adjustments"] == [{"unit": "示范区", "points": -2.5, "reason": "答复敷衍被退回",
                                      "by": "lead01", "role": "lead",
                                      "at": "2023-09-02T01:30:00+00:00"}]


@pytest.mark.parametrize("fixture", ["2024-02.json", "2023-07-ruzhou.json"])
def test_other_published_tables_are_ranked_as_published(fixture, tmp_path):
    """Seed 000 (February 2024: five units tied first among the streets) and seed 002 (the
    Ruzhou tables, whose short names Pingyu shares: the tickets and the table name the
    group)."""
    published = json.loads((FIXTURES / fixture).read_text(encoding="utf-8"))
    year, month = (int(part) for part in published["month"].split("-"))
    lines = []
    for table in published["tables"]:
        for line in month_of_tickets([r[0] for r in table["rows"]], 6, year, month):
            ticket = json.loads(line)
            ticket["unit_group"] = table["group"]
            lines.append(json.dumps(ticket, ensure_ascii=False))
    tickets = write(tmp_path / "t.jsonl", lines)
    scores = tmp_path / "s.csv"
    with scores.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["网络单位", "考核总分", "group"])
        for table in published["tables"]:
            writer.writerows([r[0], r[1], table["group"]] for r in table["rows"])
    result = agent_app("--data-dir", str(tmp_path / "d"), "report", "--month",
                       published["month"], "--from-jsonl", str(tickets), "--scores", str(scores))
    assert result.returncode == 0, result.stderr
    rows = [(r["group"], r["score"], r["rank"]) for r in json.loads(result.stdout)["units"]]
    expected = [(t["group"], float(r[1]), r[2]) for t in published["tables"] for r in t["rows"]]
    assert sorted(rows, key=str) == sorted(expected, key=str)


def test_the_csv_and_xlsx_carry_score_rank_and_call_in(august, tmp_path):
    from openpyxl import load_workbook

    folder = august["folder"]
    common = ("--data-dir", str(folder / "data"), "report", "--month", "2023-08",
              "--from-jsonl", str(august["tickets"]), "--scores", str(folder / "scores.csv"))
    as_csv = agent_app(*common, "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    rows = {row["unit"]: row for row in csv.DictReader(as_csv.stdout.splitlines())}
    assert (rows["电信公司"]["score"], rows["电信公司"]["rank"], rows["电信公司"]["interview"],
            rows["电信公司"]["interview_level"]) == ("64.0", "37", "True", "deputy")
    workbook = tmp_path / "august.xlsx"
    assert agent_app(*common, "-o", str(workbook)).returncode == 0
    sheet = next(s for s in load_workbook(workbook).worksheets if "市内五区" in s.title
                 and "乡镇" not in s.title)
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(row for row in values if row[0] == "承办单位")
    demo_zone = next(row for row in values if row[0] == "示范区")
    assert demo_zone[header.index("考核总分")] == 68.6
    assert demo_zone[header.index("排名")] == 6
    assert demo_zone[header.index("约谈")] == "约谈分管领导"


def test_a_policy_with_overlapping_dates_stops_the_command_naming_the_line(tmp_path):
    from agent_app.paths import resources_dir

    policy = json.loads((resources_dir() / "policy" / "assessment.json").read_text("utf-8"))
    policy["call_in"]["shares"].append({"from": "2023-07-15", "to": None,
                                        "shares": {"districts_and_counties": "0.8"}})
    text = json.dumps(policy, ensure_ascii=False, indent=2)
    bad = tmp_path / "bad_policy.json"
    bad.write_text(text, encoding="utf-8")
    line = next(n for n, content in enumerate(text.splitlines(), start=1)
                if '"from": "2023-07-15"' in content)
    tickets = write(tmp_path / "t.jsonl", month_of_tickets(["示范区"], 6, 2023, 8))
    result = agent_app("--data-dir", str(tmp_path / "d"), "report", "--month", "2023-08",
                       "--from-jsonl", str(tickets), "--policy", str(bad))
    assert result.returncode == 2 and result.stdout == ""
    assert (f"bad_policy.json line {line}: call_in shares entry 3: its dates overlap entry 1"
            in result.stderr)
