"""A fake Telegram Bot API server for end-to-end tests.

Telegram is unreachable from the test environment, so python-telegram-bot is pointed at this
stdlib HTTP server over real HTTP on 127.0.0.1. It scripts getUpdates input, records every call,
answers the methods claimbot uses, injects flood-control and blocked-chat failures, and rejects
HTML that real Telegram would refuse (or silently mangle), so rendering bugs fail tests.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
import mimetypes
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = [
    "ALLOWED_TAGS",
    "MAX_MESSAGE_LENGTH",
    "BotAPIError",
    "Call",
    "FakeBotAPI",
    "HTMLProblem",
    "check_telegram_html",
    "parse_telegram_html",
]

BOT_USERNAME = "claimbot_test_bot"
MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span"}
ALLOWED_TAGS |= {"tg-spoiler", "blockquote", "tg-emoji"}
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]*));")
_TAG_NAME_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_RE = re.compile(
    r"""\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
_END_TAG_RE = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)?\s*>")

# Free-text or identifier parameters: never JSON-decoded, so text "42" stays the string "42".
_STRING_PARAMS = frozenset(
    (
        "text caption parse_mode callback_query_id inline_query_id inline_message_id file_id url "
        "next_offset action secret_token ip_address description short_description name title question "
        "emoji language_code business_connection_id message_effect_id switch_pm_text switch_pm_parameter "
        "query data first_name last_name custom_title invite_link payload currency provider_token "
        "start_parameter sticker emoji_list"
    ).split()
)


# ---------------------------------------------------------------------------------------------
# Telegram HTML
# ---------------------------------------------------------------------------------------------


class HTMLProblem(ValueError):
    """Raised by parse_telegram_html; the message names the problem and where it is."""


