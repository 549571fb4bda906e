"""Phone numbers in the appeal text, in whatever writing the operator typed them.

Callers read numbers out and operators type them as they hear them: 138 0375 1234,
138-0375-1234, +86 13803751234, (0375)2345678, 0375-2345678, or in words, 幺三八… The result
is digits only, the country code dropped, in the order the numbers appear, each once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from agent_app.search.text import fold

# 幺 is how a 1 is read out on the phone; 两 is a 2 in speech.
_SPOKEN_DIGITS = str.maketrans({"零": "0", "〇": "0", "幺": "1", "一": "1", "二": "2",
                                "两": "2", "三": "3", "四": "4", "五": "5", "六": "6",
                                "七": "7", "八": "8", "九": "9"})
_SPOKEN = "零〇幺一二两三四五六七八九"
# A run of digits with the separators people put inside a number; commas end a number
# because operators separate a house number from a phone with one.
_SEPARATORS = " \\-—–‐.·()（）"
_RUN_RE = re.compile(rf"\+?[0-9{_SPOKEN}](?:[0-9{_SPOKEN}]|[{_SEPARATORS}]"
                     rf"(?=[{_SEPARATORS}]{{0,2}}[0-9{_SPOKEN}(（]))*")
_GROUP_RE = re.compile(rf"[0-9{_SPOKEN}]+")
MOBILE_RE = re.compile(r"1[3-9]\d{9}")
# Area code and local number: 010/02x with 8 digits, 0xxx with 7 or 8, so 11 or 12 digits; a
# 10-digit run starting with 0 is a meter or account number (0375123456), not a phone.
LANDLINE_RE = re.compile(r"0[1-9]\d{9,10}")
SERVICE_RE = re.compile(r"[48]00\d{7}")  # 400/800 numbers of firms callers mention
# A local number without area code is only a phone when the text says so just before it.
_LOCAL_CUE_RE = re.compile(r"(电话|手机|座机|固话|号码|联系|打|拨|call|tel)[^0-9]{0,6}$")
LOCAL_RE = re.compile(r"[2-9]\d{6,7}")
# A number the text names as something else (订单号13598765432, 发票号…) is not a phone, even
# when it looks like one: the nearest label before it decides.
_LABEL_RE = re.compile(r"(?P<phone>电话|手机|座机|固话|号码是|联系|打|拨|call|tel)|"
                       r"(?P<other>订单|单号|卡号|身份证|户号|账号|编号|工号|车牌|发票|票号|合同号|"
                       r"学号|准考证|批号|型号|序列号|流水号|密码|验证码|证号|表号)")
_LABEL_REACH = 8
# The words that hand over a number, right before it (what mask_contacts blanks with it).
_CONTACT_LABEL_RE = re.compile(r"(?:我的|俺的)?(?:回电话|回电|联系电话|联系方式|电话号码|手机号码|"
                               r"手机号|电话|手机|座机|号码|联系)(?:是|打|为)?[:：\s]*$")
_SPOKEN_RUN_MIN = 7  # fewer spoken digits are amounts and dates (三个月, 一二楼)


def _is_phone(digits: str) -> bool:
    return bool(MOBILE_RE.fullmatch(digits) or LANDLINE_RE.fullmatch(digits)
                or SERVICE_RE.fullmatch(digits))


def _without_country_code(digits: str) -> str:
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) in (10, 11):
            rest = digits[len(prefix):]
            # +86 drops the trunk 0 of a landline: +86 375 2345678 is 0375 2345678.
            return rest if rest.startswith("1") else "0" + rest.lstrip("0")
    return digits


def extract_phones(text: str) -> list[str]:
    found = [number for _run, numbers in _phone_runs(fold(text)) for number in numbers]
    unique: list[str] = []
    for number in found:
        if number not in unique:
            unique.append(number)
    return unique


def mask_contacts(folded: str) -> str:
    """The folded text with every phone number it gives blanked, and the word that announces
    one (电话 138…, 联系方式：0375…): the caller's own number says nothing of the matter, and
    its label would read as an appeal about a phone number (政务服务 › 查询电话)."""
    chars = list(folded)
    for run, _numbers in _phone_runs(folded):
        start = run.start()
        label = _CONTACT_LABEL_RE.search(folded[max(0, start - _LABEL_REACH):start])
        if label is not None:
            start -= len(label.group())
        chars[start:run.end()] = " " * (run.end() - start)
    return "".join(chars)


def _phone_runs(folded: str) -> Iterator[tuple[re.Match[str], list[str]]]:
    """Each run of digits in the folded text that holds phone numbers, with them."""
    for run in _RUN_RE.finditer(folded):
        spoken = any(ch in _SPOKEN for ch in run.group())
        groups = [g.translate(_SPOKEN_DIGITS) for g in _GROUP_RE.findall(run.group())]
        if spoken and sum(map(len, groups)) < _SPOKEN_RUN_MIN:
            continue
        if _named_as_other(folded[max(0, run.start() - _LABEL_REACH):run.start()]):
            continue
        cue = bool(_LOCAL_CUE_RE.search(folded[max(0, run.start() - 10):run.start()]))
        has_plus = run.group().startswith("+")
        numbers = _phones_in_groups(groups, local_allowed=cue, country_code=has_plus)
        if numbers:
            yield run, numbers


def _named_as_other(before: str) -> bool:
    before = re.split(r"[，。,；;！!？?、]", before)[-1]  # a label before a comma named another
    labels = list(_LABEL_RE.finditer(before))
    return bool(labels) and labels[-1].group("other") is not None


def _phones_in_groups(groups: list[str], *, local_allowed: bool,
                      country_code: bool) -> list[str]:
    """Greedy from the left: the longest run of groups that makes one number, then on.
    `3号 13803751234` arrives as separate runs; `0375 2345678 13803751234` as one."""
    phones: list[str] = []
    start = 0
    while start < len(groups):
        best_end, best = 0, ""
        digits = ""
        for end in range(start, len(groups)):
            digits += groups[end]
            if len(digits) > 14:
                break
            candidate = _without_country_code(digits) if (country_code or len(digits) > 12) \
                else digits
            if _is_phone(candidate) or (local_allowed and not phones and start == 0
                                        and LOCAL_RE.fullmatch(candidate)):
                best_end, best = end + 1, candidate
        if best:
            phones.append(best)
            start = best_end
            country_code = False
        else:
            start += 1
    return phones
