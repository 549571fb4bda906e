"""Reference data as this installation knows it: the server's copies where sync has fetched
them, the shipped files otherwise."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from agent_app.core.catalogue import CatalogueError
from agent_app.core.changes import Topic
from agent_app.core.reference import DOCUMENTS, ReferenceData, shipped_documents
from agent_app.paths import resources_dir
from agent_app.storage.changes import register_meta_keys
from agent_app.storage.database import Database

log = logging.getLogger(__name__)

KEY_PREFIX = "ref:"
FETCHED_AT_KEY = "ref_fetched_at"
register_meta_keys(Topic.REFERENCE, KEY_PREFIX)  # a stored document that differs: reload


def load_reference(db: Database) -> ReferenceData:
    shipped = shipped_documents(resources_dir() / "catalogues")
    docs = dict(shipped)
    with db.unit_of_work() as uow:
        for name in DOCUMENTS:
            stored = uow.meta.get(KEY_PREFIX + name)
            if stored is not None:
                docs[name] = json.loads(stored)
    try:
        return ReferenceData.from_documents(docs)
    except (CatalogueError, KeyError, TypeError, ValueError) as exc:
        # store_reference validates, so this means a damaged row: keep working on what shipped.
        log.error("stored reference data unusable, using the shipped copy: %s", exc)
        return ReferenceData.from_documents(shipped)


def store_reference(db: Database, docs: Mapping[str, Any], fetched_at: str) -> None:
    """Replace the stored documents, all or none; refuses documents that do not load."""
    merged = shipped_documents(resources_dir() / "catalogues")
    merged.update({name: doc for name, doc in docs.items() if name in DOCUMENTS})
    ReferenceData.from_documents(merged)  # raises before anything is written
    with db.unit_of_work() as uow:
        for name, doc in docs.items():
            if name in DOCUMENTS:
                uow.meta.set(KEY_PREFIX + name, json.dumps(doc, ensure_ascii=False))
        uow.meta.set(FETCHED_AT_KEY, fetched_at)
        uow.commit()


def reference_fetched_at(db: Database) -> str | None:
    with db.unit_of_work() as uow:
        return uow.meta.get(FETCHED_AT_KEY)
