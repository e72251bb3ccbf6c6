"""Admin only: /ingest URL, an article sent as a document, /stats. Anyone else is refused and nothing runs."""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import tempfile
from pathlib import Path

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.ingest import SUPPORTED_SUFFIXES, ReadError, article_from_html, read_path
from bot.pipeline import IngestReport
from handlers.common import core, refuse_unless_admin
from scheduler.fetch import Fetcher, FetchError

log = logging.getLogger(__name__)
MAX_DOCUMENT = 5 * 1024 * 1024  # bytes


def _summary(report: IngestReport, what: str) -> str:
    if report.unchanged == report.articles:
        return f"Already had {what}: nothing new."
    return (
        f"Read {what}: {report.claims_added} new claim{'s' * (report.claims_added != 1)}, "
        f"{report.claims_merged} existing claim{'s' * (report.claims_merged != 1)} gained a source."
    )


def _ingest_url(context: ContextTypes.DEFAULT_TYPE, url: str) -> str:
    with Fetcher() as fetcher:
        page = fetcher.fetch(url)
    doc_id = "url-" + hashlib.sha1(page.final_url.encode()).hexdigest()[:16]
    article = article_from_html(page.content, doc_id=doc_id, url=page.final_url)
    if article is None:
        return "I could not find an article on that page."
    report = core(context).ingest([article])
    return _summary(report, html.escape(article.title or page.final_url))


async def ingest_url(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ingest URL"""
    message = update.effective_message
    if message is None or await refuse_unless_admin(update, context):
        return
    url = (context.args or [""])[0]
    if not url.startswith(("http://", "https://")):
        await message.reply_text("Usage: /ingest https://example.com/article")
        return
    try:
        reply = await asyncio.to_thread(_ingest_url, context, url)
    except FetchError as exc:
        reply = f"Could not fetch that page: {html.escape(str(exc))}"
    await message.reply_text(reply, parse_mode=ParseMode.HTML)


def _ingest_file(context: ContextTypes.DEFAULT_TYPE, name: str, content: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(content)
        articles, problems = read_path(path)
    notes = "".join(f"\n• {html.escape(str(p))}" for p in problems[:5])
    if not articles:
        return "No article found in that file." + notes
    report = core(context).ingest(articles)
    failed = "".join(f"\n• {html.escape(str(f))}" for f in report.failed[:5])  # named, the rest stored
    return _summary(report, f"{len(articles)} article{'s' * (len(articles) != 1)}") + notes + failed


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A .txt, .html or .jsonl file sent to the bot is ingested like `claimbot ingest`."""
    message = update.effective_message
    if message is None or message.document is None or await refuse_unless_admin(update, context):
        return
    name = message.document.file_name or "article.txt"
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        await message.reply_text("Send a .txt, .html or .jsonl file.")
        return
    if (message.document.file_size or 0) > MAX_DOCUMENT:
        await message.reply_text("That file is too large (5 MB at most).")
        return
    file = await message.document.get_file()
    content = bytes(await file.download_as_bytearray())
    try:
        reply = await asyncio.to_thread(_ingest_file, context, name, content)
    except ReadError as exc:
        reply = f"Could not read that file: {html.escape(str(exc))}"
    await message.reply_text(reply, parse_mode=ParseMode.HTML)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats"""
    message = update.effective_message
    if message is None or await refuse_unless_admin(update, context):
        return
    s = await asyncio.to_thread(core(context).stats)
    await message.reply_text(
        f"{s.claims} claims ({s.sources} sources), {s.speakers} speakers, {s.articles} articles, "
        f"{s.subscribers} subscribed chats."
    )


def _feeds(context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> str:
    app = core(context)
    action, url = [*args, "", ""][:2]
    if action == "add" and url:
        return f"Polling {html.escape(app.add_feed(url).url)}"
    if action == "remove" and url:
        return f"Removed {html.escape(url)}" if app.remove_feed(url) else f"No feed {html.escape(url)}"
    if action:
        return "Usage: /feeds, /feeds add URL, /feeds remove URL"
    lines = [
        f"• {html.escape(f.url)}"
        + (f" (failing {f.failures}x: {html.escape(f.last_error or '')})" if f.failures else "")
        for f in app.feeds()
    ]
    return "<b>Feeds</b>\n" + "\n".join(lines) if lines else "No feeds yet: /feeds add URL"


async def feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/feeds, /feeds add URL, /feeds remove URL"""
    message = update.effective_message
    if message is None or await refuse_unless_admin(update, context):
        return
    try:
        reply = await asyncio.to_thread(_feeds, context, list(context.args or []))
    except ValueError as exc:
        reply = html.escape(str(exc))
    await message.reply_text(reply, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
