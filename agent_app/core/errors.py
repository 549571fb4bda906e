"""What a user may be told when something is refused or fails: the one base of those errors.

A `UserError` carries one of core's fixed sentences (`reason`, marked with
QT_TRANSLATE_NOOP in the error's `context`) and the values its `%1`, `%2`… stand for, so the
UI (ui/failures.failure_text, with Qt's translator) and the server (`translated_text`, from
the shipped translation, without Qt) say the same sentence in the user's language. Anything
else — a library's exception, an errno text, SQL — is never shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from agent_app.core.i18n import translated


class UserError(ValueError):
    """A refusal or failure said in one of core's sentences; `values` fill its `%1`, `%2`…"""

    context: ClassVar[str] = "Errors"

    def __init__(self, reason: str, *values: str) -> None:
        super().__init__(fill(reason, values))
        self.reason = reason
        self.values = values

    def text(self, translate: Callable[[str, str], str]) -> str:
        """The sentence through `translate(context, text)` (Qt's, in the UI), values filled."""
        return fill(translate(self.context, self.reason), self.values)

    def translated_text(self, language: str = "zh_CN") -> str:
        """The sentence in `language` from the shipped translation (the server has no Qt)."""
        return self.text(lambda context, text: translated(text, language=language,
                                                           contexts=(context,)))


def fill(text: str, values: tuple[str, ...]) -> str:
    """`%1`, `%2`… replaced by the values in one pass: a value holding `%2` stays as it is,
    and `%10` is not `%1` followed by 0."""
    def value(match: re.Match[str]) -> str:
        number = int(match[1])
        return values[number - 1] if 1 <= number <= len(values) else match[0]

    return _PLACE.sub(value, text) if values else text


_PLACE = re.compile(r"%(\d+)")
