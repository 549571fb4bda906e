"""`agent-app kb import` and `agent-app report --from-jsonl` fed hypothesis-made JSON Lines
(issue #10): valid records mixed with records of the wrong shape and lines that are no
records at all — invalid UTF-8, lone surrogates and NUL escaped, deep nesting, huge numbers,
huge lines, BOMs, CRLF, blank lines, markup in text.

Checked every time: the exit code is the documented one, every bad line and no other is
reported on stderr by number with a reason, the valid lines are imported exactly as written
(the KB: rows and search index hold those articles and nothing else, before ones left as they
were; the report: the same as from a file of only the valid lines), and importing the same
file again changes nothing. In-process for speed; a few runs of the real command for the
exit codes and stderr of malformed UTF-8 and a line of megabytes."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from agent_app import jsonl
from agent_app.commands import kb as commands
from agent_app.commands.kb import run_import
from agent_app.commands.report import run_report
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import AppealType, Channel, Rating
from agent_app.core.reports import Month, ReportEvent, ReportTicket, compute_report
from agent_app.export import write_report
from agent_app.search.index import article_from_row, fingerprint
from agent_app.search.model import MAX_ID, MAX_LABEL, MAX_TITLE, KbArticle
from agent_app.search.searcher import KbSearcher
from agent_app.storage.database import DB_FILENAME, open_database
from agent_app.storage.schema import KbArticleRow, KbSearchDocRow
from tests.cli import agent_app
from tests.report_history import TicketHistory, cst

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
# In-process runs cap lines at 64 KiB, so hypothesis can afford lines over the cap.
SMALL_CAP = 64 * 1024
BAD_LINE = re.compile(r"^line (\d+): (.+) — skipped$")
BOM = b"\xef\xbb\xbf"

# Text as people and tools write it, plus what breaks naive code: controls (not NUL), the
# BOM and line separators inside strings, quotes, backslashes, markup.
PLAIN_CHARS = st.one_of(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    st.sampled_from([*"中文燃气公积金\x01\x1f\x7f\t\n\r\"\\<>&'", "\ufeff", "\u2028", "\u3000",
                     "😀"]))
MARKUP = st.sampled_from(["<img src=x onerror=alert(1)>", "<b>加粗</b>", "<script>x</script>",
                          "=HYPERLINK(\"http://x\",\"点我\")", "@SUM(1+1)", "-1+2"])


def texts(min_size: int = 0, max_size: int = 30) -> st.SearchStrategy[str]:
    return st.one_of(st.text(PLAIN_CHARS, min_size=min_size, max_size=max_size),
                     MARKUP.filter(lambda m: min_size <= len(m) <= max_size))


def non_blank(max_size: int) -> st.SearchStrategy[str]:
    return texts(1, max_size).filter(lambda s: bool(s.strip()))


def json_values(depth: int = 3) -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**40, 10**40),
                        st.floats(allow_nan=False, allow_infinity=False), texts())
    return st.recursive(scalars, lambda kids: st.one_of(
        st.lists(kids, max_size=3), st.dictionaries(texts(max_size=8), kids, max_size=3)),
        max_leaves=6 * depth)


def nested(depth: int) -> Any:
    value: Any = "底"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


EXTRAS = st.dictionaries(
    st.text("xyz_", min_size=1, max_size=6).map(lambda k: f"x_{k}"),
    st.one_of(json_values(), st.just(nested(200)), st.just(1e300), st.just(10**4000)),
    max_size=2)


@dataclass(frozen=True)
class Line:
    raw: bytes  # without its line ending
    value: Any = None  # what a valid line holds (an article, a ticket); None for the others
    bad: bool = False


def serialised(record: dict[str, Any], ascii_only: bool, padding: str = "") -> bytes:
    body = json.dumps(record, ensure_ascii=ascii_only)
    return (padding + body + padding).encode("utf-8")


# Damage that makes any line bad, whatever record it held ----------------------------------


def _cut(raw: bytes, at: int) -> bytes:
    return raw[:max(1, min(at, len(raw) - 1))]


def _inserted(raw: bytes, at: int, piece: bytes) -> bytes:
    at = min(at, len(raw))
    return raw[:at] + piece + raw[at:]


INVALID_UTF8 = st.sampled_from([b"\xff", b"\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe4\xb8",
                                b"\xf4\x90\x80\x80", b"\xfe\xff"])


@st.composite
def damaged(draw: st.DrawFn, record: dict[str, Any], field: str) -> bytes:
    """`record` written out, then made into a bad line; `field` is a text field of it."""
    raw = serialised(record, draw(st.booleans()))
    how = draw(st.sampled_from(["cut", "utf8", "surrogate", "nul", "deep", "digits",
                                "constant", "not_object", "bom", "huge"]))
    if how == "cut":
        return _cut(raw, draw(st.integers(1, len(raw))))
    if how == "utf8":
        return _inserted(raw, draw(st.integers(0, len(raw))), draw(INVALID_UTF8))
    if how in ("surrogate", "nul"):
        # Written by hand: json.dumps would escape the backslash of the marker.
        escape = {"nul": "\\u0000", "surrogate": draw(st.sampled_from(
            ["\\ud800", "\\udfff", "\\udbff", "\\ud83d x"]))}[how]
        marked = {**record, field: f"{record.get(field) or ''}@@MARK@@"}
        return serialised(marked, draw(st.booleans())).replace(b"@@MARK@@", escape.encode())
    if how == "deep":
        depth = draw(st.integers(3000, 60_000))
        return raw[:-1] + b', "x_deep": ' + b"[" * depth + b"]" * depth + b"}"
    if how == "digits":
        return raw[:-1] + b', "x_n": ' + b"7" * draw(st.integers(4301, 20_000)) + b"}"
    if how == "constant":
        return raw[:-1] + b', "x_n": ' + draw(st.sampled_from([b"NaN", b"Infinity",
                                                               b"-Infinity"])) + b"}"
    if how == "not_object":
        return json.dumps(draw(st.one_of(st.lists(json_values(), max_size=3), json_values())
                               .filter(lambda v: not isinstance(v, dict)))).encode()
    if how == "bom":  # a BOM belongs at the start of the file, not of a later line
        return BOM + raw
    return raw[:-1] + b', "x_pad": "' + b"p" * SMALL_CAP + b'"}'


BLANK = st.sampled_from([b"", b" ", b"\t", b"  \t ", b"\r"]).map(lambda raw: Line(raw))


@st.composite
def jsonl_file(draw: st.DrawFn, lines: st.SearchStrategy[Line]) -> tuple[bytes, list[Line]]:
    """The file's bytes and its lines, numbered from 1."""
    chosen = draw(st.lists(st.one_of(lines, lines, BLANK), min_size=1, max_size=14))
    if chosen[0].raw.startswith(BOM) and chosen[0].bad:
        chosen.insert(0, Line(b""))  # a BOM on line 1 is the file's, not damage
    endings = [draw(st.sampled_from([b"\n", b"\r\n"])) for _ in chosen]
    if draw(st.booleans()):
        endings[-1] = b""  # no line break after the last line
    data = (BOM if draw(st.booleans()) else b"") + b"".join(
        line.raw + end for line, end in zip(chosen, endings, strict=True))
    return data, chosen


