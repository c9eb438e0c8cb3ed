"""The knowledge base: help articles in Markdown with YAML front matter, loaded and checked."""

from kb.article import Article, Catalog, Problem
from kb.fingerprint import fingerprint
from kb.frontmatter import FrontMatterError
from kb.loader import (
    ArticleError,
    KnowledgeBaseError,
    KnowledgeBaseNotFound,
    LoadResult,
    keep_last_good,
    load_folder,
    parse_article,
)

__all__ = [
    "Article",
    "ArticleError",
    "Catalog",
    "FrontMatterError",
    "KnowledgeBaseError",
    "KnowledgeBaseNotFound",
    "LoadResult",
    "Problem",
    "fingerprint",
    "keep_last_good",
    "load_folder",
    "parse_article",
]
