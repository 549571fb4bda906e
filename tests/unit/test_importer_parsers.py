"""The parsers of outside files, fed hostile input (issue #10): the JSON Lines reader under
`kb import` and `report --from-jsonl`, the article and ticket records, the settings files.

Each either gives a value or says, in one line, what is wrong; none raises anything else.
The explicit cases below are the inputs that used to crash, kept as regression tests."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agent_app import jsonl
from agent_app.core.interchange import InterchangeError
from agent_app.core.reports import Month, compute_report, report_ticket_from_dict
from agent_app.export.report_text import report_csv, report_json
from agent_app.jsonl import BadLine, json_lines
from agent_app.search.model import MAX_ID, MAX_LABEL, MAX_TITLE, KbArticle
from agent_app.settings import Settings, load_settings, save_settings, system_settings
from tests.report_history import TicketHistory, cst

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Characters that break parsers and the files written after them: NUL and other controls,
# lone surrogates, quotes and backslashes, markup, the BOM, line and paragraph separators.
HOSTILE_CHARS = st.one_of(
    st.characters(), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.sampled_from(["\x00", "\x01", "\x1f", "\x7f", "\n", "\r", "\t", '"', "\\", "<", ">",
                     "\ufeff", "\u2028", "\u3000", "中"]))
HOSTILE_TEXT = st.one_of(
    st.text(HOSTILE_CHARS, max_size=30),
    st.sampled_from(["", " ", "<img src=x onerror=alert(1)>", "=HYPERLINK(\"http://x\",\"y\")",
                     "2024-02-30T25:00:00+08:00", "0001-01-01T00:00:00+14:00",
                     "9999-12-31T23:59:59-14:00", "2024-02-01T08:00:00", "NaN"]))
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-10**30, 10**30),
                         st.floats(allow_nan=False), HOSTILE_TEXT)
JSON_VALUES = st.recursive(
    JSON_SCALARS, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                         st.dictionaries(HOSTILE_TEXT, kids, max_size=4)),
    max_leaves=10)


def _dumps(value: Any) -> bytes:
    """JSON as a careless exporter writes it: lone surrogates escaped, NaN and Infinity
    spelt out."""
    return json.dumps(value, ensure_ascii=True).encode("ascii")


def _read(data: bytes) -> tuple[list[tuple[int, Any]], list[BadLine]]:
    bad: list[BadLine] = []
    return list(json_lines(io.BytesIO(data), bad)), bad


# The JSON Lines reader ---------------------------------------------------------------------

LINE_PIECES = st.one_of(
    st.binary(max_size=40),
    JSON_VALUES.map(_dumps),
    JSON_VALUES.map(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "replace")),
    st.sampled_from([b"", b"   ", b"\t", b"\r", b"\x0c", b"\xef\xbb\xbf", b"{not json",
                     b"[" * 5000, b"1" * 5000, b"NaN", b"-Infinity", b'"\\ud800"',
                     b'"\\u0000"', b'"\\ud83d\\ude00"', b'"\\\\ud800"', b"\xff", b"\xc0\xaf",
                     b"\xed\xa0\x80", b"\xe4\xb8", b'{"a": 1e400}']))


@FUZZ
@given(pieces=st.lists(st.tuples(LINE_PIECES, st.sampled_from([b"\n", b"\r\n"])),
                       max_size=12),
       bom=st.booleans())
@example(pieces=[(b"[" * 100_000, b"\n")], bom=False)  # RecursionError escaped the reader
@example(pieces=[(b"9" * 5000, b"\n")], bom=False)  # so did int()'s ValueError
@example(pieces=[(b'{"t": "\\ud800"}', b"\n")], bom=False)  # then crashed the database
@example(pieces=[(b"\x0c", b"\n")], bom=False)  # a form feed was taken for a blank line
def test_every_line_is_a_value_or_a_reason(pieces: list[tuple[bytes, bytes]],
                                           bom: bool) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + b"".join(p + end for p, end in pieces)
    values, bad = _read(data)
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    content = {n for n, raw in enumerate(lines, start=1)
               if (raw[3:] if n == 1 and raw.startswith(b"\xef\xbb\xbf") else raw)
               .strip(b" \t\r\n")}
    good = [n for n, _ in values]
    reported = [line.number for line in bad]
    assert sorted(good + reported) == sorted(content), "each non-blank line once, in one list"
    for line in bad:
        assert line.reason and "\n" not in line.reason
    for number, value in values:
        raw = lines[number - 1].decode("utf-8-sig" if number == 1 else "utf-8")
        assert value == json.loads(raw)
        assert not jsonl.unstorable_text(value)


@pytest.mark.parametrize(("line", "reason"), [
    (b"[" * 100_000 + b"]" * 100_000, "not JSON (nested too deeply)"),
    (b'{"n": ' + b"1" * 5000 + b"}", "not JSON (a number of more than 4300 digits)"),
    (b'{"n": NaN}', "not JSON (NaN is not a JSON value)"),
    (b'{"n": -Infinity}', "not JSON (-Infinity is not a JSON value)"),
    (b'{"title": "\\ud800"}', jsonl.UNSTORABLE_REASON),
    (b'{"\\udfff": 1}', jsonl.UNSTORABLE_REASON),
    (b'{"body": "a\\u0000b"}', jsonl.UNSTORABLE_REASON),
    (b'{"title": "a\xffb"}', "not UTF-8 text (byte 0xff at byte 13)"),
    (b'{"title": "\xed\xa0\x80"}', "not UTF-8 text (byte 0xed at byte 12)"),
    (b"\x0c", "not JSON"),
    (b"\xef\xbb\xbf\xef\xbb\xbf{}", "not JSON"),  # one BOM is allowed, not two
])
def test_lines_that_used_to_crash_or_pass_unnoticed_are_reported(line: bytes,
                                                                 reason: str) -> None:
    values, bad = _read(b"{}\n" + line + b"\r\n{}")
    assert [n for n, _ in values] == [1, 3]
    assert bad == [BadLine(2, bad[0].reason)] and bad[0].reason.startswith(reason)


def test_paired_surrogates_and_escaped_backslashes_are_text() -> None:
    values, bad = _read(b'{"a": "\\ud83d\\ude00", "b": "\\\\ud800", "c": "\\\\u0000"}\n')
    assert bad == [] and values == [(1, {"a": "😀", "b": "\\ud800", "c": "\\u0000"})]


def test_an_overlong_line_is_skipped_unread_and_the_count_goes_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 1024 * 1024)
    monkeypatch.setattr(jsonl, "_CHUNK", 1000)  # the rest is read in several pieces
    huge = b'{"body": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    exact = b'{"b": "' + b"y" * (1024 * 1024 - 10) + b'"}'  # the limit itself, newline too
    assert len(exact) + 1 == 1024 * 1024
    values, bad = _read(b"\xef\xbb\xbf[1]\n" + huge + b"\n" + exact + b"\n" + huge + b"\n[2]")
    assert [n for n, _ in values] == [1, 3, 5]
    assert bad == [BadLine(2, "line longer than 1 MB"), BadLine(4, "line longer than 1 MB")]


# KB articles -------------------------------------------------------------------------------

ARTICLE_LIKE = st.fixed_dictionaries({}, optional={
    "id": st.one_of(JSON_SCALARS, st.text(min_size=MAX_ID, max_size=MAX_ID + 1)),
    "title": st.one_of(JSON_SCALARS, st.text(min_size=MAX_TITLE, max_size=MAX_TITLE + 1)),
    "body": JSON_VALUES, "category": JSON_SCALARS,
    "unit": st.one_of(JSON_SCALARS, st.text(min_size=MAX_LABEL, max_size=MAX_LABEL + 1)),
    "updated_at": st.one_of(JSON_SCALARS, st.datetimes(timezones=st.just(UTC)).map(
        datetime.isoformat)),
    "extra": JSON_VALUES})


@FUZZ
@given(record=st.one_of(ARTICLE_LIKE, JSON_VALUES))
@example(record={"id": "a", "title": "t", "body": "",
                 "updated_at": "0001-01-01T00:00:00+00:00"})  # stored, then unreadable
@example(record={"id": "a", "title": "t", "body": "",
                 "updated_at": "9999-12-31T23:59:59-14:00"})  # overflowed on the way in
def test_an_article_record_is_an_article_or_a_reason(record: Any) -> None:
    try:
        article = KbArticle.from_dict(record)
    except InterchangeError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert 0 < len(article.id) <= MAX_ID and 0 < len(article.title) <= MAX_TITLE
    assert isinstance(article.body, str)
    assert all(label is None or 0 < len(label) <= MAX_LABEL
               for label in (article.category, article.unit))
    if article.updated_at is not None:
        assert article.updated_at.tzinfo is not None
        assert 1900 <= article.updated_at.year <= 2999


# Tickets for the report --------------------------------------------------------------------

GOOD_TICKET = (TicketHistory("A", cst(2024, 2, 3, 9))
               .dispatch("市城市管理局", cst(2024, 2, 3, 10)).accept(cst(2024, 2, 3, 11))
               .reply(cst(2024, 2, 4)).callback(cst(2024, 2, 5), "satisfied", "dissatisfied")
               .as_dict())
TICKET_FIELDS = ("id", "created_at", "channel", "appeal_type", "category", "urgency",
                 "status", "unit", "unit_group", "deadline", "redo_count", "caller",
                 "location", "events")
EVENT_FIELDS = ("id", "at", "kind", "unit", "deadline", "result", "process", "decision",
                "requested_deadline")


@st.composite
def ticket_like(draw: st.DrawFn) -> dict[str, Any]:
    """The good ticket with some fields, its own or its events', dropped or replaced."""
    ticket = json.loads(json.dumps(GOOD_TICKET))
    for key in draw(st.lists(st.sampled_from(TICKET_FIELDS), max_size=3)):
        if draw(st.booleans()):
            ticket.pop(key, None)
        else:
            ticket[key] = draw(JSON_VALUES)
    events = ticket.get("events")
    if isinstance(events, list) and events:
        for _ in range(draw(st.integers(0, 3))):
            event = events[draw(st.integers(0, len(events) - 1))]
            if isinstance(event, dict):
                event[draw(st.sampled_from(EVENT_FIELDS))] = draw(JSON_VALUES)
    return ticket


