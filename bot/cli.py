"""`claimbot`: the command line. Thin: parse arguments, call the core, print."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bot.ask.answer import Answer
from bot.ask.index import ClaimIndex
from bot.ask.match import answer_question
from bot.ask.render import html_to_text, render_answer
from bot.config import SettingsError, load_settings
from bot.ingest import ReadError, read_path
from bot.models import Article, Claim
from data.store import ClaimStore, StoreError, claim_to_json


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
    parser.add_argument("--db", type=Path, help="the TinyDB file (default: $CLAIMBOT_DB or ./claimbot.json)")
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
        "ask", help='answer a question, e.g. "what did Zelensky say about North Korean losses"'
    )
    p.add_argument("question", help="the question, or - to read one question a line from standard input")
    p.add_argument("--json", action="store_true", help="print the answer object as JSON")

    sub.add_parser("chat", help="ask questions at an interactive prompt (no Telegram needed)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        store = ClaimStore(args.db or settings.db)
        return int(COMMANDS[args.command](store, args) or 0)
    except (CliError, ReadError, StoreError, SettingsError) as exc:
        print(f"claimbot: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _ingest(store: ClaimStore, args: argparse.Namespace) -> int:
    from bot.pipeline import ingest  # spaCy loads only for commands that parse text

    for path in args.paths:
        if not path.exists():
            raise CliError(f"{path}: no such file or directory")
    single = len(args.paths) == 1 and args.paths[0].is_file()
    if (args.outlet or args.url or args.published) and not single:
        raise CliError("--outlet, --url and --published apply to a single article file")
    articles: list[Article] = []
    problems = 0
    for path in args.paths:
        found, trouble = read_path(path, outlet=args.outlet, url=args.url, published=args.published)
        articles.extend(found)
        for problem in trouble:
            print(f"claimbot: warning: {problem}", file=sys.stderr)
        problems += len(trouble)
    report = ingest(store, articles)
    print(
        f"{report.articles} articles read ({report.unchanged} already stored), "
        f"{report.claims_added} new claims, {report.claims_merged} claims gained a source"
        + (f"; {problems} problems reported above" if problems else "")
    )
    return 0


def _figures_text(claim: Claim) -> str:
    from bot.render import figure_text

    return ", ".join(figure_text(f) for f in claim.figures)


def _claims(store: ClaimStore, args: argparse.Namespace) -> int:
    claims = store.claims()
    if args.speaker:
        claims = [c for c in claims if args.speaker.lower() in c.speaker.lower()]
    claims.sort(key=lambda c: (c.speaker.lower(), c.said_on or date.min))
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


def _stats(store: ClaimStore, args: argparse.Namespace) -> int:
    counts = store.count()
    claims = store.claims()
    sources = sum(len(c.sources) for c in claims)
    print(f"store: {store.path}")
    print(f"claims: {len(claims)} ({sources} sources, {sum(bool(c.figures) for c in claims)} with figures)")
    print(f"speakers: {counts.get('speakers', 0)}")
    print(f"articles: {counts.get('documents', 0)}")
    return 0


def _index(store: ClaimStore) -> ClaimIndex:
    return ClaimIndex.build(store.claims(), store.speakers())


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


def _ask(store: ClaimStore, args: argparse.Namespace) -> int:
    index = _index(store)
    questions = sys.stdin if args.question == "-" else [args.question]
    for line in questions:
        answer = answer_question(line.strip(), index)
        if args.json:
            print(_answer_json(answer), flush=True)
        else:
            print(html_to_text("\n\n".join(render_answer(answer))), end="\n\n", flush=True)
    return 0


def _chat(store: ClaimStore, args: argparse.Namespace) -> int:
    index = _index(store)
    print(
        f"claimbot: {len(index.claims)} claims loaded from {store.path}. Ask a question; an empty line quits."
    )
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            print()
            return 0
        if not line:
            return 0
        print(html_to_text("\n\n".join(render_answer(answer_question(line, index)))) + "\n")


COMMANDS = {"ingest": _ingest, "claims": _claims, "stats": _stats, "ask": _ask, "chat": _chat}


if __name__ == "__main__":
    raise SystemExit(main())
