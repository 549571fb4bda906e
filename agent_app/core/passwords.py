"""The password policy, defined once: the server's `agent-api users` commands and endpoints
check it, and so does the desktop client's change-password form before it sends anything.

Each reason is a fixed English sentence, translatable with
QCoreApplication.translate("PasswordPolicy", reason); `{minimum}` is filled in after
translating (``reason.format(minimum=MIN_LENGTH)``), see `explain`.
"""

from __future__ import annotations

import unicodedata

from agent_app.core.i18n import QT_TRANSLATE_NOOP

CONTEXT = "PasswordPolicy"
MIN_LENGTH = 10
# Over this, hashing the input becomes work an attacker can make the server do for free.
MAX_LENGTH = 256

R_TOO_SHORT = QT_TRANSLATE_NOOP(
    "PasswordPolicy", "The password needs at least {minimum} characters.")
R_TOO_LONG = QT_TRANSLATE_NOOP(
    "PasswordPolicy", "The password may have at most {maximum} characters.")
R_USERNAME = QT_TRANSLATE_NOOP(
    "PasswordPolicy", "The password must not contain the user name.")
R_ONE_KIND = QT_TRANSLATE_NOOP(
    "PasswordPolicy", "Mix at least two kinds of characters: letters, digits, other signs.")
R_CONTROL = QT_TRANSLATE_NOOP(
    "PasswordPolicy", "The password must not contain control characters.")

# Each reason and the values its placeholders take.
PLACEHOLDERS = {"minimum": MIN_LENGTH, "maximum": MAX_LENGTH}


def _kind(character: str) -> str:
    if character.isdigit():
        return "digit"
    if character.isalpha():
        return "letter"
    return "other"


def problem(password: str, username: str = "") -> str | None:
    """The first reason `password` is refused for the account `username`, or None.

    A reason is returned untranslated and unformatted: pass it to `explain` (or translate it
    first with the UI's translator, then `explain`)."""
    if len(password) < MIN_LENGTH:
        return R_TOO_SHORT
    if len(password) > MAX_LENGTH:
        return R_TOO_LONG
    if any(unicodedata.category(c).startswith("C") for c in password):
        # Control characters come from a paste gone wrong, and cannot be typed at sign-in.
        return R_CONTROL
    name = username.strip().casefold()
    if name and name in password.casefold():
        return R_USERNAME
    if len({_kind(c) for c in password}) < 2:
        return R_ONE_KIND
    return None


def explain(reason: str) -> str:
    """A (translated) reason with its placeholders filled in."""
    return reason.format(**PLACEHOLDERS)
