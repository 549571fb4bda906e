"""Latin letters typed for known words: `sbk` is 社保卡, `wyf` 物业费, `sbkbuban` 社保卡补办.

Pinyin initials are ambiguous: `wyf` fits 物业费 and also the 业服 inside 物业服务, `hz` fits
护照 and the 婚证 inside 结婚证. The title's own initials (py_init) find both; what tells
them apart is whether the letters stand for a whole word operators and callers use. The words
are those of the reviewed lexicons (synonyms.txt, colloquial.json: what callers say and the
official wording), each read once by pypinyin. Letters that are the initials of such words,
or can be cut into them (`sbkbb` → 社保卡 补办), also look for those words (and their
synonyms) as Han text, which is how a title holding the word outranks one that merely
holds the letters.

Letters may also mix initials with whole syllables (`gjjtiqu`, `sbkbuban`): they are read
as syllables and initials and matched by their initials.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from agent_app.search.pinyin import SYLLABLES, char_syllable, phrase_syllables
from agent_app.search.text import HAN_RE, segments

MAX_WORDS_PER_KEY = 4  # `bb` fits many words; more alternatives cost bm25 time on each title
MAX_CUT_PARTS = 3
MAX_CUTS = 6
MAX_LETTERS = 12
MAX_SOUND_WORD = 6  # longer homophones of a known word are not looked for
MAX_SOUND_ALIKES = 4  # each costs a phrase in the homophone pass
# A lone typed letter that begins a syllable: what an initial is (vowel syllables included).
_INITIAL_LETTERS = frozenset(s[0] for s in SYLLABLES)


class WordInitials:
    """Known Han words by the initials of their reading, and by the reading itself (for
    homophone typos: 低报 sounds like 低保). The readings are made on first use: pypinyin's
    tables take a quarter of a second to load, which start-up must not pay."""

    def __init__(self, words: Iterable[str]) -> None:
        self._source = tuple(dict.fromkeys(words))
        self._known = frozenset(self._source)
        self._built: tuple[dict[str, list[str]], dict[str, list[str]]] | None = None

    @property
    def _words(self) -> dict[str, list[str]]:
        if self._built is None:
            self._built = self._build(self._source)
        return self._built[0]

    @property
    def _by_sound(self) -> dict[str, list[str]]:
        if self._built is None:
            self._built = self._build(self._source)
        return self._built[1]

    @staticmethod
    def _build(words: Iterable[str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        by_initials: dict[str, list[str]] = {}
        by_sound: dict[str, list[str]] = {}
        for word in words:
            runs = [s.text for s in segments(word) if s.is_han]
            if len(runs) != 1 or runs[0] != word or not 2 <= len(word) <= MAX_LETTERS:
                continue  # only plain Han words: 12348法律咨询 has no initials to type
            syllables = phrase_syllables(word)
            if any(HAN_RE.match(s) for s in syllables):
                continue  # a character pypinyin cannot read
            key = "".join(s[0] for s in syllables)
            found = by_initials.setdefault(key, [])
            if len(found) < MAX_WORDS_PER_KEY:
                found.append(word)
            # By the phrase's reading and by its characters' own (a typed homophone is read
            # character by character: 银航 is yin hang, 银行 alone also yin xing).
            readings = {" ".join(syllables), " ".join(char_syllable(c) for c in word)}
            for reading in readings:
                alike = by_sound.setdefault(reading, [])
                if word not in alike and len(alike) < MAX_WORDS_PER_KEY:
                    alike.append(word)
        return by_initials, by_sound

    def words_sounding(self, reading: str) -> list[str]:
        """The known words read so (`can ji zheng` → 残疾证)."""
        return list(self._by_sound.get(reading, ()))

    def sound_cuts(self, syllables: Sequence[str]) -> list[list[str]]:
        """Every way to read typed full pinyin as one to MAX_CUT_PARTS known words, each a
        list of the parts' readings (`canjizheng` → [["can ji zheng"]]), fewest parts first."""
        if not 2 <= len(syllables) <= MAX_LETTERS:
            return []
        return _cuts(len(syllables), lambda a, b: " ".join(syllables[a:b]), self._by_sound)

    def sound_alikes(self, run: str) -> list[tuple[int, int, str]]:
        """Where `run` holds a homophone of a known word that is not itself a known word
        (低报 in 低报申请: 低保), as (start, end, the word), longest first."""
        if len(run) < 2:
            return []
        readings = [char_syllable(c) for c in run]
        windows = [(start, start + size) for size in range(min(len(run), MAX_SOUND_WORD), 1, -1)
                   for start in range(len(run) - size + 1)]
        # Known words typed as they are (医保 in 医保报销): a window cutting through one
        # (保报, which sounds like 宝宝) is not where a typo stands.
        typed = [(a, b) for a, b in windows if run[a:b] in self._known]
        found: list[tuple[int, int, str]] = []
        for start, end in windows:
            if (start, end) in typed or any(a < start < b < end or start < a < end < b
                                            for a, b in typed):
                continue
            words = self._by_sound.get(" ".join(readings[start:end]), ())
            found.extend((start, end, w) for w in words)
        return found[:MAX_SOUND_ALIKES]

    def __len__(self) -> int:
        return sum(map(len, self._words.values()))

    def words_for(self, letters: str) -> list[str]:
        return list(self._words.get(letters, ()))

    def cuts(self, letters: str) -> list[list[str]]:
        """Every way to read `letters` as the initials of one to MAX_CUT_PARTS known words,
        each a list of the parts' letters (`sbkbb` → [[sbk, bb]]), fewest parts first."""
        if not 2 <= len(letters) <= MAX_LETTERS:
            return []
        return _cuts(len(letters), lambda a, b: letters[a:b], self._words)


