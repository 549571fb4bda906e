"""SQLAlchemy 2 models of the local cache. Alembic migrations in migrations/ create them."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

UTC_TEXT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_text(value: datetime) -> str:
    """How times are stored: comparing these strings compares the times (raw SQL uses it)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime cannot be stored")
    moment = value.astimezone(UTC)
    if moment.year >= 1000:
        # The same text, a third faster than strftime (a pull writes two per ticket); strftime
        # writes years before 1000 without their leading zeros, so those keep it.
        return moment.isoformat(timespec="microseconds")[:-6] + "Z"
    return moment.strftime(UTC_TEXT_FORMAT)


class UtcIsoTime(TypeDecorator[datetime]):
    """Aware datetimes stored as fixed-width UTC ISO text, so text order is time order."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else utc_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.strptime(value, UTC_TEXT_FORMAT).replace(tzinfo=UTC)


class SyncState(StrEnum):
    UNSENT = "unsent"
    SYNCED = "synced"
    CONFLICT = "conflict"


class OutboxState(StrEnum):
    PENDING = "pending"
    REJECTED = "rejected"


class Base(DeclarativeBase):
    pass


# SQLite virtual tables (and the shadow tables SQLite makes for them) that no model can
# describe: migration 0005 creates the KB full-text index, agent_app.search fills it.
VIRTUAL_TABLES = ("kb_fts",)


def modelled_by_sqlalchemy(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's include_name hook: compare and autogenerate everything but the virtual
    tables above."""
    if type_ != "table" or name is None:
        return True
    return not any(name == table or name.startswith(f"{table}_") for table in VIRTUAL_TABLES)


class TicketRow(Base):
    __tablename__ = "tickets"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcIsoTime)
    channel: Mapped[str] = mapped_column(String(20))
    appeal_type: Mapped[str] = mapped_column(String(20))
    urgency: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16))
    category_l1: Mapped[str | None] = mapped_column(String(40))
    category_l2: Mapped[str | None] = mapped_column(String(40))
    caller_name: Mapped[str] = mapped_column(String(40), default="")
    caller_phone: Mapped[str] = mapped_column(String(20), default="")
    caller_gender: Mapped[str] = mapped_column(String(8), default="unknown")
    phone_withheld: Mapped[bool] = mapped_column(default=False)
    confidential: Mapped[bool] = mapped_column(default=False)
    callback_permitted: Mapped[bool] = mapped_column(default=True)
    district: Mapped[str] = mapped_column(String(40), default="")
    street: Mapped[str] = mapped_column(String(40), default="")
    community: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    demand: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str | None] = mapped_column(String(80))
    deadline: Mapped[datetime | None] = mapped_column(UtcIsoTime)
    redo_count: Mapped[int] = mapped_column(Integer, default=0)
    answer: Mapped[str | None] = mapped_column(Text)
    supervision_level: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UtcIsoTime)
    # Added by migration 0002: where this row stands with the central API.
    sync_state: Mapped[str] = mapped_column(
        String(10), default=SyncState.UNSENT, server_default=SyncState.UNSENT.value
    )
    server_version: Mapped[int | None] = mapped_column(Integer)

    # Lets the ORM insert the ticket before its events in the same flush.
    events: Mapped[list[TicketEventRow]] = relationship(
        order_by="TicketEventRow.at", passive_deletes=True, lazy="raise_on_sql")

    __table_args__ = (
        Index("ix_tickets_status", "status"),
        Index("ix_tickets_caller_phone", "caller_phone"),
        Index("ix_tickets_address", "address"),
        Index("ix_tickets_created_at", "created_at"),
        Index("ix_tickets_deadline", "deadline"),
        Index("ix_tickets_sync_state", "sync_state"),
    )


class TicketEventRow(Base):
    """Insert-only timeline; ids are made by the client so sync can never duplicate one."""

    __tablename__ = "ticket_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcIsoTime)
    kind: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(80), default="")
    data: Mapped[str] = mapped_column(Text, default="{}")

    __table_args__ = (Index("ix_ticket_events_ticket", "ticket_id", "at"),
                      # Monthly reports read events by time range (migration 0006).
                      Index("ix_ticket_events_at", "at", "ticket_id"))


def ticket_secondary_indexes() -> list[Index]:
    """The indexes of tickets and their events besides their keys: a first pull into an
    empty cache builds them once at its end (sync/engine.py), which costs less than keeping
    them up to date through a hundred thousand inserts."""
    tables = Base.metadata.tables
    return [*tables[TicketRow.__tablename__].indexes,
            *tables[TicketEventRow.__tablename__].indexes]


