"""Logging with phone numbers masked: a log file must not become a list of callers."""

from __future__ import annotations

import logging

from agent_app.core.masking import mask_phones_in_text


class MaskPhonesFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_phones_in_text(record.getMessage())
        record.args = None
        return True


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskPhonesFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic narrates every migration step at INFO; only its problems matter to a user.
    logging.getLogger("alembic").setLevel(logging.WARNING)