def run_quietly(action: Callable[[], int]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = action()
    return code, out.getvalue(), err.getvalue()


def reported_lines(stderr: str) -> dict[int, str]:
    """Line number → reason, from the command's stderr; anything else there must be the
    import's progress note."""
    assert "Traceback" not in stderr
    reported: dict[int, str] = {}
    for line in stderr.splitlines():
        match = BAD_LINE.match(line)
        if match is None:
            assert line.startswith("imported "), line
            continue
        number, reason = int(match.group(1)), match.group(2)
        assert number not in reported and reason.strip()
        reported[number] = reason
    return reported


def expected_code(lines: list[Line]) -> int:
    return 1 if any(line.bad for line in lines) else 0


def bad_numbers(lines: list[Line]) -> set[int]:
    return {n for n, line in enumerate(lines, start=1) if line.bad}


@pytest.fixture()
def small_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", SMALL_CAP)


# KB articles -------------------------------------------------------------------------------

EXISTING = [KbArticle("old-1", "燃气表更换流程", "携带身份证到营业厅办理。", "公用事业",
                      "燃气公司"),
            KbArticle("old-2", "公积金提取", "<p>线上办理</p>", None, None,
                      datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))]
ID_POOL = ["old-1", "old-2", "kb-1", "kb-2", "<b>id</b>", "文章-3"]
TIMES = st.builds(
    lambda moment, minutes: moment.replace(tzinfo=timezone(timedelta(minutes=minutes))),
    st.datetimes(datetime(1900, 1, 1), datetime(2999, 12, 31)),
    st.integers(-23 * 60 - 59, 23 * 60 + 59))


