"""Why something failed or was refused, said for the person at the desk: the UI's one
presenter of errors (`failure_text`).

Core's refusals are UserErrors (core/errors.py), said in their own sentences. Storage turns
SQLite's complaints about the disk, the folder or another program into OSErrors naming the
file (storage/errors.py); this says what to do about each, in the UI's language, instead of an
English errno text. A library's own text (an errno string, SQL, a requests message) is never
shown: it goes to the log, and the user reads a sentence of ours.
"""

from __future__ import annotations

import errno
import logging
import re

from PySide6.QtCore import QCoreApplication

from agent_app.core import refusals
from agent_app.core.errors import UserError
from agent_app.core.i18n import QT_TRANSLATE_NOOP, SERVER_CONTEXTS
from agent_app.core.refusals import RefusedError

log = logging.getLogger(__name__)
_HAN = re.compile("[\u4e00-\u9fff]")

SERVER_CONTEXT = "ServerMessage"
# What a central API from before the refusal codes (core/refusals.py) said in English, by the
# refusal it meant: a newer server names each by its code, and both are said in the
# refusal's one sentence. tests/ui/test_server_messages.py checks this still covers the old
# details.
OLDER_SERVERS_REFUSALS: dict[str, refusals.Refusal] = {
    "your role may not do this": refusals.ROLE_MAY_NOT,
    "this client id belongs to another user": refusals.CLIENT_ID_TAKEN,
    "cursor too old: resync from scratch": refusals.CURSOR_TOO_OLD,
    "server epoch changed: resync from scratch": refusals.EPOCH_CHANGED,
    "server epoch changed: resync, then push": refusals.EPOCH_CHANGED_PUSH,
    "this server holds less than you have already seen (restored from a backup?): a new "
    "epoch has started, resync from scratch": refusals.EPOCH_CHANGED,
    "a unit submits articles for its own unit only": refusals.OWN_UNIT_ONLY,
    "each date may appear only once": refusals.DATE_TWICE,
    "requested_deadline needs a time zone offset": refusals.REQUESTED_DEADLINE_NEEDS_OFFSET,
    "deadline needs a time zone offset": refusals.DEADLINE_NEEDS_OFFSET,
    "request body too large (limit 1 MiB)": refusals.TOO_LARGE,
    "invalid username or password": refusals.WRONG_LOGIN,
    "missing bearer token": refusals.NOT_SIGNED_IN,
    "invalid or expired token": refusals.SIGN_IN_EXPIRED,
    "say why the draft is rejected: the unit reads the note": refusals.REJECTION_NEEDS_NOTE,
}
_OLDER_SERVERS_NAMED = (  # details that name a record, whose name fills the refusal's %1
    (re.compile(r"^no ticket (.+)$"), refusals.NO_TICKET),
    (re.compile(r"^no article (.+)$"), refusals.NO_ARTICLE),
    (re.compile(r"^no draft (.+)$"), refusals.NO_DRAFT),
    (re.compile(r"^draft (\S+) is \S+$"), refusals.DRAFT_DECIDED),
    (re.compile(r"^article (.+) belongs to another unit$"), refusals.ARTICLE_OF_ANOTHER_UNIT),
)
# What the network client says in English (sync/client.py), and the one older detail whose
# refusal now names a value the old detail did not carry (the user name).
CLIENT_MESSAGES: dict[str, str] = {
    "cannot connect to the server": QT_TRANSLATE_NOOP(
        "ServerMessage", "cannot connect to the server (check the network cable or Wi-Fi, "
        "or ask IT whether the server is running)"),
    "the server did not answer in time": QT_TRANSLATE_NOOP(
        "ServerMessage", "the server did not answer in time"),
    "the server's answer was not understood": QT_TRANSLATE_NOOP(
        "ServerMessage", "the server's answer was not understood (the next sync tries again; "
        "if it persists, tell IT)"),
    "username already exists": QT_TRANSLATE_NOOP("ServerMessage",
                                                 "This user name is taken already."),
}
_HTTP_STATUS = re.compile(r"^HTTP (\d+)$")