def _utf16_len(text: str) -> int:
    """Telegram entity offsets are in UTF-16 code units, not code points."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(text: str, i: int) -> tuple[str, int]:
    """Decode the HTML entity starting at text[i] == '&'; returns (character, end index)."""
    m = _ENTITY_RE.match(text, i)
    if m is None:
        snippet = text[i : i + 12]
        raise HTMLProblem(f"bare '&' at position {i} (near {snippet!r}); escape it as &amp;")
    dec, hexa, name = m.groups()
    if name is not None:
        if name not in _NAMED_ENTITIES:
            raise HTMLProblem(
                f"unsupported named entity &{name}; at position {i}; Telegram only knows "
                "&lt; &gt; &amp; &quot; and numeric entities"
            )
        return _NAMED_ENTITIES[name], m.end()
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise HTMLProblem(f"invalid numeric entity {m.group(0)} at position {i}")
    return chr(code), m.end()


def _decode_attr(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == "&":
            ch, i = _decode_entity(value, i)
            out.append(ch)
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


@dataclass
class _Open:
    tag: str
    attrs: dict[str, str]
    offset: int  # UTF-16 offset in the plain text where the entity starts
    position: int  # index in the source HTML, for error messages
    children: int = 0


def _check_nesting(tag: str, stack: list[_Open], position: int) -> None:
    """Reject nestings that Telegram would silently drop, so the message would not look as intended."""
    for outer in stack:
        if outer.tag == "code":
            raise HTMLProblem(f"misnested tags: <{tag}> at position {position} inside <code>")
        if outer.tag == "pre" and not (tag == "code" and outer is stack[-1] and outer.children == 0):
            raise HTMLProblem(f"misnested tags: <{tag}> at position {position} inside <pre>")
        if tag == "blockquote" and outer.tag == "blockquote":
            raise HTMLProblem(f"misnested tags: <blockquote> at position {position} inside <blockquote>")
        if tag == "a" and outer.tag == "a":
            raise HTMLProblem(f"misnested tags: <a> at position {position} inside <a>")


def _validate_start(tag: str, attrs: dict[str, str], position: int) -> None:
    if tag not in ALLOWED_TAGS:
        raise HTMLProblem(f"unknown tag <{tag}> at position {position}")
    if tag == "a" and not attrs.get("href", "").strip():
        raise HTMLProblem(f"<a> without href at position {position}")
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise HTMLProblem(f'<span> at position {position} must have class="tg-spoiler"')
    if tag == "tg-emoji" and not attrs.get("emoji-id"):
        raise HTMLProblem(f"<tg-emoji> without emoji-id at position {position}")


def _entity_for(node: _Open, end: int, stack: list[_Open]) -> dict[str, Any] | None:
    """Build the MessageEntity Telegram would report for a closed tag."""
    length = end - node.offset
    if length <= 0:
        return None
    kind = _TAG_ENTITY[node.tag]
    entity: dict[str, Any] = {"type": kind, "offset": node.offset, "length": length}
    if kind == "text_link":
        entity["url"] = node.attrs["href"].strip()
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = node.attrs["emoji-id"]
    elif kind == "blockquote" and "expandable" in node.attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "code" and stack and stack[-1].tag == "pre":
        language = node.attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].attrs["_language"] = language.removeprefix("language-")
        return None
    elif kind == "pre" and node.attrs.get("_language"):
        entity["language"] = node.attrs["_language"]
    return entity


def _parse_start_tag(html: str, i: int) -> tuple[str, dict[str, str], int]:
    """Parse '<name attr=...>' at html[i]; returns (lower-case name, attributes, end index)."""
    m = _TAG_NAME_RE.match(html, i + 1)
    if m is None:
        raise HTMLProblem(f"bare '<' at position {i} (near {html[i : i + 12]!r}); escape it as &lt;")
    tag = m.group(0).lower()
    j = m.end()
    attrs: dict[str, str] = {}
    while (a := _ATTR_RE.match(html, j)) is not None:
        name, dq, sq, bare = a.groups()
        raw = next((v for v in (dq, sq, bare) if v is not None), "")
        attrs[name.lower()] = _decode_attr(raw)
        j = a.end()
    while j < len(html) and html[j].isspace():
        j += 1
    if j >= len(html) or html[j] != ">":
        raise HTMLProblem(f"malformed or unclosed start tag <{tag}> at position {i}")
    return tag, attrs, j + 1


def parse_telegram_html(html: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse text sent with parse_mode=HTML the way Telegram does: (plain text, entities).

    Stricter than Telegram where Telegram would accept the input but show something unintended
    (a literal '&', an unknown named entity, nested code): those are bugs in our rendering too.
    """
    out: list[str] = []
    utf16 = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(html):
        ch = html[i]
        if ch == "<" and html.startswith("</", i):
            m = _END_TAG_RE.match(html, i)
            if m is None or m.group(1) is None:
                raise HTMLProblem(f"malformed end tag at position {i} (near {html[i : i + 12]!r})")
            tag = m.group(1).lower()
            if not stack:
                raise HTMLProblem(f"unbalanced tags: </{tag}> at position {i} closes nothing")
            if stack[-1].tag != tag:
                raise HTMLProblem(
                    f"misnested tags: </{tag}> at position {i}, expected </{stack[-1].tag}> "
                    f"(opened at position {stack[-1].position})"
                )
            node = stack.pop()
            entity = _entity_for(node, utf16, stack)
            if entity is not None:
                entities.append(entity)
            i = m.end()
        elif ch == "<":
            tag, attrs, end = _parse_start_tag(html, i)
            _validate_start(tag, attrs, i)
            _check_nesting(tag, stack, i)
            if stack:
                stack[-1].children += 1
            stack.append(_Open(tag, attrs, utf16, i))
            i = end
        else:
            if ch == "&":
                ch, i = _decode_entity(html, i)
            else:
                i += 1
            out.append(ch)
            utf16 += _utf16_len(ch)
    if stack:
        names = ", ".join(f"<{n.tag}> at position {n.position}" for n in stack)
        raise HTMLProblem(f"unbalanced tags: never closed: {names}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _check_length(plain: str) -> None:
    if not plain.strip():
        raise HTMLProblem("message text is empty")
    if len(plain) > MAX_MESSAGE_LENGTH:
        raise HTMLProblem(f"message is too long: {len(plain)} characters > {MAX_MESSAGE_LENGTH}")


def check_telegram_html(text: str) -> None:
    """Assert that Telegram would accept *text* with parse_mode=HTML and show what was meant."""
    try:
        plain, _ = parse_telegram_html(text)
        _check_length(plain)
    except HTMLProblem as exc:
        raise AssertionError(f"bad Telegram HTML: {exc}") from None


# ---------------------------------------------------------------------------------------------
# Request decoding
# ---------------------------------------------------------------------------------------------


def decode_param(name: str, value: str) -> Any:
    """PTB JSON-dumps every non-string value; undo that except for free-text fields."""
    if name in _STRING_PARAMS:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return value if isinstance(decoded, str) else decoded


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    params: dict[str, Any] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            params[name] = decode_param(name, content.decode("utf-8"))
        else:
            params[name] = {
                "filename": filename,
                "content_type": part.get_content_type(),
                "content": content,
            }
    return params


def parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """Decode a Bot API request body (form-encoded, multipart or JSON) into Python values."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "multipart/form-data":
        return _parse_multipart(content_type, body)
    if kind == "application/json":
        loaded = json.loads(body or b"{}")
        return dict(loaded) if isinstance(loaded, dict) else {}
    text = body.decode("utf-8")
    return {k: decode_param(k, v) for k, v in parse_qsl(text, keep_blank_values=True)}


# ---------------------------------------------------------------------------------------------
# The fake server
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request the bot made; params are decoded (ints, lists and dicts, not JSON strings)."""

    method: str
    params: dict[str, Any]
    at: float


class BotAPIError(Exception):
    """An error answer: becomes {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass
class _RetryRule:
    method: str
    remaining: int
    retry_after: int
    chat_id: int | str | None


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes


@dataclass
class _State:
    updates: list[dict[str, Any]] = field(default_factory=list)
    next_update_id: int = 1
    next_message_id: dict[int, int] = field(default_factory=dict)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    usernames: dict[int, str] = field(default_factory=lambda: {42: "alice"})
    files: dict[str, _StoredFile] = field(default_factory=dict)
    retry_rules: list[_RetryRule] = field(default_factory=list)
    blocked: set[int | str] = field(default_factory=set)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    chat_admins: set[tuple[int, int]] = field(default_factory=set)  # (chat, user) pairs that administer
    counter: int = 0


_POLL_CAP = 0.5  # longest a getUpdates long-poll waits, so test shutdown stays fast


class FakeBotAPI:
    """In-process Bot API: `with FakeBotAPI() as api:` then point PTB at api.url."""

    def __init__(self, token: str = "123456:" + "A" * 35) -> None:
        self.token = token
        self.url = ""
        self.calls: list[Call] = []
        self.sent: list[dict[str, Any]] = []
        self.errors: list[str] = []  # unexpected exceptions inside the fake itself
        self.strict_html = True  # reject bad HTML with 400 like Telegram (stricter, see check_telegram_html)
        self._cond = threading.Condition(threading.RLock())
        self._state = _State()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        bot_id = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(bot_id) if bot_id.isdigit() else 123456,
            "is_bot": True,
            "first_name": "Claimbot Test",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeBotAPI:
        self._stopping = False
        handler = _make_handler(self)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="FakeBotAPI", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- inspection -----------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def summary(self, last: int = 40) -> str:
        """Human-readable tail of the call log, for assertion and timeout messages."""
        with self._cond:
            calls = list(self.calls)
        lines = [f"{len(calls)} calls; last {min(last, len(calls))}:"]
        for c in calls[-last:]:
            shown = {k: v for k, v in c.params.items() if k not in ("timeout", "allowed_updates")}
            lines.append(f"  {c.method} {shown!r}"[:300])
        if self.errors:
            lines.append(f"fake errors: {self.errors!r}")
        return "\n".join(lines)

    async def wait_for(self, predicate: Callable[[FakeBotAPI], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self):
            if time.monotonic() > deadline:
                raise TimeoutError(f"FakeBotAPI.wait_for timed out after {timeout}s\n{self.summary()}")
            await asyncio.sleep(0.02)

    def wait_for_sync(self, predicate: Callable[[FakeBotAPI], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self):
            if time.monotonic() > deadline:
                raise TimeoutError(f"FakeBotAPI.wait_for_sync timed out after {timeout}s\n{self.summary()}")
            time.sleep(0.02)

    # -- scripted input -------------------------------------------------------------------------

    def push_message(
        self,
        text: str,
        *,
        chat_id: int = 1001,
        user_id: int = 42,
        chat_type: str = "private",
        username: str = "alice",
        entities: list[dict[str, Any]] | None = None,
        reply_to_bot: bool = False,
    ) -> dict[str, Any]:
        with self._cond:
            self._state.usernames[user_id] = username
            self._state.chats[chat_id] = self._make_chat(chat_id, chat_type, username)
            msg = self._new_message(chat_id, self._user(user_id))
            msg["text"] = text
            if entities:
                msg["entities"] = entities
            if reply_to_bot:
                msg["reply_to_message"] = self._last_bot_message(chat_id)
            return self._queue("message", msg)

    def push_command(self, command: str, args: str = "", **kw: Any) -> dict[str, Any]:
        """Queue '/command args' with the bot_command entity Telegram adds."""
        cmd = command if command.startswith("/") else f"/{command}"
        text = f"{cmd} {args}" if args else cmd
        entity = {"type": "bot_command", "offset": 0, "length": _utf16_len(cmd)}
        return self.push_message(text, entities=[entity], **kw)

    def push_callback(
        self, data: str, *, message_id: int, chat_id: int = 1001, user_id: int = 42
    ) -> dict[str, Any]:
        with self._cond:
            msg = self._state.messages.get((chat_id, message_id))
            if msg is None:
                msg = {
                    "message_id": message_id,
                    "from": self.bot_user,
                    "chat": self._chat(chat_id),
                    "date": int(time.time()),
                    "text": "(message not recorded by the fake)",
                }
            query = {
                "id": str(self._next_counter()),
                "from": self._user(user_id),
                "chat_instance": str(chat_id),
                "message": msg,
                "data": data,
            }
            return self._queue("callback_query", query)

    def push_inline(self, query: str, *, user_id: int = 42) -> dict[str, Any]:
        with self._cond:
            inline = {
                "id": str(self._next_counter()),
                "from": self._user(user_id),
                "query": query,
                "offset": "",
                "chat_type": "private",
            }
            return self._queue("inline_query", inline)

    def push_document(
        self,
        file_name: str,
        content: bytes,
        *,
        chat_id: int = 1001,
        user_id: int = 42,
        caption: str | None = None,
    ) -> dict[str, Any]:
        with self._cond:
            n = self._next_counter()
            suffix = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
            stored = _StoredFile(f"DOC{n}", f"UDOC{n}", f"documents/file_{n}.{suffix}", content)
            self._state.files[stored.file_id] = stored
            self._state.chats.setdefault(chat_id, self._chat(chat_id))
            msg = self._new_message(chat_id, self._user(user_id))
            msg["document"] = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": file_name,
                "mime_type": mimetypes.guess_type(file_name)[0] or "application/octet-stream",
                "file_size": len(content),
            }
            if caption is not None:
                msg["caption"] = caption
            return self._queue("message", msg)

    # -- injected failures ----------------------------------------------------------------------

    def fail_with_retry_after(
        self, method: str, times: int, retry_after: int = 1, chat_id: int | None = None
    ) -> None:
        """The next *times* calls to *method* (for *chat_id*, if given) get 429 flood control."""
        with self._cond:
            self._state.retry_rules.append(_RetryRule(method, times, retry_after, chat_id))

    def block_chat(self, chat_id: int) -> None:
        """Every send* to *chat_id* gets 403, as when a user blocks the bot."""
        with self._cond:
            self._state.blocked.add(chat_id)

    # -- internals: state helpers (call with the lock held) -------------------------------------

    def _next_counter(self) -> int:
        self._state.counter += 1
        return self._state.counter

    def _user(self, user_id: int) -> dict[str, Any]:
        username = self._state.usernames.get(user_id, f"user{user_id}")
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": username.capitalize(),
            "username": username,
            "language_code": "en",
        }

    @staticmethod
    def _make_chat(chat_id: int, chat_type: str, username: str) -> dict[str, Any]:
        if chat_type == "private":
            return {
                "id": chat_id,
                "type": "private",
                "first_name": username.capitalize(),
                "username": username,
            }
        return {"id": chat_id, "type": chat_type, "title": f"Test {chat_type} {chat_id}"}

    def _chat(self, chat_id: int) -> dict[str, Any]:
        known = self._state.chats.get(chat_id)
        if known is not None:
            return known
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Test {kind} {chat_id}"}

    def _chat_key(self, chat_id: Any) -> int:
        """Numeric id for a chat_id param; '@channel' names map to a stable fake channel id."""
        if isinstance(chat_id, int):
            return chat_id
        text = str(chat_id)
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        if not text.startswith("@"):
            raise BotAPIError(400, "Bad Request: chat not found")
        key = -1_000_000_000_000 - sum(ord(c) * 31**i for i, c in enumerate(text)) % 1_000_000_000
        self._state.chats.setdefault(key, {"id": key, "type": "channel", "title": text, "username": text[1:]})
        return key

    def _new_message(self, chat_id: int, sender: dict[str, Any]) -> dict[str, Any]:
        message_id = self._state.next_message_id.get(chat_id, 1)
        self._state.next_message_id[chat_id] = message_id + 1
        msg: dict[str, Any] = {
            "message_id": message_id,
            "from": sender,
            "chat": self._chat(chat_id),
            "date": int(time.time()),
        }
        self._state.messages[(chat_id, message_id)] = msg
        return msg

    def _last_bot_message(self, chat_id: int) -> dict[str, Any]:
        for (cid, _), msg in reversed(self._state.messages.items()):
            if cid == chat_id and msg["from"].get("is_bot"):
                return msg
        msg = self._new_message(chat_id, self.bot_user)
        msg["text"] = "(earlier bot message)"
        return msg

    def _queue(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._state.next_update_id, kind: payload}
        self._state.next_update_id += 1
        self._state.updates.append(update)
        self._cond.notify_all()
        return update

    # -- internals: request dispatch ------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any]) -> Any:
        """Answer one API call; raises BotAPIError for error answers. Runs in a server thread."""
        with self._cond:
            self.calls.append(Call(method, params, time.monotonic()))
            self._inject_failures(method, params)
            if method == "getUpdates":
                return self._get_updates(params)
            handler = _HANDLERS.get(method)
            return True if handler is None else handler(self, params)

    def _inject_failures(self, method: str, params: dict[str, Any]) -> None:
        chat = params.get("chat_id")
        for rule in self._state.retry_rules:
            if rule.method != method or rule.remaining <= 0:
                continue
            if rule.chat_id is not None and str(rule.chat_id) != str(chat):
                continue
            rule.remaining -= 1
            raise BotAPIError(
                429,
                f"Too Many Requests: retry after {rule.retry_after}",
                {"retry_after": rule.retry_after},
            )
        blocked = {str(b) for b in self._state.blocked}
        if method.startswith("send") and chat is not None and str(chat) in blocked:
            raise BotAPIError(403, "Forbidden: bot was blocked by the user")

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        wait = min(float(params.get("timeout") or 0), _POLL_CAP)
        allowed = params.get("allowed_updates") or []
        state = self._state
        if offset < 0:
            keep = state.updates[offset:]
            state.updates = keep
        elif offset > 0:
            state.updates = [u for u in state.updates if u["update_id"] >= offset]
        if allowed:
            state.updates = [u for u in state.updates if any(k in u for k in allowed)]
        deadline = time.monotonic() + wait
        while not state.updates and not self._stopping:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._cond.wait(remaining)
        if allowed:
            state.updates = [u for u in state.updates if any(k in u for k in allowed)]
        return [json.loads(json.dumps(u)) for u in state.updates[:limit]]

    def _message_params(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]] | None]:
        """Apply parse_mode the way Telegram does; raise 400 where Telegram would refuse."""
        text = params.get("text")
        if text is None or text == "":
            raise BotAPIError(400, "Bad Request: message text is empty")
        text = str(text)
        entities = params.get("entities")
        if str(params.get("parse_mode", "")).upper() == "HTML":
            try:
                text, entities = parse_telegram_html(text)
            except HTMLProblem as exc:
                if self.strict_html:
                    raise BotAPIError(400, f"Bad Request: can't parse entities: {exc}") from None
                entities = None  # lenient mode: deliver the raw text rather than refuse it
        if not text.strip():
            raise BotAPIError(400, "Bad Request: message text is empty")
        if len(text) > MAX_MESSAGE_LENGTH:
            raise BotAPIError(400, "Bad Request: message is too long")
        return text, entities or None

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_key(params.get("chat_id"))
        text, entities = self._message_params(params)
        msg = self._new_message(chat_id, self.bot_user)
        msg["text"] = text
        if entities:
            msg["entities"] = entities
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        reply_to = params.get("reply_parameters", {}) or {}
        reply_id = reply_to.get("message_id") if isinstance(reply_to, dict) else None
        reply_id = reply_id or params.get("reply_to_message_id")
        if reply_id is not None and (chat_id, int(reply_id)) in self._state.messages:
            msg["reply_to_message"] = self._state.messages[(chat_id, int(reply_id))]
        self.sent.append({**params, "method": "sendMessage", "message_id": msg["message_id"]})
        return msg

    def _find_edit_target(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The stored message an edit applies to; None for inline-message edits."""
        if params.get("inline_message_id"):
            return None
        if params.get("chat_id") is None or params.get("message_id") is None:
            raise BotAPIError(400, "Bad Request: message identifier is not specified")
        chat_id = self._chat_key(params["chat_id"])
        key = (chat_id, int(params["message_id"]))
        msg = self._state.messages.get(key)
        if msg is None:  # not seen by the fake (e.g. a test pushed a made-up id): accept it
            msg = {"message_id": key[1], "from": self.bot_user, "chat": self._chat(chat_id)}
            msg["date"] = int(time.time())
            self._state.messages[key] = msg
        return msg

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        text, entities = self._message_params(params)
        target = self._find_edit_target(params)
        markup = params.get("reply_markup")
        markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        self._edit(target, {"text": text, "entities": entities, "reply_markup": markup})
        self.sent.append({**params, "method": "editMessageText"})
        return True if target is None else target

    def _edit_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        target = self._find_edit_target(params)
        markup = params.get("reply_markup")
        markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        self._edit(target, {"reply_markup": markup})
        return True if target is None else target

    @staticmethod
    def _edit(target: dict[str, Any] | None, changes: dict[str, Any]) -> None:
        if target is None:
            return
        if all(target.get(k) == v for k, v in changes.items()):
            raise BotAPIError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        for key, value in changes.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value
        target["edit_date"] = int(time.time())

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._state.files.get(str(params.get("file_id")))
        if stored is None:
            raise BotAPIError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    def file_content(self, file_path: str) -> bytes | None:
        with self._cond:
            for stored in self._state.files.values():
                if stored.file_path == file_path:
                    return stored.content
        return None

    def make_chat_admin(self, chat_id: int, user_id: int) -> None:
        """getChatMember answers "administrator" for this user in this chat from now on."""
        with self._cond:
            self._state.chat_admins.add((chat_id, user_id))

    def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, user_id = self._chat_key(params.get("chat_id")), int(params.get("user_id") or 0)
        admin = (chat_id, user_id) in self._state.chat_admins
        member: dict[str, Any] = {
            "status": "administrator" if admin else "member",
            "user": self._user(user_id),
        }
        if admin:
            member.update(
                can_be_edited=False, is_anonymous=False, can_manage_chat=True, can_delete_messages=True,
                can_manage_video_chats=True, can_restrict_members=True, can_promote_members=False,
                can_change_info=True, can_invite_users=True, can_post_stories=False, can_edit_stories=False,
                can_delete_stories=False,
            )  # fmt: skip
        return member

    def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        """A photo upload: kept as a file, answered like Telegram with its sizes and caption."""
        chat_id = self._chat_key(params.get("chat_id"))
        photo = params.get("photo")
        content = photo.get("content", b"") if isinstance(photo, dict) else b""
        if not content:
            raise BotAPIError(400, "Bad Request: there is no photo in the request")
        caption = str(params.get("caption") or "")
        entities = None
        if caption and str(params.get("parse_mode", "")).upper() == "HTML":
            try:
                caption, entities = parse_telegram_html(caption)
            except HTMLProblem as exc:
                raise BotAPIError(400, f"Bad Request: can't parse entities: {exc}") from None
        if len(caption) > MAX_CAPTION_LENGTH:
            raise BotAPIError(400, "Bad Request: message caption is too long")
        msg = self._new_message(chat_id, self.bot_user)
        file_id = f"photo{self._next_counter()}"
        msg["photo"] = [{"file_id": file_id, "file_unique_id": file_id, "width": 1, "height": 1}]
        if caption:
            msg["caption"] = caption
        if entities:
            msg["caption_entities"] = entities
        record = {**params, "text": caption or "(photo)", "method": "sendPhoto", "bytes": content}
        self.sent.append({**record, "message_id": msg["message_id"]})
        return msg

    def _commands_key(self, params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code", "")], sort_keys=True)

    def _set_commands(self, params: dict[str, Any]) -> bool:
        self._state.commands[self._commands_key(params)] = list(params.get("commands") or [])
        return True

    def _get_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self._state.commands.get(self._commands_key(params), [])

    def _delete_commands(self, params: dict[str, Any]) -> bool:
        self._state.commands.pop(self._commands_key(params), None)
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates") is True:
            self._state.updates.clear()
        return True

    def _webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._state.updates)}


