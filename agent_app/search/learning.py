"""Learning from operators: an article used after a query lifts it for similar queries. No Qt.

Each time an operator opens an article from the results, or gives it as the answer, the
pair (query, article) is kept (kb_usage). A later query whose problem words are like a kept
query's (Dice overlap of their bigrams, fillers dropped, at least MIN_SIMILARITY) lifts
that article: by how the pair was used (an answer counts twice an opening), by how alike
the queries are, and less the older the pair is (half-life HALF_LIFE_DAYS; pairs older
than HORIZON_DAYS are not read). The lift saturates, so many uses cannot bury a better
match; a lead's veto (kb_usage_vetoes) takes an article's lift away for one query or for
all.

Pairs reach every seat through the server (central_api/kb_learning.py): the push operation
`kb.usage` carries this seat's pairs and leads' vetoes; GET /kb/usage hands out everyone's.
The sync engine pulls the shared pairs after the KB articles (sync/engine.pull_kb_usage).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent_app.search.lexicon import Lexicon, shipped_lexicon
from agent_app.search.text import fold, segments
from agent_app.storage.database import Database
from agent_app.storage.schema import KbUsageRow, KbUsageVetoRow, MetaRow

OP_KB_USAGE = "kb.usage"
SHARE_THROUGH_OUTBOX = True  # pairs and vetoes go to the server (push op `kb.usage`)
ACTIONS = {"open": 0.5, "answer": 1.0}  # what one use of each kind is worth
HALF_LIFE_DAYS = 30.0
HORIZON_DAYS = 180
MIN_SIMILARITY = 0.5
LIFT = 0.8  # the most learning adds to a hit's score (the best match scores about 1)
MAX_QUERY = 200
MAX_KEYS_PER_UNIT = 1000  # a bigram in more kept queries than this narrows nothing
USAGE_GENERATION_KEY = "kb_usage_generation"
USAGE_CURSOR_KEY = "kb_usage_cursor"
# Ages change: weights are recomputed this often (a day is little against a 30-day half-life).
REBUILD_AFTER = timedelta(days=1)


# Seven digits or more (a phone or an ID number, maybe the caller's) are not kept: the pairs
# are shared with every seat. Service numbers (12345, 95598) are shorter and stay.
_PERSONAL_NUMBER = re.compile(r"[0-9０-９][0-9０-９\-xX]{6,}")


def scrub(query: str) -> str:
    """The query as it may be kept and shared: one line, no long numbers, at most
    MAX_QUERY characters."""
    return " ".join(_PERSONAL_NUMBER.sub(" ", query).split())[:MAX_QUERY]


def query_key(text: str, lexicon: Lexicon | None = None) -> str:
    """The query's problem words: its Han chunks with fillers dropped and its ASCII words,
    space-separated (房东不退押金怎么办 → 房东不退押金)."""
    lexicon = lexicon or shipped_lexicon()
    words: list[str] = []
    for segment in segments(scrub(text)):
        if segment.is_han and lexicon.fillers.only_fillers(segment.text):
            continue
        if segment.is_han:
            words.extend(lexicon.fillers.content_chunks(segment.text))
        else:
            words.append(segment.text)
    return " ".join(words)[:MAX_QUERY]


def key_units(key: str) -> frozenset[str]:
    units: set[str] = set()
    for word in fold(key).split():
        if len(word) == 1 or word.isascii():
            units.add(word)
        else:
            units.update(word[i:i + 2] for i in range(len(word) - 1))
    return frozenset(units)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def decayed(action: str, at: datetime, now: datetime) -> float:
    age_days = max((now - at).total_seconds() / 86400.0, 0.0)
    return float(ACTIONS.get(action, 0.0) * 0.5 ** (age_days / HALF_LIFE_DAYS))


def lift(evidence: float) -> float:
    """What `evidence` (similarity-weighted, decayed uses) adds to a score: saturating."""
    return LIFT * (1.0 - math.exp(-evidence))


@dataclass(frozen=True)
class Use:
    query_key: str
    article_id: str
    action: str
    at: datetime


class UsageIndex:
    """Kept pairs, grouped by query key, looked up by shared bigrams. New pairs are added
    as they come (`add`); a new veto, or ages grown stale, need a rebuild."""

    def __init__(self, uses: Iterable[Use], vetoes: Iterable[tuple[str, str | None]],
                 now: datetime, *, last_id: int = 0, veto_count: int | None = None) -> None:
        vetoes = list(vetoes)
        self._vetoed_everywhere = {article for article, key in vetoes if key is None}
        self._vetoed_pairs = {(article, key) for article, key in vetoes if key is not None}
        self._weights: dict[str, dict[str, float]] = {}
        self._units: dict[str, frozenset[str]] = {}
        self._postings: dict[str, list[str]] = defaultdict(list)
        self.built_at = now
        self.last_id = last_id  # the newest kb_usage row held
        self.veto_count = len(vetoes) if veto_count is None else veto_count
        self.add(uses)

    def add(self, uses: Iterable[Use]) -> None:
        for use in uses:
            if use.article_id in self._vetoed_everywhere or (
                    use.article_id, use.query_key) in self._vetoed_pairs:
                continue
            found = self._weights.get(use.query_key)
            if found is None:
                found = self._weights[use.query_key] = {}
                units = self._units[use.query_key] = key_units(use.query_key)
                for unit in units:
                    self._postings[unit].append(use.query_key)
            found[use.article_id] = (found.get(use.article_id, 0.0)
                                     + decayed(use.action, use.at, self.built_at))

    def __len__(self) -> int:
        return len(self._weights)

    def evidence(self, key: str) -> dict[str, float]:
        """Per article, the similarity-weighted uses of the kept queries like `key`."""
        units = key_units(key)
        shared: Counter[str] = Counter()
        for unit in units:
            keys = self._postings.get(unit)
            if keys and len(keys) <= MAX_KEYS_PER_UNIT:
                shared.update(keys)  # counted in C: how many units each kept key shares
        # Dice ≥ MIN_SIMILARITY needs at least this many shared units, whatever the other
        # key's length: most keys sharing one common bigram are skipped without arithmetic.
        least = MIN_SIMILARITY * len(units) / 2
        found: dict[str, float] = defaultdict(float)
        for other, count in shared.items():
            if count < least:
                continue
            alike = 2 * count / (len(units) + len(self._units[other]))
            if alike < MIN_SIMILARITY:
                continue
            for article_id, weight in self._weights[other].items():
                found[article_id] += alike * weight
        return dict(found)


def usage_generation(session: Session) -> int:
    stamp = session.get(MetaRow, USAGE_GENERATION_KEY)
    return int(stamp.value) if stamp is not None else 0


def _bump(session: Session) -> None:
    stamp = session.get(MetaRow, USAGE_GENERATION_KEY)
    if stamp is None:
        session.add(MetaRow(key=USAGE_GENERATION_KEY, value="1"))
    else:
        stamp.value = str(int(stamp.value) + 1)


def _uses_after(session: Session, last_id: int, since: datetime) -> tuple[list[Use], int]:
    rows = session.execute(
        select(KbUsageRow.id, KbUsageRow.query_key, KbUsageRow.article_id, KbUsageRow.action,
               KbUsageRow.at)
        .where(KbUsageRow.id > last_id, KbUsageRow.at >= since).order_by(KbUsageRow.id))
    uses: list[Use] = []
    for row_id, key, article, action, at in rows:
        uses.append(Use(key, article, action, at))
        last_id = row_id
    return uses, last_id


def load_usage_index(session: Session, now: datetime,
                     held: UsageIndex | None = None) -> UsageIndex:
    """The index of the pairs kept: `held` brought up to date when only pairs were added
    since it was built (an operator's use: no full read of every pair), else built anew."""
    veto_count = session.scalar(select(func.count()).select_from(KbUsageVetoRow)) or 0
    since = now - timedelta(days=HORIZON_DAYS)
    if (held is not None and held.veto_count == veto_count
            and timedelta(0) <= now - held.built_at <= REBUILD_AFTER):
        uses, held.last_id = _uses_after(session, held.last_id, since)
        held.add(uses)
        return held
    uses, last_id = _uses_after(session, 0, since)
    vetoes = [(a, k) for a, k in session.execute(
        select(KbUsageVetoRow.article_id, KbUsageVetoRow.query_key))]
    return UsageIndex(uses, vetoes, now, last_id=last_id, veto_count=veto_count)


def _now() -> datetime:
    return datetime.now(UTC)


def record_kb_usage(db: Database, query: str, article_id: str, action: str, *,
                    now: datetime | None = None, lexicon: Lexicon | None = None) -> bool:
    """Keep that `article_id` was used (`action`: open or answer) after `query`. A query
    with no problem words in it (only fillers, or empty) teaches nothing and is not kept.
    Returns whether it was kept."""
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {sorted(ACTIONS)}")
    key = query_key(query, lexicon)
    if not key_units(key) or not article_id:
        return False
    moment = now or _now()
    shown_query = scrub(query)
    with db.unit_of_work() as uow:
        uow.session.add(KbUsageRow(query=shown_query, query_key=key, article_id=article_id,
                                   action=action, at=moment))
        _bump(uow.session)
        if SHARE_THROUGH_OUTBOX:
            uow.outbox.add(OP_KB_USAGE, article_id, usage_args(shown_query, article_id,
                                                               action, moment))
        uow.commit()
    return True


def veto_kb_usage(db: Database, article_id: str, query: str | None = None, *,
                  now: datetime | None = None) -> None:
    """A lead's veto: stop lifting `article_id` for `query` (for any query when None)."""
    key = query_key(query) if query is not None else None
    moment = now or _now()
    with db.unit_of_work() as uow:
        uow.session.add(KbUsageVetoRow(article_id=article_id, query_key=key, at=moment))
        _bump(uow.session)
        if SHARE_THROUGH_OUTBOX:
            uow.outbox.add(OP_KB_USAGE, article_id, {"article_id": article_id,
                                                     "action": "veto", "query": query,
                                                     "at": moment.isoformat()})
        uow.commit()


def usage_args(query: str, article_id: str, action: str, at: datetime) -> dict[str, Any]:
    """The arguments of a pushed `kb.usage` mutation (central_api/kb_learning.py)."""
    return {"query": query, "article_id": article_id, "action": action,
            "at": at.isoformat()}


def store_shared_usage(db: Database, items: Sequence[Mapping[str, Any]],
                       cursor: int | None = None) -> int:
    """Keep what GET /kb/usage handed out: every seat's pairs (action open or answer) and
    leads' vetoes (action veto, the query None for all queries). An item already held (by
    server id) is skipped, so a page pulled twice changes nothing; this seat's own pair
    coming back (`mine`) takes the server id instead of being kept twice. Returns how many
    rows were added. `cursor` is the page's, kept for the next pull (usage_cursor)."""
    added = 0
    with db.unit_of_work() as uow:
        session = uow.session
        ids = [int(item["id"]) for item in items]
        held = set(session.scalars(select(KbUsageRow.server_id).where(
            KbUsageRow.server_id.in_(ids))))
        held.update(session.scalars(select(KbUsageVetoRow.server_id).where(
            KbUsageVetoRow.server_id.in_(ids))))
        for item in items:
            server_id = int(item["id"])
            if server_id in held:
                continue
            at = datetime.fromisoformat(str(item["at"]))
            query = item.get("query")
            article_id = str(item["article_id"])
            if item["action"] == "veto":
                session.add(KbUsageVetoRow(
                    article_id=article_id, at=at, server_id=server_id,
                    query_key=query_key(str(query)) if query is not None else None))
                added += 1
                continue
            if item.get("mine"):
                own = session.scalar(select(KbUsageRow).where(
                    KbUsageRow.server_id.is_(None), KbUsageRow.article_id == article_id,
                    KbUsageRow.at == at).limit(1))
                if own is not None:
                    own.server_id = server_id
                    continue
            text = str(query or "")[:MAX_QUERY]
            session.add(KbUsageRow(query=text, query_key=query_key(text),
                                   article_id=article_id, action=str(item["action"]), at=at,
                                   server_id=server_id))
            added += 1
        if added:
            _bump(session)
        if cursor is not None:
            stamp = session.get(MetaRow, USAGE_CURSOR_KEY)
            if stamp is None:
                session.add(MetaRow(key=USAGE_CURSOR_KEY, value=str(cursor)))
            else:
                stamp.value = str(max(cursor, int(stamp.value)))
        uow.commit()
    return added


def usage_cursor(db: Database) -> int:
    """Where the next GET /kb/usage starts (`since`): the last page's cursor."""
    with db.session() as session:
        stamp = session.get(MetaRow, USAGE_CURSOR_KEY)
        return int(stamp.value) if stamp is not None else 0
