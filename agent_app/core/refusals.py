"""Every refusal the central server can answer with, defined once: a code, its HTTP status and
a sentence (context "Refusal") whose `%1`, `%2`… the refusal's values fill.

The server answers `{"detail": <the sentence in Chinese>, "code": …, "values": […]}`: other
kinds of client and IT read the detail, this client says the sentence for the code in the
user's language (ui/failures). Two families quote a sentence core already has — the shared
ticket commands' reasons and the password policy's — and add it as `"sentence"`: those are
defined where their rule lives (core/actions, core/passwords), not again here.

A server from before the codes sent English details only; ui/failures.OLDER_SERVERS_REFUSALS
maps each to the refusal it meant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from agent_app.core import passwords
from agent_app.core.errors import UserError, fill
from agent_app.core.i18n import QT_TRANSLATE_NOOP

CONTEXT = "Refusal"


@dataclass(frozen=True)
class Refusal:
    """One refusal of the vocabulary. `context` is where its sentence is translated; a
    family's sentence (empty here) comes with each refusal."""

    code: str
    status: int
    sentence: str
    context: str = CONTEXT


REFUSALS: dict[str, Refusal] = {}


def _define(code: str, status: int, sentence: str, context: str = CONTEXT) -> Refusal:
    if code in REFUSALS:
        raise ValueError(f"refusal code {code} is defined twice")
    REFUSALS[code] = refusal = Refusal(code, status, sentence, context)
    return refusal


class RefusedError(UserError):
    """A refusal of the vocabulary, with its values (a family's also with its sentence)."""

    context: ClassVar[str] = CONTEXT  # a family's sentence is translated in its own

    def __init__(self, refusal: Refusal, *values: object, sentence: str | None = None) -> None:
        super().__init__(sentence if sentence is not None else refusal.sentence,
                         *(str(value) for value in values))
        self.refusal = refusal

    @property
    def code(self) -> str:
        return self.refusal.code

    @property
    def status(self) -> int:
        return self.refusal.status

    @property
    def quoted(self) -> str | None:
        """The quoted core sentence of a family's refusal, sent beside its code."""
        return self.reason if self.refusal.context != CONTEXT else None

    def text(self, translate: Callable[[str, str], str]) -> str:
        said = fill(translate(self.refusal.context, self.reason), self.values)
        # The password policy's sentences name their limits as {minimum}, {maximum}.
        return passwords.explain(said) if self.refusal is PASSWORD_POLICY else said


def from_answer(code: object, values: object = (), sentence: object = None) -> RefusedError | None:
    """The refusal a server's answer names; None without a code (a server from before them),
    for a code this client does not know (a newer server's), or a family's answer without its
    sentence."""
    refusal = REFUSALS.get(code) if isinstance(code, str) else None
    if refusal is None:
        return None
    said = [str(value) for value in values] if isinstance(values, Sequence) \
        and not isinstance(values, str) else []
    if refusal.context != CONTEXT:
        if not isinstance(sentence, str) or not sentence:
            return None
        return RefusedError(refusal, *said, sentence=sentence)
    return RefusedError(refusal, *said)


def answer_body(error: RefusedError) -> Mapping[str, object]:
    """The JSON body of an HTTP refusal: the sentence in Chinese, then what names it."""
    body: dict[str, object] = {"detail": error.translated_text("zh_CN"), "code": error.code,
                               "values": list(error.values)}
    if error.quoted is not None:
        body["sentence"] = error.quoted
    return body


# Families: the sentence is one of core's own, quoted --------------------------------------
TICKET_COMMAND = _define("ticket_command", 409, "", "TicketCommand")
PASSWORD_POLICY = _define("password_policy", 422, "", passwords.CONTEXT)

# Signing in, roles ------------------------------------------------------------------------
NOT_SIGNED_IN = _define("not_signed_in", 401, QT_TRANSLATE_NOOP(
    "Refusal", "Not signed in: sign in again."))
SIGN_IN_EXPIRED = _define("sign_in_expired", 401, QT_TRANSLATE_NOOP(
    "Refusal", "The sign-in has expired: sign in again."))
WRONG_LOGIN = _define("wrong_login", 401, QT_TRANSLATE_NOOP(
    "Refusal", "Wrong user name or password."))
ROLE_MAY_NOT = _define("role_may_not", 403, QT_TRANSLATE_NOOP(
    "Refusal", "Your role may not do this."))
LOCKED_OUT = _define("locked_out", 429, QT_TRANSLATE_NOOP(
    "Refusal", "Too many failed sign-ins: try again in %1 seconds."))

# Accounts ---------------------------------------------------------------------------------
NO_USER = _define("no_user", 404, QT_TRANSLATE_NOOP("Refusal", "There is no user %1."))
USERNAME_FORM = _define("username_form", 422, QT_TRANSLATE_NOOP(
    "Refusal", "A user name has only letters, digits and _ . - and at most 64 characters."))