@st.composite
def articles(draw: st.DrawFn) -> tuple[dict[str, Any], KbArticle]:
    """An article record, as written, and the article it must import as."""
    article_id = draw(st.one_of(st.sampled_from(ID_POOL), non_blank(MAX_ID)))
    record: dict[str, Any] = {"id": article_id, "title": draw(non_blank(MAX_TITLE)),
                              "body": draw(st.one_of(texts(max_size=400), MARKUP,
                                                     st.text(PLAIN_CHARS, max_size=3000)))}
    labels: dict[str, str | None] = {}
    for key in ("category", "unit"):
        value = draw(st.one_of(st.none(), st.just(""), texts(1, MAX_LABEL)))
        if value is not None or draw(st.booleans()):
            record[key] = value
        labels[key] = value or None  # "" is no label
    moment = draw(st.one_of(st.none(), TIMES))
    if moment is not None:
        record["updated_at"] = moment.isoformat()
    record.update(draw(EXTRAS))
    keys = draw(st.permutations(list(record)))
    return ({key: record[key] for key in keys},
            KbArticle(article_id, record["title"], record["body"], labels["category"],
                      labels["unit"], moment))


WRONG_TYPES = st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(),
                        st.lists(st.integers(), max_size=2), st.just({"zh": "标题"}))


@st.composite
def wrong_articles(draw: st.DrawFn, record: dict[str, Any]) -> dict[str, Any]:
    """The record with one field the importer must refuse."""
    key = draw(st.sampled_from(["id", "title", "body", "category", "unit", "updated_at"]))
    wrong: list[Any] = [draw(WRONG_TYPES)]
    if key in ("id", "title", "body"):
        wrong += [None, "__missing__"]
    if key in ("id", "title"):
        wrong += ["", " \t", "\u3000"]
    limits = {"id": MAX_ID, "title": MAX_TITLE, "category": MAX_LABEL, "unit": MAX_LABEL}
    if key in limits:
        wrong.append(draw(st.text("长x", min_size=limits[key] + 1, max_size=limits[key] + 40)))
    if key == "updated_at":
        wrong += ["yesterday", "2024-02-01T08:00:00", "2024-02-30T08:00:00+08:00",
                  "0001-01-01T00:00:00+14:00", "1899-12-31T00:00:00+00:00",
                  "3000-01-01T00:00:00+00:00", "9999-12-31T23:59:59-14:00", 1706745600]
    value = draw(st.sampled_from(wrong))
    changed = dict(record)
    if value == "__missing__":
        del changed[key]
    else:
        changed[key] = value
    return changed


@st.composite
def article_lines(draw: st.DrawFn) -> Line:
    record, article = draw(articles())
    kind = draw(st.sampled_from(["valid", "valid", "wrong", "damaged"]))
    if kind == "valid":
        padding = draw(st.sampled_from(["", " ", "\t"]))
        return Line(serialised(record, draw(st.booleans()), padding), article)
    if kind == "wrong":
        return Line(serialised(draw(wrong_articles(record)), draw(st.booleans())), bad=True)
    return Line(draw(damaged(record, "title")), bad=True)


