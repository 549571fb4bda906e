"""KB indexing and query (DESIGN.md §6): FTS5 bigrams, pinyin and fuzzy matching. No Qt."""

from agent_app.search.index import apply_article_changes, ensure_index, rebuild_index
from agent_app.search.model import KbArticle, KbHit
from agent_app.search.searcher import KbSearcher

__all__ = ["KbArticle", "KbHit", "KbSearcher", "apply_article_changes", "ensure_index",
           "rebuild_index"]
