"""Logging with phone numbers and tokens masked: a log file must not become a list of callers.

Records go to the console and to a rotating file in the user's log folder, which "export
diagnostics" zips for IT.
"""

from __future__ import annotations

import logging
import sys
import traceback
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path

from agent_app.core.masking import mask_sensitive_text
from agent_app.private_files import create_private_file, private_dir, tighten_folder

LOG_FILENAME = "agent-app.log"
LOG_MAX_BYTES = 2_000_000
LOG_BACKUPS = 4  # with the current file, at most 10 MB of logs


class MaskPhonesFilter(logging.Filter):
    """Masks the message and any traceback before a handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "masked", False):
            return True  # the same record reaches each handler
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
            record.exc_info = None
            record.exc_text = None
        record.msg = mask_sensitive_text(text)
        record.args = None
        record.masked = True
        return True


def configure_logging(level: int = logging.INFO, log_dir: Path | None = None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_dir is not None:
        file_handler = _rotating_file(log_dir)
        if file_handler is not None:
            handlers.append(file_handler)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    masking = MaskPhonesFilter()
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(masking)
    root = logging.getLogger()
    for old in root.handlers:
        old.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    # Alembic narrates every migration step at INFO; only its problems matter to a user.
    logging.getLogger("alembic").setLevel(logging.WARNING)


class PrivateRotatingFileHandler(RotatingFileHandler):
    """Each log file is created owner-only: the first one, and each new one after a rollover
    (the rotated ones are renamed and keep their mode)."""

    def _open(self) -> TextIOWrapper:
        create_private_file(Path(self.baseFilename))
        return super()._open()


def _rotating_file(log_dir: Path) -> RotatingFileHandler | None:
    """Opened now, so a folder that cannot be written is reported once, not at every record."""
    try:
        private_dir(log_dir)
        tighten_folder(log_dir, (LOG_FILENAME,))  # logs an older version wrote 0644
        return PrivateRotatingFileHandler(log_dir / LOG_FILENAME, maxBytes=LOG_MAX_BYTES,
                                   backupCount=LOG_BACKUPS, encoding="utf-8")
    except OSError as exc:
        print(f"cannot write the log file in {log_dir}: {exc.strerror or exc}; "
              f"logging to the console only", file=sys.stderr)
        return None


def current_log_dir() -> Path | None:
    """Where this process writes its log file, if it writes one."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename).parent
    return None
