"""Opening the local cache: integrity check, pragmas, migrations at start-up, one writer."""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.orm import Session, sessionmaker

from agent_app.paths import migrations_dir
from agent_app.private_files import create_private_file, private_dir, private_file, tighten_folder
from agent_app.settings import system_settings
from agent_app.storage import encryption
from agent_app.storage.changes import Changed, ChangeRecorder, Recording
from agent_app.storage.errors import disk_error
from agent_app.storage.schema import MetaRow
from agent_app.storage.uow import UnitOfWork

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

DB_FILENAME = "agent.db"
SQLITE_HEADER = b"SQLite format 3\x00"


class CorruptDatabaseError(Exception):
    """The file is not a usable SQLite database; the user decides whether to move it aside."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


_REVISION_RE = re.compile(r"^revision\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN_RE = re.compile(r"^down_revision\s*=\s*(?:[\"']([^\"']+)[\"']|None)", re.MULTILINE)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def head_revision() -> str:
    """The newest migration, read from the scripts' own headers.

    Importing Alembic costs about a fifth of a second; at start-up the database is almost
    always current, so the check that decides whether Alembic is needed must not import it.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in migrations_dir().joinpath("versions").glob("*.py"):
        text = script.read_text(encoding="utf-8")
        revision, down = _REVISION_RE.search(text), _DOWN_RE.search(text)
        if revision is None or down is None:
            raise RuntimeError(f"{script.name} has no revision header")
        revisions.add(revision.group(1))
        if down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def _read_only(path: Path, key: str | None) -> sqlite3.Connection:
    if key is None:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return encryption.keyed_connect(Path(f"file:{path}?mode=ro"), key, uri=True)


def stored_revision(path: Path, key: str | None = None) -> str | None:
    if not path.exists() or path.stat().st_size == 0:
        return None
    if key is None and encryption.is_encrypted_file(path):
        return None  # unreadable without its key (diagnostics, say)
    conn = _read_only(path, key)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except (sqlite3.OperationalError, *_cipher_errors(key)):  # type: ignore[misc]
        return None  # no alembic_version table yet
    finally:
        conn.close()
    return row[0] if row else None


def _cipher_errors(key: str | None) -> tuple[type[Exception], ...]:
    """SQLCipher's module has its own exception classes, alike in name only."""
    if key is None:
        return ()
    return (encryption.cipher_module().OperationalError,)


def _database_errors(key: str | None) -> tuple[type[Exception], ...]:
    if key is None:
        return (sqlite3.DatabaseError,)
    return (sqlite3.DatabaseError, encryption.cipher_module().DatabaseError)


# SQLite's quick check reads every page: 0.27–0.44 s of each start on a cache of 100k
# tickets. After a clean close (the app's own, WAL checkpointed) and with the file untouched
# since, it is skipped for up to a week; a crash, a kill, a power cut or a file changed by
# anything else brings it back at the next start. The trade: a page damaged on disk while
# the app was closed is found by the query that reads it (SQLite refuses it as malformed),
# not at start-up, for at most that week.
QUICK_CHECK_AT_LEAST_EVERY_S = 7 * 24 * 3600


def _clean_marker(path: Path) -> Path:
    return path.with_name(f"{path.name}.closed-cleanly")


