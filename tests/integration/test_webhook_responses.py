#!/usr/bin/python3
"""Webhook receivers with hostile responses: a huge body, and a body drip-fed forever.

Proves:
(a) a receiver answering 200 with a 20 MB body (Content-Length, streamed in 64 KiB chunks):
    the status decides — the delivery is recorded 'delivered' with attempts == 1 within 5 s
    of the request (the body neither hangs nor fails it), and exactly one POST arrives
    (no retry in the following seconds);
(b) a receiver that sends 200 headers with chunked encoding and then 1 byte per second
    forever, webhook timeout = "2s": the daemon closes the connection within 4 s of the
    request (seen by the receiver), and meanwhile stays responsive — a reminder due at the
    same instant to another, healthy webhook arrives within 3 s of its time; as the status
    line (200) was in before the drip, the delivery is recorded 'delivered' after one attempt
    and not sent again.
"""

import dataclasses
import datetime as dt
import select
import socket
import threading
import time
from typing import Optional

import harness
from harness import DaemonTestCase

HUGE = 20 * 1024 * 1024
CHUNK = 64 * 1024


@dataclasses.dataclass
class RawRequest:
    path: str
    headers: list
    body: bytes
    received_at: float  # the whole request has been read
    bytes_sent: int = 0  # response bytes the kernel accepted
    closed_at: Optional[float] = None  # the client closed (or reset) the connection
    error: str = ""

    def header(self, name):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None


