"""Word an Answer for the reader: Telegram HTML messages, and the same text for a terminal.

One renderer serves the bot and the command line so both say the same thing. Every piece of dynamic text
is escaped here, and only <b>, <i> and <a href> are emitted, because Telegram rejects a whole message over
one bad tag. Long replies are split between blocks, never inside one, so each message is valid on its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.ask.answer import (
    AMBIGUOUS_SPEAKER,
    EMPTY_STORE,
    FOUND,
    NOTHING,
    OFF_TOPIC,
    UNKNOWN_SPEAKER,
    UNREADABLE,
    Answer,
)
from bot.models import Claim, Source
from bot.render import figure_text
from bot.vocabulary import DURATION_UNITS

if TYPE_CHECKING:
    from bot.service import SpeakerCard

TELEGRAM_LIMIT = 4096

STATEMENT_CHARS = 300  # long enough for a sentence, short enough that five claims fit one message
_ECHO_CHARS = 80  # how much of the user's own question is echoed back
_MAX_OUTLETS = 5  # links shown per claim; the count covers the rest
_MAX_LISTED = 8  # alternatives named in a "did you mean" / "try" line
_MIN_STATEMENT = 20  # below this a shortened statement says nothing; drop it instead
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_HELP = (
    "Ask me who said what, with which figures. For example:\n"
    "• <i>What did the Pentagon say about North Korean troops?</i>\n"
    "• <i>Zelensky on drone attacks</i>"
)


# --- small text helpers --------------------------------------------------------------------------------


def _esc(text: str) -> str:
    """Text content: & < > only, so apostrophes stay readable in the raw message."""
    return html.escape(text, quote=False)


def _date_text(day: date) -> str:
    """'23 Dec 2024', the same in every locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def shorten(text: str, max_chars: int) -> str:
    """Cut on a word boundary with '…' so a statement never ends mid-word (max_chars includes the '…')."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    if max_chars <= 1:
        return "…"[:max_chars]
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space > max_chars // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—&") + "…"


def _safe_url(url: str | None) -> str | None:
    """Only web links: a javascript: or data: URL must never become clickable."""
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")) or any(ch.isspace() for ch in url):
        return None
    return url


def _link(label: str, url: str | None) -> str:
    safe = _safe_url(url)
    if safe is None:
        return _esc(label)
    return f'<a href="{html.escape(safe, quote=True)}">{_esc(label)}</a>'


def _names(items: Iterable[str], wrap: str = "") -> str:
    """'A, B, C' escaped, optionally each in a tag; at most _MAX_LISTED so a reply stays a reply."""
    listed = [i for i in items if i.strip()][:_MAX_LISTED]
    if wrap:
        return ", ".join(f"<{wrap}>{_esc(i)}</{wrap}>" for i in listed)
    return ", ".join(_esc(i) for i in listed)


# --- one claim -------------------------------------------------------------------------------------------


def _outlets(sources: Iterable[Source]) -> list[tuple[str, str | None]]:
    """Each outlet once, with its first usable link; a source with no outlet is named by its web host."""
    seen: dict[str, tuple[str, str | None]] = {}
    for source in sources:
        url = _safe_url(source.url)
        name = (source.outlet or "").strip() or (urlsplit(url).hostname or "" if url else "")
        if not name:
            continue
        key = name.casefold()
        if key not in seen:
            seen[key] = (name, url)
        elif seen[key][1] is None and url is not None:
            seen[key] = (seen[key][0], url)
    return list(seen.values())


def _first_reported(claim: Claim) -> date | None:
    days = [s.published for s in claim.sources if s.published is not None]
    return min(days) if days else None


def _figures_html(claim: Claim, shown: str | None = None) -> str:
    """The figures in bold; spans of time ("two days") only when the claim has no other figure. With the
    statement as `shown`, only the figures it carries: a bold number beside a quote must be in it."""
    figures = [f for f in claim.figures if shown is None or f.text.casefold() in shown.casefold()]
    counts = [f for f in figures if (f.unit or "").lower() not in DURATION_UNITS] or figures
    return ", ".join(f"<b>{_esc(figure_text(f))}</b>" for f in counts)


def _claim_html(claim: Claim, *, show_speaker: bool = True, statement_chars: int = STATEMENT_CHARS) -> str:
    """One claim's block; statement_chars <= 0 leaves the statement out (last resort for tiny limits)."""
    lines: list[str] = []
    statement = shorten(claim.statement, statement_chars) if statement_chars > 0 else ""
    figures = _figures_html(claim, statement if statement.strip() else None)
    if figures:
        lines.append(figures)
    if statement.strip():
        lines.append(f"“{_esc(statement)}”")
    said: list[str] = []
    if show_speaker:
        said.append(f"<b>{_esc(claim.speaker)}</b>")
    if claim.said_on is not None:
        said.append(f"said {_date_text(claim.said_on)}")
    else:
        reported = _first_reported(claim)
        said.append("date not stated" + (f" (reported {_date_text(reported)})" if reported else ""))
    if claim.relayed_by:
        said.append(f"via {_esc(claim.relayed_by)}")
    lines.append(" · ".join(said))
    outlets = _outlets(claim.sources)
    if outlets:
        links = ", ".join(_link(name, url) for name, url in outlets[:_MAX_OUTLETS])
        if len(outlets) > _MAX_OUTLETS:
            links += ", …"
        if len(outlets) > 1:
            links += f" · reported by {len(outlets)} outlets"
        lines.append(links)
    return "\n".join(lines)