@pytest.fixture(scope="module")
def kb_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose KB already holds EXISTING: a bad line must leave them alone."""
    data_dir = tmp_path_factory.mktemp("kb-template")
    source = data_dir / "existing.jsonl"
    source.write_text("".join(json.dumps(
        {"id": a.id, "title": a.title, "body": a.body, "category": a.category, "unit": a.unit,
         "updated_at": a.updated_at.isoformat() if a.updated_at else None},
        ensure_ascii=False) + "\n" for a in EXISTING), encoding="utf-8")
    assert run_quietly(lambda: run_import(data_dir, source))[0] == 0
    return data_dir


@dataclass(frozen=True)
class KbState:
    articles: dict[str, KbArticle]
    docs: dict[str, tuple[int, str]]  # article id → (index row, fingerprint)
    title_rows: frozenset[int]  # rowids in each full-text table
    body_rows: frozenset[int]


def kb_state(data_dir: Path) -> KbState:
    db = open_database(data_dir / DB_FILENAME)
    try:
        with db.session() as session:
            return KbState(
                {row.id: article_from_row(row) for row in session.scalars(select(KbArticleRow))},
                {doc.article_id: (doc.doc_id, doc.fingerprint)
                 for doc in session.scalars(select(KbSearchDocRow))},
                frozenset(session.scalars(text("SELECT rowid FROM kb_fts_title"))),
                frozenset(session.scalars(text("SELECT rowid FROM kb_fts"))))
    finally:
        db.close()


def check_kb(state: KbState, expected: dict[str, KbArticle]) -> None:
    assert state.articles == expected
    # The index holds exactly these articles, each as it now reads.
    assert {i: fp for i, (_, fp) in state.docs.items()} == {
        i: fingerprint(a) for i, a in expected.items()}
    rows = {row for row, _ in state.docs.values()}
    assert len(rows) == len(expected) and state.title_rows == state.body_rows == rows


def fresh_copy(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("kb")
    for part in template.glob(f"{DB_FILENAME}*"):  # with its -wal, if one was left
        shutil.copy(part, data_dir / part.name)
    return data_dir


@FUZZ
@given(file=jsonl_file(article_lines()), batch=st.sampled_from([2, 3, 1000]))
def test_kb_import_takes_the_valid_lines_exactly_and_reports_each_bad_one(
        file: tuple[bytes, list[Line]], batch: int, kb_template: Path,
        tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
        small_lines: None) -> None:
    data, lines = file
    monkeypatch.setattr(commands, "IMPORT_BATCH", batch)  # several batches, one transaction
    data_dir = fresh_copy(kb_template, tmp_path_factory)
    source = data_dir / "articles.jsonl"
    source.write_bytes(data)
    expected = {a.id: a for a in EXISTING}
    imported: set[str] = set()
    for line in lines:
        if line.value is not None:
            expected[line.value.id] = line.value  # the last line of an id wins
            imported.add(line.value.id)

    first = run_quietly(lambda: run_import(data_dir, source))
    code, out, err = first
    assert code == expected_code(lines), err
    assert set(reported_lines(err)) == bad_numbers(lines), (err, lines)
    skipped = len(bad_numbers(lines))
    assert out == f"imported {len(imported)} articles, skipped {skipped} bad lines\n"
    state = kb_state(data_dir)
    check_kb(state, expected)

    # Again: the same messages, and not a row or an index entry more or different.
    assert run_quietly(lambda: run_import(data_dir, source)) == first
    assert kb_state(data_dir) == state


def test_the_imported_articles_are_found_by_search(kb_template: Path,
                                                   tmp_path_factory: pytest.TempPathFactory
                                                   ) -> None:
    data_dir = fresh_copy(kb_template, tmp_path_factory)
    source = data_dir / "articles.jsonl"
    good = {"id": "h-1", "title": "<img src=x onerror=alert(1)>停车收费",
            "body": "<script>x</script>"}
    source.write_bytes(BOM + json.dumps(good, ensure_ascii=False).encode() + b"\r\n"
                       + b'{"id": "old-1", "title": "\\ud800", "body": ""}\r\n')
    assert run_quietly(lambda: run_import(data_dir, source))[0] == 1
    db = open_database(data_dir / DB_FILENAME)
    try:
        searcher = KbSearcher(db)
        assert [hit.id for hit in searcher.search("停车收费", 5)] == ["h-1"]
        assert searcher.search("停车收费", 5)[0].title == good["title"]
        assert [hit.id for hit in searcher.search("燃气表", 5)] == ["old-1"]  # untouched
    finally:
        db.close()


def test_an_import_that_fails_half_way_leaves_the_kb_as_it_was(
        kb_template: Path, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = fresh_copy(kb_template, tmp_path_factory)
    before = kb_state(data_dir)
    source = data_dir / "articles.jsonl"
    source.write_text("".join(json.dumps({"id": f"n-{n}", "title": f"第{n}篇", "body": "正文"},
                                         ensure_ascii=False) + "\n" for n in range(5)),
                      encoding="utf-8")
    real = commands.apply_article_changes
    calls: list[int] = []

    def full_disk_on_the_second_batch(*args: Any) -> int:
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("INSERT ...", {}, sqlite3.OperationalError(
                "database or disk is full"))
        return real(*args)

    monkeypatch.setattr(commands, "IMPORT_BATCH", 2)
    monkeypatch.setattr(commands, "apply_article_changes", full_disk_on_the_second_batch)
    code, out, err = run_quietly(lambda: run_import(data_dir, source))
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == ("nothing was imported, the KB is as it was: database or "
                                    "disk is full")
    assert "Traceback" not in err and "INSERT" not in err
    assert kb_state(data_dir) == before


# Tickets for the report --------------------------------------------------------------------

UNITS = ["市城市管理局", "平顶山燃气公司", "市燃气公司", "市交通运输局", "<img src=x>局",
         "=HYPERLINK(\"http://x\",\"y\")", "外省某局", "单位" * 60]
CATEGORIES = [("城市管理", "路灯照明"), ("<b>环境</b>", "噪音"), ("=1+1", "@SUM(1)"),
              ("交通", "出租车" * 30), ("其他", "")]
GROUPS = ["city_departments", "districts", "外地", "<i>g</i>"]
# Valid histories carry only ratings the hotline knows: an unknown rating word is a numbered
# bad line since issue #16 (tests/integration/test_report_cli_network.py).
RATINGS = [None, *(r.value for r in Rating)]
MONTH = Month(2024, 2)
NOW = datetime(2024, 3, 5, 9, tzinfo=CHINA_TZ)


@st.composite
def histories(draw: st.DrawFn) -> dict[str, Any]:
    """A ticket's history in the interchange format, in or about February 2024."""
    offset = draw(st.sampled_from([CHINA_TZ, UTC, timezone(timedelta(hours=-5))]))
    clock = (datetime(2024, 1, 25, tzinfo=CHINA_TZ)
             + timedelta(minutes=draw(st.integers(0, 40 * 24 * 60)))).astimezone(offset)
    category = draw(st.one_of(st.none(), st.sampled_from(CATEGORIES)))
    history = TicketHistory(
        draw(st.text(PLAIN_CHARS, max_size=12)) + f"-{draw(st.integers(0, 10**6))}", clock,
        channel=draw(st.sampled_from([c.value for c in Channel])),
        appeal_type=draw(st.sampled_from([a.value for a in AppealType])), category=category,
        unit_group=draw(st.one_of(st.none(), st.sampled_from(GROUPS))))
    for step in draw(st.lists(st.sampled_from(
            ["dispatch", "accept", "reply", "callback", "redo", "extend", "close", "answer"]),
            max_size=7)):
        clock += timedelta(minutes=draw(st.integers(1, 6 * 24 * 60)))
        if step == "dispatch":
            history.dispatch(draw(st.sampled_from(UNITS)), clock,
                             days=draw(st.sampled_from([0.5, 3, 15])))
        elif step == "callback":
            history.callback(clock, draw(st.sampled_from(RATINGS)),
                             draw(st.sampled_from(RATINGS)))
        elif step == "extend":
            history.extend(clock, clock + timedelta(days=draw(st.integers(1, 10))))
        elif history.data["unit"] is not None or step in ("close", "answer"):
            getattr(history, step)(clock)
    record = history.as_dict()
    record.update(draw(EXTRAS))
    return record


