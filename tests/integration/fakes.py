"""Fake servers of the providers behind the webhook presets (docs/CHANNELS.md).

Each fake implements the provider's *published* contract: the method and path, the headers and
the authentication, the body's shape, its error codes and (Zalo) its token rotation, and answers
a violation as the provider documents. A fake never answers what our code would like to hear:
where a provider's behaviour could not be confirmed from its documentation, the comment says so.

Standard library only; run with /usr/bin/python3. Every fake listens on 127.0.0.1, on a port
chosen at run time:

    fake = fakes.start(fakes.SlackFake)
    ...  # point deadlined at fake.url
    fake.requests      # every request: method, path, query, headers, parsed body, our answer
    fake.violations    # the contract violations seen (a test asserts it stays empty)
    fake.script("retryable", "ok")   # the next answers; after the queue, "ok"
    fake.close()

Every fake knows four scripted answers: "ok", "retryable", "permanent" and "error_body" (HTTP
200 whose body says it failed); `fake.EXPECTED[kind]` is the outcome the daemon should record
("delivered", "retry", "failed").
"""

from __future__ import annotations

import base64
import collections
import dataclasses
import datetime as dt
import json
import re
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

KINDS = ("ok", "retryable", "permanent", "error_body")


@dataclasses.dataclass
class Answer:
    status: int
    body: bytes = b""
    headers: list = dataclasses.field(default_factory=list)


def json_answer(status: int, value: Any, headers: Optional[list] = None) -> Answer:
    return Answer(status, json.dumps(value, ensure_ascii=False).encode(),
                  [("Content-Type", "application/json; charset=utf-8")] + (headers or []))


def text_answer(status: int, text: str, headers: Optional[list] = None) -> Answer:
    return Answer(status, text.encode(), [("Content-Type", "text/plain; charset=utf-8")]
                  + (headers or []))


@dataclasses.dataclass
class Request:
    """One request as the fake read it, and what it answered."""
    method: str
    path: str
    query: dict  # name -> [values]
    headers: list  # [(name, value)] in arrival order
    raw: bytes
    body: Any  # parsed JSON, a form as {name: value}, or None
    received_at: float  # time.monotonic()
    status: int = 0
    answer: bytes = b""
    violation: str = ""  # the contract this request broke, "" if none

    def header(self, name: str) -> Optional[str]:
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    def query1(self, name: str) -> Optional[str]:
        values = self.query.get(name)
        return values[0] if values else None


class ContractViolation(Exception):
    """Raised inside a handler: the request broke the contract; `answer` is the provider's."""

    def __init__(self, why: str, answer: Answer) -> None:
        super().__init__(why)
        self.why = why
        self.answer = answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:  # a client going away is normal
        pass


class FakeProvider:
    """A provider on 127.0.0.1: records every request and answers per a scriptable queue.

    Subclasses implement `handle(req, kind)`, which checks the contract (raising
    ContractViolation with the provider's own answer) and returns the answer for `kind`."""

    preset = ""
    EXPECTED = {"ok": "delivered", "retryable": "retry", "permanent": "failed",
                "error_body": "failed"}

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._requests: list = []
        self._queue: collections.deque = collections.deque()
        self.default = "ok"
        self.server: Optional[_Server] = None
        self.thread: Optional[threading.Thread] = None

    # -- lifecycle

    def start(self) -> "FakeProvider":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                fake._serve(self)

            do_GET = do_PUT = do_DELETE = do_PATCH = do_POST  # noqa: N815

            def log_message(self, fmt: str, *args: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def port(self) -> int:
        assert self.server is not None, "not started"
        return self.server.server_address[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The URL a preset posts to (the provider's endpoint on this fake)."""
        return self.base + self.path()

    def path(self) -> str:
        return "/"

    # -- script and record

    def script(self, *kinds: str) -> None:
        """The answers to the next requests to the send endpoint, in order."""
        for k in kinds:
            if k not in KINDS and not k.startswith("raw:"):
                raise ValueError(f"unknown answer kind {k!r}")
        with self._lock:
            self._queue.extend(kinds)

    def _next_kind(self) -> str:
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    @property
    def requests(self) -> list:
        with self._lock:
            return list(self._requests)

    @property
    def violations(self) -> list:
        """[(path, why)] of every request that broke the contract."""
        with self._lock:
            return [(r.path, r.violation) for r in self._requests if r.violation]

    def count(self) -> int:
        with self._lock:
            return len(self._requests)

    def wait_count(self, n: int, timeout: float) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= n:
                return self.requests
            time.sleep(0.05)
        raise AssertionError(f"{type(self).__name__}: {self.count()} requests after "
                             f"{timeout:.0f}s, wanted {n}")

    # -- serving

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length > 0 else b""
        split = urllib.parse.urlsplit(h.path)
        req = Request(h.command, split.path, urllib.parse.parse_qs(split.query, True),
                      list(h.headers.items()), raw, None, time.monotonic())
        ctype = (req.header("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded":
            req.body = dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), True))
        elif raw:
            try:
                req.body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                req.body = None
        try:
            answer = self.handle(req)
        except ContractViolation as v:
            req.violation = v.why
            answer = v.answer
        req.status, req.answer = answer.status, answer.body
        with self._lock:
            self._requests.append(req)
        h.send_response(answer.status)
        for k, v in answer.headers:
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(answer.body)))
        h.end_headers()
        if answer.body and h.command != "HEAD":
            h.wfile.write(answer.body)

    def handle(self, req: Request) -> Answer:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- helpers for subclasses

    @staticmethod
    def require(cond: bool, why: str, answer: Answer) -> None:
        if not cond:
            raise ContractViolation(why, answer)

    def require_post_json(self, req: Request, answer: Answer) -> None:
        self.require(req.method == "POST", f"method {req.method}, not POST", answer)
        ctype = (req.header("Content-Type") or "").split(";")[0].strip().lower()
        self.require(ctype == "application/json", f"Content-Type {ctype!r}", answer)
        self.require(isinstance(req.body, dict), "the body is not a JSON object", answer)