def _file_state(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def take_clean_close(path: Path, now: float) -> float | None:
    """When the last quick check passed, if the cache was closed cleanly since and nothing
    changed it: the check can wait. The marker is removed: only the next clean close writes
    it again."""
    marker = _clean_marker(path)
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
        marker.unlink()
    except (OSError, ValueError):
        return None
    wal = Path(f"{path}-wal")
    try:
        untouched = (isinstance(recorded, dict) and recorded.get("file") == _file_state(path)
                     and not (wal.exists() and wal.stat().st_size > 0))
        checked_at = float(recorded["checked_at"])
    except (OSError, KeyError, TypeError, ValueError):
        return None
    if not untouched or not 0 <= now - checked_at < QUICK_CHECK_AT_LEAST_EVERY_S:
        return None
    return checked_at


def note_clean_close(path: Path, checked_at: float) -> None:
    """After the engine let go of the file: with no WAL left (no other connection is open,
    the last one checkpointed), the file as it is now is what the next start finds."""
    wal = Path(f"{path}-wal")
    if wal.exists() or not path.exists():
        return
    marker = _clean_marker(path)
    create_private_file(marker)
    marker.write_text(json.dumps({"file": _file_state(path), "checked_at": checked_at}),
                      encoding="utf-8")


def check_file(path: Path, key: str | None = None, *, quick_check: bool = True) -> None:
    """Refuse files that are not SQLite (or not readable with `key`), or whose pages fail
    SQLite's own quick check (unless `quick_check` is False)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise CorruptDatabaseError(path, f"cannot be read: {exc.strerror}") from exc
    if key is None and header != SQLITE_HEADER:
        raise CorruptDatabaseError(path, "is not an SQLite database (or is encrypted and its "
                                         "key is not in this computer's keyring)")
    # Without the quick check, the first page is still read: a wrong key is told as such.
    statement = "PRAGMA quick_check" if quick_check else "SELECT 'ok' FROM sqlite_master LIMIT 1"
    try:
        conn = _read_only(path, key)
        try:
            rows = conn.execute(statement).fetchall()
        finally:
            conn.close()
    except _database_errors(key) as exc:
        if key is not None and "not a database" in str(exc):
            raise CorruptDatabaseError(path, "cannot be decrypted with the key in the "
                                             "keyring, or is damaged") from exc
        raise _open_error(path, exc) from exc  # locked by another program, say
    if quick_check and rows != [("ok",)]:
        raise CorruptDatabaseError(path, "; ".join(str(r[0]) for r in rows[:3]))


def move_aside(path: Path, now: datetime) -> Path:
    """Rename a broken database (and its WAL files) so a fresh one can be made; never delete."""
    target = path.with_name(f"{path.name}.broken-{now.strftime('%Y%m%d-%H%M%S')}")
    for suffix in ("", "-wal", "-shm", ".closed-cleanly"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.rename(Path(f"{target}{suffix}"))
    return target


def _make_engine(path: Path, *, foreign_keys: bool, key: str | None = None) -> Engine:
    # hide_parameters: an error's text never carries the values (a caller's phone number);
    # as on main since the trust work of issue 15, kept here so the two agree.
    if key is None:
        engine = create_engine(f"sqlite:///{path}", hide_parameters=True)
    else:
        # SQLCipher's module for SQLAlchemy's error mapping, and a creator so the key is the
        # first statement on every new connection, before anything reads a page.
        module = encryption.cipher_module()
        engine = create_engine(
            f"sqlite:///{path}", module=module, hide_parameters=True,
            creator=lambda: encryption.keyed_connect(path, key, check_same_thread=False))

    @event.listens_for(engine, "connect")
    def apply_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets readers go on while the DB worker writes; FULL makes a commit survive a
        # power cut.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    return engine


def migrate(path: Path, revision: str = "head", key: str | None = None) -> None:
    """Bring the file to `revision`. Foreign keys are off meanwhile: batch mode rebuilds a table
    by copy-and-drop, and with them on, dropping `tickets` would cascade-delete its events."""
    current = stored_revision(path, key)
    target = head_revision() if revision == "head" else revision
    if current == target:
        return
    from alembic import command

    engine = _make_engine(path, foreign_keys=False, key=key)
    _one_transaction_per_upgrade(engine)
    try:
        if current is not None:
            _backup(engine, path.with_name(f"{path.name}.pre-upgrade-{current}"), key)
        with engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise CorruptDatabaseError(path, f"foreign key violations: {problems[:3]}")
    finally:
        engine.dispose()


def _one_transaction_per_upgrade(engine: Engine) -> None:
    """pysqlite begins a transaction only before INSERT, UPDATE or DELETE, so each CREATE or
    ALTER of a migration commits on its own: killed half-way, the file is left with part of
    a revision's changes under the old revision number, and no later start can upgrade it
    ("duplicate column"). SQLite itself rolls DDL back like anything else once we issue the
    BEGIN: the whole upgrade is then one transaction, all of it or none of it."""

    @event.listens_for(engine, "connect")
    def no_implicit_begin(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def explicit_begin(connection: Connection) -> None:
        # IMMEDIATE: the write lock from the start, so another process cannot slip in.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


T = TypeVar("T")
P = ParamSpec("P")


class Database:
    """One local cache file. Create with `open_database`; writes go through `unit_of_work`."""

    def __init__(self, path: Path, engine: Engine, *, encrypted: bool = False,
                 checked_at: float | None = None) -> None:
        self.path = path
        # When the file last passed SQLite's quick check; None: not checked by this opening
        # (another connection's), and its close leaves no clean-close marker.
        self.checked_at = checked_at
        self.engine = engine
        self.encrypted = encrypted
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._changes = ChangeRecorder(self._sessions)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self._sessions, self.path)

    def run_op(self, op: Callable[Concatenate[Database, P], T], *args: P.args,
               **kwargs: P.kwargs) -> Changed[T]:
        """`db.run_op(op, ...)` runs `op(db, ...)` and returns its result with what it
        changed: `.value` and `.changes` (OpChanges). An op that raises leaves what it
        committed before in `storage.changes.committed_before(exc)`."""
        return self._changes.run(op, self, *args, **kwargs)

    def recording(self) -> AbstractContextManager[Recording]:
        """`with db.recording() as recorded: op(db)` — then `recorded.changes` is what the
        units of work committed on this thread meanwhile (the operation's OpChanges)."""
        return self._changes.recording()

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            try:
                row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
            except SADatabaseError:
                return None  # no alembic_version table yet
        return row[0] if row else None

    def client_id(self) -> str:
        with self.session() as session:
            row = session.get(MetaRow, "client_id")
            assert row is not None, "client_id is written when the database is opened"
            return row.value

    def close(self) -> None:
        self.engine.dispose()
        if self.checked_at is not None:
            try:
                note_clean_close(self.path, self.checked_at)
            except OSError:
                log.warning("could not note the clean close of %s", self.path, exc_info=True)


def open_database(path: Path, *, migrate_to: str = "head",
                  encrypt: bool | None = None) -> Database:
    """Check, open and migrate the cache at `path`, creating it if needed.

    `encrypt` (default: the machine-wide `encrypt_cache` setting) asks for an encrypted
    cache; a plain one is then encrypted in place. An encrypted file is opened with its key
    from the keyring whatever `encrypt` says.

    Raises CorruptDatabaseError rather than touching a file SQLite cannot read, OSError
    when the disk or folder is at fault (full, read-only, cannot be opened), and
    EncryptionUnavailableError for an encrypted cache without its key or SQLCipher.
    """
    private_dir(path.parent)
    # The database, its WAL, backups and settings an older version left 0644.
    tighten_folder(path.parent, (path.name, "settings."))
    encryption.finish_interrupted_encryption(path)
    wanted = system_settings().encrypt_cache if encrypt is None else encrypt
    key = encryption.resolve_cache_key(path, wanted=wanted)
    if key is not None and path.exists() and path.stat().st_size > 0 \
            and not encryption.is_encrypted_file(path):
        check_file(path)  # a damaged plain file is reported as such, not encrypted
        encryption.encrypt_in_place(path, key)
    create_private_file(path)  # before SQLite makes it 0644; its WAL and SHM take its mode
    now = time.time()
    checked_at = take_clean_close(path, now)
    check_file(path, key, quick_check=checked_at is None)
    try:
        migrate(path, migrate_to, key)
        database = Database(path, _make_engine(path, foreign_keys=True, key=key),
                            encrypted=key is not None,
                            checked_at=now if checked_at is None else checked_at)
        if migrate_to == "head":
            _ensure_client_id(database)
    except SADatabaseError as exc:
        raise _open_error(path, exc.orig) from exc
    except _database_errors(key) as exc:
        raise _open_error(path, exc) from exc
    return database


def attach_database(path: Path, *, encrypted: bool) -> Database:
    """Another connection to a cache `open_database` has already checked and migrated (in
    this process or the one that started this one): no check, no migration, its key from
    the keyring when it is encrypted."""
    key = encryption.resolve_cache_key(path, wanted=encrypted) if encrypted else None
    if encrypted and key is None:
        raise encryption.EncryptionUnavailableError(f"no key for {path} in the keyring")
    return Database(path, _make_engine(path, foreign_keys=True, key=key), encrypted=encrypted)


def _open_error(path: Path, exc: BaseException | None) -> Exception:
    # Offering to move a healthy database aside would not help a full disk, a read-only
    # folder or a file another program holds.
    return disk_error(path, exc) or CorruptDatabaseError(path, str(exc))


def _backup(engine: Engine, target: Path, key: str | None = None) -> None:
    """A consistent copy before an upgrade: SQLite cannot roll back all DDL through pysqlite,
    so an upgrade cut off by a power failure must have something to restore from."""
    # Written under another name and renamed when complete: a backup cut off by a crash never
    # stands under the name a person would restore from.
    partial = target.with_name(f"{target.name}.partial")
    for leftover in (partial, Path(f"{partial}-journal")):  # from a backup cut off before
        leftover.unlink(missing_ok=True)
    create_private_file(partial)  # a copy of the cache is as private as the cache
    raw = engine.raw_connection()
    try:
        # An encrypted cache's backup is encrypted with the same key.
        destination = (sqlite3.connect(partial) if key is None
                       else encryption.keyed_connect(partial, key))
        try:
            raw.driver_connection.backup(destination)  # type: ignore[union-attr]
        finally:
            destination.close()
    finally:
        raw.close()
    os.replace(partial, target)
    private_file(target)


def _ensure_client_id(database: Database) -> None:
    with database.session() as session, session.begin():
        if session.scalar(select(MetaRow).where(MetaRow.key == "client_id")) is None:
            session.add(MetaRow(key="client_id", value=str(uuid.uuid4())))