class OutboxRow(Base):
    """Mutations waiting to be pushed; `mutation_id` is this client's gap-free sequence."""

    __tablename__ = "outbox"

    mutation_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    args: Mapped[str] = mapped_column(Text)
    base_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcIsoTime)
    state: Mapped[str] = mapped_column(String(10), default=OutboxState.PENDING)
    reject_reason: Mapped[str | None] = mapped_column(Text)

    # AUTOINCREMENT: an id is never reused after rows are deleted, so the server's
    # last-applied-id bookkeeping stays valid.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 - SQLAlchemy reads it


class MetaRow(Base):
    """Small key/value facts about this database: client id, sync cursor, server epoch."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DraftRow(Base):
    """Autosaved unfinished forms, offered back after a crash or a closed window."""

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    payload: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcIsoTime)


class KbArticleRow(Base):
    __tablename__ = "kb_articles"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(80))
    unit: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[datetime | None] = mapped_column(UtcIsoTime)


class KbSearchDocRow(Base):
    """The full-text row (kb_fts rowid) of each article, a fingerprint of the text that row
    was made from (contentless FTS5 can only delete a row given the same text again), and
    the title's pinyin for the typo fallback, computed once here rather than per query."""

    __tablename__ = "kb_search_docs"

    doc_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[str] = mapped_column(String(40))
    fingerprint: Mapped[str] = mapped_column(String(40))
    title_pinyin: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_kb_search_docs_article", "article_id", unique=True),)


class QuarantinedRow(Base):
    """A ticket a pull brought that this client could not store: set aside, with the reason,
    so the cursor moves on and the other rows arrive (the lead sees it in sync problems)."""

    __tablename__ = "pull_quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(UtcIsoTime)
    resolved: Mapped[bool] = mapped_column(default=False)


class ConflictRow(Base):
    """The server's state won over an unsent local change; what was overruled stays here."""

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(String(40))
    detected_at: Mapped[datetime] = mapped_column(UtcIsoTime)
    local: Mapped[str] = mapped_column(Text)
    server: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (Index("ix_conflicts_ticket", "ticket_id"),)


class ScoreAdjustmentRow(Base):
    """A manual 加分/扣分 of the monthly assessment, by a lead or admin, with its reason.
    Insert-only, with a client-made UUID (an audit trail, and no conflict when it syncs): a
    correction is another row."""

    __tablename__ = "score_adjustments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    unit: Mapped[str] = mapped_column(String(80))
    points: Mapped[str] = mapped_column(String(12))  # decimal text: exact, as entered
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcIsoTime)
    sync_state: Mapped[str] = mapped_column(
        String(10), default=SyncState.UNSENT, server_default=SyncState.UNSENT.value
    )

    __table_args__ = (Index("ix_score_adjustments_month", "month"),)


class KbUsageRow(Base):
    """An operator used an article after a query (opened it, or gave it as the answer): what
    the KB search learns from (agent_app/search/learning.py). This seat's own rows have no
    `server_id`; rows every seat shares come from the server and carry its id."""

    __tablename__ = "kb_usage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    query: Mapped[str] = mapped_column(String(200))
    # The query's problem words, fillers dropped: what "a similar query" is compared on.
    query_key: Mapped[str] = mapped_column(String(200))
    article_id: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(10))  # "open" or "answer"
    at: Mapped[datetime] = mapped_column(UtcIsoTime)
    server_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_kb_usage_server_id", "server_id", unique=True),
                      Index("ix_kb_usage_at", "at"))


class KbUsageVetoRow(Base):
    """A lead's veto: this article is no longer lifted for this query key (or, with no key,
    for any query) by what operators did."""

    __tablename__ = "kb_usage_vetoes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(String(40))
    query_key: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcIsoTime)
    server_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_kb_usage_vetoes_server_id", "server_id", unique=True),)


class MissedCallRow(Base):
    """漏接: a call the telephony system reports as abandoned, waiting for a callback (回拨).
    `events` is its timeline as interchange events: missed_call, then missed_callback ones."""

    __tablename__ = "missed_calls"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    missed_at: Mapped[datetime] = mapped_column(UtcIsoTime)
    events: Mapped[str] = mapped_column(Text, default="[]")

    __table_args__ = (Index("ix_missed_calls_at", "missed_at"),)
