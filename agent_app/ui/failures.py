"""Why a background job failed, said for the person at the desk.

Storage turns SQLite's complaints about the disk, the folder or another program into OSErrors
naming the file (storage/errors.py); this says what to do about each, in the UI's language,
instead of an English errno text.
"""

from __future__ import annotations

import errno

from PySide6.QtCore import QCoreApplication


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

    if isinstance(exc, WireError):
        return QCoreApplication.translate(WIRE_CONTEXT, exc.reason)
    if isinstance(exc, CommandRefusedError):
        return QCoreApplication.translate(REASON_CONTEXT, exc.reason)
    if isinstance(exc, SQLAlchemyError):
        # Its text quotes SQL (and, but for hide_parameters, values): never shown.
        return QCoreApplication.translate(
            "Failures", "The local database refused the change. Ask IT to check this PC; "
                        "details are in the log.")
    if isinstance(exc, OSError):
        explain = _BY_ERRNO.get(exc.errno or 0)
        if explain is not None:
            return explain().replace("%1", str(exc.filename or ""))
        return exc.strerror or str(exc)
    return str(exc)
