"""Keeping the full-text index in step with kb_articles, in the writer's own transaction.

kb_fts is contentless: it stores only the inverted index, not the text, so deleting a row
means handing FTS5 the same tokens again. They are cut again from the article row as it is
stored; a fingerprint in kb_search_docs proves that row is what was indexed, and when it is
not (the row was changed behind the index's back) the whole index is rebuilt rather than
corrupted. The index is derived data: a new tokenizer version rebuilds it from kb_articles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from agent_app.search.model import KbArticle
from agent_app.search.pinyin import initials, pair_tokens, phrase_syllables
from agent_app.search.text import index_tokens, segments
from agent_app.storage.schema import KbArticleRow, KbSearchDocRow, MetaRow

# Bump when the tokens or the tables change: every database then rebuilds its index once.
TOKENIZER_VERSION = "2"
INDEX_VERSION_KEY = "kb_index_version"
GENERATION_KEY = "kb_index_generation"  # bumped on every change: searchers drop their caches
# Two tables with the same rowids. kb_fts_title is small (titles, labels, title pinyin) and
# has a one-character prefix index, so the first key typed and most queries are answered
# from it; kb_fts holds title and body, for words found only in the body. Kept in step with
# migration 0005, which made them; a rebuild uses these.
FTS_DDL = (
    "CREATE VIRTUAL TABLE kb_fts_title USING fts5(title, meta, py_full, py_init, content='', "
    "tokenize='unicode61 remove_diacritics 0', prefix='1')",
    "CREATE VIRTUAL TABLE kb_fts USING fts5(title, body, content='', "
    "tokenize='unicode61 remove_diacritics 0')",
)
FTS_TABLES = ("kb_fts_title", "kb_fts")
_BATCH = 500  # ids per IN (...) query: well under SQLite's variable limit
_T = TypeVar("_T")

_INSERT_TITLE = text(
    "INSERT INTO kb_fts_title(rowid, title, meta, py_full, py_init) "
    "VALUES (:rowid, :title, :meta, :py_full, :py_init)")
_INSERT_BODY = text("INSERT INTO kb_fts(rowid, title, body) VALUES (:rowid, :title, :body)")
_DELETE_TITLE = text(
    "INSERT INTO kb_fts_title(kb_fts_title, rowid, title, meta, py_full, py_init) "
    "VALUES ('delete', :rowid, :title, :meta, :py_full, :py_init)")
_DELETE_BODY = text(
    "INSERT INTO kb_fts(kb_fts, rowid, title, body) VALUES ('delete', :rowid, :title, :body)")


def index_version() -> str:
    # Imported here: loading pypinyin's dictionaries costs a quarter of a second, which the
    # start-up must not pay; the first search pays it anyway.
    import pypinyin

    return f"{TOKENIZER_VERSION}/pypinyin-{pypinyin.__version__}"


@dataclass(frozen=True)
class IndexedText:
    """The token strings one article puts into kb_fts, column by column."""

    title: str
    body: str
    meta: str
    py_full: str
    py_init: str
    title_pinyin: str  # syllables of the title's Han runs, runs split by " / "

    def title_params(self, rowid: int) -> dict[str, Any]:
        return {"rowid": rowid, "title": self.title, "meta": self.meta,
                "py_full": self.py_full, "py_init": self.py_init}

    def body_params(self, rowid: int) -> dict[str, Any]:
        return {"rowid": rowid, "title": self.title, "body": self.body}


def _write_fts(session: Session, texts: Sequence[tuple[int, IndexedText]], *,
               delete: bool = False) -> None:
    if texts:
        session.execute(_DELETE_TITLE if delete else _INSERT_TITLE,
                        [t.title_params(rowid) for rowid, t in texts])
        session.execute(_DELETE_BODY if delete else _INSERT_BODY,
                        [t.body_params(rowid) for rowid, t in texts])


def indexed_text(article: KbArticle) -> IndexedText:
    full: list[str] = []
    first: list[str] = []
    runs: list[str] = []
    for segment in segments(article.title):
        if segment.is_han:
            syllables = phrase_syllables(segment.text)
            full.extend(pair_tokens(syllables))
            first.extend(pair_tokens(initials(syllables)))
            runs.append(" ".join(syllables))
    meta = " ".join(filter(None, (article.category, article.unit)))
    return IndexedText(title=index_tokens(article.title), body=index_tokens(article.body),
                       meta=index_tokens(meta), py_full=" ".join(full),
                       py_init=" ".join(first), title_pinyin=" / ".join(runs))


def fingerprint(article: KbArticle) -> str:
    material = "\x1f".join((article.title, article.body, article.category or "",
                            article.unit or ""))
    return hashlib.sha1(material.encode("utf-8")).hexdigest()


def article_from_row(row: KbArticleRow) -> KbArticle:
    return KbArticle(id=row.id, title=row.title, body=row.body, category=row.category,
                     unit=row.unit, updated_at=row.updated_at)


def apply_article_changes(session: Session,
                          upserts: Iterable[Mapping[str, Any] | KbArticle],
                          deleted_ids: Iterable[str]) -> int:
    """Write these articles to kb_articles, remove the deleted ones, and bring the index
    along, all in the caller's transaction (the caller commits). Upserts are KbArticles
    or in the interchange form (KbArticle.from_dict raises InterchangeError on a bad one); an
    unchanged article costs no index work. An id both upserted and deleted is kept: a
    caller holding both in one batch resolves their order first. Returns how many articles
    were written or removed."""
    ensure_index(session)
    latest: dict[str, KbArticle] = {}
    for data in upserts:
        article = data if isinstance(data, KbArticle) else KbArticle.from_dict(data)
        latest[article.id] = article
    removed = [str(article_id) for article_id in dict.fromkeys(deleted_ids)
               if article_id not in latest]
    ids = list(latest) + removed
    stale = False
    docs: dict[str, KbSearchDocRow] = {}
    for chunk in _chunks(ids):
        docs.update((doc.article_id, doc) for doc in session.scalars(
            select(KbSearchDocRow).where(KbSearchDocRow.article_id.in_(chunk))))
        stored = {row.id: article_from_row(row) for row in session.scalars(
            select(KbArticleRow).where(KbArticleRow.id.in_(chunk)))}
        retire: list[tuple[int, IndexedText]] = []
        for article_id in chunk:
            doc, old = docs.get(article_id), stored.get(article_id)
            new = latest.get(article_id)
            if doc is None or (new is not None and fingerprint(new) == doc.fingerprint):
                continue
            if old is None or fingerprint(old) != doc.fingerprint:
                stale = True  # the index does not hold what the table holds: rebuild below
                continue
            retire.append((doc.doc_id, indexed_text(old)))
        if not stale:
            _write_fts(session, retire, delete=True)

    _write_rows(session, list(latest.values()))
    for chunk in _chunks(removed):
        session.execute(delete(KbArticleRow).where(KbArticleRow.id.in_(chunk)))
        session.execute(delete(KbSearchDocRow).where(KbSearchDocRow.article_id.in_(chunk)))
    if stale:
        rebuild_index(session)
        return len(latest) + len(removed)
    changed = [article for article in latest.values()
               if article.id not in docs or docs[article.id].fingerprint != fingerprint(article)]
    _index(session, changed, docs)
    if changed or removed:
        _bump_generation(session)
    return len(latest) + len(removed)


_ARTICLE_COLUMNS = ("title", "body", "category", "unit", "updated_at")


def _write_rows(session: Session, articles: Sequence[KbArticle]) -> None:
    if not articles:
        return
    statement = insert(KbArticleRow)
    # One statement run for many rows (executemany): compiling a VALUES list per batch costs
    # more than the insert itself.
    session.execute(statement.on_conflict_do_update(
        index_elements=[KbArticleRow.id],
        set_={column: statement.excluded[column] for column in _ARTICLE_COLUMNS}),
        [{"id": a.id, "title": a.title, "body": a.body, "category": a.category,
          "unit": a.unit, "updated_at": a.updated_at} for a in articles])


def _index(session: Session, articles: Sequence[KbArticle],
           docs: Mapping[str, KbSearchDocRow]) -> None:
    """Add rows for new or changed articles; a changed one keeps its doc_id."""
    if not articles:
        return
    next_id = (session.scalar(select(func.max(KbSearchDocRow.doc_id))) or 0) + 1
    for chunk in _chunks(articles):
        fts_rows: list[tuple[int, IndexedText]] = []
        doc_rows: list[dict[str, Any]] = []
        for article in chunk:
            doc = docs.get(article.id)
            if doc is None:
                doc_id, next_id = next_id, next_id + 1
            else:
                doc_id = doc.doc_id
            tokens = indexed_text(article)
            fts_rows.append((doc_id, tokens))
            doc_rows.append({"doc_id": doc_id, "article_id": article.id,
                             "fingerprint": fingerprint(article),
                             "title_pinyin": tokens.title_pinyin})
        _write_fts(session, fts_rows)
        statement = insert(KbSearchDocRow)
        session.execute(statement.on_conflict_do_update(
            index_elements=[KbSearchDocRow.doc_id],
            set_={"fingerprint": statement.excluded.fingerprint,
                  "title_pinyin": statement.excluded.title_pinyin}), doc_rows)


def rebuild_index(session: Session) -> int:
    """Throw the index away and make it again from kb_articles. Returns the article count."""
    for table in FTS_TABLES:
        session.execute(text(f"DROP TABLE IF EXISTS {table}"))
    for statement in FTS_DDL:
        session.execute(text(statement))
    session.execute(delete(KbSearchDocRow))
    count = 0
    batch: list[KbArticle] = []
    for row in session.scalars(select(KbArticleRow).order_by(KbArticleRow.id)
                               .execution_options(yield_per=_BATCH)):
        batch.append(article_from_row(row))
        if len(batch) == _BATCH:
            count += _index_new(session, batch, count)
            batch = []
    count += _index_new(session, batch, count)
    _set_meta(session, INDEX_VERSION_KEY, index_version())
    _bump_generation(session)
    return count


def _index_new(session: Session, articles: Sequence[KbArticle], done: int) -> int:
    fts_rows: list[tuple[int, IndexedText]] = []
    doc_rows: list[dict[str, Any]] = []
    for offset, article in enumerate(articles, start=done + 1):
        tokens = indexed_text(article)
        fts_rows.append((offset, tokens))
        doc_rows.append({"doc_id": offset, "article_id": article.id,
                         "fingerprint": fingerprint(article),
                         "title_pinyin": tokens.title_pinyin})
    if articles:
        _write_fts(session, fts_rows)
        session.execute(insert(KbSearchDocRow), doc_rows)
    return len(articles)


def ensure_index(session: Session) -> bool:
    """Rebuild when the index was made by another tokenizer version, or never (a database
    from before the index existed). Returns whether it rebuilt."""
    stamp = session.get(MetaRow, INDEX_VERSION_KEY)
    if stamp is not None and stamp.value == index_version():
        return False
    rebuild_index(session)
    return True


def index_generation(session: Session) -> int:
    stamp = session.get(MetaRow, GENERATION_KEY)
    return int(stamp.value) if stamp is not None else 0


def _bump_generation(session: Session) -> None:
    _set_meta(session, GENERATION_KEY, str(index_generation(session) + 1))


def _set_meta(session: Session, key: str, value: str) -> None:
    stamp = session.get(MetaRow, key)
    if stamp is None:
        session.add(MetaRow(key=key, value=value))
    else:
        stamp.value = value
    session.flush()


def _chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), _BATCH):
        yield items[start:start + _BATCH]
