"""Shared helpers for the deadlined integration tests.

Only the standard library and aiosmtpd are used. Run the tests with Debian's
interpreter (/usr/bin/python3), which has aiosmtpd installed:

    /usr/bin/python3 tests/integration/test_email_smtp.py --binary build/deadlined

Environment knobs:
    DEADLINED_BINARY   default for --binary
    DEADLINED_IT_KEEP  if set, temp directories of failed tests are kept
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CONFIG = REPO_ROOT / "config" / "deadlined.toml"

try:  # Vietnam has no DST; the fixed offset is an exact fallback.
    from zoneinfo import ZoneInfo

    VN_TZ: dt.tzinfo = ZoneInfo("Asia/Ho_Chi_Minh")
except Exception:  # pragma: no cover - no tzdata
    VN_TZ = dt.timezone(dt.timedelta(hours=7), "+07")

_BINARY: Optional[str] = None


# --------------------------------------------------------------------------
# command line

def binary() -> str:
    """Absolute path of the deadlined binary under test."""
    global _BINARY
    if _BINARY is None:
        _BINARY = os.path.abspath(
            os.environ.get("DEADLINED_BINARY", str(REPO_ROOT / "build" / "deadlined")))
    return _BINARY


#: The exit code of a test file whose tests were all skipped (ctest's SKIP_RETURN_CODE).
SKIP_EXIT_CODE = 77


def main() -> None:
    """Entry point of every test file: parse --binary, then run unittest."""
    global _BINARY
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--binary", default=None)
    args, rest = parser.parse_known_args(sys.argv[1:])
    if args.binary:
        _BINARY = os.path.abspath(args.binary)
    if not (os.path.isfile(binary()) and os.access(binary(), os.X_OK)):
        print(f"error: deadlined binary not found or not executable: {binary()}",
              file=sys.stderr)
        sys.exit(2)
    program = unittest.main(module="__main__", argv=[sys.argv[0]] + rest, verbosity=2,
                            exit=False)
    result = program.result
    if not result.wasSuccessful():
        sys.exit(1)
    # A file whose tests were all skipped exits with SKIP_EXIT_CODE, which ctest reports as
    # skipped (SKIP_RETURN_CODE): never a silent pass.
    if result.skipped and len(result.skipped) == result.testsRun:
        sys.exit(SKIP_EXIT_CODE)
    if result.skipped:
        print(f"error: {len(result.skipped)} of {result.testsRun} tests skipped; a partly "
              "skipped file is a failure", file=sys.stderr)
        sys.exit(1)


# --------------------------------------------------------------------------
# small utilities

def noon_zone() -> tuple:
    """(zone name, tzinfo) of a whole-hour fixed offset (Etc/GMT±N) in which it is now 12:xx:
    a test puts the daemon's real clock where it wants in the working day by its config
    (send_time, day_end, workdays) rather than by shifting the clock."""
    hours = 12 - dt.datetime.now(dt.timezone.utc).hour  # -11 .. 12
    name = "Etc/GMT" if hours == 0 else f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"
    return name, dt.timezone(dt.timedelta(hours=hours))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate: Callable[[], Any], timeout: float, *,
               interval: float = 0.1, desc: str = "condition",
               daemons: Iterable["Daemon"] = ()) -> Any:
    """Poll `predicate` until it returns a truthy value, which is returned.

    Raises AssertionError on timeout, or as soon as one of `daemons` exits.
    """
    deadline = time.monotonic() + timeout
    daemons = list(daemons)
    while True:
        value = predicate()
        if value:
            return value
        for d in daemons:
            if not d.alive():
                raise AssertionError(
                    f"daemon exited (code {d.returncode()}) while waiting for {desc}\n"
                    f"--- daemon log ---\n{d.log()}")
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.1f}s waiting for {desc}")
        time.sleep(interval)


def assert_holds(predicate: Callable[[], Any], duration: float, *,
                 interval: float = 0.1, desc: str = "condition") -> None:
    """Assert `predicate` stays truthy for `duration` seconds (fails at once if not)."""
    deadline = time.monotonic() + duration
    while True:
        if not predicate():
            raise AssertionError(f"{desc} stopped holding")
        if time.monotonic() >= deadline:
            return
        time.sleep(interval)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def due_firing_in(seconds: float, lead: dt.timedelta = dt.timedelta(hours=2)) -> dt.datetime:
    """A due instant whose `lead` reminder fires `seconds` from now (whole seconds, +07:00)."""
    due = dt.datetime.now(dt.timezone.utc) + lead + dt.timedelta(seconds=seconds)
    return due.replace(microsecond=0).astimezone(VN_TZ)


def reminder_key(plan: str, task: str, due: dt.datetime, stage: str, unit: str) -> str:
    occurrence = due.astimezone(VN_TZ).strftime("%Y%m%d")
    return f"{plan}.{task}.{occurrence}.{stage}.{unit}"


def webhook_id(key: str) -> str:
    """The webhook-id (and payload `id`) of the message whose readable key is `key`, as
    docs/DELIVERY.md defines it: "msg_" and the first 32 hex digits of its SHA-256."""
    return "msg_" + hashlib.sha256(key.encode()).hexdigest()[:32]


def webhook_key_of(request: Any) -> str:
    """The readable key of a webhook request (its payload's `key`), after checking that its
    webhook-id is dot-free, equals the payload's `id` and is derived from that key."""
    body = json.loads(request.body)
    msg_id = request.header("webhook-id")
    if msg_id != body.get("id") or msg_id != webhook_id(body.get("key", "")) or "." in msg_id:
        raise AssertionError(f"webhook-id {msg_id!r} does not match the payload's id "
                             f"{body.get('id')!r} and key {body.get('key')!r}")
    return body["key"]


def vn_date(due: dt.datetime) -> str:
    """The due date as dd/mm/yyyy in the service time zone."""
    return due.astimezone(VN_TZ).strftime("%d/%m/%Y")


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode("ascii")


def standard_webhook_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


# --------------------------------------------------------------------------
# TOML writing (the subset the config uses)

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


class Raw(str):
    """A TOML value written verbatim."""


def toml_value(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # JSON string escapes are a subset of TOML basic-string escapes.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.isoformat(timespec="seconds")
        return value.astimezone(VN_TZ).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):  # an inline table
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def toml_table(name: str, values: dict, array: bool = False) -> str:
    header = f"[[{name}]]" if array else f"[{name}]"
    lines = [header]
    for k, v in values.items():
        if v is None:
            continue
        lines.append(f"{toml_key(k)} = {toml_value(v)}")
    return "\n".join(lines) + "\n"


FROM_NAME = "Văn phòng Sở Tài nguyên và Môi trường"
FROM_ADDR = "vanphong@stnmt.example.gov.vn"
FROM_HEADER = f"{FROM_NAME} <{FROM_ADDR}>"
MAIL_DOMAIN = "stnmt.example.gov.vn"


def service_section(**overrides: Any) -> dict:
    values = {
        "timezone": "Asia/Ho_Chi_Minh",
        "state_dir": "state",
        "plans": ["plans/*.toml"],
        "send_time": "08:00",
        "day_end": "17:00",
        "workdays": ["mon", "tue", "wed", "thu", "fri"],
        "leads": ["7d", "3wd", "1d", "0d"],
        "monitor": "van-phong",
    }
    values.update(overrides)
    return values


def main_config_text(*, service: dict, email_: Optional[dict] = None,
                     webhooks: Optional[dict] = None, units: Optional[dict] = None) -> str:
    parts = [toml_table("service", service)]
    if email_ is not None:
        parts.append(toml_table("email", email_))
    for name, values in (webhooks or {}).items():
        parts.append(toml_table(f"webhooks.{toml_key(name)}", values))
    for uid, values in (units or {}).items():
        parts.append(toml_table(f"units.{toml_key(uid)}", values))
    return "\n".join(parts)


def plan_text(plan: dict, tasks: list) -> str:
    parts = [toml_table("plan", plan)]
    for task in tasks:
        parts.append(toml_table("task", task, array=True))
    return "\n".join(parts)


def write_webhook_only_config(ws, webhooks: dict, units: dict, due, *,
                              task: str = "dong-loat",
                              title: str = "Báo cáo đồng loạt") -> None:
    """Writes a main config with the given webhooks and units (Maildir email, no monitor,
    retries after 1 s capped at 4 s) and plan p1 whose one task, with a "2h" lead and
    deadline `due`, is for every unit."""
    ws.write_config(main_config_text(
        service=service_section(monitor=None, retry_initial="1s", retry_max="4s"),
        email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
        webhooks=webhooks, units=units))
    ws.write_plan("p1.toml", plan_text(
        default_plan("p1"),
        [{"id": task, "title": title, "responsible": sorted(units), "due": due,
          "leads": ["2h"]}]))


BURST_WEBHOOKS = 2


def write_webhook_burst_config(ws, sink, n: int, due) -> dict:
    """n units w00.. sharing BURST_WEBHOOKS webhooks h00.. to `sink` (unit i uses webhook
    i % BURST_WEBHOOKS), all due at once: the daemon sends 4 messages per webhook at a time,
    so 8 are in flight and the rest wait. Returns {reminder key: webhook name}."""
    webhooks = {f"h{i:02d}": {"url": sink.url(f"/hook/{i:02d}"), "timeout": "10s"}
                for i in range(BURST_WEBHOOKS)}
    hook_of = {f"w{i:02d}": f"h{i % BURST_WEBHOOKS:02d}" for i in range(n)}
    units = {u: {"name": f"Đơn vị {u[1:]}", "webhooks": [h]} for u, h in hook_of.items()}
    write_webhook_only_config(ws, webhooks, units, due)
    return {reminder_key("p1", "dong-loat", due, "2h", u): h for u, h in hook_of.items()}


def default_plan(pid: str = "p1", **overrides: Any) -> dict:
    values = {
        "id": pid,
        "number": "12/KH-STNMT",
        "title": "Kế hoạch thử nghiệm nhắc hạn",
        "basis": "Kế hoạch số 354/KH-BCTNCT ngày 24/6/2020",
        "leads": ["2h"],
    }
    values.update(overrides)
    return values


# --------------------------------------------------------------------------
# workspace

class Workspace:
    """A temporary directory holding a config, plans/ and state/."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="dl-it-"))
        self.config_path = self.root / "deadlined.toml"
        self.plans_dir = self.root / "plans"
        self.plans_dir.mkdir()
        self.state_dir = self.root / "state"

    def write(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp~")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)  # atomic, so a reload never sees a half-written file
        return path

    def write_config(self, text: str) -> Path:
        return self.write(self.config_path.name, text)

    def write_plan(self, name: str, text: str) -> Path:
        return self.write(f"plans/{name}", text)

    def cleanup(self, keep: bool = False) -> None:
        if keep:
            print(f"[harness] kept workspace {self.root}", file=sys.stderr)
            return
        shutil.rmtree(self.root, ignore_errors=True)


# --------------------------------------------------------------------------
# SMTP sink

@dataclasses.dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list
    raw: bytes
    received_at: float

    def message(self) -> email.message.EmailMessage:
        return parse_mail(self.raw)

    @property
    def message_id(self) -> str:
        value = self.message()["Message-ID"]
        return "" if value is None else str(value).strip()

    @property
    def is_report(self) -> bool:
        """A delivery-failure report (header X-Deadlined-Report), not a reminder."""
        return self.message()["X-Deadlined-Report"] is not None


@dataclasses.dataclass
class RcptAttempt:
    address: str
    reply: str  # what the sink answered
    at: float


class _SmtpHandler:
    def __init__(self, sink: "SmtpSink") -> None:
        self.sink = sink

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        # With this hook aiosmtpd leaves recording the name to it; the replies are unchanged.
        session.host_name = hostname
        with self.sink._lock:
            self.sink.ehlo_names.append(hostname)
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        reply = self.sink.reject.get(address.lower())
        self.sink._add_rcpt(RcptAttempt(address, reply or "250 OK", time.monotonic()))
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        raw = envelope.original_content
        if raw is None:
            raw = envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        self.sink._add(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos),
                                    bytes(raw), time.monotonic()))
        return "250 2.0.0 OK"


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 (no TLS, no AUTH) recording every message.

    `reject` maps an address to the reply given to `RCPT TO` for it (e.g.
    "550 5.1.1 no such user"); every RCPT TO is recorded in `rcpts`.
    """

    def __init__(self, reject: Optional[dict] = None,
                 auth: Optional[tuple] = None) -> None:
        self.reject = {k.lower(): v for k, v in (reject or {}).items()}
        # (user, password): AUTH PLAIN and LOGIN are offered without TLS (as a server that
        # lacks STARTTLS, or whose STARTTLS an attacker strips), and every attempt recorded.
        self.auth = auth
        self.auth_attempts: list = []
        self.ehlo_names: list = []  # the argument of every EHLO, in order
        self._lock = threading.Lock()
        self._mails: list = []
        self._rcpts: list = []
        self.controller = None
        self.port = 0

    def start(self, port: Optional[int] = None) -> "SmtpSink":
        """Listen on `port`, or on a free port when None."""
        from aiosmtpd.controller import Controller

        last_error: Optional[Exception] = None
        for _ in range(1 if port else 5):
            p = port or free_port()
            options = {}
            if self.auth:
                options = {"authenticator": self._authenticate, "auth_require_tls": False,
                           "auth_required": False}
            controller = Controller(_SmtpHandler(self), hostname="127.0.0.1", port=p,
                                    **options)
            try:
                controller.start()
            except Exception as e:  # port grabbed in between; try another
                last_error = e
                try:
                    controller.stop(no_assert=True)
                except Exception:
                    pass
                continue
            self.controller, self.port = controller, p
            return self
        raise RuntimeError(f"cannot start the SMTP sink: {last_error}")

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult
        user = auth_data.login.decode() if auth_data.login else ""
        password = auth_data.password.decode() if auth_data.password else ""
        with self._lock:
            self.auth_attempts.append((mechanism, user, password))
        return AuthResult(success=(user, password) == tuple(self.auth))

    def stop(self) -> None:
        if self.controller is not None:
            try:
                self.controller.stop()
            finally:
                self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def _add(self, mail: ReceivedMail) -> None:
        with self._lock:
            self._mails.append(mail)

    def _add_rcpt(self, attempt: RcptAttempt) -> None:
        with self._lock:
            self._rcpts.append(attempt)

    @property
    def mails(self) -> list:
        with self._lock:
            return list(self._mails)

    @property
    def rcpts(self) -> list:
        with self._lock:
            return list(self._rcpts)

    def rcpt_count(self, address: str) -> int:
        return sum(1 for r in self.rcpts if r.address.lower() == address.lower())

    def count(self) -> int:
        with self._lock:
            return len(self._mails)

    def reminders(self) -> list:
        return [m for m in self.mails if not m.is_report]

    def reports(self) -> list:
        return [m for m in self.mails if m.is_report]

    def wait_count(self, n: int, timeout: float, daemons: Iterable["Daemon"] = ()) -> list:
        wait_until(lambda: self.count() >= n, timeout, desc=f"{n} mail(s) at the SMTP sink",
                   daemons=daemons)
        return self.mails


def reserve_refusing_port() -> socket.socket:
    """A socket bound to a free 127.0.0.1 port but not listening: connections to the port
    are refused, and nobody else can take it. Close it, then listen on `getsockname()[1]`."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    return s


# --------------------------------------------------------------------------
# HTTP sink

@dataclasses.dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: list  # [(name, value)] as sent
    body: bytes
    status: int  # what we answered
    received_at: float
    peer: tuple = ()  # the client's (address, port): one per connection

    def header(self, name: str) -> Optional[str]:
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    def header_all(self, name: str) -> list:
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]


class _QuietHttpServer(ThreadingHTTPServer):
    request_queue_size = 128  # bursts of concurrent deliveries

    def handle_error(self, request, client_address) -> None:
        pass  # a client that went away (timeout, SIGKILL) is not the sink's problem


class HttpSink:
    """A ThreadingHTTPServer on 127.0.0.1 that records requests.

    Answers `statuses[i]` to the i-th request while there are any, then `status`, after
    sleeping `delay` seconds (the request is recorded when it has been read, before the
    sleep). Closes each connection after its answer unless `keep_alive`. `on_request`, if
    given, is called with each request before it is answered; `reply_headers`, if given,
    returns the extra headers [(name, value)] of the answer to a request.
    """

    def __init__(self, status: int = 200, statuses: Iterable[int] = (),
                 delay: float = 0.0, keep_alive: bool = False,
                 on_request: Optional[Callable[["ReceivedRequest"], None]] = None,
                 reply_headers: Optional[Callable[["ReceivedRequest"], list]] = None) -> None:
        self.reply_headers = reply_headers
        self.status = status
        self.delay = delay
        self.keep_alive = keep_alive
        self.on_request = on_request
        self._queue = list(statuses)
        self._lock = threading.Lock()
        self._requests: list = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                body = self._read_body()
                with sink._lock:
                    status = sink._queue.pop(0) if sink._queue else sink.status
                    request = ReceivedRequest(
                        self.command, self.path, list(self.headers.items()), body, status,
                        time.monotonic(), tuple(self.client_address))
                    sink._requests.append(request)
                if sink.on_request:
                    sink.on_request(request)
                if sink.delay:
                    time.sleep(sink.delay)
                payload = json.dumps({"status": status}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in sink.reply_headers(request) if sink.reply_headers else ():
                    self.send_header(name, value)
                if not sink.keep_alive:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(payload)
                self.close_connection = not sink.keep_alive

            def _read_body(self) -> bytes:
                if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                    chunks = []
                    while True:
                        size_line = self.rfile.readline()
                        size = int(size_line.split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            break
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    return b"".join(chunks)
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            do_POST = _handle
            do_PUT = _handle
            do_GET = _handle

            def log_message(self, fmt: str, *args: Any) -> None:
                pass

        self.server = _QuietHttpServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread: Optional[threading.Thread] = None

    def start(self) -> "HttpSink":
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(5)
            self._thread = None
        self.server.server_close()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def requests(self) -> list:
        with self._lock:
            return list(self._requests)

    def count(self) -> int:
        with self._lock:
            return len(self._requests)

    def wait_count(self, n: int, timeout: float, daemons: Iterable["Daemon"] = ()) -> list:
        wait_until(lambda: self.count() >= n, timeout,
                   desc=f"{n} request(s) at the HTTP sink", daemons=daemons)
        return self.requests

    def ids(self) -> list:
        """The webhook-id of every request, in arrival order."""
        return [r.header("webhook-id") for r in self.requests]

    def keys(self) -> list:
        """The payload `key` of every request, in arrival order (see webhook_key_of)."""
        return [webhook_key_of(r) for r in self.requests]


@dataclasses.dataclass
class HangingRequest:
    path: str
    headers: list
    body: bytes
    received_at: float  # the whole request has been read
    closed_at: Optional[float] = None  # the client closed the connection

    def header(self, name: str) -> Optional[str]:
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None


class HangingHttpSink:
    """Accepts connections and reads each request completely, but never answers.

    Records every request and when the client gave up on it (closed the connection).
    `stop()` closes every connection and joins every thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list = []
        self._stop = threading.Event()
        self._conns: list = []
        self._threads: list = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self._thread: Optional[threading.Thread] = None

    def start(self) -> "HangingHttpSink":
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()
        return self

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(0.1)
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            with self._lock:
                self._conns.append(conn)
                self._threads.append(t)
            t.start()

    def _recv(self, conn: socket.socket) -> Optional[bytes]:
        """Next bytes; b"" when the peer closed; None when stopping."""
        while not self._stop.is_set():
            try:
                return conn.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return b""
        return None

    def _serve(self, conn: socket.socket) -> None:
        buf = b""
        request: Optional[HangingRequest] = None
        try:
            while b"\r\n\r\n" not in buf:
                data = self._recv(conn)
                if not data:
                    return
                buf += data
            head, _, body = buf.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
            path = parts[1] if len(parts) > 1 else ""
            headers = []
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers.append((name.strip(), value.strip()))
            length = 0
            for k, v in headers:
                if k.lower() == "content-length":
                    length = int(v)
            while len(body) < length:
                data = self._recv(conn)
                if not data:
                    break
                body += data
            request = HangingRequest(path, headers, body, time.monotonic())
            with self._lock:
                self._requests.append(request)
            while True:  # never answer; wait for the client to give up
                data = self._recv(conn)
                if data is None:
                    return
                if data == b"":
                    request.closed_at = time.monotonic()
                    return
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def stop(self) -> None:
        self._stop.set()
        try:
            self.sock.close()
        except OSError:
            pass
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        with self._lock:
            conns, threads = list(self._conns), list(self._threads)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in threads:
            t.join(5)

    def alive_threads(self) -> int:
        with self._lock:
            threads = list(self._threads)
        n = sum(1 for t in threads if t.is_alive())
        if self._thread is not None and self._thread.is_alive():
            n += 1
        return n

    @property
    def requests(self) -> list:
        with self._lock:
            return list(self._requests)

    def count(self) -> int:
        with self._lock:
            return len(self._requests)

    def ids(self) -> list:
        return [r.header("webhook-id") for r in self.requests]

    def keys(self) -> list:
        return [webhook_key_of(r) for r in self.requests]


# --------------------------------------------------------------------------
# sd_notify socket

class NotifySocket:
    """A unix datagram socket receiving sd_notify messages, one entry per line."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.1)
        self._cond = threading.Condition()
        self._lines: list = []  # [(monotonic time, line)]
        self._datagrams: list = []
        self._stop = False
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            text = data.decode("utf-8", "replace")
            with self._cond:
                self._datagrams.append(text)
                for line in text.split("\n"):
                    if line:
                        self._lines.append((time.monotonic(), line))
                self._cond.notify_all()

    def mark(self) -> int:
        with self._cond:
            return len(self._lines)

    def lines(self, after: int = 0) -> list:
        with self._cond:
            return [line for _, line in self._lines[after:]]

    def find(self, line: str, after: int = 0) -> Optional[int]:
        with self._cond:
            for i in range(after, len(self._lines)):
                if self._lines[i][1] == line:
                    return i
        return None

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass


# --------------------------------------------------------------------------
# the daemon

class Daemon:
    """One `deadlined run --config FILE` process."""

    _counter = 0

    def __init__(self, ws: Workspace, *, config: Optional[Path] = None,
                 env: Optional[dict] = None) -> None:
        Daemon._counter += 1
        self.n = Daemon._counter
        self.ws = ws
        self.config = Path(config or ws.config_path)
        self.extra_env = dict(env or {})
        self.log_path = ws.root / f"daemon-{self.n}.log"
        self.notify = NotifySocket(ws.root / f"notify-{self.n}.sock")
        self.proc: Optional[subprocess.Popen] = None
        self._log_file = None

    def start(self) -> "Daemon":
        env = {k: v for k, v in os.environ.items()
               if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
                            "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES")}
        env.update(self.extra_env)
        env["NOTIFY_SOCKET"] = self.notify.path
        self._log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [binary(), "run", "--config", str(self.config)],
            stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=subprocess.STDOUT,
            cwd=str(self.ws.root), env=env, start_new_session=True)
        return self

    # -- state

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def returncode(self) -> Optional[int]:
        return None if self.proc is None else self.proc.poll()

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def describe(self) -> str:
        return (f"--- daemon #{self.n} (exit {self.returncode()}) notify: "
                f"{self.notify.lines()}\n--- log ---\n{self.log()}--- end ---")

    # -- protocol

    def wait_notify(self, line: str, after: int = 0, timeout: float = 10.0) -> int:
        """Index of the first `line` at or after `after` (waits for it)."""
        def found() -> Optional[list]:
            i = self.notify.find(line, after)
            return None if i is None else [i]

        return wait_until(found, timeout, interval=0.05, desc=f"sd_notify {line!r}",
                          daemons=[self])[0]

    def wait_ready(self, timeout: float = 10.0) -> None:
        self.wait_notify("READY=1", 0, timeout)

    def reload(self, timeout: float = 10.0) -> None:
        """SIGHUP, then wait for RELOADING=1 and a READY=1 after it."""
        mark = self.notify.mark()
        self.proc.send_signal(signal.SIGHUP)
        i = self.wait_notify("RELOADING=1", mark, timeout)
        self.wait_notify("READY=1", i + 1, timeout)

    def stop(self, timeout: float = 10.0, expect_stopping: bool = True) -> int:
        """SIGTERM; assert exit code 0 within `timeout` seconds (and STOPPING=1 sent)."""
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"daemon already exited with {self.proc.returncode} "
                                 f"before SIGTERM\n{self.describe()}")
        mark = self.notify.mark()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"daemon did not exit within {timeout}s of SIGTERM\n"
                                 f"{self.describe()}")
        if rc != 0:
            raise AssertionError(f"daemon exited with {rc} after SIGTERM, expected 0\n"
                                 f"{self.describe()}")
        if expect_stopping:
            try:
                wait_until(lambda: self.notify.find("STOPPING=1", mark) is not None, 2.0,
                           interval=0.05, desc="STOPPING=1")
            except AssertionError:
                raise AssertionError(f"no STOPPING=1 notification on SIGTERM\n"
                                     f"{self.describe()}") from None
        return rc

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
            self.proc.wait(5)

    def close(self) -> None:
        self.kill()
        self.notify.close()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


def run_cli(args: list, *, cwd: Optional[Path] = None, env: Optional[dict] = None,
            timeout: float = 30.0) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "NOTIFY_SOCKET"}
    full_env.update(env or {})
    return subprocess.run([binary()] + [str(a) for a in args], cwd=str(cwd) if cwd else None,
                          env=full_env, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=timeout)


# --------------------------------------------------------------------------
# journal, log, clocks

def confirmations(state_dir: Path) -> list:
    """The audit trail of STATE_DIR/journal.sqlite (rows as dicts, oldest first); [] before
    the journal or its table exists."""
    path = Path(state_dir) / "journal.sqlite"
    if not path.exists():
        return []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("SELECT * FROM confirmations ORDER BY id")]
    except sqlite3.OperationalError:  # table not created yet
        return []
    finally:
        con.close()


def outbox_mails_to(state_dir: Path, address: str) -> list:
    """Parsed messages in the Maildir outbox STATE_DIR/outbox/new whose To is exactly
    `address`, by file name."""
    new = Path(state_dir) / "outbox" / "new"
    if not new.is_dir():
        return []
    msgs = [parse_mail(p.read_bytes()) for p in sorted(new.iterdir()) if p.name[0] != "."]
    return [m for m in msgs if [a.addr_spec for a in m["To"].addresses] == [address]]


def journal_rows(state_dir: Path) -> dict:
    """{key: row as dict} of STATE_DIR/journal.sqlite (read-only; fine while the daemon
    runs, the journal is in WAL mode). {} when there is no journal yet."""
    path = Path(state_dir) / "journal.sqlite"
    if not path.exists():
        return {}
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        con.row_factory = sqlite3.Row
        return {row["key"]: dict(row) for row in con.execute("SELECT * FROM deliveries")}
    finally:
        con.close()


def smtp_journal_key(reminder: str, address: str) -> str:
    return f"{reminder}/email:{address}"


def webhook_journal_key(reminder: str, name: str) -> str:
    return f"{reminder}/webhook:{name}"


LOG_LINE = re.compile(r"^(?:\S+ \S+ )?\[(\w+)\] (.*)$")


def log_lines(text: str, level: Optional[str] = None, *needles: str) -> list:
    """Lines of a daemon log ("YYYY-MM-DD HH:MM:SS.mmm [level] message") at `level` (any when
    None) that contain every one of `needles`."""
    out = []
    for line in text.splitlines():
        m = LOG_LINE.match(line)
        if level is not None and (not m or m.group(1) != level):
            continue
        if all(n in line for n in needles):
            out.append(line)
    return out


def monotonic_of(when: dt.datetime) -> float:
    """The time.monotonic() value at the wall-clock instant `when`."""
    return time.monotonic() + (when.timestamp() - time.time())


def vn_day_ids(*instants: float) -> set:
    """YYYYMMDD in the service zone of each unix time (a test may straddle midnight)."""
    return {dt.datetime.fromtimestamp(t, VN_TZ).strftime("%Y%m%d") for t in instants}


def decoded_subject(raw: bytes) -> set:
    """The Subject as decoded by the policy parser and by the legacy RFC 2047 decoder."""
    import email.header

    out = set()
    msg = parse_mail(raw)
    if msg["Subject"] is not None:
        out.add(str(msg["Subject"]))
    fields = raw_header_lines(raw, "Subject")
    if fields:
        value = b"\r\n".join(fields[0]).decode("ascii", "replace").split(":", 1)[1]
        value = re.sub(r"\r\n([ \t])", r"\1", value).strip()
        out.add(str(email.header.make_header(email.header.decode_header(value))))
    return out


def text_body(msg: email.message.EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    if part is None:
        raise AssertionError(f"no text/plain part in:\n{msg}")
    return part.get_content()


# --------------------------------------------------------------------------
# mail checks

def parse_mail(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def raw_header_block(raw: bytes) -> bytes:
    m = re.search(rb"\r?\n\r?\n", raw)
    return raw[: m.start()] if m else raw


def raw_header_lines(raw: bytes, name: str) -> list:
    """The physical lines (first + continuation lines) of every `name` header field."""
    lines = re.split(rb"\r?\n", raw_header_block(raw))
    out: list = []
    current: Optional[list] = None
    prefix = name.lower().encode() + b":"
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            if current is not None:
                current.append(line)
            continue
        current = None
        if line.lower().startswith(prefix):
            current = [line]
            out.append(current)
    return out


def decoded_display_name(raw: bytes, name: str) -> str:
    """Display name of the first `name` header, decoded with email.header (RFC 2047 6.2:
    whitespace between adjacent encoded-words is ignored)."""
    import email.header

    fields = raw_header_lines(raw, name)
    if not fields:
        return ""
    value = b" ".join(line.strip() for line in fields[0]).decode("ascii", "replace")
    value = value.split(":", 1)[1].strip()
    decoded = str(email.header.make_header(email.header.decode_header(value)))
    return email.utils.parseaddr(decoded)[0]


ENCODED_WORD = re.compile(rb"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")


class MailChecks:
    """Mixin for TestCase: field-by-field checks of a reminder email."""

    def check_reminder_mail(self, raw: bytes, *, to: list, cc: Optional[list], title: str,
                            plan_number: str, due: dt.datetime, key: str,
                            from_name: str = FROM_NAME, from_addr: str = FROM_ADDR,
                            monitor_words: Iterable[str] = ("Văn phòng",),
                            max_age: float = 300.0) -> email.message.EmailMessage:
        tc: unittest.TestCase = self  # type: ignore[assignment]
        msg = parse_mail(raw)
        head = raw_header_block(raw)
        try:
            head.decode("ascii")
        except UnicodeDecodeError:
            tc.fail(f"raw header section contains non-ASCII bytes (must use RFC 2047):\n"
                    f"{head.decode('utf-8', 'replace')}")
        for line in re.split(rb"\r?\n", head):
            tc.assertLessEqual(len(line), 998, f"header line longer than 998: {line[:100]!r}")

        # From
        tc.assertEqual(len(msg.get_all("From", [])), 1, "exactly one From header")
        froms = msg["From"].addresses
        tc.assertEqual(len(froms), 1, f"From: {msg['From']!r}")
        # The policy parser puts a stray space between adjacent encoded-words in a
        # display-name (CPython bug), so decode the name with the legacy decoder too.
        names = {froms[0].display_name, decoded_display_name(raw, "From")}
        tc.assertIn(from_name, names, "From display name")
        tc.assertEqual(froms[0].addr_spec, from_addr, "From address")

        # To / Cc
        tc.assertEqual(sorted(a.addr_spec for a in msg["To"].addresses), sorted(to), "To")
        if cc:
            tc.assertIsNotNone(msg["Cc"], "Cc header missing")
            tc.assertEqual(sorted(a.addr_spec for a in msg["Cc"].addresses), sorted(cc), "Cc")
        else:
            tc.assertIsNone(msg["Cc"], f"unexpected Cc header: {msg['Cc']!r}")

        # Subject
        tc.assertEqual(len(msg.get_all("Subject", [])), 1, "exactly one Subject header")
        subject = str(msg["Subject"])
        tc.assertIn(title, subject, "decoded Subject contains the task title")
        fields = raw_header_lines(raw, "Subject")
        tc.assertEqual(len(fields), 1)
        for line in fields[0]:
            tc.assertLessEqual(len(line), 78, f"raw Subject line longer than 78: {line!r}")
        subject_raw = b"\r\n".join(fields[0])
        words = ENCODED_WORD.findall(subject_raw)
        tc.assertTrue(words, f"raw Subject has no RFC 2047 encoded-word: {subject_raw!r}")
        for m in ENCODED_WORD.finditer(subject_raw):
            tc.assertEqual(m.group(1).lower(), b"utf-8", f"encoded-word charset: {m.group(0)!r}")
            tc.assertLessEqual(len(m.group(0)), 75, f"encoded-word longer than 75: {m.group(0)!r}")
        tc.assertIn(b"=?UTF-8?", subject_raw.upper())

        # Date
        tc.assertIsNotNone(msg["Date"], "Date header missing")
        date = email.utils.parsedate_to_datetime(str(msg["Date"]))
        tc.assertIsNotNone(date.tzinfo, f"Date without zone: {msg['Date']!r}")
        age = abs((dt.datetime.now(dt.timezone.utc) - date).total_seconds())
        tc.assertLess(age, max_age, f"Date {msg['Date']!r} is {age:.0f}s from now")

        # Message-ID
        tc.assertEqual(str(msg["Message-ID"]).strip(), f"<{key}@{from_addr.split('@')[1]}>",
                       "Message-ID")

        # MIME
        # A reminder is multipart/alternative: its plain text, then its HTML part.
        tc.assertIn(msg.get_content_type(), ("text/plain", "multipart/alternative"),
                    "Content-Type")
        plain = msg.get_body(preferencelist=("plain",))
        tc.assertIsNotNone(plain, "a text/plain part")
        tc.assertEqual((plain.get_content_charset() or "").lower(), "utf-8", "charset")
        body = plain.get_content()
        tc.assertIn(title, body, "body contains the task title")
        tc.assertIn(plan_number, body, "body contains the plan number")
        tc.assertIn(vn_date(due), body, "body contains the deadline dd/mm/yyyy")
        tc.assertTrue(any(w in body for w in monitor_words),
                      f"body mentions one of {list(monitor_words)}:\n{body}")
        return msg


    def check_per_recipient(self, mails: list, expected: dict) -> None:
        """`expected` maps a Message-ID to the addresses it must reach. Every SMTP transaction
        has exactly one envelope recipient; each (Message-ID, address) arrives exactly once;
        the copies of one message agree on From, To, Cc, Message-ID, Subject and body."""
        tc: unittest.TestCase = self  # type: ignore[assignment]
        for m in mails:
            tc.assertEqual(len(m.rcpt_tos), 1,
                           f"one RCPT TO per transaction, got {m.rcpt_tos} for {m.message_id}")
        got = Counter((m.message_id, m.rcpt_tos[0]) for m in mails)
        want = Counter((mid, addr) for mid, addrs in expected.items() for addr in addrs)
        tc.assertEqual(got, want, "(Message-ID, RCPT TO) of every transaction")
        for mid in expected:
            copies = [m.message() for m in mails if m.message_id == mid]
            first = copies[0]
            for other in copies[1:]:
                for h in ("From", "To", "Cc", "Message-ID", "Subject"):
                    tc.assertEqual(str(other[h]), str(first[h]), f"{h} differs across copies")
                tc.assertEqual(text_body(other), text_body(first),
                               "body differs across copies")

    def check_failure_report(self, mail: ReceivedMail, *, address: str, unit_name: str,
                             key: str, reason: str, to: str = FROM_ADDR,
                             days: Iterable[str] = ()) -> email.message.EmailMessage:
        """A delivery-failure report to the Office: Subject "Không gửi được nhắc việc tới
        ADDRESS", X-Deadlined-Report, Message-ID <failure.YYYYMMDD.HEX16@domain>, and a
        text/plain body naming the address, the unit, the reminder key and the reason."""
        tc: unittest.TestCase = self  # type: ignore[assignment]
        msg = mail.message()
        tc.assertEqual(mail.rcpt_tos, [to], "the report goes to the Office's address")
        tc.assertEqual(msg["From"].addresses[0].addr_spec, FROM_ADDR, "report From")
        tc.assertEqual([a.addr_spec for a in msg["To"].addresses], [to], "report To")
        tc.assertEqual(str(msg["X-Deadlined-Report"]).strip(), "delivery-failure")
        want = f"Không gửi được nhắc việc tới {address}"
        tc.assertIn(want, decoded_subject(mail.raw), "report Subject (decoded)")
        mid = str(msg["Message-ID"]).strip()
        m = re.fullmatch(r"<failure\.(\d{8})\.([0-9a-f]{16})@" + re.escape(MAIL_DOMAIN) + ">",
                         mid)
        tc.assertIsNotNone(m, f"report Message-ID {mid!r}")
        days = set(days)
        if days:
            tc.assertIn(m.group(1), days, f"report Message-ID day {mid!r}")
        body = text_body(msg)
        for word, what in ((address, "the address"), (unit_name, "the unit's name"),
                           (key, "the reminder key"), (reason, "the reason")):
            tc.assertIn(word, body, f"report body contains {what}:\n{body}")
        return msg


# --------------------------------------------------------------------------
# base test case

class DaemonTestCase(unittest.TestCase, MailChecks):
    """Creates a workspace; cleans up daemons, sinks and the directory afterwards."""

    maxDiff = None

    def setUp(self) -> None:
        self.ws = Workspace()
        self.addCleanup(lambda: self.ws.cleanup(keep=self._failed() and
                                                bool(os.environ.get("DEADLINED_IT_KEEP"))))
        self.daemons: list = []

    def _failed(self) -> bool:
        outcome = getattr(self, "_outcome", None)
        return outcome is not None and not getattr(outcome, "success", True)

    def tearDown(self) -> None:
        if self._failed():
            for d in self.daemons:
                print(f"\n[harness] {self.id()}\n{d.describe()}", file=sys.stderr)

    def smtp_sink(self, **options: Any) -> SmtpSink:
        sink = SmtpSink(**options).start()
        self.addCleanup(sink.stop)
        return sink

    def http_sink(self, status: int = 200, statuses: Iterable[int] = (),
                  delay: float = 0.0, keep_alive: bool = False,
                  on_request: Optional[Callable[[ReceivedRequest], None]] = None,
                  reply_headers: Optional[Callable[[ReceivedRequest], list]] = None
                  ) -> HttpSink:
        sink = HttpSink(status, statuses, delay, keep_alive, on_request, reply_headers).start()
        self.addCleanup(sink.stop)
        return sink

    def start_daemon(self, *, env: Optional[dict] = None, wait_ready: bool = True,
                     ready_timeout: float = 10.0) -> Daemon:
        d = Daemon(self.ws, env=env)
        self.daemons.append(d)
        self.addCleanup(d.close)
        d.start()
        if wait_ready:
            d.wait_ready(ready_timeout)
        return d

    def logs(self) -> str:
        return "\n".join(d.describe() for d in self.daemons)


# --------------------------------------------------------------------------
# additions: timed sd_notify lines, HTTPS sink, self-signed certificates

def notify_timed_lines(sock: NotifySocket, after: int = 0) -> list:
    """[(monotonic time, line)] of the sd_notify lines received at or after index `after`."""
    with sock._cond:
        return list(sock._lines[after:])


def notify_datagrams(sock: NotifySocket) -> list:
    """Every sd_notify datagram received so far, as text, in arrival order."""
    with sock._cond:
        return list(sock._datagrams)


OPENSSL = "/usr/bin/openssl"


def self_signed_certificate(directory: Path, cn: str = "127.0.0.1") -> Optional[tuple]:
    """(cert.pem, key.pem) of a fresh self-signed RSA-2048 certificate for `cn` (also as an IP
    subjectAltName), valid one day; None when /usr/bin/openssl is missing."""
    if not os.access(OPENSSL, os.X_OK):
        return None
    cert, key = Path(directory) / "cert.pem", Path(directory) / "key.pem"
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-subj", f"/CN={cn}", "-days", "1", "-addext", f"subjectAltName=IP:{cn}",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    return cert, key


class HttpsSink(HttpSink):
    """An HttpSink behind TLS (certificate `certfile`, key `keyfile`).

    The handshake runs in the connection's own thread; each one is recorded in `handshakes`
    as (ok, error text)."""

    def __init__(self, certfile: Path, keyfile: Path, status: int = 200,
                 statuses: Iterable[int] = (), delay: float = 0.0) -> None:
        import ssl

        super().__init__(status, statuses, delay)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(certfile), str(keyfile))
        self._handshakes: list = []
        plain_finish = self.server.finish_request
        sink = self

        def finish_request(request, client_address):  # runs in the connection's thread
            request.settimeout(15)
            try:
                tls = context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as e:
                with sink._lock:
                    sink._handshakes.append((False, str(e)))
                return
            with sink._lock:
                sink._handshakes.append((True, ""))
            try:
                plain_finish(tls, client_address)
            finally:
                try:
                    tls.close()
                except OSError:
                    pass

        self.server.finish_request = finish_request

    def url(self, path: str = "/hook") -> str:
        return f"https://127.0.0.1:{self.port}{path}"

    @property
    def handshakes(self) -> list:
        with self._lock:
            return list(self._handshakes)


class DaemonWithArgs(Daemon):
    """A Daemon whose command line can be changed: `prefix` runs before the binary (e.g. a
    shell wrapper ending in `exec "$0" "$@"`, so the daemon keeps the wrapper's pid) and
    `extra_args` follow `run --config FILE` (e.g. ["--log-level", "debug"])."""

    def __init__(self, ws: Workspace, *, config: Optional[Path] = None,
                 env: Optional[dict] = None, prefix: Iterable[str] = (),
                 extra_args: Iterable[str] = ()) -> None:
        super().__init__(ws, config=config, env=env)
        self.prefix = list(prefix)
        self.extra_args = list(extra_args)

    def start(self) -> "DaemonWithArgs":
        env = {k: v for k, v in os.environ.items()
               if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
                            "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES")}
        env.update(self.extra_env)
        env["NOTIFY_SOCKET"] = self.notify.path
        self._log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            self.prefix + [binary(), "run", "--config", str(self.config)] + self.extra_args,
            stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=subprocess.STDOUT,
            cwd=str(self.ws.root), env=env, start_new_session=True)
        return self


def start_daemon_with_args(tc: DaemonTestCase, *, env: Optional[dict] = None,
                           prefix: Iterable[str] = (), extra_args: Iterable[str] = (),
                           wait_ready: bool = True, ready_timeout: float = 10.0
                           ) -> DaemonWithArgs:
    """Like DaemonTestCase.start_daemon, with a DaemonWithArgs (cleaned up the same way)."""
    d = DaemonWithArgs(tc.ws, env=env, prefix=prefix, extra_args=extra_args)
    tc.daemons.append(d)
    tc.addCleanup(d.close)
    d.start()
    if wait_ready:
        d.wait_ready(ready_timeout)
    return d
