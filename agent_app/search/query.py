"""From what the operator typed to FTS5 MATCH expressions that cannot fail to parse.

Nothing typed reaches FTS5 as syntax: the text is cut by the same segmenter as the index,
so only Han characters, ASCII letters and digits survive, and each token is quoted. `"`,
`*`, `NEAR`, `-` and `OR` are thus punctuation or plain words, never operators.

Each piece of the query (a Han run or an ASCII word) becomes a group of alternatives that
all count as that piece: the Han phrase itself, the same sounds in the title's pinyin
(homophone typos: 公基金), its synonyms; an ASCII word as a word, as full pinyin, or as
pinyin initials. The strict expression wants every piece; the loose one any part of any.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent_app.search.pinyin import (
    char_syllable,
    is_complete_syllable,
    pair_tokens,
    split_syllables,
)
from agent_app.search.synonyms import Synonyms
from agent_app.search.text import han_tokens, segments

# Enough for any real question; a pasted page must not make a query of thousands of terms.
MAX_PIECES = 12
MAX_RUN = 24
MAX_INITIALS = 12
TEXT_COLUMNS = "{title body meta}"


def _quote(tokens: list[str]) -> str:
    return '"' + " ".join(tokens) + '"'


def _phrase(tokens: list[str], column: str = TEXT_COLUMNS, *, prefix: bool = False) -> str:
    return f"{column} : {_quote(tokens)}{'*' if prefix else ''}"


@dataclass
class QueryPiece:
    text: str
    is_han: bool
    alternatives: list[str] = field(default_factory=list)  # any of them matches the piece
    parts: list[str] = field(default_factory=list)  # smaller matches for the loose query
    looks_for: list[str] = field(default_factory=list)  # Han/ASCII strings for highlights
    syllables: list[str] = field(default_factory=list)  # how it sounds, for the fuzzy pass


@dataclass(frozen=True)
class QueryPlan:
    pieces: tuple[QueryPiece, ...]

    @property
    def empty(self) -> bool:
        return not self.pieces

    def strict(self) -> str:
        return " AND ".join(f"({' OR '.join(p.alternatives)})" for p in self.pieces)

    def loose(self) -> str:
        alternatives = dict.fromkeys(a for p in self.pieces for a in p.alternatives + p.parts)
        return " OR ".join(f"({a})" for a in alternatives)

    def highlight_terms(self) -> list[str]:
        return list(dict.fromkeys(term for p in self.pieces for term in p.looks_for))

    def syllables(self) -> list[str]:
        return [s for p in self.pieces for s in p.syllables]

    def latin_words(self) -> list[str]:
        return [p.text for p in self.pieces if not p.is_han and p.text.isalpha()]


def plan_query(text: str, synonyms: Synonyms) -> QueryPlan:
    pieces: list[QueryPiece] = []
    for segment in segments(text[:2000]):
        if len(pieces) == MAX_PIECES:
            break
        if segment.is_han:
            pieces.append(_han_piece(segment.text[:MAX_RUN], synonyms))
        else:
            pieces.append(_latin_piece(segment.text[:MAX_RUN]))
    return QueryPlan(tuple(pieces))


def _han_piece(run: str, synonyms: Synonyms) -> QueryPiece:
    piece = QueryPiece(run, is_han=True, looks_for=[run])
    piece.syllables = [char_syllable(char) for char in run]
    if len(run) == 1:
        # The run's last character is indexed alone, every other one starts a bigram.
        piece.alternatives.append(_phrase([run], prefix=True))
        return piece
    bigrams = han_tokens(run)[:-1]
    piece.alternatives.append(_phrase(bigrams))
    piece.alternatives.append(_phrase(pair_tokens(piece.syllables)[:-1], "{py_full}"))
    for variant in synonyms.variants(run):
        piece.alternatives.append(_phrase(han_tokens(variant)[:-1]))
        piece.looks_for.append(variant)
    if len(bigrams) > 1:
        piece.parts.extend(_phrase([bigram]) for bigram in bigrams)
        piece.looks_for.extend(bigrams)
    for word, others in synonyms.words_in(run):
        for other in (word, *others):
            piece.parts.append(_phrase(han_tokens(other)[:-1]) if len(other) > 1
                               else _phrase([other], prefix=True))
            piece.looks_for.append(other)
    return piece


def _latin_piece(word: str) -> QueryPiece:
    piece = QueryPiece(word, is_han=False, looks_for=[word])
    # Words and numbers are matched as prefixes: the operator may still be typing.
    piece.alternatives.append(_phrase([word], prefix=True))
    if not word.isalpha():
        return piece
    syllables = split_syllables(word)
    if syllables:
        piece.syllables = syllables
        unfinished = not is_complete_syllable(syllables[-1])
        pairs = pair_tokens(syllables)
        if len(syllables) == 1:
            piece.alternatives.append(_phrase(syllables, "{py_full}", prefix=True))
        else:
            piece.alternatives.append(_phrase(pairs[:-1], "{py_full}", prefix=unfinished))
    if 2 <= len(word) <= MAX_INITIALS:
        letters = list(word)
        piece.alternatives.append(_phrase(pair_tokens(letters)[:-1], "{py_init}"))
        if not syllables:
            piece.syllables = letters
    return piece