def start(fake_class: type, **kwargs: Any) -> Any:
    """A `fake_class(**kwargs)` serving on 127.0.0.1, port 0, in a daemon thread."""
    return fake_class(**kwargs).start()


def _sliding_max(times: list, window: float) -> int:
    """The most of `times` (sorted) that fall in any half-open window of `window` seconds."""
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


MOBILE_84 = re.compile(r"^84(3|5|7|8|9)\d{8}$")
MOBILE_ANY = re.compile(r"^(84|0)(3|5|7|8|9)\d{8}$")


# --------------------------------------------------------------------------------------------
# Zalo Notification Service

class ZaloZnsFake(FakeProvider):
    """Zalo ZNS: send a template message by phone number, with an OA access token that the
    OAuth v4 endpoint rotates.

    Sources:
      https://developers.zalo.me/docs/zalo-notification-service/gui-tin-zns/gui-zns
        POST https://business.openapi.zalo.me/message/template, header `access_token`,
        JSON {phone, template_id, template_data, tracking_id}; phone as 84xxxxxxxxx
      https://zalo.cloud/zns/guidelines/handle-error-code   the ZNS error codes (HTTP 200,
        negative `error`): -100 unknown error "vui lòng thử lại sau", -108 phone invalid,
        -109 template id invalid, -111 template data empty, -112 template data invalid,
        -115 out of quota, -118 Zalo account not existed, -124 access token invalid, ...
      https://developers.zalo.me/docs/official-account/bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new
        POST https://oauth.zaloapp.com/v4/oa/access_token, header `secret_key`, form
        refresh_token, app_id, grant_type=refresh_token; answers {access_token, refresh_token,
        expires_in}; the access token lives 25 h (expires_in "90000"), the refresh token three
        months and is good for ONE use.
    Not confirmed from the docs (stated by third-party integrations): the exact JSON of a
    refused refresh token; this fake answers {"error": -14014, "error_name": ..., ...} as
    those report it. The quota object's field names (dailyQuota, remainingQuota) are as the
    brief and SDKs give them.
    """

    preset = "zalo-zns"
    SEND_PATH = "/message/template"
    TOKEN_PATH = "/v4/oa/access_token"
    EXPECTED = {"ok": "delivered", "retryable": "retry", "permanent": "failed",
                "error_body": "failed"}
    # The scripted failures (all HTTP 200, as ZNS answers): -100 asks to try again later;
    # -118 (no Zalo account on that number) and -109 (template id) never get better.
    SCRIPTED = {"retryable": (-100, "Unknown error"),
                "permanent": (-118, "Zalo account not existed"),
                "error_body": (-109, "Template ID invalid")}

    def __init__(self, *, app_id: str = "3812345678901234567", secret_key: str = "",
                 refresh_token: str = "", template_id: str = "231456",
                 template_params: tuple = (), refresh_delay: float = 0.3,
                 daily_quota: int = 500) -> None:
        super().__init__()
        self.app_id = app_id
        self.secret_key = secret_key or "sk_" + secrets.token_urlsafe(18)
        self.template_id = template_id
        self.template_params = tuple(template_params)  # the template's parameter names
        self.refresh_delay = refresh_delay  # a refresh takes this long, so overlap shows
        self.daily_quota = daily_quota
        self.remaining = daily_quota
        self.current_refresh_token = refresh_token or self._new_token("rt")
        self.first_refresh_token = self.current_refresh_token
        self.used_refresh_tokens: set = set()
        self.valid_access_tokens: set = set()
        self.issued: list = []  # [(access_token, refresh_token)] in order
        self.presented_refresh_tokens: list = []  # every refresh_token sent to the endpoint
        self.refreshes = 0  # successful refreshes
        self._in_flight = 0
        self.max_refreshes_in_flight = 0

    def path(self) -> str:
        return self.SEND_PATH

    @property
    def token_url(self) -> str:
        return self.base + self.TOKEN_PATH

    @staticmethod
    def _new_token(prefix: str) -> str:
        return f"{prefix}_{secrets.token_urlsafe(24)}"

    def expire_access_token(self) -> None:
        """Every access token issued so far stops working: the next send gets -124."""
        with self._lock:
            self.valid_access_tokens.clear()

    def issued_tokens(self) -> list:
        """Every access and refresh token this fake has issued (and the first refresh token)."""
        with self._lock:
            return [self.first_refresh_token] + [t for pair in self.issued for t in pair]

    def handle(self, req: Request) -> Answer:
        if req.path == self.TOKEN_PATH:
            return self._refresh(req)
        return self._send(req)

    def _zns_error(self, code: int, message: str) -> Answer:
        return json_answer(200, {"error": code, "message": message})

    def _send(self, req: Request) -> Answer:
        bad_param = self._zns_error(-112, "Template data invalid")
        self.require(req.path == self.SEND_PATH, f"path {req.path}",
                     json_answer(404, {"error": 404, "message": "Not found"}))
        self.require_post_json(req, bad_param)
        token = req.header("access_token")
        with self._lock:
            token_ok = token in self.valid_access_tokens
        self.require(token is not None, "no access_token header",
                     self._zns_error(-124, "Access token is invalid"))
        if not token_ok:  # expired or unknown: not a contract breach, the provider's answer
            return self._zns_error(-124, "Access token is invalid")
        body = req.body
        self.require(set(body) <= {"phone", "template_id", "template_data", "tracking_id",
                                   "mode", "sending_mode"},
                     f"unknown fields {sorted(set(body) - {'phone', 'template_id'})}", bad_param)
        phone = body.get("phone")
        self.require(isinstance(phone, str) and MOBILE_84.match(phone or "") is not None,
                     f"phone {phone!r} is not 84 and 9 digits",
                     self._zns_error(-108, "Phone number invalid"))
        self.require(body.get("template_id") == self.template_id,
                     f"template_id {body.get('template_id')!r}",
                     self._zns_error(-109, "Template ID invalid"))
        data = body.get("template_data")
        self.require(isinstance(data, dict) and len(data) > 0, "template_data empty",
                     self._zns_error(-111, "Template data empty"))
        self.require(all(isinstance(v, str) for v in data.values()),
                     "template_data values must be strings", bad_param)
        if self.template_params:
            self.require(set(data) == set(self.template_params),
                         f"template_data keys {sorted(data)} != {sorted(self.template_params)}",
                         bad_param)
        tracking = body.get("tracking_id")
        self.require(tracking is None or (isinstance(tracking, str) and 0 < len(tracking) <= 48),
                     f"tracking_id {tracking!r}", bad_param)
        kind = self._next_kind()
        if kind in self.SCRIPTED:
            return self._zns_error(*self.SCRIPTED[kind])
        with self._lock:
            if self.remaining <= 0:
                return self._zns_error(-115, "Out of quota")
            self.remaining -= 1
            remaining = self.remaining
        return json_answer(200, {"error": 0, "message": "Success", "data": {
            "msg_id": secrets.token_hex(16),
            "sent_time": str(int(time.time() * 1000)),
            "sending_mode": "1",
            "quota": {"dailyQuota": str(self.daily_quota), "remainingQuota": str(remaining)}}})

    def _token_error(self, code: int, reason: str) -> Answer:
        return json_answer(200, {"error": code, "error_name": "Invalid parameter",
                                 "error_reason": reason,
                                 "ref_doc": "https://developers.zalo.me/docs/official-account/"
                                            "bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new",
                                 "error_description": reason})

    def _refresh(self, req: Request) -> Answer:
        self.require(req.method == "POST", f"token endpoint method {req.method}",
                     self._token_error(-14003, "Invalid params"))
        ctype = (req.header("Content-Type") or "").split(";")[0].strip().lower()
        self.require(ctype == "application/x-www-form-urlencoded",
                     f"token endpoint Content-Type {ctype!r}",
                     self._token_error(-14003, "Invalid params"))
        form = req.body or {}
        self.require(req.header("secret_key") == self.secret_key, "secret_key header wrong",
                     self._token_error(-14002, "Invalid secret key"))
        self.require(form.get("app_id") == self.app_id, f"app_id {form.get('app_id')!r}",
                     self._token_error(-14001, "Invalid app id"))
        self.require(form.get("grant_type") == "refresh_token",
                     f"grant_type {form.get('grant_type')!r}",
                     self._token_error(-14003, "Invalid params"))
        presented = form.get("refresh_token", "")
        with self._lock:
            self.presented_refresh_tokens.append(presented)
            self._in_flight += 1
            self.max_refreshes_in_flight = max(self.max_refreshes_in_flight, self._in_flight)
        try:
            time.sleep(self.refresh_delay)
            with self._lock:
                if presented != self.current_refresh_token:
                    # A used-up or unknown refresh token: not a breach of the request's shape,
                    # but it proves the caller reused one; recorded as a violation.
                    why = ("refresh token reused" if presented in self.used_refresh_tokens
                           else "unknown refresh token")
                    raise ContractViolation(why, self._token_error(-14014,
                                                                   "Invalid refresh token"))
                self.used_refresh_tokens.add(presented)
                access, refresh = self._new_token("at"), self._new_token("rt")
                self.current_refresh_token = refresh
                self.valid_access_tokens = {access}
                self.issued.append((access, refresh))
                self.refreshes += 1
            return json_answer(200, {"access_token": access, "refresh_token": refresh,
                                     "expires_in": "90000"})
        finally:
            with self._lock:
                self._in_flight -= 1


