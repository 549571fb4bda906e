"""From what the operator typed to FTS5 MATCH expressions that cannot fail to parse.

Nothing typed reaches FTS5 as syntax: the text is cut by the same segmenter as the index,
so only Han characters, ASCII letters and digits survive, and each token is quoted. `"`,
`*`, `NEAR`, `-` and `OR` are thus punctuation or plain words, never operators.

Han runs are first cut at filler words (怎么办, 请问, 吗: lexicon.py), leaving the content
chunks. Each chunk or ASCII word is a piece with alternatives that all count as it: a Han
chunk as a phrase, as the same sounds in the title's pinyin (homophone typos: 公基金), or
as a synonym; an ASCII word as a word, as full pinyin, or as pinyin initials. Strict
expressions want every piece; loose ones any piece or any bigram of a long chunk. Each
comes for kb_fts_title (titles, labels, pinyin) and for kb_fts (titles and bodies).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate

from agent_app.search.abbreviations import mixed_initials, mixed_units
from agent_app.search.lexicon import Lexicon
from agent_app.search.pinyin import (
    char_syllable,
    is_complete_syllable,
    pair_tokens,
    split_syllables,
)
from agent_app.search.text import han_tokens, segments

# Enough for any real question; a pasted page must not make a query of thousands of terms.
MAX_QUERY_CHARS = 200
MAX_PIECES = 12
MAX_CHUNK = 16
MAX_INITIALS = 12
MAX_SOUND_VARIANTS = 4  # a homophone typo written as known words: phrases in the sound pass
MAX_SKIP_PAIRS = 6  # syllable pairs read across a stray letter or syllable, loose pass only
MAX_BOUNDARY_CHARS = 3  # Han characters a word running into typed pinyin may take
MAX_INITIALS_CUT = 8  # beyond this the cuts multiply and initials are rarely typed
TITLE_TEXT = "{title meta}"  # kb_fts_title's text columns; kb_fts has only title and body


def _quote(tokens: list[str], *, prefix: bool = False) -> str:
    return f"\"{' '.join(tokens)}\"{'*' if prefix else ''}"


@dataclass
class QueryPiece:
    text: str
    is_han: bool
    words: list[str] = field(default_factory=list)  # quoted phrases, any of them matches
    sounds: list[str] = field(default_factory=list)  # pinyin phrases for kb_fts_title
    sound_parts: list[str] = field(default_factory=list)  # looser pinyin, loose pass only
    # The chunk cut into the words the KB's titles use (公积金贷款条件 → 公积金 贷款 条件):
    # per word, its phrase for the title table and for the body table.
    word_groups: list[tuple[list[str], list[str]]] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # smaller phrases for the loose passes
    looks_for: list[str] = field(default_factory=list)  # Han/ASCII strings for highlights
    syllables: list[str] = field(default_factory=list)  # how it sounds, for the fuzzy pass
    # Typed initials read as known words (sbk → 社保卡), for kb_fts: bodies hold them too.
    word_phrases: list[str] = field(default_factory=list)

    @property
    def weak(self) -> bool:
        """One Han character left between fillers (医保的卡 → 卡): too little to require."""
        return self.is_han and len(self.text) == 1

    def in_titles(self, *, starts: bool = True, sounds: bool = True) -> list[str]:
        # Typed Han text is looked up by its sound only when asked (the homophone pass):
        # each extra phrase costs bm25 time on every title that matches.
        sounds = sounds or not self.is_han
        anywhere = [f"{TITLE_TEXT} : {word}" for word in self.words]
        anywhere += self.sounds if sounds else []
        if not starts:
            return anywhere
        # The same phrase again at the title's start: a title that begins with what was
        # typed is about it, and bm25 adds the two up (社保卡丢失… over 公司不开了… for sbk).
        first = [f"{{title}} : ^ {self.words[0]}"] if self.words else []
        if sounds:
            first += [sound.replace(" : ", " : ^ ", 1) for sound in self.sounds
                      if not sound.startswith("(")]  # known words read from initials: anywhere
        return anywhere + first

    def in_bodies(self) -> list[str]:
        return [*self.words, *self.word_phrases]


@dataclass(frozen=True)
class QueryPlan:
    pieces: tuple[QueryPiece, ...]

    @property
    def empty(self) -> bool:
        return not self.pieces

    @property
    def single_character(self) -> str | None:
        """The character, when that is all the query is (the first key typed)."""
        if len(self.pieces) == 1 and len(self.pieces[0].text) == 1:
            return self.pieces[0].text
        return None

    def _required(self) -> list[QueryPiece]:
        return [p for p in self.pieces if not p.weak] or list(self.pieces)

    def strict_titles(self, *, sounds: bool = False) -> str:
        """For kb_fts_title: every piece in the title, labels or (typed Latin letters, or
        with `sounds` any piece) the title's pinyin."""
        return _all(p.in_titles(sounds=sounds) for p in self._required())

    def has_sounds(self) -> bool:
        return any(p.is_han and p.sounds for p in self._required())

    def strict_bodies(self) -> str | None:
        """For kb_fts: every piece in title or body (pinyin-only pieces cannot be)."""
        groups = [p.in_bodies() for p in self._required()]
        return _all(groups) if all(groups) else None

    def split_titles(self) -> str | None:
        """Like strict_titles, but a long chunk's words may stand apart in the title."""
        if not any(p.word_groups for p in self._required()):
            return None
        return _all(group for p in self._required()
                    for group in ([t for t, _ in p.word_groups] or [p.in_titles()]))

    def split_bodies(self) -> str | None:
        if not any(p.word_groups for p in self._required()):
            return None
        groups = [group for p in self._required()
                  for group in ([b for _, b in p.word_groups] or [p.in_bodies()])]
        return _all(groups) if all(groups) else None

    def loose_titles(self) -> str:
        return _any(a for p in self.pieces for a in p.in_titles(starts=False)
                    + [f"{TITLE_TEXT} : {w}" for w in p.parts] + p.sound_parts)

    def loose_bodies(self) -> str | None:
        # A lone character would match most bodies: not worth ranking them all.
        return _any(a for p in self.pieces if not p.weak
                    for a in p.in_bodies() + p.parts) or None

    def highlight_terms(self) -> list[str]:
        return list(dict.fromkeys(term for p in self.pieces for term in p.looks_for))

    def syllables(self) -> list[str]:
        return [s for p in self.pieces if not p.weak for s in p.syllables]

    def fuzzy_probes(self) -> list[str]:
        """Cheap kb_fts_title lookups whose hits may sound like the query: each Han
        character (through the one-character prefix index), each pair of typed initials."""
        probes: list[str] = []
        for piece in self.pieces:
            if piece.is_han:
                probes.extend(f'{{title}} : "{char}"*' for char in dict.fromkeys(piece.text))
            elif len(piece.syllables) > 1:
                firsts = [syllable[0] for syllable in piece.syllables]
                probes.extend(f'{{py_init}} : "{pair}"'
                              for pair in dict.fromkeys(pair_tokens(firsts)[:-1]))
        return probes


