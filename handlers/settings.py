"""/settings, /follow and /unfollow: a chat's own digest (on or off, its time and zone, only what it follows).

The settings live in the store through the port's chat settings (keys in bot/chatsettings.py); whether the
digest comes at all is the chat's subscription. In a group only its admins (or the bot's) change anything
(handlers/subscribe.may_change); anyone may look.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from html import escape as _escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.ask.render import TELEGRAM_LIMIT, clip_html
from bot.chatsettings import (
    TIME_CHOICES,
    ChatPrefs,
    ChatSetting,
    Follow,
    FollowKind,
    clean_follow,
    parse_time,
    parse_zone,
    prefs_from,
    topic_terms,
    with_follow,
    without_follow,
)
from bot.core import Core
from handlers.common import core
from handlers.subscribe import may_change


def escape(text: str) -> str:
    """HTML-escaped for Telegram (quotes may stay: no attribute values are built from it)."""
    return _escape(text, quote=False)


USAGE = (
    "/settings shows this chat's settings. To change them: /settings time HH:MM, /settings zone Europe/Oslo, "
    "/settings digest on|off, /settings followed on|off (only what this chat follows), "
    "/settings alerts on|off (a message when a followed speaker says something new), "
    "/settings default (the bot's time and zone)."
)
_ON, _OFF = frozenset({"on", "yes", "1", "true"}), frozenset({"off", "no", "0", "false"})
_BUTTON = re.compile(r"^set:(digest|only|alerts|time|default):?(on|off|\d{4})?$")


class Action(StrEnum):
    """What a /settings word or button changes."""

    DIGEST = "digest"  # on/off: the chat's subscription
    ONLY = "only"  # on/off: only what the chat follows
    ALERTS = "alerts"  # on/off: a message when a followed speaker makes a new claim
    TIME = "time"  # HH:MM
    ZONE = "zone"  # an IANA zone name
    DEFAULT = "default"  # back to CLAIMBOT_DIGEST_TIME in CLAIMBOT_TZ


#: what people may type after /settings, for each action
_WORDS = {
    "digest": Action.DIGEST,
    "followed": Action.ONLY,
    "only": Action.ONLY,
    "alerts": Action.ALERTS,
    "time": Action.TIME,
    "zone": Action.ZONE,
    "tz": Action.ZONE,
    "timezone": Action.ZONE,
    "default": Action.DEFAULT,
    "reset": Action.DEFAULT,
}


@dataclass(frozen=True)
class View:
    """What /settings shows for one chat."""

    prefs: ChatPrefs
    subscribed: bool


def _hhmm(at: time) -> str:
    return at.strftime("%H:%M")


def render_settings(view: View, note: str = "") -> str:
    """The settings message (Telegram HTML, escaped, within the message limit)."""
    prefs = view.prefs
    when = f"<b>{_hhmm(prefs.time)}</b> {escape(prefs.zone)}" + (
        "" if prefs.own_schedule else " (the bot's default)"
    )
    lines = [f"<i>{escape(note)}</i>"] if note else []
    holds = "only what this chat follows" if prefs.only_followed else "every new claim"
    following = ", ".join(escape(f.name) for f in prefs.follows) or "nothing yet (/follow NAME or TOPIC)"
    lines += [
        "<b>Settings for this chat</b>",
        f"Daily digest: <b>{'on' if view.subscribed else 'off'}</b>, at {when}",
        f"It holds: <b>{holds}</b>",
        f"Alerts when a followed speaker says something new: <b>{'on' if prefs.alerts else 'off'}</b>",
        f"Following: {following}",
        "",
        escape(USAGE),
    ]
    return clip_html("\n".join(lines), TELEGRAM_LIMIT)


def settings_keyboard(view: View) -> InlineKeyboardMarkup:
    prefs = view.prefs
    times = [
        InlineKeyboardButton(
            ("✓ " if prefs.time == at else "") + _hhmm(at), callback_data=f"set:time:{at:%H%M}"
        )
        for at in TIME_CHOICES
    ]
    rows = [
        [
            InlineKeyboardButton(
                f"Digest: {'on' if view.subscribed else 'off'}",
                callback_data=f"set:digest:{'off' if view.subscribed else 'on'}",
            ),
            InlineKeyboardButton(
                f"Only followed: {'on' if prefs.only_followed else 'off'}",
                callback_data=f"set:only:{'off' if prefs.only_followed else 'on'}",
            ),
        ],
        [
            InlineKeyboardButton(
                f"Alerts: {'on' if prefs.alerts else 'off'}",
                callback_data=f"set:alerts:{'off' if prefs.alerts else 'on'}",
            )
        ],
        times,
    ]
    if prefs.own_schedule:
        rows.append([InlineKeyboardButton("The bot's default time and zone", callback_data="set:default")])
    return InlineKeyboardMarkup(rows)


def _view(the_core: Core, chat: int | str) -> View:
    config = the_core.settings
    prefs = prefs_from(the_core.chat_settings(chat), config.digest_time, config.timezone)
    return View(prefs, chat in the_core.store.subscribers())


def apply(the_core: Core, chat: int | str, action: Action, value: str) -> str:
    """Change one setting of a chat; what changed, in words. ValueError (with a message people can act on)
    for a bad value."""
    on = value.lower() in ("on", "yes", "1", "true")
    if action in (Action.DIGEST, Action.ONLY, Action.ALERTS) and value.lower() not in (
        "on",
        "off",
        "yes",
        "no",
        "1",
        "0",
    ):
        raise ValueError(f"Say on or off, e.g. /settings {action.value} on")
    if action == Action.DIGEST:
        (the_core.subscribe if on else the_core.unsubscribe)(chat)
        return "The daily digest is on." if on else "The daily digest is off."
    if action == Action.ONLY:
        the_core.set_chat_setting(chat, ChatSetting.ONLY_FOLLOWED, True if on else None)
        return "The digest holds only what this chat follows." if on else "The digest holds every new claim."
    if action == Action.ALERTS:
        the_core.set_chat_setting(chat, ChatSetting.ALERTS, True if on else None)
        return (
            "Alerts are on: a message when a followed speaker says something new."
            if on
            else "Alerts are off."
        )
    if action == Action.TIME:
        at = parse_time(value)
        the_core.set_chat_setting(chat, ChatSetting.DIGEST_TIME, _hhmm(at))
        return f"The digest comes at {_hhmm(at)}."
    if action == Action.ZONE:
        zone = parse_zone(value)
        the_core.set_chat_setting(chat, ChatSetting.TIMEZONE, zone)
        return f"Times are in {zone}."
    the_core.set_chat_setting(chat, ChatSetting.DIGEST_TIME, None)
    the_core.set_chat_setting(chat, ChatSetting.TIMEZONE, None)
    return "The digest comes at the bot's default time."


async def settings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/settings [time HH:MM | zone NAME | digest on|off | followed on|off | default]"""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    args = context.args or []
    note = ""
    if args:
        action = _WORDS.get(args[0].lower())
        value = " ".join(args[1:])
        if action is None or (action != Action.DEFAULT and not value):
            await message.reply_text(USAGE)
            return
        if not await may_change(update, context):
            return
        try:
            note = await asyncio.to_thread(apply, core(context), chat.id, action, value)
        except ValueError as exc:
            await message.reply_text(str(exc))
            return
    view = await asyncio.to_thread(_view, core(context), chat.id)
    await message.reply_text(
        render_settings(view, note), parse_mode=ParseMode.HTML, reply_markup=settings_keyboard(view)
    )


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button under /settings: change one setting and show the settings again in the same message."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    found = _BUTTON.match(query.data or "")
    if found is None:
        await query.answer("That button is not one of mine.")
        return
    if not await may_change(update, context):
        return
    action, value = Action(found[1]), found[2] or ""
    if action == Action.TIME:
        value = f"{value[:2]}:{value[2:]}"
    chat = query.message.chat.id
    try:
        await asyncio.to_thread(apply, core(context), chat, action, value)
    except ValueError as exc:
        await query.answer(str(exc)[:200])
        return
    await query.answer()
    view = await asyncio.to_thread(_view, core(context), chat)
    try:
        await query.edit_message_text(
            render_settings(view), parse_mode=ParseMode.HTML, reply_markup=settings_keyboard(view)
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise  # the same button pressed twice: the message already shows it


def _follows(the_core: Core, chat: int | str) -> tuple[Follow, ...]:
    config = the_core.settings
    return prefs_from(the_core.chat_settings(chat), config.digest_time, config.timezone).follows


def _store_follows(the_core: Core, chat: int | str, follows: tuple[Follow, ...]) -> None:
    value: list[dict[str, Any]] | None = [f.to_json() for f in follows] or None
    the_core.set_chat_setting(chat, ChatSetting.FOLLOWS, value)


def follow_one(the_core: Core, chat: int | str, typed: str) -> str:
    """Follow a speaker (a name the store knows, by any spelling) or else a topic; the reply, in HTML."""
    name = clean_follow(typed)
    card = the_core.who(name)
    if card is not None:
        new = Follow(FollowKind.SPEAKER, card.speaker.name)
    elif topic_terms(name):
        new = Follow(FollowKind.TOPIC, name)
    else:
        raise ValueError(f"“{name}” has no words I can look for in what people say; try a name or a topic.")
    before = _follows(the_core, chat)
    after = with_follow(before, new)
    if after == before:
        return f"This chat already follows <b>{escape(new.name)}</b>."
    _store_follows(the_core, chat, after)
    what = "the speaker" if new.kind == FollowKind.SPEAKER else "the topic"
    config = the_core.settings
    only = prefs_from(the_core.chat_settings(chat), config.digest_time, config.timezone).only_followed
    hint = (
        "" if only else " The digest still holds every new claim: /settings followed on limits it to these."
    )
    return f"Following {what} <b>{escape(new.name)}</b>.{escape(hint)}"


def unfollow_one(the_core: Core, chat: int | str, typed: str) -> str:
    name = clean_follow(typed)
    card = the_core.who(name)
    before = _follows(the_core, chat)
    after = without_follow(before, name, card.speaker.name if card else None)
    if after == before:
        return f"This chat does not follow <b>{escape(name)}</b>. /follow lists what it follows."
    _store_follows(the_core, chat, after)
    gone = ", ".join(escape(f.name) for f in before if f not in after)
    return f"Stopped following <b>{gone}</b>."


def render_follows(follows: tuple[Follow, ...]) -> str:
    if not follows:
        return (
            "This chat follows nothing yet. /follow NAME or TOPIC (e.g. /follow Syrskyi, /follow drones), "
            "then /settings followed on to get only those in the digest."
        )
    lines = ["<b>This chat follows</b>"]
    lines += [
        f"• {escape(f.name)} ({'speaker' if f.kind == FollowKind.SPEAKER else 'topic'})" for f in follows
    ]
    lines.append("/unfollow NAME stops one.")
    return clip_html("\n".join(lines), TELEGRAM_LIMIT)


async def follow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/follow NAME or TOPIC; /follow alone lists what the chat follows."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    typed = " ".join(context.args or [])
    if not typed.strip():
        follows = await asyncio.to_thread(_follows, core(context), chat.id)
        await message.reply_text(render_follows(follows), parse_mode=ParseMode.HTML)
        return
    if not await may_change(update, context):
        return
    try:
        reply = await asyncio.to_thread(follow_one, core(context), chat.id, typed)
    except ValueError as exc:
        await message.reply_text(str(exc))
        return
    await message.reply_text(reply, parse_mode=ParseMode.HTML)


async def unfollow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unfollow NAME or TOPIC"""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    typed = " ".join(context.args or [])
    if not typed.strip():
        await message.reply_text("Unfollow whom or what? /follow lists what this chat follows.")
        return
    if not await may_change(update, context):
        return
    try:
        reply = await asyncio.to_thread(unfollow_one, core(context), chat.id, typed)
    except ValueError as exc:
        await message.reply_text(str(exc))
        return
    await message.reply_text(reply, parse_mode=ParseMode.HTML)
