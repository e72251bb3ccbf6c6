"""Digest benchmark: how fast claimbot builds the daily digest and fans it out to every subscriber.

    python benchmarks/digest.py [--subscribers 10000] [--rate 200] [--claims 5000] [--fanout-claims 8]
                                [--probe-claims 30] [--probe-subscribers 500] [--rtt-ms 0] [--pool 8]
                                [--seed S] [--strict]

1. Build: `--claims` synthetic claims written to a TinyDB store, then the day's run prepared from it as
   the bot does (`scheduler.digest.prepare`: read, select the new claims, render, keep the run); nearly
   all first seen within the last day (several topics and speakers, figures, 1-3 sources with outlets
   and urls). Target < 5 s.
2. Fan-out: a digest of `--fanout-claims` (one message by default) to a channel and `--subscribers` chats
   (subscribed in one store batch) through `send_digest` with a real python-telegram-bot `Bot` against the
   in-process fake Bot API server (tests/fakebotapi.py) on 127.0.0.1. `--rate` is far above Telegram's real
   limit (about 30 messages a second) so the run stays near a minute. The fake's own receive timestamps give
   the busiest 1-second window, and its record of sent messages shows whether every chat got each part once.
   Targets: average rate >= 0.8 x rate with no 1-second window over rate + 1; nothing lost or duplicated.
3. Multi-part probe: a `--probe-claims` digest (several messages) to `--probe-subscribers` chats, same
   targets, with the time it would take at the full subscriber count. `--rtt-ms` adds a simulated network
   round trip before each send, since a loopback fake has none.

Prints PASS or FAIL per target; --strict also exits 1 on a FAIL. Kept out of the test suite on purpose:
timings on a shared CI machine are not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runnable from a fresh clone without installing the package

from telegram import Bot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.digest import WATERMARK, new_claims  # noqa: E402
from bot.models import Claim, Figure, Source  # noqa: E402
from data.ledger import SENT, DeliveryLedger  # noqa: E402
from data.store import ClaimStore  # noqa: E402
from scheduler.digest import Limits, Send, bot_sender, prepare, send_digest  # noqa: E402
from tests.fakebotapi import MAX_MESSAGE_LENGTH, FakeBotAPI, parse_telegram_html  # noqa: E402

MAX_BUILD_S = 5.0
MIN_RATE_SHARE = 0.8
TELEGRAM_RATE = 30  # messages a second Telegram allows a bot across all chats, roughly
CHANNEL = "@claimbot_bench"
FIRST_CHAT = 700_000_001

# Made-up names and outlets: realistic in shape, none taken from the sample articles.
TOPICS = {
    "floods": ("households evacuated", "millimetres of rain", "bridges closed", "EUR"),
    "inflation": ("%", "basis points", "price rises", "USD"),
    "troops": ("soldiers", "armoured vehicles", "drones", "kilometres"),
    "elections": ("%", "votes", "polling stations", "seats"),
    "budget": ("USD", "EUR", "jobs", "hospitals"),
    "company results": ("USD", "%", "employees", "stores"),
    "energy": ("megawatts", "%", "barrels a day", "EUR"),
    "health": ("patients", "beds", "vaccinations", "%"),
}
PEOPLE = (
    "Marta Lindqvist",
    "Tomasz Wrona",
    "Amara Osei",
    "Hiroshi Tanabe",
    "Elena Marchetti",
    "Rafael Quintero",
    "Ingrid Solberg",
    "Dmitri Avalov",
    "Priya Raghunath",
    "Lucas Ferreira",
    "Nadia Haddad",
    "Owen Gallagher",
)
ORGANISATIONS = (
    "the interior ministry",
    "the central bank",
    "the defence ministry",
    "the national statistics office",
    "the electoral commission",
    "the regional health authority",
    "the grid operator",
    "Northwind Holdings",
)
OUTLETS = (
    ("North Star Courier", "northstar-courier.example"),
    ("Harbour Evening Post", "harbourpost.example"),
    ("Plains Tribune", "plainstribune.example"),
    ("Coastal Wire", "coastalwire.example"),
    ("Metro Daily", "metrodaily.example"),
    ("Valley Ledger", "valleyledger.example"),
)
VERBS = ("said", "told reporters", "warned", "estimated", "announced", "confirmed")
QUALIFIERS = (None, None, "about", "more than", "up to", "nearly")


@dataclass(frozen=True)
class BuildResult:
    claims: int
    selected: int
    seconds: float
    messages: list[str]


@dataclass(frozen=True)
class FanoutResult:
    subscribe_s: float
    wall_s: float
    recipients: int
    served: int
    skipped: int
    blocked: int
    failed: int
    messages: tuple[str, ...]
    sends: int
    max_window: int
    lost: int
    duplicated: int
    wrong_text: int
    ledger_bytes: int
    ledger_sent_lines: int
    send_s: float
    fake_errors: list[str]

    @property
    def rate(self) -> float:
        return self.sends / self.wall_s if self.wall_s else 0.0

    def rate_held(self, configured: float) -> bool:
        return self.rate >= MIN_RATE_SHARE * configured and self.max_window <= configured + 1

    def exact(self) -> bool:
        """Every recipient got every part once, and nothing else was sent."""
        expected = self.recipients * len(self.messages)
        wrong = self.lost or self.duplicated or self.wrong_text or self.failed or self.blocked
        return bool(self.messages) and not wrong and self.sends == expected


def synthetic_claims(count: int, now: datetime, seed: int = 11) -> list[Claim]:
    """`count` distinct claims; most first seen within the day before `now`, a few older ones to skip."""
    rng = random.Random(seed)
    speakers = PEOPLE + ORGANISATIONS
    topics = list(TOPICS)
    out: list[Claim] = []
    for n in range(count):
        topic = topics[n % len(topics)] if n % 5 else rng.choice(topics)
        speaker = rng.choice(speakers)
        figures = tuple(_figure(rng, rng.choice(TOPICS[topic])) for _ in range(rng.choice((1, 1, 1, 2, 3))))
        said = (now - timedelta(days=rng.randint(0, 2))).date() if rng.random() < 0.7 else None
        first_seen = now - timedelta(seconds=rng.randint(60, 86_000))
        if n % 50 == 49:
            first_seen = now - timedelta(days=rng.randint(2, 30))  # seen before the last digest
        statement = (
            f"{speaker[0].upper()}{speaker[1:]} {rng.choice(VERBS)} that "
            + " and ".join(f"{f.text} {f.unit or ''}".strip() for f in figures)
            + f" were recorded in the {topic} report for district {rng.randint(1, 40)}, "
            f"the {rng.choice(('highest', 'lowest', 'largest', 'first such'))} figure since "
            f"{rng.randint(1990, 2023)}."
        )
        sources = tuple(_source(rng, n, k, statement, now.date()) for k in range(rng.choice((1, 1, 2, 3))))
        out.append(
            Claim(
                id=f"digest-bench-{n:06d}",
                speaker=speaker,
                statement=statement,
                figures=figures,
                said_on=said,
                topic=topic,
                sources=sources,
                relayed_by=rng.choice(PEOPLE) if rng.random() < 0.1 else None,
                first_seen=first_seen,
            )
        )
    return out


def _figure(rng: random.Random, unit: str) -> Figure:
    qualifier = rng.choice(QUALIFIERS)
    if rng.random() < 0.2:
        low = float(rng.randint(1, 50) * 100)
        high = low + rng.randint(1, 20) * 100
        return Figure(f"{low:,.0f}-{high:,.0f}", low=low, high=high, unit=unit, qualifier=qualifier)
    value = round(rng.uniform(0.5, 12.0), 1) if unit == "%" else float(rng.randint(2, 90_000))
    text = f"{value:g}" if unit == "%" else f"{value:,.0f}"
    return Figure(
        f"{qualifier + ' ' if qualifier else ''}{text}", value=value, unit=unit, qualifier=qualifier
    )


def _source(rng: random.Random, n: int, k: int, statement: str, today: date) -> Source:
    outlet, host = rng.choice(OUTLETS)
    return Source(
        document=f"{host}/{n:06d}-{k}",
        sentence=statement,
        outlet=outlet,
        url=f"https://{host}/news/{today:%Y/%m/%d}/story-{n:06d}-{k}?ref=rss&lang=en",
        published=today - timedelta(days=rng.randint(0, 1)),
    )


# --- 1. building the digest ---------------------------------------------------------------------------


def bench_build(claims: list[Claim], now: datetime, folder: Path) -> BuildResult:
    """The digest as the bot makes it: the claims written to a store first, then the day's run prepared
    from the store (claims read back, new ones selected, the message rendered, the run kept)."""
    store = ClaimStore(folder / "build.json")
    with store.batch() as batch:
        batch.put_claims(claims)
        batch.set_state(WATERMARK, (now - timedelta(days=1)).isoformat())
    t0 = time.perf_counter()
    run = prepare(store, now.date(), now, None, when_empty=False)
    seconds = time.perf_counter() - t0
    selected = len(new_claims(store.claims(), now - timedelta(days=1), now))
    return BuildResult(len(claims), selected, seconds, list(run.messages))


def plain_length(message: str) -> int:
    """What Telegram counts against its 4096 limit: the text after HTML parsing."""
    return len(parse_telegram_html(message)[0])


# --- 2. fan-out ---------------------------------------------------------------------------------------


def max_in_window(times: Sequence[float], width: float = 1.0) -> int:
    """The most timestamps in any half-open window [t, t + width) starting at one of them."""
    ordered = sorted(times)
    return max((bisect.bisect_left(ordered, t + width) - i for i, t in enumerate(ordered)), default=0)


def timed(send: Send, spent: list[float], rtt: float = 0.0) -> Send:
    """The sender, adding each call's round trip (PTB + HTTP + the fake server) to spent[0].

    `rtt` seconds are waited before each call: the network latency to api.telegram.org that a loopback fake
    does not have, and that a sender awaiting one message at a time pays in full for every message.
    """

    async def wrapped(chat: int | str, text: str) -> object:
        t0 = time.perf_counter()
        try:
            if rtt > 0:
                await asyncio.sleep(rtt)
            return await send(chat, text)
        finally:
            spent[0] += time.perf_counter() - t0

    return wrapped


async def _fan_out(
    store: ClaimStore,
    fake: FakeBotAPI,
    now: datetime,
    limits: Limits,
    pool: int,
    rtt: float,
    spent: list[float],
) -> tuple[float, int, int, int, int]:
    request = HTTPXRequest(connection_pool_size=pool)
    bot = Bot(fake.token, base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/file/bot", request=request)
    async with bot:
        t0 = time.perf_counter()
        report = await send_digest(
            store, timed(bot_sender(bot), spent, rtt), now=now, day=now.date(), channel=CHANNEL, limits=limits
        )
        wall = time.perf_counter() - t0
    return wall, report.sent, report.skipped, len(report.blocked), len(report.failed)


def bench_fanout(
    claims: list[Claim],
    subscribers: int,
    now: datetime,
    limits: Limits,
    pool: int,
    folder: Path,
    rtt: float = 0.0,
) -> FanoutResult:
    store = ClaimStore(folder / "claims.json")
    chats = list(range(FIRST_CHAT, FIRST_CHAT + subscribers))
    t0 = time.perf_counter()
    with store.batch() as batch:
        batch.put_claims(claims)
        for chat in chats:
            batch.subscribe(chat)
    subscribe_s = time.perf_counter() - t0

    spent = [0.0]
    fake = FakeBotAPI().start()
    try:
        wall, served, skipped, blocked, failed = asyncio.run(
            _fan_out(store, fake, now, limits, pool, rtt, spent)
        )
        calls = fake.calls_to("sendMessage")
        sent = list(fake.sent)
        errors = list(fake.errors)
    finally:
        fake.stop()

    days = store.digest_days()
    run = store.digest_run(days[0]) if days else None
    messages: tuple[str, ...] = run.messages if run else ()
    got: dict[str, Counter[str]] = {}
    for row in sent:
        if row.get("method") == "sendMessage":
            got.setdefault(str(row.get("chat_id")), Counter())[str(row.get("text"))] += 1
    lost = duplicated = wrong = 0
    for recipient in [CHANNEL, *map(str, chats)]:
        counts = got.pop(recipient, Counter())
        lost += sum(1 for m in messages if counts[m] == 0)
        duplicated += sum(counts[m] - 1 for m in messages if counts[m] > 1)
        wrong += sum(n for text, n in counts.items() if text not in messages)
    wrong += sum(sum(c.values()) for c in got.values())  # chats nobody subscribed

    ledger = DeliveryLedger.beside(store.path)
    sent_lines = sum(1 for state in ledger.states(now.date().isoformat()).values() if state == SENT)
    return FanoutResult(
        subscribe_s=subscribe_s,
        wall_s=wall,
        recipients=subscribers + 1,
        served=served,
        skipped=skipped,
        blocked=blocked,
        failed=failed,
        messages=messages,
        sends=len(calls),
        max_window=max_in_window([c.at for c in calls]),
        lost=lost,
        duplicated=duplicated,
        wrong_text=wrong,
        ledger_bytes=ledger.path.stat().st_size if ledger.path.exists() else 0,
        ledger_sent_lines=sent_lines,
        send_s=spent[0],
        fake_errors=errors,
    )


def ledger_mark_ms(folder: Path, marks: int = 200) -> float:
    """One fsync'd ledger append, as deliver() makes two of per message."""
    ledger = DeliveryLedger(folder / "probe.jsonl")
    t0 = time.perf_counter()
    for i in range(marks):
        ledger.mark("probe", i, 0, SENT)
    return (time.perf_counter() - t0) / marks * 1000


