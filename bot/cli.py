"""`claimbot`: the command line. Thin: parse arguments, call the core, print."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from bot.ask.answer import Answer
from bot.ask.match import MAX_CLAIMS
from bot.ask.render import html_to_text, render_answer
from bot.config import SettingsError, load_settings
from bot.core import Core
from bot.ingest import ReadError, read_path
from bot.models import Article, Claim
from data.backends import open_store
from data.codec import claim_to_json
from data.port import Store, StoreError


def _count(n: int, word: str, plural: str | None = None) -> str:
    """ "1 feed", "2 feeds", "1 chat": a count with its noun in the right number."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimbot")
    except PackageNotFoundError:
        return "unknown"


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from exc


_DB_HELP = "the TinyDB file, or a postgresql:// URL (default: $CLAIMBOT_DB or ./claimbot.json)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimbot", description="Who said what, with which figures, and who reported it."
    )
    parser.add_argument("--db", help=_DB_HELP)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    # --db is also taken after the command ("claimbot stats --db x.json"); it is not set there unless given
    db_after = argparse.ArgumentParser(add_help=False)
    db_after.add_argument("--db", default=argparse.SUPPRESS, help=_DB_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    real_add = sub.add_parser

    def add_parser(name: str, **kwargs: object) -> argparse.ArgumentParser:
        return real_add(name, parents=[db_after], **kwargs)  # type: ignore[arg-type]

    sub.add_parser = add_parser  # type: ignore[method-assign]

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
    p.add_argument("--all", action="store_true", help="every matching claim, not only the first five")

    p = sub.add_parser("chart", help="draw the figures an answer cites over time, as a PNG")
    p.add_argument("question", help='e.g. "who said how many North Korean soldiers were killed"')
    p.add_argument("-o", "--output", type=Path, default=Path("claimbot-chart.png"), help="the PNG to write")

    sub.add_parser("chat", help="ask questions at an interactive prompt (no Telegram needed)")

    sub.add_parser("run", help="run the Telegram bot (settings from the environment; see README)")

    p = sub.add_parser("digest", help="the daily digest of new claims")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--preview", action="store_true", help="print the next digest")
    mode.add_argument("--send", action="store_true", help="send today's digest once (for cron) and exit")
    p.add_argument("--full", action="store_true", help="with --preview: every new claim, not the top ones")

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
    except BrokenPipeError:
        # "claimbot claims | head": the reader has gone; say nothing more, even at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
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
    report = core.ingest(articles, progress=_progress() if len(articles) > 1 else None)
    for failure in report.failed:
        print(f"claimbot: error: {failure}", file=sys.stderr)
    # an article the extractor failed on is stored (without claims) and named, and does not fail the run:
    # a scheduled or scripted ingest of a thousand articles must not stop on one odd text
    problems += len(report.failed)
    print(
        f"{_count(report.articles, 'article')} read ({report.unchanged} already stored), "
        f"{_count(report.claims_added, 'new claim')}, {_count(report.claims_merged, 'claim')} gained a source"
        + (f"; {_count(problems, 'problem')} reported above" if problems else "")
    )
    if report.texts_stored:
        print(
            f"{report.texts_stored} articles stored before claimbot kept article texts now have their text "
            "stored; `claimbot reextract` can re-read them"
        )
    return 1 if failed else 0  # an input refused or unreadable: a script must be able to tell


def _progress() -> Callable[[int, int], None] | None:
    """A progress line on standard error while articles are read, only when it is a terminal (a log or a
    pipe gets none), cleared when done."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        print(
            f"\rreading articles: {done}/{total} ({done * 100 // total}%)",
            end=end,
            file=sys.stderr,
            flush=True,
        )

    return show


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
    if not claims and args.speaker:
        print(f"No claims from a speaker whose name contains {args.speaker!r}.")
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
    print(f"\n{_count(len(claims), 'claim')}")
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
    shown = MAX_CLAIMS if args.all else 5
    for line in questions:
        answer = core.ask(line.strip())
        if args.json:
            print(_answer_json(answer), flush=True)
        else:
            print(html_to_text("\n\n".join(render_answer(answer, max_claims=shown))), end="\n\n", flush=True)
    return 0


def _chart(core: Core, args: argparse.Namespace) -> int:
    from bot.chart import chart_of
    from bot.chart_png import caption, draw

    answer = core.ask(args.question)
    chart = chart_of(answer)
    if chart is None:
        print("Nothing to draw: the answer has fewer than two dated figures counting the same thing.")
        print(html_to_text("\n\n".join(render_answer(answer))))
        return 1
    args.output.write_bytes(draw(chart))
    print(f"{caption(chart)}\nSaved {args.output}")
    return 0


CHAT_HELP = """Ask a question in your own words, or:
  more            the next claims of the last answer
  /latest         the newest claims
  /who NAME       a speaker's card
  /chart QUESTION draw the figures of an answer over time (saves a PNG)
  /help           this list
An empty line or /quit leaves."""


def _wrapped(markup: Sequence[str]) -> str:
    """Telegram HTML as terminal text, wrapped at word boundaries to the terminal's width."""
    import shutil
    import textwrap

    width = max(40, min(shutil.get_terminal_size((100, 24)).columns, 120))
    lines = html_to_text("\n\n".join(markup), colour=sys.stdout.isatty()).split("\n")
    return "\n".join(
        textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False) if line else line
        for line in lines
    )