def _drop(record: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != key}


def _event_changed(record: dict[str, Any], kind: str, key: str, value: Any
                   ) -> dict[str, Any] | None:
    events = [dict(e) for e in record["events"]]
    for event in events:
        if event["kind"] == kind:
            if value == "__missing__":
                event.pop(key)
            else:
                event[key] = value
            return {**record, "events": events}
    return None


@st.composite
def wrong_tickets(draw: st.DrawFn, record: dict[str, Any]) -> dict[str, Any]:
    """The record with something the report must refuse."""
    options: list[dict[str, Any] | None] = [
        *(_drop(record, key) for key in ("id", "created_at", "channel", "appeal_type",
                                         "status")),
        {**record, "id": draw(st.sampled_from([None, 7, ["a"], {"id": "a"}]))},
        {**record, "created_at": draw(st.sampled_from(
            ["yesterday", "2024-02-01T08:00:00", 1706745600, "0001-01-01T00:00:00+14:00",
             "9999-12-31T23:59:59-14:00", "1899-12-31T12:00:00+00:00"]))},
        {**record, "channel": draw(st.sampled_from(["fax", 1, None, ["phone_12345"]]))},
        {**record, "appeal_type": draw(st.sampled_from(["rant", {}, None]))},
        {**record, "status": "lost"},
        {**record, "urgency": draw(st.sampled_from([None, "whenever", 3]))},
        {**record, "unit": draw(st.sampled_from([5, ["市城市管理局"], {"a": 1}, True,
                                                 "城管\x00局", "城管\n局", "\x1b[31m"]))},
        {**record, "unit_group": draw(st.sampled_from([3, ["districts"], "dis\ttricts"]))},
        {**record, "category": draw(st.sampled_from(
            ["城市管理", [1, 2], ["城市管理"], ["a", "b", "c"], {"l1": "a"}, [["a"], "b"],
             ["城市\x07管理", "路灯"]]))},
        {**record, "deadline": draw(st.sampled_from(["soon", 5, "9999-12-31T23:59:59-14:00"]))},
        {**record, "redo_count": draw(st.sampled_from(["many", [1], float("inf")]))},
        {**record, "caller": draw(st.sampled_from(["张三", [1], {"gender": "x"}]))},
        {**record, "location": 5},
        {**record, "events": draw(st.sampled_from([None, "dispatched", {"kind": "closed"},
                                                   [None], [5], ["closed"]]))},
        _event_changed(record, "registered", "at", draw(st.sampled_from(
            [None, 5, "later", "2024-02-01T08:00:00", "0001-01-01T00:00:00+00:00"]))),
        _event_changed(record, "registered", draw(st.sampled_from(["id", "at", "kind"])),
                       "__missing__"),
        _event_changed(record, "dispatched", "unit", draw(st.sampled_from(
            [5, ["局"], {"u": 1}, "局\r"]))),
        _event_changed(record, "dispatched", "deadline", draw(st.sampled_from(
            [5, "soon", "9999-12-31T23:59:59-14:00", ["2024-02-10T00:00:00+08:00"]]))),
        _event_changed(record, "callback", draw(st.sampled_from(["result", "process"])),
                       draw(st.sampled_from([["satisfied"], {"r": 1}, 5, 2.5, True]))),
    ]
    return draw(st.sampled_from([o for o in options if o is not None]))