_Handler = Callable[[FakeBotAPI, dict[str, Any]], Any]
_HANDLERS: dict[str, _Handler] = {
    "getMe": lambda api, _: api.bot_user,
    "deleteWebhook": FakeBotAPI._delete_webhook,
    "setWebhook": lambda api, _: True,
    "getWebhookInfo": FakeBotAPI._webhook_info,
    "setMyCommands": FakeBotAPI._set_commands,
    "getMyCommands": FakeBotAPI._get_commands,
    "deleteMyCommands": FakeBotAPI._delete_commands,
    "sendMessage": FakeBotAPI._send_message,
    "sendPhoto": FakeBotAPI._send_photo,
    "getChatMember": FakeBotAPI._get_chat_member,
    "editMessageText": FakeBotAPI._edit_message_text,
    "editMessageReplyMarkup": FakeBotAPI._edit_reply_markup,
    "getFile": FakeBotAPI._get_file,
}


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks: list[bytes] = []
        while True:
            size = int(handler.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def _make_handler(api: FakeBotAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Keep pytest output clean."""

        def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            self._reply(status, json.dumps(payload).encode())

        def _error(self, err: BotAPIError) -> None:
            payload: dict[str, Any] = {"ok": False, "error_code": err.code, "description": err.description}
            if err.parameters:
                payload["parameters"] = err.parameters
            self._json(err.code, payload)

        def _route(self) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            not_found = BotAPIError(404, "Not Found")
            body = _read_body(self)
            try:
                if path.startswith("/file/bot"):
                    token, _, file_path = path.removeprefix("/file/bot").partition("/")
                    content = api.file_content(file_path) if token == api.token else None
                    if content is None:
                        raise not_found
                    self._reply(200, content, "application/octet-stream")
                    return
                token, _, method = path.removeprefix("/bot").partition("/")
                if not path.startswith("/bot") or token != api.token or not method or "/" in method:
                    raise not_found
                params = {k: decode_param(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)}
                params.update(parse_body(self.headers.get("Content-Type", ""), body))
                result = api.handle(method, params)
                self._json(200, {"ok": True, "result": result})
            except BotAPIError as err:
                self._error(err)
            except Exception as exc:  # a bug in the fake: make it visible to the test
                api.errors.append(f"{self.command} {self.path}: {exc!r}")
                self._json(500, {"ok": False, "error_code": 500, "description": f"fake crashed: {exc!r}"})

        def do_POST(self) -> None:
            self._route()

        def do_GET(self) -> None:
            self._route()

    return Handler