def _all(groups: Iterable[list[str]]) -> str:
    return " AND ".join(f"({' OR '.join(group)})" for group in groups)


def _any(alternatives: Iterable[str]) -> str:
    return " OR ".join(f"({a})" for a in dict.fromkeys(alternatives))


def plan_query(text: str, lexicon: Lexicon,
               split: Callable[[str], list[str]] | None = None) -> QueryPlan:
    """`split` cuts a long Han chunk into words (the searcher asks the index which
    bigrams are common in titles: cut_at_rare_bigrams); without it chunks stay whole."""
    pieces: list[QueryPiece] = []
    found = list(segments(text[:MAX_QUERY_CHARS]))
    # A stretch of fillers only (喂你好，…) is dropped when the rest says something.
    openings = {n for n, s in enumerate(found) if s.is_han and lexicon.fillers.only_fillers(s.text)}
    if len(openings) == len(found):
        openings = set()
    for n, segment in enumerate(found):
        if n in openings:
            continue
        if segment.is_han:
            chunks = lexicon.fillers.content_chunks(segment.text)
            pieces.extend(_han_piece(chunk[:MAX_CHUNK], lexicon, split) for chunk in chunks)
        else:
            piece = _latin_piece(segment.text[:MAX_CHUNK], lexicon)
            # The IME switched in mid-word (社保kabuban, baoxiao单): the Han characters
            # touching the letters may begin or end the word the letters go on with.
            for side, first in ((n - 1, True), (n + 1, False)):
                if 0 <= side < len(found) and side not in openings and found[side].is_han:
                    _add_known_words(piece, _across_boundary(found[side].text, piece,
                                                             lexicon, han_first=first),
                                     lexicon.abbreviations.words_sounding, lexicon)
            pieces.append(piece)
    return QueryPlan(tuple(pieces[:MAX_PIECES]))