@st.composite
def ticket_lines(draw: st.DrawFn) -> Line:
    record = draw(histories())
    kind = draw(st.sampled_from(["valid", "valid", "wrong", "damaged"]))
    if kind == "valid":
        return Line(serialised(record, draw(st.booleans()),
                               draw(st.sampled_from(["", " "]))), record)
    if kind == "wrong":
        return Line(serialised(draw(wrong_tickets(record)), draw(st.booleans())), bad=True)
    return Line(draw(damaged(record, "content")), bad=True)


def report_of(data: bytes, folder: Path, name: str) -> tuple[int, str, str]:
    source = folder / name
    source.write_bytes(data)
    return run_quietly(lambda: run_report(folder, str(MONTH), source=source, now=NOW))


def registered_in_month(record: dict[str, Any]) -> bool:
    return Month.of(datetime.fromisoformat(record["created_at"])) == MONTH


@FUZZ
@given(file=jsonl_file(ticket_lines()))
def test_the_report_counts_the_valid_lines_exactly_and_reports_each_bad_one(
        file: tuple[bytes, list[Line]], tmp_path_factory: pytest.TempPathFactory,
        small_lines: None) -> None:
    data, lines = file
    folder = tmp_path_factory.mktemp("report")
    code, out, err = report_of(data, folder, "mixed.jsonl")
    assert code == expected_code(lines), err
    assert set(reported_lines(err)) == bad_numbers(lines), (err, lines)

    valid = [line for line in lines if line.value is not None]
    only_valid = b"".join(line.raw + b"\n" for line in valid)
    clean_code, clean_out, clean_err = report_of(only_valid, folder, "valid.jsonl")
    assert (clean_code, clean_err) == (0, "")
    assert json.loads(out) == json.loads(clean_out)
    assert json.loads(out)["totals"]["contacts"] == sum(
        registered_in_month(line.value) for line in valid)
    assert report_of(data, folder, "again.jsonl") == (code, out, err)


