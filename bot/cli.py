"""`claimbot`: the command line. Thin: parse arguments, call the core, print."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bot.ask.answer import Answer
from bot.ask.render import html_to_text, render_answer
from bot.config import SettingsError, load_settings
from bot.core import Core
from bot.ingest import ReadError, read_path
from bot.models import Article, Claim
from data.backends import open_store
from data.codec import claim_to_json
from data.port import Store, StoreError


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from exc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimbot", description="Who said what, with which figures, and who reported it."
    )
    parser.add_argument(
        "--db",
        help="the TinyDB file, or a postgresql:// URL (default: $CLAIMBOT_DB or ./claimbot.json)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="read articles (.txt, .jsonl, .html, folders) and store their claims")
    p.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR")
    p.add_argument("--outlet", help="the outlet of a single article file")
    p.add_argument("--url", help="the address of a single article file")
    p.add_argument("--published", type=_date, help="publication date of a single article file (YYYY-MM-DD)")

    p = sub.add_parser("claims", help="list stored claims")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--speaker", help="only claims of speakers whose name contains this")

    sub.add_parser("stats", help="how much the store holds")

    p = sub.add_parser(
        "reextract", help="rebuild every claim from the stored article texts with the current extractor"
    )
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")

    p = sub.add_parser(
        "ask", help='answer a question, e.g. "what did Zelensky say about North Korean losses"'
    )
    p.add_argument("question", help="the question, or - to read one question a line from standard input")
    p.add_argument("--json", action="store_true", help="print the answer object as JSON")

    sub.add_parser("chat", help="ask questions at an interactive prompt (no Telegram needed)")

    sub.add_parser("run", help="run the Telegram bot (settings from the environment; see README)")

    p = sub.add_parser("digest", help="the daily digest of new claims")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--preview", action="store_true", help="print the next digest")
    mode.add_argument("--send", action="store_true", help="send today's digest once (for cron) and exit")

    p = sub.add_parser("feeds", help="the news feeds polled for new articles")
    feeds = p.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    feeds.add_parser("add", help="add a feed (RSS or Atom)").add_argument("url")
    feeds.add_parser("remove", help="stop polling a feed").add_argument("url")
    feeds.add_parser("list", help="the feeds, with their state")

    sub.add_parser("poll", help="poll every feed once now and ingest new articles")

    p = sub.add_parser("migrate", help="copy the whole store into another, e.g. a PostgreSQL database")
    p.add_argument("--to", required=True, metavar="URL_OR_FILE", help="postgresql://user@host/db, or a file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    store: Store | None = None
    try:
        settings = load_settings()
        store = open_store(args.db or settings.db)
        return int(COMMANDS[args.command](Core(store, settings), args) or 0)
    except (CliError, ReadError, StoreError, SettingsError) as exc:
        print(f"claimbot: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        if store is not None:
            store.close()


def _ingest(core: Core, args: argparse.Namespace) -> int:
    for path in args.paths:
        if not path.exists():
            raise CliError(f"{path}: no such file or directory")
    single = len(args.paths) == 1 and args.paths[0].is_file()
    if (args.outlet or args.url or args.published) and not single:
        raise CliError("--outlet, --url and --published apply to a single article file")
    articles: list[Article] = []
    problems = failed = 0
    for path in args.paths:
        found, trouble = read_path(path, outlet=args.outlet, url=args.url, published=args.published)
        articles.extend(found)
        for problem in trouble:
            print(f"claimbot: {'error' if problem.failed else 'warning'}: {problem}", file=sys.stderr)
        problems += len(trouble)
        failed += sum(problem.failed for problem in trouble)
    report = core.ingest(articles)
    for failure in report.failed:
        print(f"claimbot: error: {failure}", file=sys.stderr)
    problems += len(report.failed)
    failed += len(report.failed)
    print(
        f"{report.articles} articles read ({report.unchanged} already stored), "
        f"{report.claims_added} new claims, {report.claims_merged} claims gained a source"
        + (f"; {problems} problems reported above" if problems else "")
    )
    if report.texts_stored:
        print(
            f"{report.texts_stored} articles stored before claimbot kept article texts now have their text "
            "stored; `claimbot reextract` can re-read them"
        )
    return 1 if failed else 0  # an input refused or an article that failed: a script must be able to tell


def _reextract(core: Core, args: argparse.Namespace) -> int:
    r = core.reextract(dry_run=args.dry_run)
    print(
        f"{r.articles} articles re-read with the current extractor; claims: {r.claims_before} before, "
        f"{r.claims_after} after ({r.kept} kept, {r.changed} of them changed; {r.new} new; "
        f"{r.dropped} dropped)"
    )
    if r.articles:
        print(
            "Kept claims keep their ids and first-seen times; new claims are dated to when their article was "
            "ingested, so the digest does not send old news again."
        )
    if r.without_text:
        print(
            f"{r.without_text} articles have no stored text (ingested by a claimbot older than article "
            "storage); their claims were left as they are. To re-read them, ingest their source files again "
            "(`claimbot ingest FILE_OR_DIR`: only their texts are stored, no claim changes), then run "
            "`claimbot reextract` again."
        )
    if r.unfinished:
        print(
            f"{len(r.unfinished)} stored articles were not re-read because their ingest did not finish "
            f"({', '.join(r.unfinished[:5])}{', ...' if len(r.unfinished) > 5 else ''}); ingest them again."
        )
    if args.dry_run:
        print("Dry run: nothing was written.")
    elif r.articles and not r.written:
        print("Nothing changed; the store was not rewritten.")
    return 0


def _figures_text(claim: Claim) -> str:
    from bot.render import figure_text

    return ", ".join(figure_text(f) for f in claim.figures)


def _claims(core: Core, args: argparse.Namespace) -> int:
    claims = core.claims(args.speaker)
    out = sys.stdout
    if args.json:
        for claim in claims:
            out.write(json.dumps(claim_to_json(claim), ensure_ascii=False) + "\n")
        return 0
    if not claims:
        print("No claims stored yet. Feed some articles with `claimbot ingest FILE_OR_DIR`.")
        return 0
    for claim in claims:
        when = claim.said_on.isoformat() if claim.said_on else "date unknown"
        outlets = ", ".join(dict.fromkeys(s.outlet or s.document for s in claim.sources))
        figures = _figures_text(claim)
        print(f"{claim.speaker}  ({when})" + (f"  [{figures}]" if figures else ""))
        print(f"    {claim.statement}")
        print(f"    reported by: {outlets}" + (f"; via {claim.relayed_by}" if claim.relayed_by else ""))
    print(f"\n{len(claims)} claims")
    return 0


def _stats(core: Core, args: argparse.Namespace) -> int:
    s = core.stats()
    print(f"store: {s.location}")
    print(f"claims: {s.claims} ({s.sources} sources, {s.with_figures} with figures)")
    print(f"speakers: {s.speakers}")
    print(f"articles: {s.articles} ({s.texts} with stored text)")
    if s.texts < s.articles:
        print(
            f"    {s.articles - s.texts} were ingested before claimbot kept article texts: ingest their "
            "source files again to store them, so that `claimbot reextract` can re-read them"
        )
    return 0


def _answer_json(answer: Answer) -> str:
    return json.dumps(
        {
            "question": answer.question,
            "speaker": answer.speaker,
            "topic": answer.topic,
            "claims": [claim_to_json(c) for c in answer.claims],
            "reply": "\n\n".join(render_answer(answer)),
        },
        ensure_ascii=False,
    )


def _ask(core: Core, args: argparse.Namespace) -> int:
    questions = sys.stdin if args.question == "-" else [args.question]
    for line in questions:
        answer = core.ask(line.strip())
        if args.json:
            print(_answer_json(answer), flush=True)
        else:
            print(html_to_text("\n\n".join(render_answer(answer))), end="\n\n", flush=True)
    return 0


def _chat(core: Core, args: argparse.Namespace) -> int:
    # one read; claims are built only when answered, headlines read only when a question needs them
    index = core.answers.index
    print(
        f"claimbot: {len(index.claims)} claims loaded from {core.store.location}. "
        "Ask a question; an empty line quits."
    )
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            print()
            return 0
        if not line:
            return 0
        print(html_to_text("\n\n".join(render_answer(core.ask(line)))) + "\n")


def _run(core: Core, args: argparse.Namespace) -> int:
    from bot.logs import setup_logging, token_rejected

    settings = load_settings()
    setup_logging(settings)  # the token is redacted before anything can log it
    from bot.app import run  # Telegram is imported only to run the bot

    with token_rejected():
        run(settings, core.store)
    return 0


def _digest(core: Core, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    settings = core.settings
    now = datetime.now(UTC)
    if args.preview:
        parts = core.digest_preview(now)
        print(html_to_text("\n\n".join(parts)) if parts else "Nothing new since the last digest.")
        return 0
    import asyncio

    from scheduler.digest import telegram_sender

    async def send() -> str:
        async with telegram_sender(settings) as sender:
            report = await core.send_digest(sender, now=now)
        if report.busy:
            return "Another claimbot is sending the digest right now; nothing sent."
        return (
            f"Digest of {report.day}: sent to {report.sent} chats, {report.skipped} already had it, "
            f"{len(report.blocked)} blocked the bot, {len(report.failed)} failed."
        )

    from bot.logs import setup_logging, token_rejected

    setup_logging(settings, level=logging.WARNING)
    with token_rejected():
        print(asyncio.run(send()))
    return 0


def _feeds(core: Core, args: argparse.Namespace) -> int:
    from scheduler.feeds import FeedError

    try:
        if args.feeds_command == "add":
            feed = core.add_feed(args.url)
            print(f"Polling {feed.url}")
        elif args.feeds_command == "remove":
            print(f"Removed {args.url}" if core.remove_feed(args.url) else f"No feed {args.url}")
        else:
            feeds = core.feeds()
            for feed in feeds:
                state = f"failing ({feed.failures}x: {feed.last_error})" if feed.failures else "ok"
                print(f"{feed.url}  {feed.title or ''}  [{state}]")
            if not feeds:
                print("No feeds yet. Add one with `claimbot feeds add URL`.")
    except (FeedError, ValueError) as exc:
        raise CliError(str(exc)) from exc
    return 0


def _poll(core: Core, args: argparse.Namespace) -> int:
    from scheduler.fetch import Fetcher

    with Fetcher() as fetcher:
        report = core.poll(fetcher, only_due=False)
    print(
        f"{report.feeds_polled} feeds polled, {report.feeds_failed} failed, {report.items_new} new articles, "
        f"{report.claims_added} new claims"
    )
    for error in report.errors:
        print(f"claimbot: warning: {error}", file=sys.stderr)
    return 0


def _migrate(core: Core, args: argparse.Namespace) -> int:
    from data.backends import copy_store

    target = open_store(args.to)
    try:
        copied = copy_store(core.store, target)
    finally:
        target.close()
    print(
        f"Copied {core.store.location} to {target.location}: "
        + ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in copied.items())
    )
    print("Point --db or CLAIMBOT_DB at the new store to use it; the old store is unchanged.")
    return 0


COMMANDS = {
    "migrate": _migrate,
    "digest": _digest,
    "feeds": _feeds,
    "poll": _poll,
    "run": _run,
    "ingest": _ingest,
    "claims": _claims,
    "stats": _stats,
    "reextract": _reextract,
    "ask": _ask,
    "chat": _chat,
}


if __name__ == "__main__":
    raise SystemExit(main())