def _report_of(records: list[Any]) -> list[str]:
    tickets = []
    for record in records:
        try:
            tickets.append(report_ticket_from_dict(record))
        except InterchangeError as exc:
            assert str(exc) and "\n" not in str(exc)
    report = compute_report(tickets, Month(2024, 2), as_of=cst(2024, 3, 1))
    return [report_json(report), report_csv(report)]


@FUZZ
@given(records=st.lists(st.one_of(ticket_like(), JSON_VALUES), min_size=1, max_size=4))
def test_a_ticket_record_is_a_ticket_or_a_reason_and_the_report_can_be_written(
        records: list[Any]) -> None:
    for text in _report_of(records):
        text.encode("utf-8")  # a lone surrogate in a unit name used to fail only here


def _with(changes: dict[str, Any], event: int | None = None) -> dict[str, Any]:
    ticket = json.loads(json.dumps(GOOD_TICKET))
    (ticket["events"][event] if event is not None else ticket).update(changes)
    return ticket


@pytest.mark.parametrize(("record", "reason"), [
    # Each of these passed the parser and crashed the report (TypeError, OverflowError,
    # UnicodeEncodeError on output, IllegalCharacterError in the XLSX).
    (_with({"unit": ["x"]}), "ticket A: unit is not text"),
    (_with({"unit": 5}), "ticket A: unit is not text"),
    (_with({"category": [1, 2]}), "ticket A: category is not text"),
    (_with({"category": [["a"], {"b": 1}]}), "ticket A: category is not text"),
    (_with({"category": "ab"}), "ticket A: category is not a pair"),
    (_with({"category": ["a", "b", "c"]}), "ticket A: category is not a pair"),
    (_with({"category": ["城市管理", "路灯\x00照明"]}), "ticket A: category contains a control"),
    (_with({"unit_group": "city\n"}), "ticket A: unit_group contains a control character"),
    (_with({"unit": "<b>\x07"}, event=1), "ticket A: dispatched event: unit contains a control"),
    (_with({"result": ["satisfied"]}, event=4), "ticket A: callback event: a rating is not"),
    (_with({"process": {"a": 1}}, event=4), "ticket A: callback event: a rating is not"),
    (_with({"redo_count": float("inf")}), "ticket A: cannot convert float infinity"),
    (_with({"created_at": "0001-01-01T00:00:00+14:00"}), "ticket A: created_at: year 1 is"),
    (_with({"created_at": "9999-12-31T23:59:59-14:00"}), "ticket A: created_at: year 9999"),
    (_with({"deadline": "9999-12-31T23:59:59-14:00"}), "ticket A: deadline: year 9999"),
    (_with({"at": "9999-12-30T00:00:00+00:00"}, event=2), "ticket A: accepted event: year"),
    (_with({"deadline": "0001-01-01T00:00:00+14:00"}, event=1),
     "ticket A: dispatched event: deadline: year 1 is"),
    (_with({"id": None}), "ticket ?: missing field 'id'"),
    (_with({"id": {"a": 1}}), "ticket {'a': 1}: id is not text"),
    (_with({"events": None}), "ticket A: events is not a list"),
    (_with({"events": [None]}), "ticket A: an event is not an object"),
])
def test_records_that_used_to_crash_the_report_are_refused(record: dict[str, Any],
                                                           reason: str) -> None:
    with pytest.raises(InterchangeError) as refused:
        report_ticket_from_dict(record)
    assert str(refused.value).startswith(reason)


