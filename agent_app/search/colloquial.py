"""Callers' own words: what a spoken question asks for, and how articles say it. No Qt.

A caller says 房东不退押金 or 楼上天天半夜蹦迪, not the procedure's name. Two things bridge
the words:
- resources/kb/colloquial.json, a reviewed lexicon: each entry lists what callers say
  (`say`) and the official wording articles use (`official`); a query holding a `say` word
  also looks for the official words, at a lower weight than the caller's own words;
- a ranking of sentence-like queries by the query's problem words (its content chunks'
  bigrams, fillers dropped) found in titles and bodies, each weighted by how rare it is
  in the KB: a title match counts most, a body match still counts, so an article whose
  body explains the caller's problem is lifted even when its title names the procedure.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from agent_app.paths import resources_dir
from agent_app.search.text import fold, segments

COLLOQUIAL_FILE = "colloquial.json"
CIRCUMSTANCE_FILE = "circumstance_words.txt"
OWN_WEIGHT = 1.0  # a bigram of what the caller said
OFFICIAL_WEIGHT = 0.6  # a bigram of an official word the lexicon gave for it
SINGLE_WEIGHT = 0.3  # a character standing alone between fillers; counted in titles only
# A bigram of a circumstance word (家里, 突然: when and where, not what): rare in the KB, so
# its rarity alone would let it decide between articles.
CIRCUMSTANCE_WEIGHT = 0.25
# A bigram outside every known word holding a light character (能领, 要去: a verb's helper
# across two words, not the matter): one in a title like 委托书要去公证吗 would otherwise
# outweigh the matter of 要去检车吗. Less weighed down than a circumstance: some are words.
LIGHT_WEIGHT = 0.5
TITLE_FACTOR = 2.5  # a unit found in the title (and the labels)
CHAR_TITLE_FACTOR = 2.0  # a query's character in the title, against one in the body
BODY_FACTOR = 1.0  # a unit found only in the body
BOTH_BONUS = 0.3  # in the title and explained in the body too
SENTENCE_MIN_HAN = 5  # fewer Han characters than this: a shorthand, not a sentence
SPREAD_MIN = 3  # a spoken word this long may have other characters put in between
SPREAD_SLACK = 3  # how many, in all


@dataclass(frozen=True)
class ColloquialEntry:
    say: tuple[str, ...]
    official: tuple[str, ...]


class ColloquialLexicon:
    def __init__(self, entries: Iterable[ColloquialEntry],
                 circumstances: Iterable[str] = ()) -> None:
        said = tuple(dict.fromkeys(fold(w) for w in circumstances if w.strip()))
        self.circumstances = tuple(w for w in said if len(w) > 1)
        # Light characters (能, 要, 在), listed alone among the circumstance words: a
        # bigram holding one, outside every known word, weighs less (sentence_units).
        self.light = frozenset(w for w in said if len(w) == 1)
        official: dict[str, list[str]] = {}
        for entry in entries:
            for word in entry.say:
                known = official.setdefault(fold(word), [])
                known.extend(fold(o) for o in entry.official if fold(o) not in known)
        self._official = {word: tuple(found) for word, found in official.items() if found}
        # Every word the lexicon knows, longest first: placed in a query, they tell which
        # of its bigrams lie inside a circumstance word (sentence_units).
        self.known_words = tuple(sorted(
            {w for w in (*self.words(), *self.circumstances) if len(w) > 1},
            key=lambda w: (-len(w), w)))
        # By first character: a query is checked only against the words it could hold.
        self._said_by_first: dict[str, list[str]] = {}
        for word in self._official:
            self._said_by_first.setdefault(word[0], []).append(word)
        self._known_by_first: dict[str, list[str]] = {}
        for word in self.known_words:
            self._known_by_first.setdefault(word[0], []).append(word)
        words = sorted(self._official, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, words))) if words else None

    @classmethod
    def from_json(cls, data: Mapping[str, object],
                  circumstances: Iterable[str] = ()) -> ColloquialLexicon:
        raw = data.get("entries", [])
        entries = []
        for item in raw if isinstance(raw, list) else []:
            if isinstance(item, Mapping):
                say, official = item.get("say", []), item.get("official", [])
                if isinstance(say, list) and isinstance(official, list):
                    entries.append(ColloquialEntry(tuple(map(str, say)),
                                                   tuple(map(str, official))))
        return cls(entries, circumstances)

    def __len__(self) -> int:
        return len(self._official)

    def words(self, *, shortest_said: int = 1) -> list[str]:
        """The official wording, and what callers say of at least `shortest_said` characters
        (short spoken words such as 要啥 or 大坑 are not what an operator abbreviates)."""
        officials = (o for found in self._official.values() for o in found)
        said = (word for word in self._official if len(word) >= shortest_said)
        return list(dict.fromkeys([*officials, *said]))

    def officials_in(self, text: str, *, slack: int = 0) -> list[tuple[str, tuple[str, ...]]]:
        """The `say` words found in `text`, each with its official words; one that stands
        only inside a longer one found is left out (气费 in 暖气费), one also said on its
        own is kept (车位被人占车位: 车位 and 占车位). With `slack`, a `say` word of
        SPREAD_MIN characters or more also counts when up to that many other characters
        stand between its own (户口能迁 for 户口迁, 换个学校 for 换学校): callers put words
        in between."""
        if self._pattern is None:
            return []
        folded = fold(text)
        found: dict[str, tuple[str, ...]] = {}
        for first in dict.fromkeys(folded):
            for word in self._said_by_first.get(first, ()):
                if word in folded or (slack and len(word) >= SPREAD_MIN
                                      and spread_in(word, folded, slack)):
                    found[word] = self._official[word]
        # A word standing only inside a longer one found (气费 in 暖气费) is not what was said.
        return [(w, o) for w, o in found.items() if not _only_inside(w, folded, found)]

    def known_words_in(self, text: str) -> list[str]:
        """The known words that may stand in `text` (those starting with one of its
        characters), longest first."""
        words = {w for first in set(text) for w in self._known_by_first.get(first, ())}
        return sorted(words, key=lambda w: (-len(w), w))


def _only_inside(word: str, text: str, found: Mapping[str, object]) -> bool:
    """Whether every place `word` stands in `text` lies inside a longer spoken word found
    there: 气费 inside 暖气费 says nothing 暖气费 does not (and its official words, 燃气卡
    充值缴费, would pull the gas articles above the heating ones)."""
    spans = [(m, m + len(other)) for other in found if len(other) > len(word) and word in other
             for m in _places(other, text)]
    places = _places(word, text)
    return bool(places) and bool(spans) and all(
        any(start <= p and p + len(word) <= end for start, end in spans) for p in places)


def _places(word: str, text: str) -> list[int]:
    places, start = [], text.find(word)
    while start >= 0:
        places.append(start)
        start = text.find(word, start + 1)
    return places


def spread_in(word: str, text: str, slack: int) -> bool:
    """Whether `word`'s characters stand in `text` in order, with at most `slack` other
    characters between the first and the last of them."""
    start = text.find(word[0])
    while start >= 0:
        position, extra = start, 0
        for char in word[1:]:
            found = text.find(char, position + 1, position + 2 + slack - extra)
            if found < 0:
                break
            extra += found - position - 1
            position = found
        else:
            return True
        start = text.find(word[0], start + 1)
    return False


@lru_cache(maxsize=1)
def shipped_colloquial() -> ColloquialLexicon:
    folder = resources_dir() / "kb"
    circumstances: list[str] = []
    if (folder / CIRCUMSTANCE_FILE).exists():
        with (folder / CIRCUMSTANCE_FILE).open(encoding="utf-8") as handle:
            circumstances = [w for line in handle for w in line.split("#", 1)[0].split()]
    path = folder / COLLOQUIAL_FILE
    if not path.exists():
        return ColloquialLexicon([], circumstances)
    with path.open(encoding="utf-8") as handle:
        return ColloquialLexicon.from_json(json.load(handle), circumstances)


@dataclass(frozen=True)
class Unit:
    """A bigram (or an ASCII word) looked for in titles and bodies, with its weight."""

    text: str
    weight: float


def han_count(text: str) -> int:
    return sum(len(s.text) for s in segments(text) if s.is_han)


def han_only(text: str) -> bool:
    """Han text (digits allowed) of at least two characters."""
    parts = list(segments(text))
    return (all(p.is_han or p.text.isdigit() for p in parts)
            and sum(len(p.text) for p in parts if p.is_han) >= 2)


def is_sentence(text: str) -> bool:
    """A spoken question or a long title, not a shorthand or pinyin: Han text only (digits
    allowed), at least SENTENCE_MIN_HAN characters of it."""
    parts = list(segments(text))
    if any(not p.is_han and not p.text.isdigit() for p in parts):
        return False
    return sum(len(p.text) for p in parts if p.is_han) >= SENTENCE_MIN_HAN


def sentence_units(chunks: Sequence[str], text: str, lexicon: ColloquialLexicon,
                   synonyms: Mapping[str, Sequence[str]],
                   singles: Sequence[str] = ()) -> tuple[list[Unit], list[str]]:
    """The units of a sentence-like query, and the official words it brought in (for
    highlights). `chunks` are the query's content chunks (fillers dropped); `synonyms`
    maps a word in them to its partners (synonyms.txt); `singles` are the characters left
    alone between fillers (买房子要交多少税 → 税), which often name the matter."""
    weights: dict[str, float] = {}
    for char in singles:
        if len(char) == 1:
            weights[char] = SINGLE_WEIGHT

    def add(word: str, weight: float) -> None:
        for unit in _word_units(word):
            weights[unit] = max(weights.get(unit, 0.0), weight)

    circumstance = set(lexicon.circumstances)
    for chunk in chunks:
        known = sorted({*lexicon.known_words_in(chunk),
                        *(w for w in synonyms if len(w) > 1 and w in chunk)},
                       key=lambda w: (-len(w), w))
        for unit, weight in _chunk_units(chunk, known, circumstance, lexicon.light):
            weights[unit] = max(weights.get(unit, 0.0), weight)
    for partners in synonyms.values():
        for partner in partners:
            add(partner, OFFICIAL_WEIGHT)
    brought: list[str] = []
    # Spoken words are looked for in what was said and in it with the fillers taken out
    # (公积金咋转过去 → 公积金转过去).
    found = dict(lexicon.officials_in(text, slack=SPREAD_SLACK))
    found.update(lexicon.officials_in("".join(chunks), slack=SPREAD_SLACK))
    for officials in found.values():
        for official in officials:
            add(official, OFFICIAL_WEIGHT)
            brought.append(official)
    return [Unit(u, w) for u, w in weights.items()], list(dict.fromkeys(brought))


def _chunk_units(chunk: str, known: Sequence[str], circumstance: set[str],
                 light: frozenset[str] = frozenset()) -> list[tuple[str, float]]:
    """The bigrams of a content chunk, each with its weight: less inside a circumstance
    word (家里, 突然) found there, or, outside every known word, holding a light character
    (能领). Known words are placed longest first without overlapping, so the 门口 of a
    longer known word is not taken for a circumstance."""
    owner = [-1] * len(chunk)  # where the found word covering each character starts
    is_circumstance: dict[int, bool] = {}
    for word in known:
        start = chunk.find(word)
        while start >= 0:
            if all(o < 0 for o in owner[start:start + len(word)]):
                for i in range(start, start + len(word)):
                    owner[i] = start
                is_circumstance[start] = word in circumstance
            start = chunk.find(word, start + 1)
    def weight(i: int) -> float:
        first, second = owner[i], owner[i + 1]
        if first >= 0 and first == second:
            return CIRCUMSTANCE_WEIGHT if is_circumstance[first] else OWN_WEIGHT
        # a light character outside every known word (孩子能 → 子能 as well as 能领)
        if (first < 0 and chunk[i] in light) or (second < 0 and chunk[i + 1] in light):
            return LIGHT_WEIGHT
        return OWN_WEIGHT
    return [(chunk[i:i + 2], weight(i)) for i in range(len(chunk) - 1)]


def _word_units(word: str) -> list[str]:
    units: list[str] = []
    for segment in segments(word):
        if segment.is_han:
            run = segment.text
            units.extend(run[i:i + 2] for i in range(len(run) - 1))
        elif segment.text.isdigit() and len(segment.text) >= 3:
            units.append(segment.text)  # a service number such as 12345 or 95598
    return units


def idf(documents: int, frequency: int) -> float:
    return math.log(1.0 + documents / (frequency + 1.0))


def score_article(units: Sequence[Unit], rarity: Mapping[str, float], title: str,
                  body: str, *, folded: bool = False) -> float:
    """How much of the query's problem words the article holds: each unit's weight times
    its rarity, more in the title than in the body."""
    if not folded:
        title, body = fold(title), fold(body)
    score = 0.0
    for unit in units:
        in_title, in_body = unit.text in title, unit.text in body
        if len(unit.text) == 1:
            in_body = False  # one character is in most bodies: only a title's counts
        if in_title:
            factor = TITLE_FACTOR + (BOTH_BONUS if in_body else 0.0)
        elif in_body:
            factor = BODY_FACTOR
        else:
            continue
        score += unit.weight * rarity.get(unit.text, 0.0) * factor
    return score


def score_characters(rarity: Mapping[str, float], title: str, body: str) -> float:
    """How many of the query's characters the (folded) article holds, each by its rarity,
    a title's counting twice as much as a body's."""
    return sum(weight * (CHAR_TITLE_FACTOR if char in title else 1.0)
               for char, weight in rarity.items() if char in title or char in body)