def test_hostile_names_reach_the_workbook_as_plain_text(tmp_path: Path) -> None:
    records = []
    for n, unit in enumerate(UNITS):
        history = (TicketHistory(f"X{n}", cst(2024, 2, 3 + n, 9), category=CATEGORIES[n % 4])
                   .dispatch(unit, cst(2024, 2, 3 + n, 10)).reply(cst(2024, 2, 4 + n)))
        records.append(json.dumps(history.as_dict(), ensure_ascii=False))
    source = tmp_path / "tickets.jsonl"
    source.write_text("\n".join(records) + "\n", encoding="utf-8")
    workbook = tmp_path / "report.xlsx"
    code, _, err = run_quietly(lambda: run_report(tmp_path, str(MONTH), source=source,
                                                  output=workbook, now=NOW))
    assert code == 0, err
    book = load_workbook(workbook)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]  # no formulas
    shown = {cell.value for cell in cells}
    assert {"=HYPERLINK(\"http://x\",\"y\")", "<img src=x>局", "=1+1"} <= shown

    # The CSV: a spreadsheet opening it takes a leading "=" as a formula, so such names are
    # written with the apostrophe that keeps them text (and that Excel does not show).
    table = tmp_path / "report.csv"
    code, _, err = run_quietly(lambda: run_report(tmp_path, str(MONTH), source=source,
                                                  output=table, now=NOW))
    assert code == 0, err
    units = {row["unit"] for row in csv.DictReader(table.open(encoding="utf-8-sig"))}
    assert {"'=HYPERLINK(\"http://x\",\"y\")", "<img src=x>局"} <= units
    assert not [unit for unit in units if unit.startswith(("=", "+", "-", "@"))]


def test_control_characters_from_the_cache_do_not_stop_the_workbook(tmp_path: Path) -> None:
    # The local cache is filled by sync, not by the importer's checks: the writer copes too.
    at = cst(2024, 2, 5, 10).astimezone(UTC)
    ticket = ReportTicket("C1", at, "phone_12345", "complaint", ("城市\x01管理", "路灯\x0b"),
                          "局\x00名", None, (ReportEvent(at, "dispatched", "局\x00名"),),
                          "组\x1f")
    report = compute_report([ticket], MONTH, as_of=NOW)
    write_report(report, "xlsx", tmp_path / "report.xlsx")
    cells = [cell.value for sheet in load_workbook(tmp_path / "report.xlsx").worksheets
             for row in sheet.iter_rows() for cell in row]
    assert "局\ufffd名" in cells


# The real command: exit codes and stderr ---------------------------------------------------


HUGE = jsonl.MAX_LINE_BYTES + 1024  # the real cap, in the real command


