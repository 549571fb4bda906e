"""KbSearcher: the query side of the KB index (DESIGN.md §6).

A query of one character (the first key typed) lists titles that start with it, then
titles that hold it, in index order: ranking every article containing 办 would cost more
than a frame and tell the operator nothing. Longer queries are ranked in passes, each
only when the ones before found too little, its hits placed after theirs:
1. strict in titles — every piece of the query in the title or labels (as itself or a
   synonym; typed Latin letters as pinyin), bm25 on the small title table; then the same
   with Han pieces also matched by sound (homophones), a homophone of a known word also
   written as the word and its synonyms (低报申请: 最低生活保障申请);
2. the same with long chunks cut into the words titles use (a bigram in no title is
   judged by its sound, so 护招补办 is cut 护招 补办, not 护 招 补办);
3. strict in bodies — every piece in title or body, whole, then cut into words;
4. loose in titles — any piece, word or bigram, for colloquial sentences;
5. loose in bodies — the same over the bodies, only when almost nothing was found, since
   common bigrams there match most of the KB;
6. fuzzy — rapidfuzz on the titles' pinyin, for typos near in sound but not equal.

A sentence-like query (a spoken question, colloquial.py) is then ranked again: the hits of
those passes, and the articles whose titles or bodies hold its rarer problem words or the
official words the colloquial lexicon gives for them, are ordered by how much of the
problem they hold (title and body), the passes' own order counting as a prior. So is a
shorthand that holds a spoken word of the lexicon (没暖气: 暖气不热), or that the passes
found almost nothing for.

When no article held every piece of a short query (passes 1–3 found nothing), its bigrams
are broken — a swapped or dropped character (户本口丢了) — while its characters still name
the matter: the passes' ranking is fused (reciprocal ranks) with the titles' ranking by the
characters they hold, and the re-ranking above weighs the characters more.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import TextClause, bindparam, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from agent_app.search.colloquial import (
    ColloquialLexicon,
    Unit,
    han_count,
    han_only,
    idf,
    is_sentence,
    score_article,
    score_characters,
    sentence_units,
    shipped_colloquial,
)
from agent_app.search.index import article_from_row, ensure_index, index_generation
from agent_app.search.learning import (
    REBUILD_AFTER,
    UsageIndex,
    lift,
    load_usage_index,
    query_key,
    usage_generation,
)
from agent_app.search.lexicon import Lexicon, shipped_lexicon
from agent_app.search.model import KbArticle, KbHit
from agent_app.search.pinyin import char_syllable, phrase_syllables
from agent_app.search.query import TITLE_TEXT, QueryPlan, cut_at_rare_bigrams, plan_query
from agent_app.search.snippet import make_snippet, title_words_for_pinyin
from agent_app.search.text import fold
from agent_app.storage.database import Database
from agent_app.storage.schema import KbArticleRow, KbSearchDocRow

log = logging.getLogger(__name__)

# bm25 weights per column: kb_fts_title (title, meta = category and unit, pinyin full,
# initials) and kb_fts (title, body).
TITLE_WEIGHTS = (10.0, 2.0, 6.0, 6.0)
BODY_WEIGHTS = (4.0, 1.0)
FEW = 3  # the body-wide loose pass and the fuzzy pass run when fewer hits than this
FUZZY_CUTOFF = 75.0
FUZZY_POOL = 30  # fuzzy matches re-ordered by the known word their first letters make
FUZZY_WORD_BONUS = 0.1
MAX_PREFIX_WORD = 4
FUZZY_PROBE_CAP = 2000  # a character in more titles than this does not narrow the search
FREQUENCY_CAP = 1000
MAX_LIFTED = 10  # articles learning may lift for one query
TAIL_SHARE = 0.25  # a sentence's hits scoring under this share of the best are dropped
SENTENCE_POOL = 20  # candidates each lookup of a sentence-like query's unit brings
SENTENCE_PROBES = 8  # the rarest units looked up
FALLBACK_PROBES = 3  # when every unit is common, the least common are looked up
COMMON_SHARE = 0.05  # a unit in more of the KB than this is scored but not looked up
CHAR_PROBES = 3  # the rarest characters looked up in titles
CHAR_POOL = 10  # candidates each of them brings
CHAR_SHARE = 0.3  # the characters' overlap beside the words' (each relative to its best)
UNSURE_CHAR_SHARE = 1.5  # the same when no article held all the query's words
# An unsure ranking (no article held all the query's words) is fused with the titles' ranking by
# the query's characters: how many of those, and how far the characters' ranking counts.
CHAR_FUSION_POOL, CHAR_FUSION_WEIGHT, FUSION_K = 20, 1.0, 10
# What the passes' first hit adds, relative to the best coverage score: more for a few
# words (a typo the passes matched by sound), less for a sentence the passes cut badly.
PRIOR_FEW_WORDS, PRIOR_SENTENCE, FEW_WORDS = 0.35, 0.1, 6


def _ranked_match(table: str, weights: tuple[float, ...]) -> TextClause:
    return text(f"SELECT rowid, bm25({table}, {', '.join(map(str, weights))}) AS rank "
                f"FROM {table} WHERE {table} MATCH :query ORDER BY rank LIMIT :limit")


_IN_TITLES = _ranked_match("kb_fts_title", TITLE_WEIGHTS)
_IN_BODIES = _ranked_match("kb_fts", BODY_WEIGHTS)
_UNRANKED = text("SELECT rowid FROM kb_fts_title WHERE kb_fts_title MATCH :query LIMIT :limit")
_UNRANKED_BODIES = text("SELECT rowid FROM kb_fts WHERE kb_fts MATCH :query LIMIT :limit")


@dataclass(frozen=True)
class _Ranked:
    doc_id: int
    score: float


class KbSearcher:
    """Search the local KB. Call from the DB worker (it reads, and on first use may build the
    index); `search` returns an empty list rather than raising on any input."""

    def __init__(self, db: Database, lexicon: Lexicon | None = None,
                 colloquial: ColloquialLexicon | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._db = db
        self._lexicon = lexicon if lexicon is not None else shipped_lexicon()
        self._colloquial = colloquial if colloquial is not None else shipped_colloquial()
        self._documents: tuple[int, int] | None = None  # (generation, how many)
        self._frequency_cache: tuple[int, dict[str, int]] = (-1, {})
        self._usage: tuple[int, UsageIndex] | None = None  # (usage generation, index)
        self._clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
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
                brought: list[str] = []
                sure = True
                if is_sentence(text) and han_count(text) > FEW_WORDS:
                    # A long one gets the strict passes only: the loose ones cost the most
                    # on long queries, and the re-ranking below does their work better.
                    ranked = self._strict(session, plan, limit)
                else:
                    ranked, sure = self._rank(session, text, plan, limit)
                    if not sure:
                        # No article held the query's words, even by sound: a swapped or
                        # dropped character (户本口丢了) breaks every bigram, while the
                        # characters themselves still name the matter.
                        ranked = _fuse(ranked, self._characters(session, plan, ranked))
                # A short sentence may be a typo the passes matched by sound; a shorthand is
                # re-ranked too when the passes found almost nothing (想订报纸) or it holds
                # a spoken word.
                if is_sentence(text) or (han_only(text) and (
                        len(ranked) < FEW or self._colloquial.officials_in(text))):
                    ranked, brought = self._sentence(session, text, plan, ranked,
                                                     char_share=CHAR_SHARE if sure
                                                     else UNSURE_CHAR_SHARE)
                learned: set[int] = set()
                if plan.single_character is None:
                    ranked, learned = self._learned(session, text, ranked)
                return self._hits(session, ranked[:limit], plan, brought, learned)
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
              limit: int) -> tuple[list[_Ranked], bool]:
        """The passes' hits, and whether an article held every piece of the query (whole,
        by sound or cut into words): the ranking is then sure of its first hits."""
        if plan.single_character is not None:
            return self._first_key(session, plan.single_character, limit), True
        ranked = self._match(session, _IN_TITLES, plan.strict_titles(), limit)
        if len(ranked) < limit and plan.has_sounds():  # homophones: 公基金 for 公积金
            _append_below(ranked, self._match(session, _IN_TITLES,
                                              plan.strict_titles(sounds=True), limit))
        if len(ranked) >= limit:
            return ranked, True
        # Not enough from whole chunks: cut long ones into words (this asks the index how
        # common their bigrams are, so only queries that get this far pay for it).
        plan = plan_query(text, self._lexicon, partial(_split, session))
        self._run_passes(session, ranked, limit, [(_IN_TITLES, plan.split_titles(), limit),
                                                  (_IN_BODIES, plan.strict_bodies(), limit),
                                                  (_IN_BODIES, plan.split_bodies(), limit)])
        sure = bool(ranked)  # every piece in one article: the loose passes below are not
        self._run_passes(session, ranked, limit, [(_IN_TITLES, plan.loose_titles(), limit),
                                                  (_IN_BODIES, plan.loose_bodies(), FEW)])
        if len(ranked) < min(limit, FEW):
            _append_below(ranked, self._fuzzy(session, plan, limit))
        return ranked, sure

    def _run_passes(self, session: Session, ranked: list[_Ranked], limit: int,
                    passes: Sequence[tuple[TextClause, str | None, int]]) -> None:
        """Each pass runs only while the ones before found fewer hits than its "enough";
        its hits go below theirs."""
        for statement, expression, enough in passes:
            if len(ranked) >= enough:
                break
            if expression:
                _append_below(ranked, self._match(session, statement, expression, limit))

    @staticmethod
    def _characters(session: Session, plan: QueryPlan,
                    ranked: Sequence[_Ranked]) -> list[_Ranked]:
        """The passes' hits and titles holding two of the query's Han characters, ranked by
        how many of its characters their titles hold, in any order. Titles are found
        unranked (bm25 over every title holding a common character such as 办 would cost
        more than the whole search may take); one character alone says nothing."""
        chars = list(dict.fromkeys(c for p in plan.pieces if p.is_han for c in p.text))
        if len(chars) < 2:
            return []
        terms = [f'{{title}} : "{char}"*' for char in chars]
        expression = " OR ".join(f"({a} AND {b})" for n, a in enumerate(terms)
                                 for b in terms[n + 1:])
        candidates = list(dict.fromkeys([r.doc_id for r in ranked] + [
            doc_id for (doc_id,) in session.execute(
                _UNRANKED, {"query": expression, "limit": CHAR_FUSION_POOL})]))
        titles = dict(session.execute(
            select(KbSearchDocRow.doc_id, KbArticleRow.title)
            .join(KbArticleRow, KbArticleRow.id == KbSearchDocRow.article_id)
            .where(KbSearchDocRow.doc_id.in_(candidates))).all())
        held = {d: sum(c in fold(titles[d]) for c in chars) for d in candidates if d in titles}
        order = sorted((d for d in candidates if held.get(d, 0) >= 2), key=lambda d: -held[d])
        return [_Ranked(d, float(held[d])) for d in order]

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
        typed = "".join(syllables)
        matches = process.extract(typed, choices, scorer=fuzz.partial_ratio,
                                  limit=max(limit, FUZZY_POOL), score_cutoff=FUZZY_CUTOFF)
        # Initials one letter off (hkqy for 户口迁入) fit many titles about as well; those
        # holding the known word the first letters stand for (hk → 户口) come first.
        sounds = self._prefix_word_sounds(typed) if initials_only else []
        ranked = [_Ranked(docs[index], score / 100.0
                          + (FUZZY_WORD_BONUS if any(w in titles[docs[index]][0]
                                                     for w in sounds) else 0.0))
                  for _choice, score, index in matches]
        ranked.sort(key=lambda r: -r.score)
        return ranked[:limit]

    def _prefix_word_sounds(self, letters: str) -> list[str]:
        """The full pinyin, run together, of the known words whose initials begin the
        typed letters (the longest such beginning of two letters or more)."""
        for size in range(min(len(letters) - 1, MAX_PREFIX_WORD), 1, -1):
            words = self._lexicon.abbreviations.words_for(letters[:size])
            if words:
                return ["".join(phrase_syllables(word)) for word in words]
        return []

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

    def _learned(self, session: Session, text: str,
                 ranked: list[_Ranked]) -> tuple[list[_Ranked], set[int]]:
        """Lift the articles operators used after queries like this one (learning.py)."""
        found = self._usage_index(session).evidence(query_key(text, self._lexicon))
        # The few articles most used after such queries: a popular question after which
        # many different articles were opened must not cost a lookup of each.
        evidence = dict(sorted(found.items(), key=lambda item: -item[1])[:MAX_LIFTED])
        if not evidence:
            return ranked, set()
        docs = dict(session.execute(
            select(KbSearchDocRow.article_id, KbSearchDocRow.doc_id)
            .where(KbSearchDocRow.article_id.in_(list(evidence)))).all())
        if not docs:
            return ranked, set()
        best = max((r.score for r in ranked), default=0.0)
        scale = best if best > 0 else 1.0
        scores = {r.doc_id: r.score / scale for r in ranked}
        order = {r.doc_id: n for n, r in enumerate(ranked)}
        lifted: set[int] = set()
        for article_id, support in evidence.items():
            doc_id = docs.get(article_id)
            if doc_id is None:
                continue  # an article since deleted
            scores[doc_id] = scores.get(doc_id, 0.0) + lift(support)
            order.setdefault(doc_id, len(order))
            lifted.add(doc_id)
        result = sorted(scores, key=lambda d: (-scores[d], order[d]))
        return [_Ranked(d, round(scores[d], 4)) for d in result], lifted

    def _usage_index(self, session: Session) -> UsageIndex:
        stamp, now = usage_generation(session), self._clock()
        if (self._usage is None or self._usage[0] != stamp
                or not timedelta(0) <= now - self._usage[1].built_at <= REBUILD_AFTER):
            held = self._usage[1] if self._usage is not None else None
            self._usage = (stamp, load_usage_index(session, now, held))
        return self._usage[1]

    def _strict(self, session: Session, plan: QueryPlan, limit: int) -> list[_Ranked]:
        ranked = self._match(session, _IN_TITLES, plan.strict_titles(), limit)
        if len(ranked) < limit and plan.has_sounds():
            _append_below(ranked, self._match(session, _IN_TITLES,
                                              plan.strict_titles(sounds=True), limit))
        return ranked

    def _sentence(self, session: Session, text: str, plan: QueryPlan,
                  passes: Sequence[_Ranked], *,
                  char_share: float = CHAR_SHARE) -> tuple[list[_Ranked], list[str]]:
        chunks = [p.text for p in plan.pieces if p.is_han and not p.weak]
        partners = {word: others for chunk in chunks
                    for word, others in self._lexicon.synonyms.words_in(chunk)}
        singles = [p.text for p in plan.pieces if p.is_han and p.weak]
        units, brought = sentence_units(chunks, text, self._colloquial, partners, singles)
        if not units:
            return list(passes), brought
        documents = self._document_count(session)
        counts = self._frequencies(session, sorted({u.text for u in units if len(u.text) > 1}))
        counts.update(self._title_frequencies(session, [u.text for u in units
                                                        if len(u.text) == 1]))
        rarity = {u.text: idf(documents, counts.get(u.text, 0)) for u in units}
        # A lone character is scored, never looked up: it would bring most of the KB.
        present = sorted((u for u in units if counts.get(u.text) and len(u.text) > 1),
                         key=lambda u: counts[u.text])
        probes = [u for u in present
                  if counts[u.text] <= min(COMMON_SHARE * documents, FREQUENCY_CAP - 1)]
        candidates = {r.doc_id: n for n, r in enumerate(passes)}
        # Unranked lookups of the rarest units, titles first: ranking every article holding
        # one of them (bm25) would cost more than the whole search may take.
        for unit in (probes or present[:FALLBACK_PROBES])[:SENTENCE_PROBES]:
            for statement, expression in ((_UNRANKED, f'{TITLE_TEXT} : "{unit.text}"'),
                                          (_UNRANKED_BODIES, f'"{unit.text}"')):
                for (doc_id,) in session.execute(statement, {"query": expression,
                                                             "limit": SENTENCE_POOL}):
                    candidates.setdefault(doc_id, len(candidates) + SENTENCE_POOL)
        # The caller's characters, each weighed by how rare it is in titles: what a plain
        # overlap of characters sees, which holds when the words are put differently
        # (押金房东不退 for 房东不退押金) and no bigram is shared.
        chars = list(dict.fromkeys(c for chunk in (*chunks, *singles) for c in chunk))
        char_counts = self._title_frequencies(session, chars)
        char_rarity = {c: idf(documents, char_counts[c]) for c in chars}
        rare_chars = sorted((c for c in chars if 0 < char_counts[c]
                             <= min(COMMON_SHARE * documents, FREQUENCY_CAP - 1)),
                            key=lambda c: char_counts[c])
        for char in rare_chars[:CHAR_PROBES]:
            for (doc_id,) in session.execute(_UNRANKED, {"query": f'{{title}} : "{char}"*',
                                                         "limit": CHAR_POOL}):
                candidates.setdefault(doc_id, len(candidates) + SENTENCE_POOL)
        scored = self._coverage(session, units, rarity, candidates, char_rarity)
        best = max((b for b, _ in scored.values()), default=0.0) or 1.0
        best_chars = max((c for _, c in scored.values()), default=0.0) or 1.0
        prior = PRIOR_FEW_WORDS if han_count(text) <= FEW_WORDS else PRIOR_SENTENCE
        final = {d: (scored[d][0] / best + char_share * scored[d][1] / best_chars
                     if d in scored else 0.0) + prior / (1 + rank)
                 for d, rank in candidates.items()}
        order = sorted(candidates, key=lambda d: (-final[d], candidates[d]))
        # Articles holding a sliver of the problem (one common word) are not worth showing.
        top = final[order[0]] if order else 0.0
        return [_Ranked(d, round(final[d], 4)) for d in order
                if final[d] >= TAIL_SHARE * top], brought

    @staticmethod
    def _coverage(session: Session, units: Sequence[Unit], rarity: dict[str, float],
                  candidates: dict[int, int],
                  char_rarity: dict[str, float]) -> dict[int, tuple[float, float]]:
        """Per candidate: how much of the problem's words it holds, and of its characters."""
        scored: dict[int, tuple[float, float]] = {}
        for doc_id, title, body, category in session.execute(
                select(KbSearchDocRow.doc_id, KbArticleRow.title, KbArticleRow.body,
                       KbArticleRow.category)
                .join(KbArticleRow, KbArticleRow.id == KbSearchDocRow.article_id)
                .where(KbSearchDocRow.doc_id.in_(list(candidates)))):
            # Folded once here: bodies hold full-width punctuation, and folding a body
            # costs more than scoring it.
            title, full_body = fold(title), fold(f"{category or ''} {body}")
            scored[doc_id] = (score_article(units, rarity, title, full_body, folded=True),
                              score_characters(char_rarity, title, full_body))
        return scored

    def _frequencies(self, session: Session, terms: Sequence[str]) -> dict[str, int]:
        """How many articles hold each term, counted up to FREQUENCY_CAP (past it a term is
        common, and counting all of a term in most of 100,000 articles takes ~10 ms); kept
        until the index changes."""
        stamp = index_generation(session)
        if self._frequency_cache[0] != stamp or len(self._frequency_cache[1]) > 50_000:
            self._frequency_cache = (stamp, {})
        cache = self._frequency_cache[1]
        missing = [t for t in terms if t not in cache]
        if missing:
            statement = " UNION ALL ".join(
                f"SELECT :t{n}, (SELECT count(*) FROM (SELECT 1 FROM kb_fts "
                f"WHERE kb_fts MATCH :q{n} LIMIT {FREQUENCY_CAP}))" for n in range(len(missing)))
            params = {f"t{n}": term for n, term in enumerate(missing)}
            params.update({f"q{n}": f'"{term}"' for n, term in enumerate(missing)})
            cache.update((term, int(count)) for term, count
                         in session.execute(text(statement), params))
        return {t: cache[t] for t in terms}

    def _title_frequencies(self, session: Session, chars: Sequence[str]) -> dict[str, int]:
        """How many titles hold each character (through the one-character prefix index),
        counted up to FREQUENCY_CAP; kept with the other counts."""
        stamp = index_generation(session)
        if self._frequency_cache[0] != stamp:
            self._frequency_cache = (stamp, {})
        cache = self._frequency_cache[1]
        for char in dict.fromkeys(chars):
            key = f"title:{char}"
            if key not in cache:
                cache[key] = int(session.scalar(
                    text(f"SELECT count(*) FROM (SELECT 1 FROM kb_fts_title WHERE kb_fts_title "
                         f"MATCH :q LIMIT {FREQUENCY_CAP})"), {"q": f'{{title}} : "{char}"*'})
                    or 0)
        return {char: cache[f"title:{char}"] for char in chars}

    def _document_count(self, session: Session) -> int:
        stamp = index_generation(session)
        if self._documents is None or self._documents[0] != stamp:
            count = session.scalar(select(func.count()).select_from(KbSearchDocRow)) or 0
            self._documents = (stamp, int(count))
        return max(self._documents[1], 1)

    def _hits(self, session: Session, ranked: Sequence[_Ranked],
              plan: QueryPlan, brought: Sequence[str] = (),
              learned: set[int] | frozenset[int] = frozenset()) -> list[KbHit]:
        if not ranked:
            return []
        rows = {doc.doc_id: (doc, article) for doc, article in session.execute(
            select(KbSearchDocRow, KbArticleRow)
            .join(KbArticleRow, KbArticleRow.id == KbSearchDocRow.article_id)
            .where(KbSearchDocRow.doc_id.in_([r.doc_id for r in ranked])))}
        terms = plan.highlight_terms() + list(brought)
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
                              category=article.category, updated_at=article.updated_at,
                              learned=item.doc_id in learned))
        return hits