def test_a_message_quotes_a_hostile_id_on_one_short_line() -> None:
    # A line break in an id could fake a "line N:" report line; a megabyte id flooded stderr.
    with pytest.raises(InterchangeError) as faked:
        report_ticket_from_dict(_with({"id": "X\nline 99: fine", "channel": "fax"}))
    assert str(faked.value).startswith("ticket X\\nline 99: fine: 'fax' is not a valid")
    with pytest.raises(InterchangeError) as flooded:
        report_ticket_from_dict(_with({"id": "X" * 1_000_000, "created_at": "y" * 1_000_000}))
    assert len(str(flooded.value)) < 400


def test_html_and_formulas_in_names_are_plain_names() -> None:
    record = _with({"unit": "<img src=x onerror=alert(1)>"}, event=1)
    assert report_ticket_from_dict(record).events[1].unit == "<img src=x onerror=alert(1)>"


# Settings files ----------------------------------------------------------------------------

SETTINGS_DOCUMENTS = st.one_of(
    st.binary(max_size=60),
    JSON_VALUES.map(_dumps),
    st.fixed_dictionaries({}, optional={
        "schema_version": JSON_SCALARS, "server_url": JSON_SCALARS, "language": JSON_SCALARS,
        "stale_article_days": JSON_SCALARS, "health_check_seconds": JSON_SCALARS,
        "last_username": JSON_SCALARS}).map(_dumps))