def server_text(message: str) -> str:
    """A message without a refusal code in the UI's language: the network client's, an older
    server's English detail, or one of core's sentences (a push's rejection reason, and what
    older servers' unit endpoints answered with); one we do not know is shown as it came (it
    may be a reason the server already translated)."""
    message = message.strip()
    own = CLIENT_MESSAGES.get(message)
    if own is not None:
        return QCoreApplication.translate(SERVER_CONTEXT, own)
    refusal = OLDER_SERVERS_REFUSALS.get(message)
    if refusal is not None:
        return refusals.RefusedError(refusal).text(QCoreApplication.translate)
    for pattern, named in _OLDER_SERVERS_NAMED:
        match = pattern.match(message)
        if match:
            return refusals.RefusedError(named, match[1]).text(QCoreApplication.translate)
    status = _HTTP_STATUS.match(message)
    if status:
        return QCoreApplication.translate(
            "ServerMessage", "The server answered with error %1.").replace("%1", status[1])
    for context in SERVER_CONTEXTS:
        translated = QCoreApplication.translate(context, message)
        if translated != message:
            return translated
    return message


def named_refusal_text(refusal: RefusedError, detail: str) -> str:
    """A refusal the server named by its code, in the UI's language. A family's quoted core
    sentence this client cannot translate (a newer server's) is tried in the other server
    contexts, then said as the server's own `detail` (Chinese)."""
    shown = refusal.text(QCoreApplication.translate)
    if refusal.quoted is None or shown != refusal.text(lambda _context, text: text):
        return shown
    other = server_text(shown)
    return other if other != shown else detail


def _disk_full() -> str:
    return QCoreApplication.translate(
        "Failures", "The disk holding %1 is full. Free some space, then try again.")


def _in_use() -> str:
    return QCoreApplication.translate(
        "Failures", "%1 is in use by another program. Close that program, then try again.")


def _not_writable() -> str:
    return QCoreApplication.translate(
        "Failures", "%1 cannot be written (read-only or no permission). Ask IT to check the "
                 "folder.")


def _read_write_error() -> str:
    return QCoreApplication.translate(
        "Failures", "Reading or writing %1 failed. Ask IT to check the disk.")


_BY_ERRNO = {
    errno.ENOSPC: _disk_full, errno.EFBIG: _disk_full, errno.EDQUOT: _disk_full,
    errno.EBUSY: _in_use,
    errno.EROFS: _not_writable, errno.EACCES: _not_writable, errno.EPERM: _not_writable,
    errno.EIO: _read_write_error,
}


def failure_text(exc: BaseException) -> str:
    from sqlalchemy.exc import SQLAlchemyError

    from agent_app.storage.database import CorruptDatabaseError
    from agent_app.sync.client import ApiError, ServerUnreachableError, TlsError

    if isinstance(exc, UserError):
        return exc.text(QCoreApplication.translate)
    if isinstance(exc, SQLAlchemyError):
        # Its text quotes SQL (and, but for hide_parameters, values): never shown.
        return QCoreApplication.translate(
            "Failures", "The local database refused the change. Ask IT to check this PC; "
                        "details are in the log.")
    if isinstance(exc, ApiError):
        refusal = exc.refusal
        if refusal is not None:
            return named_refusal_text(refusal, exc.message)
        shown = server_text(exc.message)
        if shown == exc.message and exc.status == 422 and not _HAN.search(shown):
            # The request's validation, in the web framework's English: never shown. (The
            # server's own refusals, like its password policy, come already in Chinese.)
            log.warning("the server refused a request as malformed: %s", exc.message)
            return QCoreApplication.translate(
                "Failures", "The server refused what was sent as incomplete or malformed.")
        return shown
    if isinstance(exc, TlsError):
        log.warning("the server could not be verified: %s", exc)
        return QCoreApplication.translate(
            "Failures", "The server could not be verified as genuine, so nothing was sent. "
                        "Ask IT to check the server's certificate; details are in the log.")
    if isinstance(exc, ServerUnreachableError):
        shown = server_text(str(exc))
        if shown == str(exc):
            log.warning("the server could not be asked: %s", exc)
            return server_text("cannot connect to the server")
        return shown
    if isinstance(exc, CorruptDatabaseError):
        log.warning("the local database cannot be used: %s", exc)
        return QCoreApplication.translate(
            "Failures", "The local database %1 cannot be used; details are in the log.").replace(
            "%1", str(exc.path))
    if isinstance(exc, OSError):
        if exc.errno not in _BY_ERRNO:
            log.warning("a file could not be used: %s", exc)
        explain = _BY_ERRNO.get(exc.errno or 0, _read_write_error)
        return explain().replace("%1", str(exc.filename or ""))
    log.error("an unexpected failure reached the user", exc_info=exc)
    return QCoreApplication.translate(
        "Failures", "Something went wrong that this program did not expect; details are in "
                    "the log. If it happens again, tell IT.")