def _cuts(length: int, piece: Callable[[int, int], str],
          known: Mapping[str, object]) -> list[list[str]]:
    """Every way to cut positions 0..length into one to MAX_CUT_PARTS pieces of two or more,
    each a key of `known` (`piece(a, b)` is the key of positions a..b), fewest pieces first."""
    found: list[list[str]] = []

    def cut(start: int, parts: list[str]) -> None:
        if start == length:
            found.append(parts)
            return
        if len(parts) == MAX_CUT_PARTS:
            return
        for end in range(length, start + 1, -1):
            key = piece(start, end)
            if key in known:
                cut(end, [*parts, key])

    cut(0, [])
    found.sort(key=len)
    return found[:MAX_CUTS]


def mixed_initials(letters: str) -> list[str] | None:
    """`gjjtiqu` → [g, j, j, t, q]: letters read as whole syllables and lone initials, at
    least one of each, give the initials of the characters they stand for. None when the
    letters cannot be read so (or are all initials, or all syllables: other readings)."""
    units = mixed_units(letters)
    if units is None or all(len(u) > 1 for u in units) or all(len(u) == 1 for u in units):
        return None
    return [unit[0] for unit in units]


def mixed_units(letters: str) -> list[str] | None:
    """`butre` → [bu, t, re]: the fewest whole syllables and lone initials the letters can
    be read as (a whole syllable preferred over its letters: `ban` is 办, not b a n); None
    when they cannot be read so."""
    n = len(letters)
    if not 2 <= n <= 2 * MAX_LETTERS:
        return None
    # best[i]: the fewest units covering letters[:i].
    best: list[list[str] | None] = [[]] + [None] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - 6), end):
            previous = best[start]
            piece = letters[start:end]
            whole = len(piece) > 1 and piece in SYLLABLES
            lone = len(piece) == 1 and piece in _INITIAL_LETTERS
            if previous is None or not (whole or lone):
                continue
            current = best[end]
            if current is None or len(previous) + 1 < len(current):
                best[end] = [*previous, piece]
    return best[n]
