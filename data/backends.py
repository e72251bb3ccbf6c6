"""Choosing a store by where it is, and copying one store into another (`claimbot migrate --to URL`)."""

from __future__ import annotations

from pathlib import Path

from data.port import Store, StoreError
from data.store import ClaimStore

__all__ = ["copy_store", "is_postgres_url", "open_store"]


def is_postgres_url(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def open_store(location: str | Path) -> Store:
    """A `postgresql://` (or `postgres://`) URL opens the PostgreSQL store; anything else is a TinyDB file."""
    if isinstance(location, str) and is_postgres_url(location):
        from data.postgres import PostgresStore  # psycopg's pool starts only for a database store

        return PostgresStore(location)
    return ClaimStore(Path(location))


def copy_store(source: Store, target: Store) -> dict[str, int]:
    """Everything in `source` into an empty `target`: claims, speakers, documents, article texts, the small
    state and the delivery ledger, in the same order. Refuses a target that already holds claims, so a
    store is never merged into another by mistake. Returns what was copied, by table."""
    if target.count().get("claims"):
        raise StoreError(f"{target.location} already holds claims; migrate into an empty store")
    claims, speakers = source.claims(), source.speakers()
    documents, articles = source.seen_documents(), source.articles()
    with target.batch() as batch:
        # texts and claims first, then the state: the same order a crash-safe ingest keeps
        batch.put_articles(articles)
        batch.replace_claims(claims)
        batch.replace_speakers(speakers)
        batch.mark_documents(documents)
    subscribers, feeds, items = source.subscribers(), source.feeds(), source.feed_items()
    days = source.digest_days()
    with target.state_batch() as state:
        for chat in subscribers:
            state.subscribe(chat)
        for key, value in source.named_values().items():
            state.set_state(key, value)
        for chat, settings in source.all_chat_settings().items():
            for name, value in settings.items():
                state.set_chat_setting(chat, name, value)
        for feed in feeds:
            state.add_feed(feed)
        state.update_feeds(feeds)
        state.add_feed_items(items)
        for day in days:
            run = source.digest_run(day)
            if run is not None:
                state.put_digest_run(run)
    ledger = target.deliveries()
    entries = source.deliveries().everything()
    for (day, chat, part), delivered in entries.items():
        ledger.mark(day, chat, part, delivered)
    return {
        "claims": len(claims),
        "speakers": len(speakers),
        "documents": len(documents),
        "articles": len(articles),
        "subscribers": len(subscribers),
        "feeds": len(feeds),
        "feed_items": len(items),
        "digest_runs": len(days),
        "deliveries": len(entries),
    }