# --------------------------------------------------------------------------------------------
# eSMS (ViHAT)

class EsmsFake(FakeProvider):
    """eSMS brandname SMS (customer care, SmsType 2).

    Sources:
      https://developers.esms.vn/en/esms-api/send-sms-api/send-otp-customer-care-message
        POST https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/,
        JSON {ApiKey, Content, Phone, SecretKey, Brandname, SmsType "2", IsUnicode, Sandbox,
        campaignid, RequestId, CallbackUrl}
      https://developers.esms.vn/en/esms-api/table-of-error-codes   CodeResult: 100 accepted
        (not yet delivered), 99 phone blocked, 101 wrong ApiKey/SecretKey, 102 no price list,
        103 balance too low, 104 brandname not found, 108 phone format, 118 unsupported
        message type, 124 duplicate RequestId, 140 IP not whitelisted, 146 wrong template,
        177 network not registered
    Not documented: any transient failure code. A retryable answer is therefore an HTTP 503
    from the service's front (as any HTTP API can give), not a CodeResult. The exact text of
    ErrorMessage is not documented.
    """

    preset = "esms"
    PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    EXPECTED = {"ok": "delivered", "retryable": "retry", "permanent": "failed",
                "error_body": "failed"}
    FIELDS = {"ApiKey", "SecretKey", "Phone", "Content", "Brandname", "SmsType", "IsUnicode",
              "Sandbox", "campaignid", "RequestId", "CallbackUrl", "SendDate"}

    def __init__(self, *, api_key: str = "", secret_key: str = "",
                 brandname: str = "STNMT", sms_types: tuple = ("2",)) -> None:
        super().__init__()
        self.api_key = api_key or "AK" + secrets.token_hex(10).upper()
        self.secret_key = secret_key or "SK" + secrets.token_hex(10).upper()
        self.brandname = brandname
        self.sms_types = tuple(sms_types)
        self.request_ids: dict = {}  # RequestId -> SMSID

    def path(self) -> str:
        return self.PATH

    @staticmethod
    def _code(code: str, message: str) -> Answer:
        return json_answer(200, {"CodeResult": code, "ErrorMessage": message})

    def handle(self, req: Request) -> Answer:
        self.require(req.path == self.PATH, f"path {req.path}",
                     text_answer(404, "Endpoint not found."))
        self.require_post_json(req, text_answer(400, "The server encountered an error "
                                                     "processing the request."))
        b = req.body
        self.require(set(b) <= self.FIELDS, f"unknown fields {sorted(set(b) - self.FIELDS)}",
                     self._code("99", "Unknown field"))
        self.require(b.get("ApiKey") == self.api_key and b.get("SecretKey") == self.secret_key,
                     "ApiKey/SecretKey wrong", self._code("101", "Sai thông tin ApiKey hoặc "
                                                                 "SecretKey"))
        self.require(str(b.get("SmsType")) in self.sms_types, f"SmsType {b.get('SmsType')!r}",
                     self._code("118", "Loại tin nhắn không hỗ trợ"))
        if str(b.get("SmsType")) == "2":
            self.require(b.get("Brandname") == self.brandname,
                         f"Brandname {b.get('Brandname')!r}",
                         self._code("104", "Brandname không tồn tại"))
        phone = str(b.get("Phone", ""))
        self.require(MOBILE_ANY.match(phone) is not None, f"Phone {phone!r}",
                     self._code("108", "Số điện thoại không đúng định dạng"))
        content = b.get("Content")
        self.require(isinstance(content, str) and content.strip() != "", "Content empty",
                     self._code("99", "Content empty"))
        unicode = str(b.get("IsUnicode", "0"))
        self.require(unicode in ("0", "1"), f"IsUnicode {b.get('IsUnicode')!r}",
                     self._code("99", "IsUnicode"))
        if unicode == "0":
            self.require(content.isascii(), "IsUnicode 0 with non-ASCII content",
                         self._code("99", "Content has Unicode characters"))
        rid = b.get("RequestId")
        with self._lock:
            if rid and rid in self.request_ids:  # documented: 124 duplicate RequestId
                return self._code("124", "Trùng RequestId")
        kind = self._next_kind()
        if kind == "retryable":
            return text_answer(503, "Service Unavailable")
        if kind == "permanent":
            return self._code("101", "Sai thông tin ApiKey hoặc SecretKey")
        if kind == "error_body":
            return self._code("104", "Brandname không tồn tại")
        smsid = secrets.token_hex(16)
        with self._lock:
            if rid:
                self.request_ids[rid] = smsid
        return json_answer(200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": smsid})


# --------------------------------------------------------------------------------------------
# SpeedSMS

class SpeedSmsFake(FakeProvider):
    """SpeedSMS: POST /index.php/sms/send with the access token as the HTTP Basic user.

    Sources:
      https://speedsms.vn/sms-api/   base https://api.speedsms.vn/index.php/; "API access
        token ... HTTP Basic Authentication ... token as the username" (curl -u "TOKEN:x");
        JSON {to: [...], content, sms_type, sender}; sms_type 2 random number, 3 brandname,
        4 default brandname (Notify/Verify), 5 Android app; success {"status": "success",
        "code": "00", "data": {tranId, totalSMS, totalPrice, invalidPhone}}; errors
        {"status": "error", "code": ..., "message": ...}; error codes 007 IP locked, 008
        account blocked, 009 not allowed to call the API, 101 invalid or missing parameters,
        105 phone invalid, 110 encoding not supported, 113 content too long, 300 balance too
        low, 500 internal error, try again; rate limit 60 requests in 60 s, then HTTP 429
        {"name": "Too Many Requests", "message": "Rate limit exceeded.", "code": 0,
        "status": 429} with X-Rate-Limit-* headers
      https://en.speedsms.vn/sms-api-service-2   the same error codes in English
    Not documented: the answer to a missing or wrong access token (this fake answers HTTP
    401 with the error shape), and the HTTP status of the error bodies (this fake: 200).
    """

    preset = "speedsms"
    PATH = "/index.php/sms/send"
    EXPECTED = {"ok": "delivered", "retryable": "retry", "permanent": "failed",
                "error_body": "failed"}

    def __init__(self, *, access_token: str = "", sender: str = "STNMT",
                 rate_per_minute: int = 60) -> None:
        super().__init__()
        self.access_token = access_token or secrets.token_urlsafe(24)
        self.sender = sender
        self.rate_per_minute = rate_per_minute
        self._times: list = []
        self.tran_id = 1000

    def path(self) -> str:
        return self.PATH

    @staticmethod
    def _error(code: str, message: str, status: int = 200, **extra: Any) -> Answer:
        return json_answer(status, {"status": "error", "code": code, "message": message,
                                    **extra})

    def handle(self, req: Request) -> Answer:
        self.require(req.path == self.PATH, f"path {req.path}",
                     self._error("404", "Not found", 404))
        auth = req.header("Authorization") or ""
        user = ""
        if auth.startswith("Basic "):
            try:
                user = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
            except (ValueError, UnicodeDecodeError):
                user = ""
        self.require(user == self.access_token, "no or wrong HTTP Basic access token",
                     self._error("401", "Unauthorized", 401))
        now = time.monotonic()
        with self._lock:
            self._times = [t for t in self._times if now - t < 60.0] + [now]
            over = len(self._times) > self.rate_per_minute
        if over:
            return json_answer(429, {"name": "Too Many Requests",
                                     "message": "Rate limit exceeded.", "code": 0,
                                     "status": 429},
                               [("X-Rate-Limit-Limit", str(self.rate_per_minute)),
                                ("X-Rate-Limit-Remaining", "0"),
                                ("X-Rate-Limit-Reset", "60")])
        self.require_post_json(req, self._error("101", "Invalid or missing parameters"))
        b = req.body
        to = b.get("to")
        self.require(isinstance(to, list) and len(to) > 0 and all(isinstance(p, str) for p in to),
                     f"to {to!r} is not a list of numbers",
                     self._error("101", "Invalid or missing parameters"))
        invalid = [p for p in to if MOBILE_ANY.match(p) is None]
        self.require(not invalid, f"invalid phones {invalid}",
                     self._error("105", "Phone number invalid", invalidPhone=invalid))
        content = b.get("content")
        self.require(isinstance(content, str) and content != "", "content empty",
                     self._error("101", "Invalid or missing parameters"))
        try:
            sms_type = int(b.get("sms_type"))
        except (TypeError, ValueError):
            sms_type = -1
        self.require(sms_type in (2, 3, 4, 5), f"sms_type {b.get('sms_type')!r}",
                     self._error("101", "Invalid or missing parameters"))
        if sms_type in (3, 5):
            self.require(b.get("sender") == self.sender, f"sender {b.get('sender')!r}",
                         self._error("101", "Invalid or missing parameters"))
        kind = self._next_kind()
        if kind == "retryable":
            return self._error("500", "Internal error, please try again")
        if kind == "permanent":
            return self._error("009", "Account not allow to call the API")
        if kind == "error_body":
            return self._error("300", "Your account balance not enough to send sms")
        with self._lock:
            self.tran_id += 1
            tran = self.tran_id
        return json_answer(200, {"status": "success", "code": "00", "data": {
            "tranId": tran, "totalSMS": len(to), "totalPrice": 250 * len(to),
            "invalidPhone": []}})


# --------------------------------------------------------------------------------------------
# Google Chat incoming webhook

class GoogleChatFake(FakeProvider):
    """A Google Chat space's incoming webhook (spaces.messages.create with key and token).

    Sources:
      https://developers.google.com/workspace/chat/quickstart/webhooks   POST
        https://chat.googleapis.com/v1/spaces/SPACE/messages?key=KEY&token=TOKEN,
        Content-Type application/json; charset=UTF-8, body {"text": ...}
      https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages/create
        `requestId` query parameter: "specifying an existing request ID returns the message
        created with that ID instead of creating a new message"; the answer is the Message
        resource (name spaces/S/messages/M, sender, createTime, text, thread, space)
      https://developers.google.com/workspace/chat/limits   per-space quota: 60 message
        writes per 60 s (and 3000 per project); past it HTTP 429 "Too many requests"
      https://cloud.google.com/apis/design/errors   the error body
        {"error": {"code": 429, "message": ..., "status": "RESOURCE_EXHAUSTED"}}; a bad body
        is 400 INVALID_ARGUMENT
    Not confirmed: the status for a wrong `token` (this fake: 401 UNAUTHENTICATED) and for a
    wrong `key` (400 INVALID_ARGUMENT "API key not valid", as Google APIs answer).
    """

    preset = "google-chat"
    # "error_body" (200 whose body reads as an error) is off-contract: the provider defines
    # success by the status alone, so a preset that trusts the status records it delivered.
    EXPECTED = {"ok": "delivered", "retryable": "retry", "permanent": "failed",
                "error_body": "delivered"}

    def __init__(self, *, space: str = "AAAAstnmt01", key: str = "",
                 token: str = "", writes_per_minute: int = 60) -> None:
        super().__init__()
        self.space = space
        self.key = key or "AIza" + secrets.token_urlsafe(26)
        self.token = token or secrets.token_urlsafe(32)
        self.writes_per_minute = writes_per_minute
        self._writes: list = []
        self.messages: dict = {}  # message name -> Message
        self.by_request_id: dict = {}

    def path(self) -> str:
        return f"/v1/spaces/{self.space}/messages?key={self.key}&token={self.token}"

    @staticmethod
    def _error(code: int, status: str, message: str) -> Answer:
        return json_answer(code, {"error": {"code": code, "message": message,
                                            "status": status}})

    def handle(self, req: Request) -> Answer:
        self.require(req.path == f"/v1/spaces/{self.space}/messages", f"path {req.path}",
                     self._error(404, "NOT_FOUND", "Requested entity was not found."))
        self.require(req.query1("key") == self.key, "key wrong or missing",
                     self._error(400, "INVALID_ARGUMENT",
                                 "API key not valid. Please pass a valid API key."))
        self.require(req.query1("token") == self.token, "token wrong or missing",
                     self._error(401, "UNAUTHENTICATED",
                                 "Request had invalid authentication credentials."))
        bad = self._error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        self.require_post_json(req, bad)
        text = req.body.get("text")
        self.require((isinstance(text, str) and text != "") or "cardsV2" in req.body,
                     "no text", self._error(400, "INVALID_ARGUMENT",
                                            "Message cannot be empty. Discarded."))
        self.require(isinstance(text, str) and len(text.encode()) <= 32000, "text too long",
                     self._error(400, "INVALID_ARGUMENT", "Message is too long."))
        rid = req.query1("requestId")
        with self._lock:
            if rid and rid in self.by_request_id:  # the same message, not a new one
                return json_answer(200, self.messages[self.by_request_id[rid]])
            now = time.monotonic()
            self._writes = [t for t in self._writes if now - t < 60.0]
            if len(self._writes) >= self.writes_per_minute:
                return self._error(429, "RESOURCE_EXHAUSTED",
                                   "Resource has been exhausted (e.g. check quota).")
        kind = self._next_kind()
        if kind == "retryable":
            return self._error(503, "UNAVAILABLE", "The service is currently unavailable.")
        if kind == "permanent":
            return self._error(403, "PERMISSION_DENIED",
                               "The caller does not have permission")
        if kind == "error_body":  # off-contract: 200 whose body is an error
            return json_answer(200, {"error": {"code": 400, "status": "INVALID_ARGUMENT",
                                               "message": "Invalid message"}})
        with self._lock:
            self._writes.append(time.monotonic())
            mid = secrets.token_urlsafe(8)
            name = f"spaces/{self.space}/messages/{mid}.{mid}"
            msg = {"name": name,
                   "sender": {"name": "users/114022495153014004089", "displayName": "deadlined",
                              "type": "BOT"},
                   "createTime": dt.datetime.now(dt.timezone.utc).isoformat(),
                   "text": text, "thread": {"name": f"spaces/{self.space}/threads/{mid}"},
                   "space": {"name": f"spaces/{self.space}", "type": "ROOM"},
                   "argumentText": text}
            self.messages[name] = msg
            if rid:
                self.by_request_id[rid] = name
        return json_answer(200, msg)

    def created(self) -> list:
        """The messages created (a repeated requestId creates none)."""
        with self._lock:
            return list(self.messages.values())


# --------------------------------------------------------------------------------------------
# Microsoft Teams Workflows (Power Automate)

class TeamsWorkflowFake(FakeProvider):
    """A Teams channel's Workflows webhook: the Power Automate flow "Post to a channel when a
    webhook request is received" (trigger "When a Teams webhook request is received").

    Sources:
      https://learn.microsoft.com/en-us/connectors/teams/?tabs=text1#microsoft-teams-webhook
        the body is {"type": "message", "attachments": [{"contentType":
        "application/vnd.microsoft.card.adaptive", "contentUrl": null, "content":
        {"$schema": ..., "type": "AdaptiveCard", "version": "1.2" ..., "body": [...]}}]}
      https://support.microsoft.com/en-us/office/create-incoming-webhooks-with-workflows-for-microsoft-teams-8ae491c7-0394-4861-ba59-055e33f75498
        the template and its URL (…/workflows/ID/triggers/manual/paths/invoke?api-version=…
        &sp=…&sv=1.0&sig=…); the trigger answers 202 Accepted
      https://devblogs.microsoft.com/microsoft365dev/retirement-of-office-365-connectors-within-microsoft-teams/
        the legacy connectors (MessageCard) are retired; Workflows take Adaptive Cards
    Known from reports, not from a reference: the real trigger answers 202 to any JSON and the
    *run* fails afterwards when the body is a MessageCard (no `attachments`), so nothing is
    posted and the sender learns nothing. This fake refuses it at once with HTTP 400, so a
    test sees it; a refused `sig` is 401 as Logic Apps answer (code text not confirmed).
    """

    preset = "teams-workflow"
    # "error_body" (200 whose body reads as an error) is off-contract: the provider defines
    # success by the status alone, so a preset that trusts the status records it delivered.
    EXPECTED = {"ok": "delivered", "retryable": "retry", "permanent": "failed",
                "error_body": "delivered"}
    ADAPTIVE = "application/vnd.microsoft.card.adaptive"

    def __init__(self, *, workflow: str = "", sig: str = "") -> None:
        super().__init__()
        self.workflow = workflow or secrets.token_hex(16)
        self.sig = sig or secrets.token_urlsafe(32)
        self.cards: list = []

    def path(self) -> str:
        return (f"/powerautomate/automations/direct/workflows/{self.workflow}/triggers/manual"
                f"/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0"
                f"&sig={self.sig}")

    @staticmethod
    def _error(status: int, code: str, message: str) -> Answer:
        return json_answer(status, {"error": {"code": code, "message": message}})

    def handle(self, req: Request) -> Answer:
        self.require(req.path == f"/powerautomate/automations/direct/workflows/{self.workflow}"
                                 f"/triggers/manual/paths/invoke", f"path {req.path}",
                     self._error(404, "WorkflowNotFound", "The workflow could not be found."))
        self.require(req.query1("sig") == self.sig, "sig wrong or missing",
                     self._error(401, "DirectApiAuthorizationRequired",
                                 "The request must be authenticated."))
        bad = self._error(400, "InvalidRequestContent", "The request content is not valid.")
        self.require_post_json(req, bad)
        b = req.body
        self.require(b.get("@type") != "MessageCard" and "sections" not in b,
                     "legacy MessageCard",
                     self._error(400, "InvalidRequestContent",
                                 "MessageCard is not supported; send an Adaptive Card in "
                                 "'attachments'."))
        self.require(b.get("type") == "message", f"type {b.get('type')!r}", bad)
        atts = b.get("attachments")
        self.require(isinstance(atts, list) and len(atts) >= 1, "no attachments", bad)
        for a in atts:
            self.require(isinstance(a, dict) and a.get("contentType") == self.ADAPTIVE,
                         f"attachment contentType {a.get('contentType') if isinstance(a, dict) else a!r}",
                         bad)
            c = a.get("content")
            self.require(isinstance(c, dict) and c.get("type") == "AdaptiveCard",
                         "content is not an AdaptiveCard", bad)
            self.require(re.fullmatch(r"1\.\d+", str(c.get("version", ""))) is not None,
                         f"AdaptiveCard version {c.get('version')!r}", bad)
            self.require(isinstance(c.get("body"), list) and len(c["body"]) > 0,
                         "AdaptiveCard body empty", bad)
        kind = self._next_kind()
        if kind == "retryable":
            return json_answer(429, {"error": {"code": "WorkflowTriggerIsThrottled",
                                               "message": "Rate limit is exceeded."}},
                               [("Retry-After", "1")])
        if kind == "permanent":
            return self._error(404, "WorkflowNotFound", "The workflow could not be found.")
        if kind == "error_body":  # off-contract: 200 whose body is an error
            return json_answer(200, {"error": {"code": "InvalidTemplate",
                                               "message": "Unable to process template."}})
        with self._lock:
            self.cards.append(b)
        return Answer(202, b"", [("x-ms-workflow-run-id", secrets.token_hex(12))])


# --------------------------------------------------------------------------------------------
# Slack incoming webhook

class SlackFake(FakeProvider):
    """A Slack app's incoming webhook.

    Sources:
      https://api.slack.com/messaging/webhooks   POST https://hooks.slack.com/services/T/B/X,
        JSON {"text": ...} (or blocks, with text as the fallback); 200 body "ok"; "Handling
        errors": 400 invalid_payload, 400 no_text, 403 invalid_token, 403 action_prohibited,
        404 channel_not_found, 404 no_service, 410 channel_is_archived, ...
      https://api.slack.com/apis/rate-limits   incoming webhooks: 1 message per second per
        channel, short bursts allowed; past it HTTP 429 with Retry-After (seconds)
    Not documented: a 200 whose body is not "ok" (the "error_body" answer here is
    deliberately off-contract).
    """

    preset = "slack"
    # Slack documents success as 200 with the body "ok": a 200 with another body is not one.
    EXPECTED = {"ok": "delivered", "retryable": "retry", "permanent": "failed",
                "error_body": "failed"}

    def __init__(self, *, hook: str = "") -> None:
        super().__init__()
        self.hook = hook or f"T0{secrets.token_hex(4).upper()}/B0{secrets.token_hex(4).upper()}/" \
                            f"{secrets.token_urlsafe(18)}"
        self.archived = False
        self.texts: list = []

    def path(self) -> str:
        return f"/services/{self.hook}"

    def handle(self, req: Request) -> Answer:
        self.require(req.path.startswith("/services/"), f"path {req.path}",
                     text_answer(404, "no_service"))
        self.require(req.path == f"/services/{self.hook}", "token in the path wrong",
                     text_answer(403, "invalid_token"))
        self.require(req.method == "POST", f"method {req.method}",
                     text_answer(400, "invalid_payload"))
        self.require(isinstance(req.body, dict), "body is not a JSON object",
                     text_answer(400, "invalid_payload"))
        text = req.body.get("text")
        self.require((isinstance(text, str) and text.strip() != "") or "blocks" in req.body,
                     "no text", text_answer(400, "no_text"))
        if self.archived:
            return text_answer(410, "channel_is_archived")
        kind = self._next_kind()
        if kind == "retryable":
            return text_answer(429, "rate_limited", [("Retry-After", "1")])
        if kind == "permanent":
            return text_answer(404, "channel_not_found")
        if kind == "error_body":
            return text_answer(200, "invalid_payload")
        with self._lock:
            self.texts.append(text)
        return text_answer(200, "ok")


# --------------------------------------------------------------------------------------------
# Mattermost incoming webhook

class MattermostFake(FakeProvider):
    """A Mattermost incoming webhook.

    Sources:
      https://developers.mattermost.com/integrate/webhooks/incoming/   POST
        https://SERVER/hooks/KEY, Content-Type application/json, {"text": ...} (also
        username, icon_url, channel, attachments, props); 200 body "ok"; "treat this endpoint
        as a secret"
      https://github.com/mattermost/mattermost server/channels/web/webhook.go and
        app/webhook.go  the AppError JSON {"id", "message", "detailed_error", "request_id",
        "status_code"}: web.incoming_webhook.parse.app_error "Unable to parse incoming data"
        (400), web.incoming_webhook.text.app_error "No text specified" (400, as reported in
        https://gitlab.com/gitlab-org/gitlab/-/issues/5037), web.incoming_webhook.invalid.app_error
        "Invalid webhook." (400 in current servers; the status for an unknown key was not
        confirmed from a reference page)
    """

    preset = "mattermost"
    # "error_body" (200 whose body reads as an error) is off-contract; the documented success
    # is HTTP 200 with the body "ok", which the preset requires (as for Slack), so anything
    # else is a failure.
    EXPECTED = {"ok": "delivered", "retryable": "retry", "permanent": "failed",
                "error_body": "failed"}

    def __init__(self, *, key: str = "") -> None:
        super().__init__()
        self.key = key or secrets.token_hex(13)
        self.texts: list = []

    def path(self) -> str:
        return f"/hooks/{self.key}"

    @staticmethod
    def _app_error(status: int, eid: str, message: str) -> Answer:
        return json_answer(status, {"id": eid, "message": message, "detailed_error": "",
                                    "request_id": secrets.token_hex(13),
                                    "status_code": status})

    def handle(self, req: Request) -> Answer:
        self.require(req.path == f"/hooks/{self.key}", f"path {req.path}",
                     self._app_error(400, "web.incoming_webhook.invalid.app_error",
                                     "Invalid webhook."))
        self.require(req.method == "POST", f"method {req.method}",
                     self._app_error(405, "api.context.404.app_error",
                                     "Sorry, we could not find the page."))
        self.require(isinstance(req.body, dict), "body is not JSON",
                     self._app_error(400, "web.incoming_webhook.parse.app_error",
                                     "Unable to parse incoming data"))
        text = req.body.get("text")
        self.require((isinstance(text, str) and text.strip() != "")
                     or bool(req.body.get("attachments")), "no text",
                     self._app_error(400, "web.incoming_webhook.text.app_error",
                                     "No text specified"))
        kind = self._next_kind()
        if kind == "retryable":
            return text_answer(503, "Service Unavailable")
        if kind == "permanent":
            return self._app_error(400, "web.incoming_webhook.invalid.app_error",
                                   "Invalid webhook.")
        if kind == "error_body":
            return json_answer(200, {"id": "web.incoming_webhook.text.app_error",
                                     "message": "No text specified", "status_code": 400})
        with self._lock:
            self.texts.append(text)
        return text_answer(200, "ok")


# --------------------------------------------------------------------------------------------
# A custom JSON webhook (no preset): the receiver of `body = ...` with `success = {json...}`

class JsonCodeFake(FakeProvider):
    """A receiver of a templated JSON body that answers {"error": N}: 0 on success, -1 for a
    transient failure, -2 for a permanent one (the `retryable`/`permanent` codes a custom
    webhook's config names). Its contract is only that the body is valid JSON."""

    EXPECTED = {"ok": "delivered", "retryable": "retry", "permanent": "failed",
                "error_body": "failed"}

    def path(self) -> str:
        return "/custom"

    def handle(self, req: Request) -> Answer:
        self.require(req.method == "POST", f"method {req.method}",
                     json_answer(405, {"error": -3}))
        self.require(req.body is not None, f"body is not valid JSON: {req.raw[:200]!r}",
                     json_answer(400, {"error": -3, "message": "invalid JSON"}))
        kind = self._next_kind()
        code = {"ok": 0, "retryable": -1, "permanent": -2, "error_body": -2}[kind]
        return json_answer(200, {"error": code})


ALL = (ZaloZnsFake, EsmsFake, SpeedSmsFake, GoogleChatFake, TeamsWorkflowFake, SlackFake,
       MattermostFake)


def sliding_window_max(requests: list, window: float) -> int:
    """The most requests of `requests` received within any `window` seconds."""
    return _sliding_max(sorted(r.received_at for r in requests), window)