def render_claim(claim: Claim) -> str:
    """One claim as one HTML block: figures, statement, speaker and date, the outlets that carried it."""
    return _claim_html(claim)


def _fit_claim(claim: Claim, show_speaker: bool, limit: int) -> str | None:
    """The claim block within `limit` with its statement shortened as needed; None if no useful part fits."""
    full = _claim_html(claim, show_speaker=show_speaker)
    if len(full) <= limit:
        return full
    bare = _claim_html(claim, show_speaker=show_speaker, statement_chars=0)
    overhead = len(bare) + len("\n“”") if claim.statement.strip() else len(bare)
    budget = min(STATEMENT_CHARS, limit - overhead)
    while budget >= _MIN_STATEMENT:
        block = _claim_html(claim, show_speaker=show_speaker, statement_chars=budget)
        if len(block) <= limit:
            return block
        budget -= len(block) - limit  # escaping made it longer than the raw cut; take off the excess
    return None


def _squeeze_claim(claim: Claim, show_speaker: bool, limit: int) -> str:
    """Last resort for a tiny limit: shortened statement, else no statement, else clipped."""
    fitted = _fit_claim(claim, show_speaker, limit)
    if fitted is not None:
        return fitted
    bare = _claim_html(claim, show_speaker=show_speaker, statement_chars=0)
    return bare if len(bare) <= limit else clip_html(bare, limit)


# --- the comparison section --------------------------------------------------------------------------------


def _other_line(claim: Claim) -> str:
    """'Pentagon: <b>about 1,000 soldiers</b> (30 Dec 2024)': who else put a number on it, and when."""
    what = _figures_html(claim) or f"“{_esc(shorten(claim.statement, 100))}”"
    day = claim.said_on or _first_reported(claim)
    when = f" ({_date_text(day)})" if day else ""
    via = f" via {_esc(claim.relayed_by)}" if claim.relayed_by else ""
    return f"{_esc(claim.speaker)}{via}: {what}{when}"


# --- splitting ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """A unit that is never split: `sep` goes before it when it shares a message with the block before."""

    html: str
    sep: str = "\n\n"
    claim: Claim | None = None  # a claim block can be shortened by cutting its statement
    show_speaker: bool = True
    lead: bool = False  # a header: the next block is shortened rather than leave it alone in a message


_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|[^<&]+|[<&]")
_OPEN = re.compile(r"<(\w+)")


