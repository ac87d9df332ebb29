"""A local Telegram Bot API server for tests and benchmarks (http.server in a thread).

PTB talks to it with `base_url=server.base_url`. It answers getMe, getUpdates
(long polling over updates that tests inject), sendMessage, editMessageText,
answerCallbackQuery, setMyCommands, getMyCommands, deleteWebhook and close
with the real JSON shapes, parses HTML like Telegram does (unknown or
unbalanced tags are refused with "can't parse entities") and keeps what each
chat would see. Faults: queued error answers per method/chat (429 with
retry_after, 403 blocked...) and "holds" that keep a request waiting; a held
request whose client disconnected is dropped, as if it never reached Telegram.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from .botapi_methods import Api, ApiError, Sent, error_body

TOKEN = "123456:TEST-token"
_JSON_PARAMS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "reply_markup",
    "link_preview_options",
    "allowed_updates",
    "commands",
    "show_alert",
    "drop_pending_updates",
    "disable_notification",
}


@dataclass
class Fault:
    method: str
    status: int
    description: str
    chat_id: int | None = None
    times: int = 1
    retry_after: int | None = None


@dataclass
class State:
    updates: list[dict[str, Any]] = field(default_factory=list)
    next_update_id: int = 1
    next_message_id: int = 1
    messages: dict[tuple[int, int], Sent] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)  # sendMessage that reached the chat
    edits: list[Sent] = field(default_factory=list)  # editMessageText that changed a message
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    abandoned: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    holds: list[tuple[str, int | None]] = field(default_factory=list)
    waiting: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # held right now


class FakeBotAPI:
    """The server; `base_url` is what PTB's `base_url` should be."""

    __test__ = False

    def __init__(self, *, token: str = TOKEN, max_poll: float = 0.3) -> None:
        self.token = token
        self.max_poll = max_poll
        self.state = State()
        self.cond = threading.Condition()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.release()
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- what tests do -------------------------------------------------------------------
    def fail(
        self,
        method: str,
        status: int,
        description: str,
        *,
        chat_id: int | None = None,
        times: int = 1,
        retry_after: int | None = None,
    ) -> None:
        with self.cond:
            self.state.faults.append(
                Fault(method, status, description, chat_id, times, retry_after)
            )

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: every send or edit to them is refused."""
        for method in ("sendMessage", "editMessageText"):
            self.fail(
                method, 403, "Forbidden: bot was blocked by the user", chat_id=chat_id, times=10**9
            )

    def hold(self, method: str, chat_id: int | None = None) -> None:
        with self.cond:
            self.state.holds.append((method, chat_id))

    def release(self) -> None:
        with self.cond:
            self.state.holds.clear()
            self.cond.notify_all()

    def _user(self, chat_id: int, language_code: str, username: str | None) -> dict[str, Any]:
        user = {
            "id": chat_id,
            "is_bot": False,
            "first_name": "Test",
            "language_code": language_code,
        }
        return user | ({"username": username} if username else {})

    def send_text(
        self, chat_id: int, text: str, *, language_code: str = "en", username: str | None = "tester"
    ) -> None:
        """A user types `text` in a private chat with the bot."""
        message: dict[str, Any] = {
            "message_id": 10_000 + self.state.next_update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
            "from": self._user(chat_id, language_code, username),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        self._inject({"message": message})

    def press(self, chat_id: int, message_id: int, data: str) -> None:
        """A user presses an inline button with callback `data` under `message_id`."""
        self._inject(
            {
                "callback_query": {
                    "id": f"cb{self.state.next_update_id}",
                    "from": self._user(chat_id, "en", None),
                    "chat_instance": "ci",
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "private"},
                        "text": "alert",
                    },
                }
            }
        )

    def _inject(self, update: dict[str, Any]) -> None:
        with self.cond:
            update["update_id"] = self.state.next_update_id
            self.state.next_update_id += 1
            self.state.updates.append(update)
            self.cond.notify_all()

    def wait_for(self, predicate: Callable[[State], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate(self.state):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("the fake Bot API did not see what was expected")
                self.cond.wait(left)

    def texts(self, chat_id: int) -> list[str]:
        """Every message sent to `chat_id`, as first sent, in order."""
        with self.cond:
            return [s.text for s in self.state.sent if s.chat_id == chat_id]

    def message(self, chat_id: int, message_id: int) -> Sent:
        with self.cond:
            return self.state.messages[(chat_id, message_id)]

    def sends_per_chat(self) -> dict[int, int]:
        with self.cond:
            counts: dict[int, int] = {}
            for s in self.state.sent:
                counts[s.chat_id] = counts.get(s.chat_id, 0) + 1
            return counts

    def ask(self, chat_id: int, text: str, **kwargs: Any) -> str:
        """Send `text` as the user and return the bot's next message to that chat."""
        before = len(self.texts(chat_id))
        self.send_text(chat_id, text, **kwargs)
        self.wait_for(lambda s: sum(1 for m in s.sent if m.chat_id == chat_id) > before)
        return self.texts(chat_id)[before]

    # -- what the handler calls --------------------------------------------------------
    def fault_for(self, method: str, chat_id: int | None) -> Fault | None:
        for f in self.state.faults:
            if f.method == method and f.times > 0 and f.chat_id in (None, chat_id):
                f.times -= 1
                return f
        return None

    def held(self, method: str, chat_id: int | None) -> bool:
        return any(m == method and c in (None, chat_id) for m, c in self.state.holds)


