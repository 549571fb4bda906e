"""Pinyin for the index and for queries typed in Latin letters (`gjj`, `gongjijin` → 公积金).

Titles get their pinyin once, when an article is indexed (pypinyin reads whole phrases, so
银行 is hang and 重庆 chong); queries only need the cheap per-character lookup for typed
Han text and the syllable splitter below for typed Latin letters. Tones are dropped and ü
is written u, as most operators type `lv` or `lu` for 绿 anyway.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

# Every toneless Mandarin syllable, ü written u (lü → lu, nüe → nue).
_SYLLABLE_LIST = """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can
cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai
chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den
deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang
fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang
gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo
ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken
keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian
liang liao lie lin ling liu lo long lou lu luan lue lun luo ma mai man mang mao me mei men
meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian
niang niao nie nin ning niu nong nou nu nuan nue nuo o ou pa pai pan pang pao pei pen peng
pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan
que qun ran rang rao re ren reng ri rong rou ru ruan rui run ruo sa sai san sang sao se sen
seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui
shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting
tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie
xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun
za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong
zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""
SYLLABLES = frozenset(_SYLLABLE_LIST.split())
_PREFIXES = frozenset(s[:i] for s in SYLLABLES for i in range(1, len(s) + 1))
_LONGEST = max(len(s) for s in SYLLABLES)


def _clean(syllable: str) -> str:
    return syllable.replace("ü", "u").replace("v", "u")


@lru_cache(maxsize=4096)
def _toneless(syllable: str) -> str:
    """`lǜ` → `lu`: drop the tone marks, write ü as u."""
    bare = "".join(c for c in unicodedata.normalize("NFD", syllable)
                   if not unicodedata.combining(c))
    return _clean(bare)


# Phrases longer than this are rare (about 1,000 of 47,000) and need no special reading.
LONGEST_PHRASE = 4


@lru_cache(maxsize=1)
def _dictionaries() -> tuple[dict[int, str], dict[str, list[list[str]]]]:
    # pypinyin's own tables, without its converter: looking words up directly is ~10× faster
    # than lazy_pinyin, which matters when 100,000 titles are indexed. Loading takes ~0.3 s,
    # so it happens on the first use, never at import.
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    return pinyin_dict, phrases_dict


def phrase_syllables(run: str) -> list[str]:
    """Syllables of a Han run, reading the longest known phrase at each place first, so
    银行 is yin hang and 重庆 chong qing (index time: titles). A character pypinyin does not
    know stays as it is."""
    chars, phrases = _dictionaries()
    readings_of = [chars.get(ord(char), "") for char in run]
    n = len(run)
    # Phrases only matter where a character has several readings: next_several[i] is the
    # first such place at or after i, and windows without one skip the phrase lookups.
    next_several = [n] * (n + 1)
    for i in range(n - 1, -1, -1):
        next_several[i] = i if "," in readings_of[i] else next_several[i + 1]
    syllables: list[str] = []
    i = 0
    while i < n:
        longest = min(LONGEST_PHRASE, n - i) if next_several[i] < i + LONGEST_PHRASE else 1
        for size in range(longest, 1, -1):
            readings = phrases.get(run[i:i + size])
            if readings is not None and len(readings) == size:
                syllables.extend(_toneless(reading[0]) for reading in readings)
                i += size
                break
        else:
            known = readings_of[i]
            syllables.append(_toneless(known.split(",", 1)[0]) if known else run[i])
            i += 1
    return syllables


@lru_cache(maxsize=8192)
def char_syllable(char: str) -> str:
    """The most common reading of one character (query time: homophone typos)."""
    return phrase_syllables(char)[0]


def initials(syllables: Sequence[str]) -> list[str]:
    return [s[0] for s in syllables]


def pair_tokens(units: Sequence[str]) -> list[str]:
    """Like Han bigrams: `gong ji jin` → `gongji jijin jin`; `g j j` → `gj jj j`."""
    if not units:
        return []
    tokens = [units[i] + units[i + 1] for i in range(len(units) - 1)]
    tokens.append(units[-1])
    return tokens


def split_syllables(letters: str) -> list[str] | None:
    """`gongjijin` → [gong, ji, jin]; the last piece may be an unfinished syllable (`gongjij`
    → [gong, ji, j]) because the operator is still typing. None when the letters are not
    pinyin. Fewest pieces wins (`xian` is 先, not 西安: the common reading)."""
    letters = _clean(letters)
    n = len(letters)
    if n == 0 or n > 64:
        return None
    # best[i]: fewest pieces covering letters[:i]; back[i]: where the last piece starts.
    best: list[int | None] = [0] + [None] * n
    back = [0] * (n + 1)
    for end in range(1, n + 1):
        for start in range(max(0, end - _LONGEST), end):
            previous = best[start]
            piece = letters[start:end]
            ok = piece in SYLLABLES or (end == n and piece in _PREFIXES)
            current = best[end]
            if previous is not None and ok and (current is None or previous + 1 < current):
                best[end] = previous + 1
                back[end] = start
    if best[n] is None:
        return None
    pieces: list[str] = []
    end = n
    while end > 0:
        pieces.append(letters[back[end]:end])
        end = back[end]
    return pieces[::-1]


def is_complete_syllable(piece: str) -> bool:
    return piece in SYLLABLES