def clip_html(markup: str, limit: int) -> str:
    """Cut HTML to at most `limit` characters with '…', never inside a tag or entity, closing open tags."""
    if len(markup) <= limit:
        return markup
    out: list[str] = []
    stack: list[str] = []
    used = 0

    def closing() -> int:
        return sum(len(f"</{t}>") for t in stack)

    for match in _TOKEN.finditer(markup):
        token = match.group()
        if token.startswith("</"):
            if stack:
                out.append(token)
                used += len(token)
                stack.pop()
            continue
        opened = _OPEN.match(token)
        if opened:
            extra = len(f"</{opened.group(1)}>")
            if used + len(token) + extra + closing() + 1 > limit:
                break
            out.append(token)
            used += len(token)
            stack.append(opened.group(1))
            continue
        room = limit - used - closing() - 1  # 1 for the '…'
        if len(token) <= room:
            out.append(token)
            used += len(token)
            continue
        if not token.startswith("&") and room > 0:
            out.append(token[:room])
        break
    while out and (_OPEN.match(out[-1]) or not out[-1].strip()):  # no empty <b></b> or space at the cut
        if _OPEN.match(out.pop()):
            stack.pop()
    if out and not out[-1].startswith(("<", "&")):
        out[-1] = out[-1].rstrip()
    result = "".join(out) + "…" + "".join(f"</{t}>" for t in reversed(stack))
    return result if len(result) <= limit else "…"[:limit]


def _pack(blocks: list[_Block], limit: int) -> list[str]:
    """Fill messages block by block in order; a block that fits nowhere is shortened to fit alone."""
    messages: list[str] = []
    current = ""
    previous: _Block | None = None
    for block in blocks:
        if current and len(current) + len(block.sep) + len(block.html) <= limit:
            current += block.sep + block.html
            previous = block
            continue
        if previous is not None and previous.lead and current == previous.html and block.claim is not None:
            squeezed = _fit_claim(block.claim, block.show_speaker, limit - len(current) - len(block.sep))
            if squeezed is not None:
                current += block.sep + squeezed
                previous = block
                continue
        if current:
            messages.append(current)
        current = block.html
        if len(current) > limit:
            if block.claim is not None:
                current = _squeeze_claim(block.claim, block.show_speaker, limit)
            else:
                current = clip_html(current, limit)
        previous = block
    if current:
        messages.append(current)
    return messages


def render_sources(claims: Sequence[Claim], *, limit: int = TELEGRAM_LIMIT) -> str:
    """Where each claim was reported: outlet, date and the sentence as it stands in the article."""
    blocks = []
    for claim in claims:
        lines = [f"<b>{_esc(claim.speaker)}</b>: {_esc(shorten(claim.statement, 100))}"]
        for source in claim.sources:
            label = source.outlet or source.document
            when = f" ({_date_text(source.published)})" if source.published else ""
            lines.append(f"• {_link(label, source.url)}{when}: “{_esc(shorten(source.sentence, 200))}”")
        blocks.append("\n".join(lines))
    text = "\n\n".join(blocks) or "No sources."
    return text if len(text) <= limit else clip_html(text, limit)


def render_claims(
    sections: Sequence[tuple[str, Sequence[Claim]]], *, title: str = "", limit: int = TELEGRAM_LIMIT
) -> list[str]:
    """Claims under section headings (a digest, a /latest list) as messages under the limit."""
    blocks = [_Block(title, lead=True)] if title else []
    for heading, claims in sections:
        if heading:
            blocks.append(_Block(f"<b>{_esc(heading)}</b>", lead=True))
        blocks += [_Block(_claim_html(c), claim=c) for c in claims]
    return _pack(blocks, limit)


BRIEF_CHARS = 140  # a claim's gist in the short digest
_CLOSING_RESERVE = 160  # room kept for the closing line of a short digest


def _brief_line(claim: Claim) -> str:
    """One claim in one or two lines: speaker, figure, gist, the outlet that carried it."""
    gist = shorten(claim.statement, BRIEF_CHARS)
    figures = _figures_html(claim, gist)
    outlet = _outlets(claim.sources)[:1]
    link = f" ({_link(*outlet[0])})" if outlet else ""
    lead = f"{figures}: " if figures else ""
    return f"• <b>{_esc(claim.speaker)}</b> — {lead}{_esc(gist)}{link}"