def _across_boundary(han: str, piece: QueryPiece, lexicon: Lexicon, *,
                     han_first: bool) -> list[list[str]]:
    """Readings of known words, one of them running across the boundary between `han` and
    the full pinyin `piece` beside it (社保 + kabuban: 社保卡 补办); the first cut found
    with the fewest Han characters taken."""
    letters = piece.syllables
    if not letters or any(len(s) == 1 for s in letters) or \
            not is_complete_syllable(letters[-1]):
        return []  # initials, or an unfinished syllable: read by the other pieces
    for size in range(1, min(len(han), MAX_BOUNDARY_CHARS) + 1):
        taken = han[-size:] if han_first else han[:size]
        if lexicon.fillers.only_fillers(taken):
            continue
        sounds = [char_syllable(c) for c in taken]
        joined = [*sounds, *letters] if han_first else [*letters, *sounds]
        edge = len(sounds) if han_first else len(letters)
        for cut in lexicon.abbreviations.sound_cuts(joined):
            ends = list(accumulate(len(part.split()) for part in cut))
            if edge not in ends:  # else each side reads alone, as the other pieces do
                return [cut]
    return []


def cut_at_rare_bigrams(run: str, counts: list[int]) -> list[str]:
    """Cut `run` where the bigram across the cut is in no title, or in fewer than half as
    many as the bigrams on either side of it: 公积金贷款条件 with 金贷 and 款条 rare →
    公积金 贷款 条件. `counts[i]` is how many titles hold run[i:i+2]."""
    words: list[str] = []
    start = 0
    for i, count in enumerate(counts):
        neighbours = [counts[j] for j in (i - 1, i + 1) if 0 <= j < len(counts)]
        if neighbours and (count == 0 or count * 2 < min(neighbours)):
            words.append(run[start:i + 1])
            start = i + 1
    words.append(run[start:])
    return words


def _han_piece(run: str, lexicon: Lexicon,
               split: Callable[[str], list[str]] | None = None) -> QueryPiece:
    piece = QueryPiece(run, is_han=True, looks_for=[run])
    piece.syllables = [char_syllable(char) for char in run]
    if len(run) == 1:
        # The run's last character is indexed alone, every other one starts a bigram.
        piece.words.append(_quote([run], prefix=True))
        return piece
    bigrams = han_tokens(run)[:-1]
    piece.words.append(_quote(bigrams))
    piece.sounds.append(f"{{py_full}} : {_quote(pair_tokens(piece.syllables)[:-1])}")
    for variant in lexicon.synonyms.variants(run):
        piece.words.append(_quote(han_tokens(variant)[:-1]))
        piece.looks_for.append(variant)
    # A known word typed as a homophone (低报申请): the run written with the word, and with
    # the word's synonyms (最低生活保障申请), count as its sound does.
    for variant in _sound_variants(run, lexicon):
        piece.sounds.append(f"{TITLE_TEXT} : {_quote(han_tokens(variant)[:-1])}")
        piece.looks_for.append(variant)
    words = [w for w in split(run) if len(w) > 1] if split and len(run) > 3 else []
    if len(words) > 1:
        for word in words:
            phrase = _quote(han_tokens(word)[:-1])
            sound = _quote(pair_tokens([char_syllable(c) for c in word])[:-1])
            alike = [f"{TITLE_TEXT} : {_quote(han_tokens(v)[:-1])}"
                     for v in _sound_variants(word, lexicon)]
            piece.word_groups.append(([f"{TITLE_TEXT} : {phrase}", f"{{py_full}} : {sound}",
                                       *alike], [phrase]))
            piece.parts.append(phrase)
        piece.looks_for.extend(words)
    elif len(bigrams) > 1:
        piece.parts.extend(_quote([bigram]) for bigram in bigrams)
        piece.looks_for.extend(bigrams)
    for word, others in lexicon.synonyms.words_in(run):
        for other in (word, *others):
            if len(other) > 1:
                piece.parts.append(_quote(han_tokens(other)[:-1]))
                piece.looks_for.append(other)
    return piece


def _sound_variants(run: str, lexicon: Lexicon) -> list[str]:
    """`run` with a homophone of a known word written as the word, and as its synonyms."""
    variants: list[str] = []
    for start, end, word in lexicon.abbreviations.sound_alikes(run):
        written = run[:start] + word + run[end:]
        variants += [written, *lexicon.synonyms.variants(written)]
    return list(dict.fromkeys(variants))[:MAX_SOUND_VARIANTS]