@FUZZ
@given(document=SETTINGS_DOCUMENTS, bom=st.booleans())
@example(document=b"[" * 100_000, bom=False)  # RecursionError at start-up
@example(document=b'{"language": "\xff"}', bom=False)  # UnicodeDecodeError at start-up
@example(document=b"[]", bom=False)  # TypeError: list.pop
@example(document=b'{"schema_version": 0}', bom=False)  # KeyError: no upgrade from 0
@example(document=b'{"schema_version": "2"}', bom=False)
@example(document=b'{"schema_version": 1e400}', bom=False)  # OverflowError
@example(document=b'{"schema_version": 2, "health_check_seconds": 0}', bom=False)
@example(document=b'{"schema_version": 2, "stale_article_days": 10000000000}', bom=False)
@example(document=b'{"schema_version": 2, "server_url": "\\ud800"}', bom=False)
def test_a_damaged_settings_file_gives_usable_settings(document: bytes, bom: bool,
                                                        tmp_path_factory: pytest.TempPathFactory
                                                        ) -> None:
    folder = tmp_path_factory.mktemp("settings")
    (folder / "settings.json").write_bytes((b"\xef\xbb\xbf" if bom else b"") + document)
    loaded = load_settings(folder, folder / "none.toml")
    defaults = Settings()
    assert 1 <= loaded.stale_article_days <= 36_500
    assert 1 <= loaded.health_check_seconds <= 86_400
    for name, value in vars(loaded).items():
        assert type(value) is type(getattr(defaults, name))
    save_settings(folder, loaded, folder / "none.toml")  # and it can be written back
    assert load_settings(folder, folder / "none.toml") == loaded


def test_a_settings_file_with_a_bom_is_read(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_bytes(b'\xef\xbb\xbf{"schema_version": 2, '
                                             b'"language": "en"}')
    assert load_settings(tmp_path, tmp_path / "none.toml").language == "en"


def test_a_deeply_nested_system_config_is_ignored(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    config = tmp_path / "agent.toml"
    config.write_text("a = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert system_settings(config) == Settings()
    assert "unreadable" in caplog.text