def render_brief(
    sections: Sequence[tuple[str, Sequence[Claim]]],
    *,
    total: int,
    title: str,
    limit: int = TELEGRAM_LIMIT,
    max_messages: int = 1,
) -> list[str]:
    """A short digest: story headings with their top claims, a line each, in at most `max_messages`
    messages under the limit, closing with how many claims were left out and how to see them."""
    messages: list[str] = []
    current = title
    shown = 0
    for heading, claims in sections:
        lines = [f"<b>{_esc(heading)}</b>"]
        for claim in claims:
            line = _brief_line(claim)
            if len(current) + len("\n\n") + len("\n".join([*lines, line])) + _CLOSING_RESERVE > limit:
                break
            lines.append(line)
        if len(lines) == 1:  # not one claim of this story fits: the next message, if there may be one
            if len(messages) + 1 >= max_messages or not current:
                break
            messages.append(current)
            current = ""
            lines = [f"<b>{_esc(heading)}</b>", *(_brief_line(c) for c in claims[:1])]
            if len("\n".join(lines)) + _CLOSING_RESERVE > limit:
                break
        shown += len(lines) - 1
        current = "\n\n".join(filter(None, (current, "\n".join(lines))))
    left = total - shown
    if left > 0:
        current += f"\n\n…and {left} more new claim{'s' * (left != 1)}: send /digest full to see them all."
    messages.append(current)
    return [clip_html(m, limit) for m in messages]


def render_card(card: SpeakerCard | None, name: str, close: Sequence[str] = ()) -> list[str]:
    """A speaker's card (/who): names, roles, how many claims, topics, the latest claims; or, when there
    is no such speaker, the closest names."""
    if card is None:
        hint = f" Did you mean: {_esc(', '.join(close))}?" if close else ""
        return [f"I have no claims from <b>{_esc(name)}</b>.{hint}"]
    speaker = card.speaker
    lines = [f"<b>{_esc(speaker.name)}</b> ({_esc(speaker.kind)})"]
    aliases = [a for a in speaker.aliases if a != speaker.name]
    if aliases:
        lines.append("Also written: " + _esc(", ".join(aliases[:8])))
    if speaker.roles:
        lines.append("Described as: " + _esc(", ".join(speaker.roles[:5])))
    lines.append(f"{card.claims} claim{'s' * (card.claims != 1)}")
    if card.topics:
        lines.append("Topics: " + _esc(", ".join(card.topics)))
    return render_claims([("Latest claims", card.latest)], title="\n".join(lines))


def render_latest(claims: Sequence[Claim]) -> list[str]:
    """The newest claims (/latest)."""
    if not claims:
        return ["No claims stored yet."]
    return render_claims([("", claims)], title="<b>Latest claims</b>")


# --- the reply ------------------------------------------------------------------------------------------


def _header(answer: Answer) -> str:
    """What was understood, in natural words: "Who said 3,800", "Pentagon on North Korean casualties"."""
    speaker, topic = answer.speaker, answer.topic
    on = f" on <i>{_esc(topic)}</i>" if topic else ""
    if answer.figure:
        return f"Who said <b>{_esc(answer.figure)}</b>{on}"
    if speaker and answer.versus:
        return f"<b>{_esc(speaker)}</b> vs {_names(answer.versus, 'b')}{on}"
    if speaker and topic:
        return f"<b>{_esc(speaker)}</b> on <i>{_esc(topic)}</i>"
    if topic:
        return f"On <i>{_esc(topic)}</i>"
    if speaker:
        return f"Latest from <b>{_esc(speaker)}</b>"
    question = shorten(answer.question, _ECHO_CHARS)
    return f"About <i>{_esc(question)}</i>" if question else "Latest claims"