def _params(body: bytes, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        return dict(json.loads(body or b"{}"))
    out: dict[str, Any] = {}
    for k, v in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
        out[k] = json.loads(v) if k in _JSON_PARAMS else v
    return out


class _Handler(BaseHTTPRequestHandler):
    """Serves /bot<token>/<method> for `fake` (set per server by `_handler`)."""

    fake: FakeBotAPI
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        at = time.perf_counter()
        length = int(self.headers.get("Content-Length") or 0)
        params = _params(self.rfile.read(length), self.headers.get("Content-Type", ""))
        prefix = f"/bot{self.fake.token}/"
        if not self.path.startswith(prefix):
            self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        method = self.path[len(prefix) :]
        result = self._call(method, params, at)
        if result is not None:
            self._answer(*result)

    do_GET = do_POST  # noqa: N815

    def _call(
        self, method: str, params: dict[str, Any], at: float
    ) -> tuple[int, dict[str, Any]] | None:
        chat = params.get("chat_id")
        chat_id = (
            int(chat) if isinstance(chat, int | str) and str(chat).lstrip("-").isdigit() else None
        )
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._updates(params)}
        with self.fake.cond:
            self.fake.state.calls.append((method, params))
            self.fake.cond.notify_all()
            if not self._wait_while_held(method, chat_id, params):
                return None
            fault = self.fake.fault_for(method, chat_id)
            if fault is not None:
                return fault.status, error_body(fault.status, fault.description, fault.retry_after)
            func = getattr(Api(self.fake), method, None)
            if func is None:
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            try:
                result = (
                    func(params, at)
                    if method in ("sendMessage", "editMessageText")
                    else func(params)
                )
            except ApiError as e:
                return e.status, error_body(e.status, e.description, e.retry_after)
            self.fake.cond.notify_all()
            return 200, {"ok": True, "result": result}

    def _wait_while_held(self, method: str, chat_id: int | None, params: dict[str, Any]) -> bool:
        """Wait (cond held) while a hold applies; False if the client went away."""
        entry = (method, params)
        if not self.fake.held(method, chat_id):
            return True
        self.fake.state.waiting.append(entry)
        self.fake.cond.notify_all()
        try:
            while self.fake.held(method, chat_id):
                self.fake.cond.wait(0.05)
                if self._client_gone():
                    self.fake.state.abandoned.append(entry)
                    self.fake.cond.notify_all()
                    self.close_connection = True
                    return False
            return not self._client_gone()
        finally:
            self.fake.state.waiting.remove(entry)

    def _client_gone(self) -> bool:
        readable, _, _ = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), self.fake.max_poll)
        deadline = time.monotonic() + timeout
        with self.fake.cond:
            self.fake.state.updates = [
                u for u in self.fake.state.updates if u["update_id"] >= offset
            ]
            while not self.fake.state.updates and time.monotonic() < deadline:
                self.fake.cond.wait(deadline - time.monotonic())
            return list(self.fake.state.updates[: int(params.get("limit") or 100)])

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


def _handler(server: FakeBotAPI) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"fake": server})
