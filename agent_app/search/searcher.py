"""KbSearcher: the query side of the KB index (DESIGN.md §6).

A query of one character (the first key typed) lists titles that start with it, then
titles that hold it, in index order: ranking every article containing 办 would cost more
than a frame and tell the operator nothing. Longer queries are ranked in passes, each
only when the ones before found too little, its hits placed after theirs:
1. strict in titles — every piece of the query in the title or labels (as itself or a
   synonym; typed Latin letters as pinyin), bm25 on the small title table; then the same
   with Han pieces also matched by sound (homophones);
2. the same with long chunks cut into the words titles use;
3. strict in bodies — every piece in title or body, whole, then cut into words;
4. loose in titles — any piece, word or bigram, for colloquial sentences;
5. loose in bodies — the same over the bodies, only when almost nothing was found, since
   common bigrams there match most of the KB;
6. fuzzy — rapidfuzz on the titles' pinyin, for typos near in sound but not equal.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from sqlalchemy import TextClause, bindparam, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from agent_app.search.index import article_from_row, ensure_index, index_generation
from agent_app.search.lexicon import Lexicon, shipped_lexicon
from agent_app.search.model import KbArticle, KbHit
from agent_app.search.query import QueryPlan, cut_at_rare_bigrams, plan_query
from agent_app.search.snippet import make_snippet, title_words_for_pinyin
from agent_app.storage.database import Database
from agent_app.storage.schema import KbArticleRow, KbSearchDocRow

log = logging.getLogger(__name__)

# bm25 weights per column: kb_fts_title (title, meta = category and unit, pinyin full,
# initials) and kb_fts (title, body).
TITLE_WEIGHTS = (10.0, 2.0, 6.0, 6.0)
BODY_WEIGHTS = (4.0, 1.0)
FEW = 3  # the body-wide loose pass and the fuzzy pass run when fewer hits than this
FUZZY_CUTOFF = 75.0
FUZZY_PROBE_CAP = 2000  # a character in more titles than this does not narrow the search


def _ranked_match(table: str, weights: tuple[float, ...]) -> TextClause:
    return text(f"SELECT rowid, bm25({table}, {', '.join(map(str, weights))}) AS rank "
                f"FROM {table} WHERE {table} MATCH :query ORDER BY rank LIMIT :limit")


_IN_TITLES = _ranked_match("kb_fts_title", TITLE_WEIGHTS)
_IN_BODIES = _ranked_match("kb_fts", BODY_WEIGHTS)
_UNRANKED = text("SELECT rowid FROM kb_fts_title WHERE kb_fts_title MATCH :query LIMIT :limit")


@dataclass(frozen=True)
class _Ranked:
    doc_id: int
    score: float


class KbSearcher:
    """Search the local KB. Call from the DB worker (it reads, and on first use may build the
    index); `search` returns an empty list rather than raising on any input."""

    def __init__(self, db: Database, lexicon: Lexicon | None = None) -> None:
        self._db = db
        self._lexicon = lexicon if lexicon is not None else shipped_lexicon()
        self._index_checked = False
        self._fuzzy_titles: tuple[int, dict[int, tuple[str, str]]] | None = None

    def search(self, text: str, limit: int = 10) -> list[KbHit]:
        if limit <= 0 or not isinstance(text, str):
            return []
        plan = plan_query(text, self._lexicon)
        if plan.empty:
            return []
        try:
            with self._db.session() as session:
                self._ensure_index(session)
                ranked = self._rank(session, text, plan, limit)
                return self._hits(session, ranked[:limit], plan)
        except OperationalError:
            # Only a damaged index gets here (queries are built from quoted tokens); the
            # operator is better served by no hits than by an error while on a call.
            log.exception("KB search failed for a query of %d characters", len(text))
            return []

    def get(self, article_id: str) -> KbArticle | None:
        with self._db.session() as session:
            row = session.get(KbArticleRow, article_id)
            return article_from_row(row) if row is not None else None

    def _ensure_index(self, session: Session) -> None:
        if self._index_checked:
            return
        with session.begin():
            ensure_index(session)
        self._index_checked = True

    def _rank(self, session: Session, text: str, plan: QueryPlan,
              limit: int) -> list[_Ranked]:
        if plan.single_character is not None:
            return self._first_key(session, plan.single_character, limit)
        ranked = self._match(session, _IN_TITLES, plan.strict_titles(), limit)
        if len(ranked) < limit and plan.has_sounds():  # homophones: 公基金 for 公积金
            _append_below(ranked, self._match(session, _IN_TITLES,
                                              plan.strict_titles(sounds=True), limit))
        if len(ranked) >= limit:
            return ranked
        # Not enough from whole chunks: cut long ones into words (this asks the index how
        # common their bigrams are, so only queries that get this far pay for it).
        plan = plan_query(text, self._lexicon, partial(_split, session))
        # Each pass runs only while the ones before found fewer hits than its "enough".
        passes = [(_IN_TITLES, plan.split_titles(), limit),
                  (_IN_BODIES, plan.strict_bodies(), limit),
                  (_IN_BODIES, plan.split_bodies(), limit),
                  (_IN_TITLES, plan.loose_titles(), limit),
                  (_IN_BODIES, plan.loose_bodies(), FEW)]
        for statement, expression, enough in passes:
            if len(ranked) >= enough:
                break
            if expression:
                _append_below(ranked, self._match(session, statement, expression, limit))
        if len(ranked) < min(limit, FEW):
            _append_below(ranked, self._fuzzy(session, plan, limit))
        return ranked

    @staticmethod
    def _first_key(session: Session, char: str, limit: int) -> list[_Ranked]:
        columns = "{py_init}" if char.isalpha() and char.isascii() else "{title}"
        ranked: list[_Ranked] = []
        for expression, score in ((f'{columns} : ^ "{char}"*', 1.0),
                                  (f'{{title}} : "{char}"*', 0.5)):
            rows = session.execute(_UNRANKED, {"query": expression, "limit": limit})
            _append_below(ranked, [_Ranked(doc_id, score) for (doc_id,) in rows])
            if len(ranked) >= limit:
                break
        return ranked

    @staticmethod
    def _match(session: Session, statement: TextClause, expression: str,
               limit: int) -> list[_Ranked]:
        rows = session.execute(statement, {"query": expression, "limit": limit})
        return [_Ranked(doc_id, -rank) for doc_id, rank in rows]

    def _fuzzy(self, session: Session, plan: QueryPlan, limit: int) -> list[_Ranked]:
        """Titles that sound like the query, scored by rapidfuzz on their pinyin. Only titles
        sharing a character (or a pair of initials) with the query are scored, and only
        through characters rare enough to narrow the KB down: scoring all 100,000 titles
        would take longer than the operator waits."""
        from rapidfuzz import fuzz, process

        syllables = plan.syllables()
        if len(syllables) < 2:
            return []
        candidates: set[int] = set()
        for probe in plan.fuzzy_probes():
            rows = session.execute(_UNRANKED, {"query": probe, "limit": FUZZY_PROBE_CAP})
            found = [doc_id for (doc_id,) in rows]
            if len(found) < FUZZY_PROBE_CAP:
                candidates.update(found)
        if not candidates:
            return []
        initials_only = all(len(s) == 1 for s in syllables)
        titles = self._titles(session)
        docs = [doc_id for doc_id in candidates if doc_id in titles]
        choices = [titles[doc_id][1 if initials_only else 0] for doc_id in docs]
        matches = process.extract("".join(syllables), choices, scorer=fuzz.partial_ratio,
                                  limit=limit, score_cutoff=FUZZY_CUTOFF)
        return [_Ranked(docs[index], score / 100.0) for _choice, score, index in matches]

    def _titles(self, session: Session) -> dict[int, tuple[str, str]]:
        """Every title's pinyin run together, full and initials; kept until the index
        changes."""
        stamp = index_generation(session)
        if self._fuzzy_titles is None or self._fuzzy_titles[0] != stamp:
            readings: dict[int, tuple[str, str]] = {}
            for doc_id, reading in session.execute(
                    select(KbSearchDocRow.doc_id, KbSearchDocRow.title_pinyin)):
                syllables = reading.replace("/", " ").split()
                readings[doc_id] = ("".join(syllables), "".join(s[0] for s in syllables))
            self._fuzzy_titles = (stamp, readings)
        return self._fuzzy_titles[1]

    def _hits(self, session: Session, ranked: Sequence[_Ranked],
              plan: QueryPlan) -> list[KbHit]:
        if not ranked:
            return []
        rows = {doc.doc_id: (doc, article) for doc, article in session.execute(
            select(KbSearchDocRow, KbArticleRow)
            .join(KbArticleRow, KbArticleRow.id == KbSearchDocRow.article_id)
            .where(KbSearchDocRow.doc_id.in_([r.doc_id for r in ranked])))}
        terms = plan.highlight_terms()
        sounds = [piece.syllables for piece in plan.pieces if piece.syllables]
        hits: list[KbHit] = []
        for item in ranked:
            if item.doc_id not in rows:
                continue
            doc, article = rows[item.doc_id]
            wanted = terms + title_words_for_pinyin(article.title, doc.title_pinyin, sounds)
            snippet, highlights = make_snippet(article.body, wanted)
            hits.append(KbHit(id=article.id, title=article.title, score=round(item.score, 4),
                              snippet=snippet, highlights=highlights, unit=article.unit,
                              category=article.category, updated_at=article.updated_at))
        return hits


_TITLE_TERMS = text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.kb_title_terms "
                    "USING fts5vocab(main, 'kb_fts_title', 'row')")
_TERM_COUNTS = text("SELECT term, doc FROM temp.kb_title_terms WHERE term IN :terms"
                    ).bindparams(bindparam("terms", expanding=True))


def _split(session: Session, run: str) -> list[str]:
    """Cut a long Han chunk into words by how common its bigrams are in titles."""
    bigrams = [run[i:i + 2] for i in range(len(run) - 1)]
    session.execute(_TITLE_TERMS)
    counts: dict[str, int] = dict(
        session.execute(_TERM_COUNTS, {"terms": sorted(set(bigrams))}).all())
    return cut_at_rare_bigrams(run, [counts.get(bigram, 0) for bigram in bigrams])


def _append_below(ranked: list[_Ranked], more: Sequence[_Ranked]) -> None:
    """Add hits of a weaker pass after those already found, scaled so scores still fall."""
    seen = {r.doc_id for r in ranked}
    fresh = [r for r in more if r.doc_id not in seen]
    if not fresh:
        return
    top = max(r.score for r in fresh)
    floor = min((r.score for r in ranked), default=top)
    scale = (floor / top) * 0.9 if top > 0 and floor < top else 1.0
    ranked.extend(_Ranked(r.doc_id, r.score * scale) for r in fresh)
