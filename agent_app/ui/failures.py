"""Why a background job failed, said for the person at the desk.

Storage turns SQLite's complaints about the disk, the folder or another program into OSErrors
naming the file (storage/errors.py); this says what to do about each, in the UI's language,
instead of an English errno text.
"""

from __future__ import annotations

import errno
import re

from PySide6.QtCore import QCoreApplication

from agent_app.core.i18n import QT_TRANSLATE_NOOP

SERVER_CONTEXT = "ServerMessage"
# What the central API and the network client say in English, in the words users read. The
# server's sentences come from central_api (HTTPException details), the client's from
# sync/client.py; tests/ui/test_server_messages.py checks this table covers them.
SERVER_MESSAGES: dict[str, str] = {
    "your role may not do this": QT_TRANSLATE_NOOP("ServerMessage", "Your role may not do this."),
    "this client id belongs to another user": QT_TRANSLATE_NOOP(
        "ServerMessage", "This computer's sync id belongs to another user: sign in again."),
    "cursor too old: resync from scratch": QT_TRANSLATE_NOOP(
        "ServerMessage", "The local copy is too old: it is downloaded again."),
    "server epoch changed: resync from scratch": QT_TRANSLATE_NOOP(
        "ServerMessage", "The server was restored from a backup: the local copy is "
        "downloaded again."),
    "server epoch changed: resync, then push": QT_TRANSLATE_NOOP(
        "ServerMessage", "The server was restored from a backup: the local copy is "
        "downloaded again, then unsent changes are sent."),
    "username already exists": QT_TRANSLATE_NOOP("ServerMessage",
                                                 "This user name is taken already."),
    "a unit submits articles for its own unit only": QT_TRANSLATE_NOOP(
        "ServerMessage", "A unit submits knowledge articles for itself only."),
    "each date may appear only once": QT_TRANSLATE_NOOP(
        "ServerMessage", "Each date may appear only once."),
    "this server holds less than you have already seen (restored from a backup?): a new "
    "epoch has started, resync from scratch": QT_TRANSLATE_NOOP(
        "ServerMessage", "The server was restored from a backup: the local copy is "
        "downloaded again."),
    "requested_deadline needs a time zone offset": QT_TRANSLATE_NOOP(
        "ServerMessage", "The requested deadline needs a time zone."),
    "request body too large (limit 1 MiB)": QT_TRANSLATE_NOOP(
        "ServerMessage", "Too much at once for the server (at most 1 MiB)."),
    "invalid username or password": QT_TRANSLATE_NOOP("ServerMessage",
                                                      "Wrong user name or password."),
    "missing bearer token": QT_TRANSLATE_NOOP("ServerMessage",
                                              "Not signed in: sign in again."),
    "invalid or expired token": QT_TRANSLATE_NOOP("ServerMessage",
                                                  "The sign-in has expired: sign in again."),
    "cannot connect to the server": QT_TRANSLATE_NOOP(
        "ServerMessage", "cannot connect to the server (check the network cable or Wi-Fi, "
        "or ask IT whether the server is running)"),
    "the server did not answer in time": QT_TRANSLATE_NOOP(
        "ServerMessage", "the server did not answer in time"),
    "deadline needs a time zone offset": QT_TRANSLATE_NOOP(
        "ServerMessage", "The deadline needs a time zone."),
    "say why the draft is rejected: the unit reads the note": QT_TRANSLATE_NOOP(
        "ServerMessage", "Say why the draft is sent back: the unit reads the note."),
    "the server's answer was not understood": QT_TRANSLATE_NOOP(
        "ServerMessage", "the server's answer was not understood (the next sync tries again; "
        "if it persists, tell IT)"),
}
_NAMED = (  # messages that name a record: the pattern, and the text with %1 for the name
    (re.compile(r"^no ticket (.+)$"), QT_TRANSLATE_NOOP("ServerMessage", "No ticket %1.")),
    (re.compile(r"^no article (.+)$"), QT_TRANSLATE_NOOP("ServerMessage", "No article %1.")),
    (re.compile(r"^no draft (.+)$"), QT_TRANSLATE_NOOP("ServerMessage", "No draft %1.")),
    (re.compile(r"^draft (\S+) is \S+$"), QT_TRANSLATE_NOOP(
        "ServerMessage", "Draft %1 has been decided already.")),
    (re.compile(r"^article (.+) belongs to another unit$"), QT_TRANSLATE_NOOP(
        "ServerMessage", "Article %1 belongs to another unit.")),
    (re.compile(r"^HTTP (\d+)$"), QT_TRANSLATE_NOOP("ServerMessage",
                                                     "The server answered with error %1.")),
)


def server_text(message: str) -> str:
    """A message from the server or the network client in the UI's language; one we do not
    know is shown as it came (it may be a reason the core already translated)."""
    known = SERVER_MESSAGES.get(message.strip())
    if known is not None:
        return QCoreApplication.translate(SERVER_CONTEXT, known)
    for pattern, text in _NAMED:
        match = pattern.match(message.strip())
        if match:
            return QCoreApplication.translate(SERVER_CONTEXT, text).replace("%1", match[1])
    return message


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

    from agent_app.core.actions import REASON_CONTEXT, CommandRefusedError
    from agent_app.core.wire import WIRE_CONTEXT, WireError
    from agent_app.sync.client import ApiError, ServerUnreachableError

    if isinstance(exc, WireError):
        return QCoreApplication.translate(WIRE_CONTEXT, exc.reason)
    if isinstance(exc, CommandRefusedError):
        return QCoreApplication.translate(REASON_CONTEXT, exc.reason)
    if isinstance(exc, SQLAlchemyError):
        # Its text quotes SQL (and, but for hide_parameters, values): never shown.
        return QCoreApplication.translate(
            "Failures", "The local database refused the change. Ask IT to check this PC; "
                        "details are in the log.")
    if isinstance(exc, ApiError):
        return server_text(exc.message)
    if isinstance(exc, ServerUnreachableError):
        return server_text(str(exc))
    if isinstance(exc, OSError):
        explain = _BY_ERRNO.get(exc.errno or 0)
        if explain is not None:
            return explain().replace("%1", str(exc.filename or ""))
        return exc.strerror or str(exc)
    return str(exc)