def report_fanout(label: str, fan: FanoutResult, claims: int, configured: float) -> None:
    parts = len(fan.messages)
    longest = max((len(m) for m in fan.messages), default=0)
    print(
        f"{label} fan-out: {claims}-claim digest = {parts} message(s) (longest {longest} chars) to {CHANNEL} "
        f"+ {fan.recipients - 1} subscribers (subscribed + claims put in one batch: {fan.subscribe_s:.2f} s)"
    )
    print(
        f"  {fan.sends} sendMessage calls of {fan.recipients * parts} expected; served {fan.served}, "
        f"skipped {fan.skipped}, blocked {fan.blocked}, failed {fan.failed}"
    )
    print(
        f"  wall {fan.wall_s:.1f} s; average {fan.rate:.1f} messages/s of {configured:g} configured; "
        f"busiest 1-s window {fan.max_window} (fake server receive times)"
    )
    print(
        f"  delivery check (fake.sent per chat): {fan.lost} lost, {fan.duplicated} duplicated, "
        f"{fan.wrong_text} unexpected; ledger {fan.ledger_bytes / 1024:.0f} KiB, "
        f"{fan.ledger_sent_lines} parts 'sent'"
    )
    if fan.fake_errors:
        print(f"  fake server errors: {fan.fake_errors[:3]}")


def duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.1f} s"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--subscribers", type=int, default=10_000, help="chats subscribed (default 10000)")
    ap.add_argument("--rate", type=float, default=200.0, help="configured messages/s overall (default 200)")
    ap.add_argument("--claims", type=int, default=5_000, help="claims in the build benchmark (default 5000)")
    ap.add_argument(
        "--fanout-claims",
        type=int,
        default=8,
        help="claims in the digest sent to all (default 8: one message)",
    )
    ap.add_argument(
        "--probe-claims", type=int, default=30, help="claims in the multi-part probe (default 30)"
    )
    ap.add_argument(
        "--probe-subscribers", type=int, default=500, help="subscribers for the multi-part probe (0: skip it)"
    )
    ap.add_argument("--pool", type=int, default=8, help="PTB httpx connection pool size (default 8)")
    ap.add_argument(
        "--rtt-ms",
        type=float,
        default=0.0,
        help="simulated network round trip per send (default 0: loopback)",
    )
    ap.add_argument("--seed", type=int, default=11, help="random seed for the synthetic claims")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)
    if (
        args.subscribers < 1
        or args.rate <= 0
        or args.claims < 1
        or min(args.fanout_claims, args.probe_claims) < 1
    ):
        ap.error("--subscribers, --rate and the claim counts must be positive")

    now = datetime.now(UTC).replace(microsecond=0)
    print(f"cpus: {os.cpu_count()}; python {sys.version.split()[0]}")

    # 1. build, from a store
    claims = synthetic_claims(args.claims, now, args.seed)
    with tempfile.TemporaryDirectory(prefix="claimbot-digest-build-") as tmp:
        build = bench_build(claims, now, Path(tmp))
    raw = max((len(m) for m in build.messages), default=0)
    plain = max((plain_length(m) for m in build.messages), default=0)
    print(
        f"digest build: {build.claims} claims ({len({c.speaker for c in claims})} speakers, "
        f"{len(TOPICS)} topics), {build.selected} new in the last day -> {len(build.messages)} messages "
        f"per chat, prepared from the store in {build.seconds:.2f} s (read, select, render, keep the run)"
    )
    print(f"  longest message: {raw} chars of HTML, {plain} chars as Telegram counts them (limit 4096)")
    sends = (args.subscribers + 1) * max(len(build.messages), 1)
    print(
        f"  at the default 25 messages/s, {args.subscribers} chats and a channel take "
        f"{duration(sends / 25)} ({sends} messages)"
    )

    # 2. fan-out: the full subscriber list, then a multi-part digest to a few chats
    rtt = args.rtt_ms / 1000
    limits = Limits(per_second=args.rate, per_chat_interval=1.0, per_group_minute=20)
    print(
        f"fan-out at a configured {args.rate:g} messages/s (Telegram's real limit is about {TELEGRAM_RATE}/s"
        f"{'; this rate is above it only to keep the run short' if args.rate > TELEGRAM_RATE else ''}), "
        "1 message/s per chat, "
        f"20/min per group; PTB httpx pool {args.pool}; simulated round trip {args.rtt_ms:g} ms"
    )
    with tempfile.TemporaryDirectory(prefix="claimbot-digest-bench-") as tmp:
        folder = Path(tmp)
        small = synthetic_claims(args.fanout_claims, now, args.seed + 1)
        (folder / "full").mkdir()
        fan = bench_fanout(small, args.subscribers, now, limits, args.pool, folder / "full", rtt)
        report_fanout("full", fan, len(small), args.rate)
        mark_ms = ledger_mark_ms(folder)
        budget = 1000 / args.rate
        per_send = fan.send_s / fan.sends * 1000 if fan.sends else 0.0
        print(
            f"  per message: send round trip {per_send:.2f} ms (PTB + HTTP + in-process fake + rtt), "
            f"ledger mark {mark_ms:.2f} ms x 2 (fsync); budget at {args.rate:g}/s is {budget:.2f} ms"
        )
        probe = None
        if args.probe_subscribers > 0:
            longer = synthetic_claims(args.probe_claims, now, args.seed + 2)
            (folder / "probe").mkdir()
            probe = bench_fanout(
                longer, args.probe_subscribers, now, limits, args.pool, folder / "probe", rtt
            )
            report_fanout("multi-part", probe, len(longer), args.rate)
            if probe.wall_s and probe.recipients:
                projected = probe.wall_s / probe.recipients * (args.subscribers + 1)
                print(
                    f"  projected for {args.subscribers} subscribers at this pace: {duration(projected)} "
                    f"(vs {duration(fan.wall_s)} for the {len(fan.messages)}-message digest)"
                )

    rate_ok = fan.rate_held(args.rate)
    exact_ok = fan.exact() and (probe is None or probe.exact())
    build_ok = build.seconds < MAX_BUILD_S and plain <= MAX_MESSAGE_LENGTH
    print(
        f"target rate held, {len(fan.messages)}-message digest to {fan.recipients} "
        f"(avg >= {MIN_RATE_SHARE * args.rate:.0f}/s, no 1-s window over {args.rate + 1:.0f}): "
        f"{verdict(rate_ok)} ({fan.rate:.1f}/s, max window {fan.max_window})"
    )
    ok = [rate_ok, exact_ok, build_ok]
    if probe is not None:
        ok.append(probe.rate_held(args.rate))
        print(
            f"target rate held, {len(probe.messages)}-message digest to {probe.recipients}: "
            f"{verdict(ok[-1])} ({probe.rate:.1f}/s, max window {probe.max_window})"
        )
    lost = fan.lost + (probe.lost if probe else 0)
    duplicated = fan.duplicated + (probe.duplicated if probe else 0)
    print(
        f"target every recipient gets each part exactly once: {verdict(exact_ok)} "
        f"({lost} lost, {duplicated} duplicated)"
    )
    print(
        f"target digest build of {build.claims} claims < {MAX_BUILD_S:.0f} s, messages <= "
        f"{MAX_MESSAGE_LENGTH}: {verdict(build_ok)} ({build.seconds:.2f} s, longest {plain})"
    )
    return 1 if args.strict and not all(ok) else 0


if __name__ == "__main__":
    raise SystemExit(main())