class ScriptedReceiver:
    """A raw HTTP/1.1 receiver on 127.0.0.1: reads each request completely, then answers
    per `mode`: "huge" (200, Content-Length 20 MB, sent in 64 KiB chunks) or "drip" (200,
    chunked, one 1-byte chunk per second until the client goes away)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self._lock = threading.Lock()
        self._requests: list = []
        self._stop = threading.Event()
        self._threads: list = []
        self._conns: list = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    def start(self) -> "ScriptedReceiver":
        self._thread.start()
        return self

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept_loop(self):
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

    def _recv(self, conn):
        while not self._stop.is_set():
            try:
                return conn.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return b""
        return None

    def _send(self, conn, data) -> bool:
        """Send all of `data`; False when the client went away or we are stopping."""
        view = memoryview(data)
        while view:
            if self._stop.is_set():
                return False
            try:
                n = conn.send(view)
            except socket.timeout:
                continue
            except OSError:
                return False
            view = view[n:]
        return True

    def _serve(self, conn):
        try:
            buf = b""
            while b"\r\n\r\n" not in buf:
                data = self._recv(conn)
                if not data:
                    return
                buf += data
            head, _, body = buf.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
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
                    return
                body += data
            req = RawRequest(parts[1] if len(parts) > 1 else "", headers, body,
                             time.monotonic())
            with self._lock:
                self._requests.append(req)
            if self.mode == "huge":
                self._huge(conn, req)
            else:
                self._drip(conn, req)
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def _huge(self, conn, req):
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                f"Content-Length: {HUGE}\r\nConnection: close\r\n\r\n").encode()
        if not self._send(conn, head):
            req.closed_at = time.monotonic()
            return
        chunk = b"x" * CHUNK
        sent = 0
        while sent < HUGE:
            if not self._send(conn, chunk):
                req.closed_at = time.monotonic()
                req.error = "client went away while the body was being sent"
                break
            sent += CHUNK
            req.bytes_sent = sent
        if req.closed_at is None:  # all sent; wait for the client to close
            while True:
                data = self._recv(conn)
                if data is None:
                    return
                if data == b"":
                    req.closed_at = time.monotonic()
                    return

    def _drip(self, conn, req):
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n")
        if not self._send(conn, head):
            req.closed_at = time.monotonic()
            return
        while not self._stop.is_set():
            readable, _, _ = select.select([conn], [], [], 1.0)
            if readable:
                try:
                    data = conn.recv(65536)
                except socket.timeout:
                    continue
                except OSError:
                    data = b""
                if data == b"":
                    req.closed_at = time.monotonic()
                    return
                continue  # the client sent something (it should not); keep dripping
            if not self._send(conn, b"1\r\nx\r\n"):
                req.closed_at = time.monotonic()
                return
            req.bytes_sent += 1

    def stop(self):
        self._stop.set()
        try:
            self.sock.close()
        except OSError:
            pass
        self._thread.join(5)
        with self._lock:
            conns, threads = list(self._conns), list(self._threads)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in threads:
            t.join(5)

    @property
    def requests(self):
        with self._lock:
            return list(self._requests)

    def count(self):
        with self._lock:
            return len(self._requests)


class WebhookResponsesTest(DaemonTestCase):

    def receiver(self, mode):
        r = ScriptedReceiver(mode).start()
        self.addCleanup(r.stop)
        return r

    def write_config(self, webhooks, units, due):
        harness.write_webhook_only_config(self.ws, webhooks, units, due, task="tra-loi",
                                          title="Báo cáo thử máy nhận")

    def test_huge_response_body(self):
        big = self.receiver("huge")
        due = harness.due_firing_in(3)
        self.write_config({"big": {"url": big.url("/hook"), "timeout": "10s"}},
                          {"phong-b": {"name": "Phòng B", "webhooks": ["big"]}}, due)
        key = harness.reminder_key("p1", "tra-loi", due, "2h", "phong-b")
        jkey = harness.webhook_journal_key(key, "big")
        d = self.start_daemon()

        harness.wait_until(lambda: big.count() >= 1, 15, daemons=[d],
                           desc="the POST at the huge-body receiver")
        req = big.requests[0]
        self.assertEqual(req.header("webhook-id"), harness.webhook_id(key))

        def row():
            return harness.journal_rows(self.ws.state_dir).get(jkey)

        harness.wait_until(lambda: (row() or {}).get("state") in ("delivered", "failed")
                           or (row() or {}).get("last_error"),
                           max(0.5, req.received_at + 5 - time.monotonic()), daemons=[d],
                           desc="the outcome of the huge-body delivery within 5 s")
        recorded_after = time.monotonic() - req.received_at
        # a retry (retry_initial 1s) would come within this
        harness.assert_holds(lambda: big.count() == 1, 3,
                             desc="exactly one POST (no retry)")
        r = row()
        self.assertEqual(r["state"], "delivered", f"journal row {r}\n{d.log()}")
        self.assertEqual(r["attempts"], 1, r)
        self.assertTrue(harness.log_lines(d.log(), "info", "delivered", key),
                        f"a 'delivered' line for {key}:\n{d.log()}")
        print(f"\n[huge] recorded {recorded_after:.2f}s after the request; the receiver got "
              f"{req.bytes_sent} of {HUGE} body bytes into the socket; closed "
              f"{'%.2fs' % (req.closed_at - req.received_at) if req.closed_at else 'never'} "
              f"after the request; journal: {r['state']}, attempts {r['attempts']}, "
              f"last_error {r['last_error']!r}")
        d.stop(timeout=12)

    def test_drip_fed_response(self):
        drip = self.receiver("drip")
        good = self.http_sink()
        due = harness.due_firing_in(3)
        fire = harness.monotonic_of(due - dt.timedelta(hours=2))
        self.write_config(
            {"drip": {"url": drip.url("/hook"), "timeout": "2s"},
             "good": {"url": good.url("/hook"), "timeout": "5s"}},
            {"phong-d": {"name": "Phòng D", "webhooks": ["drip"]},
             "phong-g": {"name": "Phòng G", "webhooks": ["good"]}}, due)
        key_d = harness.reminder_key("p1", "tra-loi", due, "2h", "phong-d")
        key_g = harness.reminder_key("p1", "tra-loi", due, "2h", "phong-g")
        d = self.start_daemon()

        harness.wait_until(lambda: drip.count() >= 1, 15, daemons=[d],
                           desc="the POST at the drip-feeding receiver")
        first = drip.requests[0]
        self.assertEqual(first.header("webhook-id"), harness.webhook_id(key_d))
        good.wait_count(1, max(0.5, fire + 10 - time.monotonic()), daemons=[d])
        harness.wait_until(lambda: first.closed_at is not None,
                           max(0.5, first.received_at + 4.5 - time.monotonic()),
                           interval=0.05, daemons=[d],
                           desc="the daemon closing the drip-fed connection")
        held = first.closed_at - first.received_at
        self.assertLessEqual(held, 4.0,
                             f"the drip-fed attempt was abandoned after {held:.2f}s "
                             f"(timeout 2s)")

        self.assertEqual(good.keys(), [key_g])
        late = good.requests[0].received_at - fire
        self.assertLess(late, 3.0, f"the healthy webhook arrived {late:.2f}s after its time")

        # The receiver answered 200 before dripping: the status decides, so the delivery is
        # recorded delivered after one attempt and never sent again.
        jkey_d = harness.webhook_journal_key(key_d, "drip")
        row = harness.wait_until(
            lambda: (harness.journal_rows(self.ws.state_dir).get(jkey_d) or {}).get("state")
            == "delivered" and harness.journal_rows(self.ws.state_dir)[jkey_d],
            3, daemons=[d], desc="the drip-fed delivery recorded as delivered")
        self.assertEqual(row["attempts"], 1, f"journal row {row}")
        harness.assert_holds(lambda: drip.count() == 1, 2, desc="no second drip-fed POST")
        d.stop(timeout=12)


if __name__ == "__main__":
    harness.main()
