"""Item 11: the cache encrypted at rest with SQLCipher when IT sets `encrypt_cache`, the key
in the OS keyring; an existing plain cache encrypted in place, kept until the copy checks."""

from __future__ import annotations

import os
import sqlite3

import keyring
import pytest

from agent_app.storage import encryption, ops
from agent_app.storage.database import DB_FILENAME, CorruptDatabaseError, open_database
from agent_app.storage.encryption import CacheKeyStore, EncryptionUnavailableError
from tests.factories import make_ticket
from tests.os_keyring import ENV as KEYRING_ENV
from tests.os_keyring import FileKeyring

pytest.importorskip("sqlcipher3")


@pytest.fixture
def file_keyring(tmp_path, monkeypatch):
    monkeypatch.setenv(KEYRING_ENV, str(tmp_path / "keyring.json"))
    previous = keyring.get_keyring()
    backend = FileKeyring(tmp_path / "keyring.json")
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def count_tickets(db) -> int:
    with db.unit_of_work() as uow:
        return uow.tickets.count()


def test_a_plain_cache_is_encrypted_in_place_and_stays_readable(tmp_path, file_keyring):
    path = tmp_path / "data" / DB_FILENAME
    db = open_database(path, encrypt=False)
    ops.register_ticket(db, make_ticket("T-1", phone="13912345678"))
    client_id = db.client_id()
    db.close()
    assert b"13912345678" in path.read_bytes()

    db = open_database(path, encrypt=True)
    try:
        assert db.encrypted and count_tickets(db) == 1 and db.client_id() == client_id
        ops.register_ticket(db, make_ticket("T-2", phone="13987654321"))
    finally:
        db.close()
    raw = b"".join(p.read_bytes() for p in path.parent.iterdir() if p.is_file())
    assert b"13912345678" not in raw and b"13987654321" not in raw
    assert "张先生".encode() not in raw
    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert not path.with_name(f"{DB_FILENAME}.plain-backup").exists()  # no plain copy left
    with pytest.raises(sqlite3.DatabaseError):  # plain SQLite cannot read it
        sqlite3.connect(path).execute("SELECT count(*) FROM tickets").fetchall()
    # Reopened by default (the setting off): an encrypted file stays encrypted and readable.
    db = open_database(path)
    try:
        assert db.encrypted and count_tickets(db) == 2
    finally:
        db.close()


def test_the_setting_off_touches_no_keyring(tmp_path, monkeypatch):
    def no_keyring(*_args, **_kwargs):
        raise AssertionError("the keyring was asked for a plain cache")

    monkeypatch.setattr(CacheKeyStore, "__init__", no_keyring)
    db = open_database(tmp_path / DB_FILENAME, encrypt=False)
    try:
        assert not db.encrypted
    finally:
        db.close()
    assert (tmp_path / DB_FILENAME).read_bytes().startswith(b"SQLite format 3")


def test_without_a_keyring_the_cache_stays_plain(tmp_path, monkeypatch):
    from keyring.backends.fail import Keyring as NoKeyring

    monkeypatch.setenv(KEYRING_ENV, str(tmp_path / "keyring.json"))
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        db = open_database(tmp_path / DB_FILENAME, encrypt=True)
        try:
            assert not db.encrypted  # a key kept in memory would lose the cache at the restart
        finally:
            db.close()
    finally:
        keyring.set_keyring(previous)


def test_an_encrypted_cache_whose_key_is_gone_is_left_alone(tmp_path, file_keyring):
    path = tmp_path / DB_FILENAME
    db = open_database(path, encrypt=True)
    ops.register_ticket(db, make_ticket("T-1"))
    db.close()
    before = path.read_bytes()
    (tmp_path / "keyring.json").unlink()  # the keyring was reset
    with pytest.raises(CorruptDatabaseError, match="key is not in this computer's keyring"):
        open_database(path)  # the start-up dialog then offers to move it aside, kept
    assert path.read_bytes() == before


def test_an_encrypted_cache_without_sqlcipher_is_left_alone(tmp_path, file_keyring,
                                                            monkeypatch):
    path = tmp_path / DB_FILENAME
    db = open_database(path, encrypt=True)
    db.close()
    before = path.read_bytes()

    def missing() -> None:
        raise EncryptionUnavailableError("the SQLCipher module (sqlcipher3) is not installed")

    monkeypatch.setattr(encryption, "cipher_module", missing)
    with pytest.raises(EncryptionUnavailableError):
        open_database(path)
    assert path.read_bytes() == before


def test_a_wrong_key_is_reported_not_overwritten(tmp_path, file_keyring):
    path = tmp_path / DB_FILENAME
    db = open_database(path, encrypt=True)
    db.close()
    before = path.read_bytes()
    entry = CacheKeyStore._entry(path)
    file_keyring.set_password(encryption.KEY_SERVICE, entry, "0" * 64)
    with pytest.raises(CorruptDatabaseError, match="decrypted"):
        open_database(path)
    assert path.read_bytes() == before


def test_encryption_cut_off_after_the_rename_starts_from_the_plain_backup(tmp_path,
                                                                          file_keyring):
    path = tmp_path / DB_FILENAME
    db = open_database(path, encrypt=False)
    ops.register_ticket(db, make_ticket("T-1"))
    db.close()
    # What a power cut leaves after the plain file was renamed and before the copy finished.
    os.replace(path, path.with_name(f"{DB_FILENAME}.plain-backup"))
    path.with_name(f"{DB_FILENAME}.encrypting").write_bytes(b"half a copy")
    db = open_database(path, encrypt=True)
    try:
        assert db.encrypted and count_tickets(db) == 1
    finally:
        db.close()
    # No copy left behind: the cache, and the note of its clean close.
    assert sorted(p.name for p in tmp_path.iterdir() if "agent.db" in p.name) == [
        DB_FILENAME, f"{DB_FILENAME}.closed-cleanly"]


def test_a_migration_backup_of_an_encrypted_cache_is_encrypted(tmp_path, file_keyring):
    path = tmp_path / DB_FILENAME
    db = open_database(path, migrate_to="0001", encrypt=True)
    db.close()
    db = open_database(path)
    try:
        assert db.encrypted
    finally:
        db.close()
    backups = list(tmp_path.glob(f"{DB_FILENAME}.pre-upgrade-*"))
    assert backups and all(not b.read_bytes().startswith(b"SQLite format 3") for b in backups)
