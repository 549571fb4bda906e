"""Encryption of the local cache at rest (SQLCipher), an IT setting: `encrypt_cache = true` in
the machine-wide config.toml. Off by default — benchmarks/encryption.py has the figures and the
README the reasons.

The key is 32 random bytes, given to SQLCipher as a raw key (no passphrase derivation, so
opening costs no extra time), and kept in the OS keyring like the session token, never on
disk. With no usable keyring the cache cannot be encrypted: a key kept only in memory would
make the cache unreadable at the next start, so the cache stays plain and the log says why.
A cache that is already encrypted stays encrypted even if IT turns the setting off again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from agent_app.private_files import create_private_file, private_file

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

KEY_SERVICE = "hotline-agent-cache"
SQLITE_HEADER = b"SQLite format 3\x00"


class EncryptionUnavailableError(OSError):
    """The cache is encrypted but cannot be opened: no SQLCipher module, or no key in the
    keyring. The file is never touched. An OSError, so every command that opens the cache
    reports it as it reports a folder it cannot use, and never offers to move it aside."""


def cipher_module() -> ModuleType:
    try:
        from sqlcipher3 import dbapi2  # type: ignore[import-untyped]
    except ImportError as exc:
        raise EncryptionUnavailableError(
            "the SQLCipher module (sqlcipher3) is not installed on this computer") from exc
    module: ModuleType = dbapi2
    return module


def is_encrypted_file(path: Path) -> bool:
    """A non-empty file without SQLite's plain header: SQLCipher encrypts page one too."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return False
    return bool(header) and header != SQLITE_HEADER


def key_pragma(key: str) -> str:
    # x'…': a raw 256-bit key, used as it is (no PBKDF2 at every open).
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise ValueError("a cache key is 64 lower-case hex digits")
    return f"PRAGMA key = \"x'{key}'\""


def keyed_connect(path: Path, key: str, **kwargs: Any) -> sqlite3.Connection:
    """A SQLCipher connection to `path` with the key applied (it must come first)."""
    module = cipher_module()
    connection = module.connect(str(path), **kwargs)
    connection.execute(key_pragma(key))
    return connection  # type: ignore[no-any-return]


class CacheKeyStore:
    """The cache key of one data folder in the OS keyring."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        # Imported here: a plain cache (the default) must not pay for keyring at start-up.
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring

        if backend is None:
            try:
                backend = keyring.get_keyring()
            except Exception as exc:  # a misconfigured backend must not stop the start
                log.warning("no keyring for the cache key: %s", exc)
                backend = NoKeyring()  # type: ignore[no-untyped-call]
        self._backend = backend

    @property
    def persistent(self) -> bool:
        return (self._backend.priority > 0
                and not type(self._backend).__module__.startswith("keyring.backends.fail"))

    @staticmethod
    def _entry(path: Path) -> str:
        # Per cache file: the demo folder and a real one on the same PC have different keys.
        return hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]

    def load(self, path: Path) -> str | None:
        if not self.persistent:
            return None
        import keyring.errors

        try:
            return self._backend.get_password(KEY_SERVICE, self._entry(path))
        except keyring.errors.KeyringError as exc:
            log.warning("keyring could not be read: %s", exc)
            return None

    def create(self, path: Path) -> str | None:
        """A new key, stored; None when the keyring cannot keep it."""
        if not self.persistent:
            return None
        import keyring.errors

        key = secrets.token_hex(32)
        try:
            self._backend.set_password(KEY_SERVICE, self._entry(path), key)
        except keyring.errors.KeyringError as exc:
            log.warning("keyring refused the cache key; the cache stays plain: %s", exc)
            return None
        return key if self.load(path) == key else None


def resolve_cache_key(path: Path, *, wanted: bool,
                      keys: CacheKeyStore | None = None) -> str | None:
    """The key to open `path` with, or None for a plain cache.

    A file that is not plain SQLite and has no key here is not ours to decide about: None,
    and the integrity check reports it (the user may move it aside; it is kept). Raises
    EncryptionUnavailableError for an encrypted file with its key but without SQLCipher.
    """
    encrypted = is_encrypted_file(path)
    if not encrypted and not wanted:
        return None  # the default: no keyring access at all
    keys = keys or CacheKeyStore()
    key = keys.load(path)
    if encrypted:
        if key is not None:
            cipher_module()
        return key
    try:
        cipher_module()
    except EncryptionUnavailableError as exc:
        log.warning("encrypt_cache is set but the cache stays plain: %s", exc)
        return None
    if key is None:
        key = keys.create(path)
    if key is None:
        log.warning("encrypt_cache is set but no keyring can keep the key; the cache stays "
                    "plain")
    return key


def finish_interrupted_encryption(path: Path) -> None:
    """What a crash during `encrypt_in_place` left: the plain backup goes back under the
    cache's name if the cache is missing, and is removed if the encrypted cache is complete."""
    backup = path.with_name(f"{path.name}.plain-backup")
    if not backup.exists():
        return
    if not path.exists():
        os.replace(backup, path)
    elif is_encrypted_file(path):
        backup.unlink()
    path.with_name(f"{path.name}.encrypting").unlink(missing_ok=True)


def encrypt_in_place(path: Path, key: str) -> None:
    """Turn the plain cache at `path` into an encrypted one.

    The plain file is renamed to `<name>.plain-backup` and the encrypted copy written beside
    it under a temporary name; only when the copy opens with the key and passes SQLCipher's
    integrity check does it take the cache's name, and then the plain backup (the very
    thing encryption is for) is removed. Interrupted at any point, the next start finds
    either the plain cache or the backup to start again from.
    """
    backup = path.with_name(f"{path.name}.plain-backup")
    partial = path.with_name(f"{path.name}.encrypting")
    module = cipher_module()
    # Everything in the WAL goes into the main file first, so the copy misses nothing.
    plain = sqlite3.connect(path)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        plain.execute("PRAGMA journal_mode=DELETE")
    finally:
        plain.close()
    for leftover in (partial, Path(f"{partial}-journal")):
        leftover.unlink(missing_ok=True)
    os.replace(path, backup)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)  # empty after the checkpoint
    create_private_file(partial)
    source = module.connect(str(backup))
    try:
        source.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key}'\"", (str(partial),))
        source.execute("SELECT sqlcipher_export('encrypted')")
        version = source.execute("PRAGMA user_version").fetchone()[0]
        source.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        source.execute("DETACH DATABASE encrypted")
    finally:
        source.close()
    check = keyed_connect(partial, key)
    try:
        result = check.execute("PRAGMA quick_check").fetchall()
    finally:
        check.close()
    if result != [("ok",)]:
        partial.unlink(missing_ok=True)
        os.replace(backup, path)
        raise EncryptionUnavailableError(f"the encrypted copy failed its check: {result[:3]}")
    private_file(partial)
    os.replace(partial, path)
    backup.unlink()