DISPLAY_NAME_LENGTH = _define("display_name_length", 422, QT_TRANSLATE_NOOP(
    "Refusal", "A display name has 1 to 64 characters."))
UNIT_CODE_NEEDED = _define("unit_code_needed", 422, QT_TRANSLATE_NOOP(
    "Refusal", "A handling unit's account needs the unit's code from the unit directory "
               "(--unit)."))
UNIT_CODE_UNITS_ONLY = _define("unit_code_units_only", 422, QT_TRANSLATE_NOOP(
    "Refusal", "Only a handling unit's account has a unit code."))
USERNAME_TAKEN = _define("username_taken", 409, QT_TRANSLATE_NOOP(
    "Refusal", "The user name %1 is taken already."))
DISABLE_SELF = _define("disable_self", 409, QT_TRANSLATE_NOOP(
    "Refusal", "You cannot disable the account you are signed in with."))
WRONG_OLD_PASSWORD = _define("wrong_old_password", 403, QT_TRANSLATE_NOOP(
    "Refusal", "The old password is wrong."))
PASSWORD_JUST_CHANGED = _define("password_just_changed", 409, QT_TRANSLATE_NOOP(
    "Refusal", "The password was changed just now: sign in again, then try again."))
PASSWORD_LOCKED_OUT = _define("password_locked_out", 429, QT_TRANSLATE_NOOP(
    "Refusal", "The old password was wrong too many times: try again in %1 seconds."))

# Sync ---------------------------------------------------------------------------------------
PUSH_TOO_FAST = _define("push_too_fast", 429, QT_TRANSLATE_NOOP(
    "Refusal", "Changes are sent too often: try again in %1 seconds."))
CLIENT_ID_TAKEN = _define("client_id_taken", 403, QT_TRANSLATE_NOOP(
    "Refusal", "This computer's sync id belongs to another user: sign in again."))
CURSOR_TOO_OLD = _define("cursor_too_old", 410, QT_TRANSLATE_NOOP(
    "Refusal", "The local copy is too old: it is downloaded again."))
EPOCH_CHANGED = _define("epoch_changed", 410, QT_TRANSLATE_NOOP(
    "Refusal", "The server was restored from a backup: the local copy is downloaded again."))
EPOCH_CHANGED_PUSH = _define("epoch_changed_push", 410, QT_TRANSLATE_NOOP(
    "Refusal", "The server was restored from a backup: the local copy is downloaded again, "
               "then unsent changes are sent."))
CLIENT_AHEAD = _define("client_ahead", 410, QT_TRANSLATE_NOOP(
    "Refusal", "Your client has seen more than the server holds: resync from scratch."))

# Requests ---------------------------------------------------------------------------------
TOO_LARGE = _define("too_large", 413, QT_TRANSLATE_NOOP(
    "Refusal", "Too much at once for the server (at most 1 MiB)."))
NUL_IN_ADDRESS = _define("nul_in_address", 422, QT_TRANSLATE_NOOP(
    "Refusal", "The address must not contain NUL characters."))
DATE_TWICE = _define("date_twice", 422, QT_TRANSLATE_NOOP(
    "Refusal", "Each date may appear only once."))

# Tickets and units ------------------------------------------------------------------------
NO_TICKET = _define("no_ticket", 404, QT_TRANSLATE_NOOP("Refusal", "No ticket %1."))
NOT_A_UNIT_ACCOUNT = _define("not_a_unit_account", 403, QT_TRANSLATE_NOOP(
    "Refusal", "This account is not linked to a handling unit."))
DEADLINE_NEEDS_OFFSET = _define("deadline_needs_offset", 422, QT_TRANSLATE_NOOP(
    "Refusal", "The deadline needs a time zone."))
REQUESTED_DEADLINE_NEEDS_OFFSET = _define("requested_deadline_needs_offset", 422,
                                          QT_TRANSLATE_NOOP(
    "Refusal", "The requested deadline needs a time zone."))

# Knowledge base ---------------------------------------------------------------------------
OWN_UNIT_ONLY = _define("own_unit_only", 422, QT_TRANSLATE_NOOP(
    "Refusal", "A unit submits knowledge articles for itself only."))
ARTICLE_OF_ANOTHER_UNIT = _define("article_of_another_unit", 409, QT_TRANSLATE_NOOP(
    "Refusal", "Article %1 belongs to another unit."))
NO_ARTICLE = _define("no_article", 404, QT_TRANSLATE_NOOP("Refusal", "No article %1."))
NO_DRAFT = _define("no_draft", 404, QT_TRANSLATE_NOOP("Refusal", "No draft %1."))
DRAFT_DECIDED = _define("draft_decided", 409, QT_TRANSLATE_NOOP(
    "Refusal", "Draft %1 has been decided already."))
REJECTION_NEEDS_NOTE = _define("rejection_needs_note", 422, QT_TRANSLATE_NOOP(
    "Refusal", "Say why the draft is sent back: the unit reads the note."))
