"""Item 9: a confidential caller's name never reaches the log file, however it is spaced,
once this process has stored or read the ticket; phones in every format neither."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from agent_app.core.masking import forget_confidential_names
from agent_app.core.models import Caller
from agent_app.logging_setup import LOG_FILENAME, configure_logging
from agent_app.storage.database import DB_FILENAME, open_database
from agent_app.storage.schema import SyncState
from tests.factories import make_ticket


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = saved
    root.setLevel(level)
    forget_confidential_names()


def test_the_log_file_names_no_confidential_caller(tmp_path, restore_logging):
    forget_confidential_names()
    configure_logging(log_dir=tmp_path / "logs")
    db = open_database(tmp_path / DB_FILENAME)
    try:
        secret = dataclasses.replace(make_ticket("T-9"), confidential=True,
                                     caller=Caller(name="欧阳娜娜", phone="13912345678"))
        public = dataclasses.replace(make_ticket("T-8"), caller=Caller(name="王五"))
        with db.unit_of_work() as uow:
            uow.tickets.add(secret, sync_state=SyncState.UNSENT)
            uow.tickets.add(public, sync_state=SyncState.UNSENT)
            uow.commit()
    finally:
        db.close()
    log = logging.getLogger("agent_app.test")
    # What an error carrying a row's parameters looks like, with the name respaced.
    log.error("push failed: [parameters: ('欧阳 娜娜', '+86 139-1234-5678', '王五')]")
    log.error("Authorization: Bearer tok.en-123 for (0375)1234567")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (tmp_path / "logs" / LOG_FILENAME).read_text(encoding="utf-8")
    assert "欧阳" not in text and "娜娜" not in text and "欧*" in text
    assert "王五" in text  # not confidential: logs stay readable
    assert "1234-5678" not in text and "139****5678" in text
    assert "tok.en-123" not in text and "1234567" not in text and "0375-***4567" in text