def test_kb_import_command_with_malformed_utf8_and_huge_lines(tmp_path: Path) -> None:
    # Some 3 MB: a big article, still under the cap (words, which index faster than Han).
    big_body = "长文 " + " ".join(f"word{n}" for n in range(300_000))
    lines = [
        BOM + json.dumps({"id": "a-1", "title": "燃气", "body": "<img src=x>"},
                         ensure_ascii=False).encode(),
        b'{"id": "a-2", "title": "\xe7\x87\x83\xff", "body": ""}',
        json.dumps({"id": "a-3", "title": "长文章", "body": big_body},
                   ensure_ascii=False).encode(),
        b'{"id": "a-4", "title": "t", "body": "' + b"x" * HUGE + b'"}',
        b'{"id": "a-5", "title": "\\ud800", "body": ""}',
        b'{"id": "a-6", "title": "t", "body": "", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        b"",
        b'{"id": "a-7", "title": "\xe6\x9c\x80\xe5\x90\x8e", "body": "\x00"}',  # raw NUL
        json.dumps({"id": "a-8", "title": "最后", "body": "no line break after me"}).encode(),
    ]
    source = tmp_path / "articles.jsonl"
    source.write_bytes(b"\r\n".join(lines))
    result = agent_app("--data-dir", str(tmp_path / "data"), "kb", "import", str(source))
    assert result.returncode == 1, result.stderr
    invalid_byte, nul = lines[1].index(b"\xff") + 1, lines[7].decode().index("\x00") + 1
    assert reported_lines(result.stderr) == {
        2: f"not UTF-8 text (byte 0xff at byte {invalid_byte})",
        4: "line longer than 8 MB", 5: jsonl.UNSTORABLE_REASON,
        6: "not JSON (nested too deeply)",
        8: f"not JSON (Invalid control character at column {nul})"}
    assert result.stdout == "imported 3 articles, skipped 5 bad lines\n"
    state = kb_state(tmp_path / "data")
    assert sorted(state.articles) == ["a-1", "a-3", "a-8"]
    assert state.articles["a-3"].body == big_body and sorted(state.docs) == ["a-1", "a-3", "a-8"]


def test_report_command_with_malformed_utf8_and_a_huge_line_on_stdin(tmp_path: Path) -> None:
    good = (TicketHistory("G", cst(2024, 2, 3, 9), category=("<b>环境</b>", "噪音"))
            .dispatch("<img src=x>局", cst(2024, 2, 3, 10)).reply(cst(2024, 2, 4)).as_dict())
    valid = [json.dumps(good, ensure_ascii=False).encode(),
             json.dumps({**good, "id": "H", "content": "长" * 1_000_000}).encode()]  # 6 MB
    lines = [BOM + valid[0], b'{"id": "\xc0\xaf"}', valid[1],
             json.dumps({**good, "id": "J", "content": "x" * HUGE}).encode(),
             json.dumps({**good, "id": "K", "unit": "@@"}).encode().replace(b"@@", b"\\udc00"),
             b"[" * 100_000, json.dumps({**good, "id": "L", "redo_count": 1}).encode()
             .replace(b'"redo_count": 1', b'"redo_count": 1e400')]
    result = agent_app("--data-dir", str(tmp_path / "data"), "report", "--month", str(MONTH),
                       "--from-jsonl", "-", stdin=b"\n".join(lines) + b"\n")
    assert result.returncode == 1, result.stderr
    reported = reported_lines(result.stderr)
    assert sorted(reported) == [2, 4, 5, 6, 7]
    assert reported[2].startswith("not UTF-8 text") and reported[4] == "line longer than 8 MB"
    assert reported[5] == jsonl.UNSTORABLE_REASON and reported[6].startswith("not JSON")
    assert reported[7] == "ticket L: cannot convert float infinity to integer"
    clean = tmp_path / "valid.jsonl"
    clean.write_bytes(b"\n".join(valid) + b"\n")
    expected = run_quietly(lambda: run_report(tmp_path, str(MONTH), source=clean, now=NOW))
    assert expected[0] == 0
    got, want = json.loads(result.stdout), json.loads(expected[1])
    assert got["totals"] == want["totals"] and got["units"] == want["units"]
    assert got["totals"]["contacts"] == 2