_TITLE_TERMS = text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.kb_title_terms "
                    "USING fts5vocab(main, 'kb_fts_title', 'row')")
_TERM_COUNTS = text("SELECT term, doc FROM temp.kb_title_terms WHERE term IN :terms"
                    ).bindparams(bindparam("terms", expanding=True))


def _split(session: Session, run: str) -> list[str]:
    """Cut a long Han chunk into words by how common its bigrams are in titles. A bigram in
    no title counts by its sound instead (the titles' pinyin pairs are in the same table):
    a homophone typo (护招补办 for 护照补办) is then still one word, which the title's
    pinyin matches, not two characters cut off and lost."""
    bigrams = [run[i:i + 2] for i in range(len(run) - 1)]
    sounds = [char_syllable(run[i]) + char_syllable(run[i + 1]) for i in range(len(run) - 1)]
    session.execute(_TITLE_TERMS)
    counts: dict[str, int] = dict(
        session.execute(_TERM_COUNTS, {"terms": sorted({*bigrams, *sounds})}).all())
    return cut_at_rare_bigrams(run, [counts.get(bigram, 0) or counts.get(sound, 0)
                                     for bigram, sound in zip(bigrams, sounds, strict=True)])


def _fuse(words: Sequence[_Ranked], chars: Sequence[_Ranked]) -> list[_Ranked]:
    """Reciprocal-rank fusion of the words' ranking and the characters' one."""
    scores: dict[int, float] = {}
    for weight, ranking in ((1.0, words), (CHAR_FUSION_WEIGHT, chars)):
        for rank, item in enumerate(ranking, start=1):
            scores[item.doc_id] = scores.get(item.doc_id, 0.0) + weight / (FUSION_K + rank)
    order = sorted(scores, key=lambda d: -scores[d])  # stable: the words' order breaks ties
    return [_Ranked(d, round(scores[d] * FUSION_K, 4)) for d in order]


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
