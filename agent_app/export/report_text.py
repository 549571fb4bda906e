"""The report as JSON (everything) and as CSV (the unit table, one row per unit)."""

from __future__ import annotations

import csv
import io
import json

from agent_app.core.reports import MonthlyReport, report_to_dict

# CSV columns: the JSON names, so scripts read both the same way.
CSV_COLUMNS = ("month", "group", "group_name", "unit", "received", "overdue", "redo",
               "result_satisfaction", "process_satisfaction", "closed_rate", "reply_rate",
               "on_time_accept_rate", "rank", "result_rated", "process_rated", "score",
               "score_source", "interview", "interview_level")


def report_json(report: MonthlyReport) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


# A text cell starting with one of these is a formula to a spreadsheet that opens the CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> object:
    """Names come from data: a leading apostrophe keeps "=HYPERLINK(...)" a name in Excel
    (which hides the apostrophe), as OWASP advises against CSV injection. Numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def report_csv(report: MonthlyReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for unit in report.units:
        values = {"month": str(report.month), **vars(unit)}
        # Empty, not "None", where a rate has no denominator or a unit is not ranked.
        writer.writerow("" if values[c] is None else csv_text(values[c]) for c in CSV_COLUMNS)
    return out.getvalue()