def _latin_piece(word: str, lexicon: Lexicon) -> QueryPiece:
    piece = QueryPiece(word, is_han=False, looks_for=[word])
    # Words and numbers are matched as prefixes: the operator may still be typing.
    piece.words.append(_quote([word], prefix=True))
    if not word.isalpha():
        return piece
    syllables = split_syllables(word)
    unfinished = True
    if syllables:
        piece.syllables = syllables
        unfinished = not is_complete_syllable(syllables[-1])
        single = len(syllables) == 1
        pairs = syllables if single else pair_tokens(syllables)[:-1]
        piece.sounds.append(f"{{py_full}} : {_quote(pairs, prefix=unfinished or single)}")
    # Initials as typed, or those of syllables mixed with initials (gjjtiqu → gjjtq).
    letters = word if not syllables else None
    mixed = mixed_initials(word) if not syllables else None
    if mixed is not None:
        letters = "".join(mixed)
    if letters is not None and 2 <= len(letters) <= MAX_INITIALS:
        piece.sounds.append(_initials(letters))
        piece.syllables = list(letters)
        piece.sound_parts.extend(_initials_in_words(letters))
        known = lexicon.abbreviations
        _add_known_words(piece, known.cuts(letters), known.words_for, lexicon)
    elif syllables is not None and 2 <= len(word) <= MAX_INITIALS:
        piece.sounds.append(_initials(word))
    # Misspelt pinyin (butre, butaire for 不热): a letter or a syllable typed too many;
    # the syllables on either side of it, as a pair, for the loose pass.
    units = syllables if syllables and not unfinished else mixed_units(word)
    if units and len(units) > 2:
        pairs = [units[i] + units[i + 2] for i in range(len(units) - 2)
                 if len(units[i]) > 1 and len(units[i + 2]) > 1]
        piece.sound_parts.extend(f"{{py_full}} : {_quote([pair])}"
                                 for pair in dict.fromkeys(pairs[:MAX_SKIP_PAIRS]))
    if syllables and len(syllables) > 1 and not unfinished:
        # Full pinyin of known words (canjizheng: 残疾证, whose title says 残疾人证): the
        # words and their synonyms as Han text, as for initials.
        known = lexicon.abbreviations
        _add_known_words(piece, known.sound_cuts(syllables), known.words_sounding, lexicon)
    return piece


def _add_known_words(piece: QueryPiece, cuts: list[list[str]],
                     words_for: Callable[[str], list[str]], lexicon: Lexicon) -> None:
    """Letters that are the initials (or the pinyin) of known words, or cut into them
    (abbreviations.py), also look for those words, and their synonyms, as Han text in
    titles and bodies."""
    for cut in cuts:
        in_titles: list[str] = []
        in_bodies: list[str] = []
        for part in cut:
            words = words_for(part)
            # Its synonyms too (sbk → 社会保障卡), unless the part is two letters of a
            # longer cut: those fit too many words (hz: 孩子, 护照) for more to help.
            if len(cut) == 1 or len(part) > 2:
                words += [v for w in words for v in lexicon.synonyms.variants(w)]
            phrases = list(dict.fromkeys(_quote(han_tokens(w)[:-1]) for w in words))
            in_titles.append(" OR ".join(f"{TITLE_TEXT} : {p}" for p in phrases))
            in_bodies.append(" OR ".join(phrases))
            piece.looks_for.extend(words)
        piece.sounds.append(" AND ".join(f"({group})" for group in in_titles))
        piece.word_phrases.append(" AND ".join(f"({group})" for group in in_bodies))


def _initials(letters: str) -> str:
    return f"{{py_init}} : {_quote(pair_tokens(list(letters))[:-1])}"


def _initials_in_words(letters: str) -> list[str]:
    """Initials typed for words that are not adjacent in the title (`hzbb`: 护照 and 补办 in
    如何办理护照遗失补办): every cut of the letters into words of two or three, each cut
    wanting all its words."""
    if not 4 <= len(letters) <= MAX_INITIALS_CUT:
        return []
    cuts: list[list[str]] = []

    def cut(rest: str, words: list[str]) -> None:
        if not rest:
            cuts.append(words)
        for size in (2, 3):
            if len(rest) == size or len(rest) >= size + 2:
                cut(rest[size:], [*words, rest[:size]])

    cut(letters, [])
    return [" AND ".join(_initials(word) for word in words) for words in cuts]
