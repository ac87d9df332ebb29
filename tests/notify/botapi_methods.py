"""The Bot API methods of the fake server, and Telegram's HTML parsing.

Owns: what each method answers (real JSON shapes) and the HTML subset check
that makes Telegram refuse a message ("can't parse entities"). The server
(`botapi.py`) calls `Api` with its state locked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botapi import FakeBotAPI

BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Monitor",
    "username": "monitor_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "tg-emoji",
    "blockquote",
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and "
    "reply markup are exactly the same as a current content and reply markup of "
    "the message"
)


@dataclass
class Sent:
    """One message as the chat has it now."""

    chat_id: int
    message_id: int
    text: str  # what the user sees
    html: str
    reply_markup: Any
    links: list[tuple[str, str]]
    at: float  # time.perf_counter() when the request arrived
    edits: int = 0


class EntityError(ValueError):
    pass


class _Html(HTMLParser):
    """Telegram's HTML subset to plain text; raises EntityError like Telegram refuses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[str] = []
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            raise EntityError(f'Unsupported start tag "{tag}"')
        if tag == "a":
            self.links.append((dict(attrs).get("href") or "", ""))
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise EntityError(f'Unmatched end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def render(html_text: str) -> tuple[str, list[tuple[str, str]]]:
    """Plain text a user sees for an HTML message, and its link hrefs."""
    parser = _Html()
    parser.feed(html_text)
    parser.close()
    if parser.stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
    return "".join(parser.text), parser.links


def _message(chat_id: int, message_id: int, text: str, markup: Any) -> dict[str, Any]:
    out = {
        "message_id": message_id,
        "date": int(time.time()),
        "from": BOT_USER,
        "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
        "text": text,
    }
    return out | ({"reply_markup": markup} if markup else {})


class Api:
    """The Bot API methods over the shared state (called with `cond` held)."""

    def __init__(self, server: FakeBotAPI) -> None:
        self.s = server
        self.st = server.state

    def getMe(self, p: dict[str, Any]) -> Any:  # noqa: N802 - Bot API method names
        return BOT_USER

    def deleteWebhook(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return True

    def close(self, p: dict[str, Any]) -> Any:
        return True

    def setMyCommands(self, p: dict[str, Any]) -> Any:  # noqa: N802
        self.st.commands = list(p.get("commands") or [])
        return True

    def getMyCommands(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return self.st.commands

    def answerCallbackQuery(self, p: dict[str, Any]) -> Any:  # noqa: N802
        self.st.callback_answers.append(p)
        return True

    def _rendered(self, p: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
        text = str(p.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if p.get("parse_mode") == "HTML":
            try:
                plain, links = render(text)
            except EntityError as e:
                raise ApiError(400, f"Bad Request: can't parse entities: {e}") from e
        else:
            plain, links = text, []
        if len(plain) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return plain, links

    def sendMessage(self, p: dict[str, Any], at: float) -> Any:  # noqa: N802
        plain, links = self._rendered(p)
        chat_id = int(p["chat_id"])
        sent = Sent(
            chat_id=chat_id,
            message_id=self.st.next_message_id,
            text=plain,
            html=str(p["text"]),
            reply_markup=p.get("reply_markup"),
            links=links,
            at=at,
        )
        self.st.next_message_id += 1
        self.st.messages[(chat_id, sent.message_id)] = sent
        self.st.sent.append(sent)
        return _message(chat_id, sent.message_id, plain, sent.reply_markup)

    def editMessageText(self, p: dict[str, Any], at: float) -> Any:  # noqa: N802
        key = (int(p["chat_id"]), int(p["message_id"]))
        current = self.st.messages.get(key)
        if current is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        plain, links = self._rendered(p)
        if current.html == p["text"] and current.reply_markup == p.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        edited = Sent(
            chat_id=key[0],
            message_id=key[1],
            text=plain,
            html=str(p["text"]),
            reply_markup=p.get("reply_markup"),
            links=links,
            at=at,
            edits=current.edits + 1,
        )
        self.st.messages[key] = edited
        self.st.edits.append(edited)
        return _message(key[0], key[1], plain, edited.reply_markup) | {
            "edit_date": int(time.time())
        }


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


def error_body(status: int, description: str, retry_after: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        out["parameters"] = {"retry_after": retry_after}
    return out
