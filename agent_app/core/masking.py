"""Masking of confidential callers (保密) and phone numbers in lists and logs."""

from __future__ import annotations

import re

_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


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
    """For log lines: every phone-looking number in free text is masked."""
    return _PHONE_RE.sub(lambda m: mask_phone(m.group(0)), text)


# `Bearer …`, `token=…`, `"password": "…"` and the like; the value runs to a quote, space,
# comma, ampersand, semicolon or brace.
_SECRET_RE = re.compile(
    r"(?i)(\bbearer\s+|\b(?:access_token|refresh_token|token|password|passwd|secret|api_key)"
    r"[\"']?\s*[:=]\s*[\"']?)([^\s\"'&,;}]+)")


def mask_secrets_in_text(text: str) -> str:
    """Tokens and passwords in free text keep their label and lose their value."""
    return _SECRET_RE.sub(lambda m: f"{m.group(1)}***", text)


def mask_sensitive_text(text: str) -> str:
    """What logs and diagnostics go through: secrets, then phone numbers."""
    return mask_phones_in_text(mask_secrets_in_text(text))


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
    compact = re.sub(_GAP, "", name.strip())
    if len(compact) >= 2:
        patterns.append(_spaced(compact))
    return [re.compile(p) for p in patterns]


def withhold_identity(text: str, patterns: list[re.Pattern[str]], mask: str = "***") -> str:
    for pattern in patterns:
        text = pattern.sub(mask, text)
    return text
