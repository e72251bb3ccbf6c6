"""Article input: read .txt/.jsonl/.html files into cleaned `bot.models.Article` records."""

from bot.ingest.clean import clean_text, split_date_prefix
from bot.ingest.readers import (
    SUPPORTED_SUFFIXES,
    Problem,
    ReadError,
    article_from_html,
    article_from_text,
    read_path,
)

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Problem",
    "ReadError",
    "article_from_html",
    "article_from_text",
    "clean_text",
    "read_path",
    "split_date_prefix",
]
