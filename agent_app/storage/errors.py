"""SQLite errors that blame the disk, the folder or another program rather than the file's
contents, as an OSError naming the file: said plainly, never as a damaged database (which
would offer to move a healthy file aside), and never with the SQL statement and its values
that SQLAlchemy's own message carries (they hold callers' numbers)."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

# Primary result codes (the low byte of an extended code).
_NOT_THE_FILES_FAULT = {
    sqlite3.SQLITE_FULL: errno.ENOSPC,
    sqlite3.SQLITE_READONLY: errno.EROFS,
    sqlite3.SQLITE_CANTOPEN: errno.EACCES,
    sqlite3.SQLITE_IOERR: errno.EIO,
    sqlite3.SQLITE_BUSY: errno.EBUSY,
    sqlite3.SQLITE_LOCKED: errno.EBUSY,
}
_IN_USE = " (another program is using the file)"


def disk_error(path: Path, exc: BaseException | None) -> OSError | None:
    """The OSError to report instead of `exc`, or None when the file itself is at fault."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None or code & 0xFF not in _NOT_THE_FILES_FAULT:
        return None
    number = _NOT_THE_FILES_FAULT[code & 0xFF]
    return OSError(number, str(exc) + (_IN_USE if number == errno.EBUSY else ""), str(path))