def _found_blocks(answer: Answer, max_claims: int) -> list[_Block]:
    blocks = [_Block(_header(answer), lead=True)]
    shown = answer.claims[: max(max_claims, 1)]
    for claim in shown:
        show = answer.speaker is None or claim.speaker != answer.speaker
        blocks.append(_Block(_claim_html(claim, show_speaker=show), claim=claim, show_speaker=show))
    if len(answer.claims) > len(shown):
        blocks.append(_Block(f"…and {len(answer.claims) - len(shown)} more"))
    others = answer.others[: max(max_claims, 1)]
    for i, other in enumerate(others):
        line = _other_line(other)
        if i == 0:
            blocks.append(_Block(f"<b>Other figures on this:</b>\n{line}"))
        else:
            blocks.append(_Block(line, sep="\n"))
    if len(answer.others) > len(others):
        blocks.append(_Block(f"…and {len(answer.others) - len(others)} more", sep="\n"))
    return blocks


def _status_text(answer: Answer) -> str:
    """The plain, honest reply for every outcome but FOUND-with-claims."""
    status, alts = answer.status, answer.alternatives
    speaker = f"<b>{_esc(answer.speaker)}</b>" if answer.speaker else "that name"
    topic = f"<i>{_esc(answer.topic)}</i>" if answer.topic else None
    if status == UNKNOWN_SPEAKER:
        text = f"I have no claims from {speaker}."
        return text + (f"\nClosest names: {_names(alts)}." if alts else "")
    if status == AMBIGUOUS_SPEAKER:
        if alts:
            return f"Did you mean: {_names(alts)}?"
        return "Several speakers fit that name. Please give the full name."
    if status == OFF_TOPIC:
        about = f" about {topic}" if topic else " on that"
        text = f"I have no claims from {speaker}{about}."
        return text + (f"\nThey have spoken about: {_names(alts)}." if alts else "")
    if status in (NOTHING, FOUND):  # FOUND with no claims is nothing found, said plainly
        echo = shorten(answer.question, _ECHO_CHARS)
        subject = topic or (f"<i>{_esc(echo)}</i>" if echo else "")
        text = f"I found no claims about {subject}." if subject else "I found no claims for that."
        return text + (f"\nTry: {_names(alts)}." if alts else "")
    if status == EMPTY_STORE:
        return "No claims stored yet. Add some news articles first, then ask again."
    if status == UNREADABLE:
        return "I could not read that as a question.\n" + _HELP
    return "I could not answer that.\n" + _HELP


def render_answer(answer: Answer, *, limit: int = TELEGRAM_LIMIT, max_claims: int = 5) -> list[str]:
    """The reply as Telegram-HTML messages, each at most `limit` characters (len of the str), in order."""
    if limit < 1:
        raise ValueError(f"limit must be positive, got {limit}")
    if answer.status == FOUND and answer.claims:
        blocks = _found_blocks(answer, max_claims)
    else:
        blocks = [_Block(_status_text(answer))]
    return _pack(blocks, limit)


# --- the terminal ----------------------------------------------------------------------------------------


#: Terminal styles for the tags a reply uses, when colour is asked for: bold figures and names, dim links.
_STYLES = {"b": "\033[1m", "strong": "\033[1m", "i": "\033[3m", "em": "\033[3m"}
_LINK, _RESET = "\033[2m", "\033[0m"


class _TextParser(HTMLParser):
    def __init__(self, colour: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hrefs: list[tuple[str | None, int]] = []
        self._colour = colour

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._hrefs.append((dict(attrs).get("href"), len(self.parts)))
        elif tag == "br":
            self.parts.append("\n")
        elif self._colour and tag in _STYLES:
            self.parts.append(_STYLES[tag])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._hrefs:
            href, start = self._hrefs.pop()
            label = "".join(self.parts[start:]).strip()
            if href and href != label:
                link = f" ({href})"
                self.parts.append(f"{_LINK}{link}{_RESET}" if self._colour else link)
        elif self._colour and tag in _STYLES:
            self.parts.append(_RESET)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(markup: str, *, colour: bool = False) -> str:
    """The same reply for a terminal: tags removed, links as 'text (url)', entities unescaped; with
    `colour` (a terminal that shows it), bold stays bold and links are dimmed."""
    parser = _TextParser(colour)
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)
