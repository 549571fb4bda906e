"""`agent-app sync [--once]`: the sync engine without a window, for ops and scheduled tasks."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from agent_app.settings import load_settings
from agent_app.storage.database import DB_FILENAME, CorruptDatabaseError, open_database
from agent_app.sync.client import ApiError, CentralClient, ServerUnreachableError, TlsError
from agent_app.sync.credentials import TokenStore
from agent_app.sync.engine import SyncEngine, SyncGapError, SyncProgress, SyncReport

DEFAULT_INTERVAL_SECONDS = 30


log = logging.getLogger(__name__)


def _print_progress(progress: SyncProgress) -> None:
    total = f"/{progress.total}" if progress.total is not None else ""
    print(f"{progress.phase}: {progress.done}{total}", flush=True)


def _summary(report: SyncReport) -> str:
    text = (f"pushed {report.pushed}, already on server {report.duplicates}, "
            f"rejected {len(report.rejected)}, pulled {report.pulled}, "
            f"conflicts {report.conflicts}")
    if report.recovered:
        text += f", {report.recovered} ticket(s) sent back to the restored server"
    return text + (", full resync after a server restore" if report.resynced else "")


def run_sync(data_dir: Path, server_url: str | None, *, once: bool,
             interval: float = DEFAULT_INTERVAL_SECONDS) -> int:
    settings = load_settings(data_dir)
    url = server_url or settings.server_url
    token = TokenStore().load(url, settings.last_username) if settings.last_username else None
    if not token:
        print(f"no saved sign-in for {url}: sign in once with the app on this account",
              file=sys.stderr)
        return 2
    try:
        db = open_database(data_dir / DB_FILENAME)
    except CorruptDatabaseError as exc:
        print(f"the local database cannot be used: {exc}", file=sys.stderr)
        return 1
    engine = SyncEngine(db, CentralClient(url, ca_bundle=settings.ca_bundle or None,
                                          token=token))
    try:
        while True:
            try:
                report = engine.sync_once(progress=_print_progress)
                print(_summary(report), flush=True)
                for mutation_id, reason in report.rejected:
                    print(f"rejected mutation {mutation_id}: {reason}", file=sys.stderr)
                status = 0
            except TlsError as exc:
                # Not "offline": the network works, the server is not trusted; IT must act.
                print(f"cannot trust the server {url}: {exc}; local changes are kept",
                      file=sys.stderr)
                status = 1
            except ServerUnreachableError as exc:
                print(f"offline: {exc}; local changes are kept", file=sys.stderr)
                status = 1
            except ApiError as exc:
                print(f"the server refused: {exc.message}", file=sys.stderr)
                status = 1
            except SyncGapError as exc:
                print(f"cannot push: {exc}; ask IT before deleting anything", file=sys.stderr)
                return 1
            except SQLAlchemyError as exc:
                # Never the error's own text: it quotes SQL.
                log.error("sync failed in the local database: %s", type(exc).__name__)
                print("the local database refused a change; local changes are kept; details "
                      "are in the log", file=sys.stderr)
                status = 1
            if once:
                return status
            time.sleep(interval)
    except KeyboardInterrupt:
        return 0
    finally:
        db.close()
