"""KB search index: contentless FTS5 tables of pre-cut tokens and their row map.

The index is derived from kb_articles. The search package fills it on first use (and
rebuilds it whenever its tokenizer version changes), so this migration only makes the
empty structures.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_search_docs",
        sa.Column("doc_id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.String(40), nullable=False),
        sa.Column("fingerprint", sa.String(40), nullable=False),
        sa.Column("title_pinyin", sa.Text(), nullable=False),
    )
    op.create_index("ix_kb_search_docs_article", "kb_search_docs", ["article_id"], unique=True)
    # Titles, labels and title pinyin, with a one-character prefix index (the first key).
    op.execute(
        "CREATE VIRTUAL TABLE kb_fts_title USING fts5(title, meta, py_full, py_init, "
        "content='', tokenize='unicode61 remove_diacritics 0', prefix='1')"
    )
    # Titles and bodies, same rowids.
    op.execute(
        "CREATE VIRTUAL TABLE kb_fts USING fts5(title, body, content='', "
        "tokenize='unicode61 remove_diacritics 0')"
    )


def downgrade() -> None:
    op.execute("DROP TABLE kb_fts")
    op.execute("DROP TABLE kb_fts_title")
    op.drop_index("ix_kb_search_docs_article", "kb_search_docs")
    op.drop_table("kb_search_docs")
