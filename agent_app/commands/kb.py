"""`agent-app kb import` and `agent-app kb search` (DESIGN.md §7), stable for tests and ops.

Exit codes: 0 done; 1 done, but some input lines were bad and skipped; 2 nothing done (the
file or the database could not be used, or the arguments do not make sense).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy.exc import SQLAlchemyError

from agent_app.core.interchange import InterchangeError
from agent_app.jsonl import BadLine, json_lines
from agent_app.search.index import apply_article_changes
from agent_app.search.model import KbArticle, KbHit
from agent_app.search.searcher import KbSearcher
from agent_app.storage.database import DB_FILENAME, CorruptDatabaseError, Database, open_database

EXIT_OK, EXIT_PARTIAL, EXIT_FAILED = 0, 1, 2
IMPORT_BATCH = 1000


def read_articles(handle: IO[bytes], bad: list[BadLine]) -> Iterator[KbArticle]:
    """Articles of a JSON Lines file; a line that is not one is noted in `bad`, by number,
    and skipped. Blank lines are allowed."""
    for number, value in json_lines(handle, bad):
        try:
            yield KbArticle.from_dict(value)
        except InterchangeError as exc:
            bad.append(BadLine(number, str(exc)))


@contextmanager
def _database(data_dir: Path) -> Iterator[Database | None]:
    try:
        db = open_database(data_dir / DB_FILENAME)
    except (CorruptDatabaseError, OSError) as exc:
        print(f"the local database cannot be used: {exc}", file=sys.stderr)
        yield None
        return
    try:
        yield db
    finally:
        db.close()


def run_import(data_dir: Path, source: Path) -> int:
    try:
        handle = sys.stdin.buffer if str(source) == "-" else source.open("rb")
    except OSError as exc:
        print(f"cannot read {source}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    bad: list[BadLine] = []
    # By id: an article given twice (in two batches, too) is one article imported.
    imported: set[str] = set()
    with handle, _database(data_dir) as db:
        if db is None:
            return EXIT_FAILED
        try:
            _import(db, handle, bad, imported)
        except (OSError, SQLAlchemyError) as exc:
            # A full disk, a locked file, a read error half-way: the transaction was rolled
            # back, so say so rather than show a traceback.
            print(f"nothing was imported, the KB is as it was: {_why(exc)}", file=sys.stderr)
            return EXIT_FAILED
    for line in bad:
        print(f"line {line.number}: {line.reason} — skipped", file=sys.stderr)
    print(f"imported {len(imported)} articles, skipped {len(bad)} bad lines")
    return EXIT_PARTIAL if bad else EXIT_OK


def _import(db: Database, handle: IO[bytes], bad: list[BadLine], imported: set[str]) -> None:
    # One transaction: an interrupted import leaves the KB as it was.
    with db.unit_of_work() as uow:
        batch: list[KbArticle] = []
        for article in read_articles(handle, bad):
            batch.append(article)
            imported.add(article.id)
            if len(batch) == IMPORT_BATCH:
                apply_article_changes(uow.session, batch, [])
                batch = []
                print(f"imported {len(imported)} articles…", file=sys.stderr, flush=True)
        apply_article_changes(uow.session, batch, [])
        uow.commit()


def _why(exc: OSError | SQLAlchemyError) -> str:
    """The reason without SQLAlchemy's statement and values (whole articles)."""
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc} ({exc.filename})" if exc.filename else str(exc)
    return str(getattr(exc, "orig", None) or type(exc).__name__)


def hit_to_dict(hit: KbHit) -> dict[str, Any]:
    return {"id": hit.id, "title": hit.title, "score": hit.score, "snippet": hit.snippet,
            "highlights": [list(span) for span in hit.highlights], "unit": hit.unit,
            "category": hit.category,
            "updated_at": hit.updated_at.isoformat() if hit.updated_at else None}


def run_search(data_dir: Path, text: str | None, *, as_json: bool, limit: int,
               batch: Path | None) -> int:
    if (text is None) == (batch is None):
        print("give either a query or --batch FILE", file=sys.stderr)
        return EXIT_FAILED
    if limit < 1:
        print("--limit must be at least 1", file=sys.stderr)
        return EXIT_FAILED
    queries: IO[str] | None = None
    if batch is not None:
        try:
            queries = sys.stdin if str(batch) == "-" else batch.open(encoding="utf-8",
                                                                     errors="replace")
        except OSError as exc:
            print(f"cannot read {batch}: {exc.strerror}", file=sys.stderr)
            return EXIT_FAILED
    with _database(data_dir) as db:
        if db is None:
            return EXIT_FAILED
        searcher = KbSearcher(db)
        if queries is not None:
            with queries:
                for line in queries:
                    hits = searcher.search(line.rstrip("\r\n"), limit)
                    print(json.dumps([hit_to_dict(h) for h in hits], ensure_ascii=False),
                          flush=True)
            return EXIT_OK
        hits = searcher.search(text or "", limit)
        if as_json:
            print(json.dumps([hit_to_dict(h) for h in hits], ensure_ascii=False, indent=2))
        else:
            for hit in hits:
                print(f"{hit.score:8.3f}  {hit.id}  {hit.title}\n          {hit.snippet}")
    return EXIT_OK