def _chat(core: Core, args: argparse.Namespace) -> int:
    """The bot's conversation in the terminal: the same answers, commands and "more"."""
    from bot.ask.render import render_card, render_claims, render_latest

    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history at the prompt, where the platform has it)
    index = core.answers.index  # one read; claims are built only when answered
    print(
        f"claimbot: {_count(len(index.claims), 'claim')} loaded from {core.store.location}. "
        "Ask a question; /help lists the commands, an empty line quits."
    )
    last: Answer | None = None
    shown = 0
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            print()
            return 0
        command, _, rest = line.partition(" ")
        if not line or command in ("/quit", "/exit"):
            return 0
        if command in ("/help", "/start"):
            print(CHAT_HELP)
        elif command == "/latest":
            print(_wrapped(render_latest(core.latest(5))))
        elif command == "/who":
            card = core.who(rest) if rest.strip() else None
            print(_wrapped(render_card(card, rest, () if card else core.closest_names(rest))))
        elif command == "/chart":
            _chart(core, argparse.Namespace(question=rest, output=Path("claimbot-chart.png")))
        elif line.lower() == "more":
            if last is None or shown >= len(last.claims):
                print("Nothing more: ask a question first." if last is None else "That was all of them.")
                continue
            page = last.claims[shown : shown + 5]
            shown += len(page)
            print(_wrapped(render_claims([("", page)])))
        elif command.startswith("/"):
            print(f"I don't know {command}. /help lists what I can do.")
        else:
            last, shown = core.ask(line), 5
            print(_wrapped(render_answer(last)))
        print()


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
        parts = core.digest_preview(now, full=args.full)
        print(html_to_text("\n\n".join(parts)) if parts else "Nothing new since the last digest.")
        return 0
    import asyncio

    from scheduler.digest import telegram_sender

    async def send() -> str:
        async with telegram_sender(settings) as sender:
            # today's digest to the chats on the default schedule, and to every other chat whose own time
            # (its /settings) has passed: a cron line every few minutes serves them all, each once
            reports = await core.deliver_due(sender, now=now, default_day=core.digest_day(now))
        if not reports:
            return "Nothing due: no chat's digest time has passed, or every chat has had today's."
        if all(r.busy for r in reports):
            return "Another claimbot is sending the digest right now; nothing sent."
        report = replace(
            reports[0],
            sent=sum(r.sent for r in reports),
            skipped=sum(r.skipped for r in reports),
            blocked=[c for r in reports for c in r.blocked],
            failed=[c for r in reports for c in r.failed],
        )
        return (
            f"Digest of {report.day}: sent to {_count(report.sent, 'chat')}, "
            f"{report.skipped} already had it, {len(report.blocked)} blocked the bot, "
            f"{len(report.failed)} failed."
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
                if feed.failures and feed.next_poll is not None:
                    state += f", next try {feed.next_poll:%Y-%m-%d %H:%M} UTC"
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
        f"{_count(report.feeds_polled, 'feed')} polled, {report.feeds_failed} failed, "
        f"{_count(report.items_new, 'new article')}, {_count(report.claims_added, 'new claim')}"
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
    "chart": _chart,
    "chat": _chat,
}


if __name__ == "__main__":
    raise SystemExit(main())
