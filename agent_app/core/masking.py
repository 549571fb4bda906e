"""Masking of confidential callers (保密) and phone numbers in lists and logs."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

# A phone number as people write it: an optional country code (+86, 0086, 86 followed by a
# separator), then a mobile (139 1234 5678, 139-1234-5678) or a landline with its area code
# (0375-1234567, 0375 1234567, (0375)1234567, （0375）1234567, +86 375 1234567). Separators
# are one space, dash or dot between groups; digits before or after mean it is part of a
# longer number or word (an id, a timestamp, a hex digest), which is left alone.
_SEP = r"[ \-.]?"
_COUNTRY = r"(?:(?:\+|00)86[ \-]?|86[ \-])"
_MOBILE = rf"1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}"
_AREA = r"(?:[(（]0?\d{2,3}[)）][ \-]?|0\d{2,3}" + _SEP + r")"
_LOCAL = rf"\d{{3,4}}{_SEP}\d{{4}}"
_PHONE_RE = re.compile(
    rf"(?<![0-9A-Za-z+])(?:(?:{_COUNTRY}|86)?{_MOBILE}|{_COUNTRY}?{_AREA}{_LOCAL}"
    rf"|{_COUNTRY}\d{{2,3}}{_SEP}{_LOCAL})(?![0-9A-Za-z])")


def mask_phone(phone: str) -> str:
    """Keep enough digits to tell numbers apart on screen: 138****0000, 0375-***4567."""
    digits = phone.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if "-" in digits:
        area, _, local = digits.partition("-")
        return f"{area}-{'*' * max(len(local) - 4, 0)}{local[-4:]}"
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_name(name: str) -> str:
    """张三丰 → 张**; keeps the surname, which is how a centre refers to a caller (张先生)."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phones_in_text(text: str) -> str:
    """For log lines: every phone-looking number in free text is masked, in whatever format
    it was written; only the last four digits survive."""
    return _PHONE_RE.sub(lambda m: _mask_written_phone(m.group(0)), text)


def _mask_written_phone(written: str) -> str:
    digits = re.sub(r"\D", "", written)
    if written.startswith(("+86", "0086", "86")):
        digits = digits[4:] if written.startswith("0086") else digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return mask_phone(digits)
    national = digits if digits.startswith("0") else f"0{digits}"
    area_length = 3 if national[1] in "12" else 4  # 010, 020–029 are the three-digit codes
    return mask_phone(f"{national[:area_length]}-{national[area_length:]}")


# `Authorization: <anything>` (Bearer, Basic, a bare token), `Bearer …`, `token=…`,
# `"password": "…"` and the like; the value runs to a quote, space, comma, ampersand,
# semicolon or brace.
_SECRET_RE = re.compile(
    r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?(?:(?:bearer|basic|token|digest)\s+)?"
    r"|\bbearer\s+|\b(?:access_token|refresh_token|token|password|passwd|secret|api_key)"
    r"[\"']?\s*[:=]\s*[\"']?)([^\s\"'&,;}]+)")


def mask_secrets_in_text(text: str) -> str:
    """Tokens and passwords in free text keep their label and lose their value."""
    return _SECRET_RE.sub(lambda m: f"{m.group(1)}***", text)


# Confidential callers' names this process has seen (the storage layer records them as
# tickets are written), so a log line that quotes one — an error carrying a row's values —
# does not name the caller. Bounded: a long-running client forgets the oldest.
_CONFIDENTIAL_NAMES: dict[str, re.Pattern[str]] = {}
_CONFIDENTIAL_LIMIT = 20_000
_names_lock = threading.Lock()


def remember_confidential_name(name: str) -> None:
    found = name_pattern(name)
    if found is None or found[0] in _CONFIDENTIAL_NAMES:
        return
    identity, pattern = found
    with _names_lock:
        _CONFIDENTIAL_NAMES[identity] = pattern
        while len(_CONFIDENTIAL_NAMES) > _CONFIDENTIAL_LIMIT:
            _CONFIDENTIAL_NAMES.pop(next(iter(_CONFIDENTIAL_NAMES)))


def forget_confidential_names() -> None:
    with _names_lock:
        _CONFIDENTIAL_NAMES.clear()


def remembered_confidential_names() -> list[str]:
    """What this process knows, for a worker process to hand to the one that keeps the log."""
    with _names_lock:
        return list(_CONFIDENTIAL_NAMES)


def _constant(replacement: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: replacement


def mask_confidential_names(text: str) -> str:
    with _names_lock:
        patterns = list(_CONFIDENTIAL_NAMES.items())
    for identity, pattern in patterns:
        if identity[0] in text:  # cheap test first: most lines name nobody
            # A function, not a replacement string: a name's characters are not escapes.
            text = pattern.sub(_constant(mask_name(identity)), text)
    return text


def mask_sensitive_text(text: str) -> str:
    """What logs and diagnostics go through: secrets, confidential names, phone numbers."""
    return mask_phones_in_text(mask_confidential_names(mask_secrets_in_text(text)))


# What may stand between the digits of a number as people write it, and between the
# characters of a name: spaces (also full-width), dashes, dots, brackets, middle dots.
_GAP = r"[\s\-‐–—.·•()（）_,，、]*"
_AREA_CODE = re.compile(r"^0\d{2,3}(?=\d{7,8}$)")


def _digits(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) in (10, 11):
            digits = digits[len(prefix):]
    return digits


def _spaced(chars: str) -> str:
    return _GAP.join(re.escape(ch) for ch in chars)


def name_pattern(name: str) -> tuple[str, re.Pattern[str]] | None:
    """The one rule for finding a caller's name in free text, for units (identity_patterns)
    and for logs (mask_confidential_names): 李 四, 李·四 and 李四 are the same caller, so the
    name's characters with anything people put between them. None for a single character
    (a surname alone would mask that character everywhere). Also the compact name."""
    compact = re.sub(_GAP, "", name.strip())
    if len(compact) < 2:
        return None
    return compact, re.compile(_spaced(compact))


def identity_patterns(name: str, phone: str) -> list[re.Pattern[str]]:
    """Every way a confidential caller's number or name is likely written in free text: the
    digits with any separators, with or without +86 / 0086 (and without a landline's trunk
    0 after +86), a landline's local number alone; the name with spaces or punctuation
    between its characters. A one-character name is not searched for: it would blank that
    character everywhere."""
    patterns = []
    digits = _digits(phone)
    if len(digits) >= 5:
        national = digits[1:] if digits.startswith("0") else digits
        trunk = "0?" if digits.startswith("0") else ""
        prefix = rf"(?:(?:\+|00)?86{_GAP})?"
        patterns.append(rf"(?<!\d){prefix}{trunk}{_spaced(national)}(?!\d)")
        area = _AREA_CODE.match(digits)
        if area:
            patterns.append(rf"(?<!\d){_spaced(digits[area.end():])}(?!\d)")
    compiled = [re.compile(p) for p in patterns]
    found = name_pattern(name)
    if found is not None:
        compiled.append(found[1])
    return compiled


def withhold_identity(text: str, patterns: list[re.Pattern[str]], mask: str = "***") -> str:
    for pattern in patterns:
        text = pattern.sub(mask, text)
    return text
