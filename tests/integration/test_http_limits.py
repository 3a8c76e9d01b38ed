#!/usr/bin/python3
"""The HTTP service's memory is bounded whatever a client sends, before any authentication.

A chunked request whose chunk-size line carries an endless extension, or whose trailer never
ends, must get 413 once the read buffer's bound (the header limit + the body limit + a few KiB)
is reached, and the daemon's resident memory must not grow with what the client sends (Beast
1.74 bounds the header block and the body, not the parts of a chunked body it must buffer
whole). Each case streams 8 MiB over a raw socket on loopback.
"""

import datetime as dt
import os
import socket
import threading
import time

import harness
from harness import FROM_HEADER, DaemonTestCase

STREAM_BYTES = 8 * 1024 * 1024
PIECE = 64 * 1024


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class HttpLimitsTest(DaemonTestCase):

    def start(self):
        self.port = harness.free_port()
        http_cfg = {"listen": f"127.0.0.1:{self.port}",
                    "secret_file": str(self.ws.write("link.key", "x" * 40 + "\n"))}
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(monitor="a"),
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            units={"a": {"name": "Phòng A", "email": ["a@example.org"]}}) + "\n" +
            harness.toml_table("http", http_cfg))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "t", "title": "Báo cáo", "responsible": ["a"],
              "due": harness.now_utc() + dt.timedelta(days=30)}]))
        return self.start_daemon()

    def attack(self, head: bytes, filler: bytes):
        """Sends `head`, then `filler` repeated up to STREAM_BYTES, reading as it goes:
        (the response's status line, bytes sent)."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 16)
        sent = 0
        response = b""
        try:
            sock.sendall(head)
            piece = (filler * (PIECE // len(filler) + 1))[:PIECE]
            sock.settimeout(0.0)
            while sent < STREAM_BYTES and not response:
                try:
                    response += sock.recv(4096)
                except BlockingIOError:
                    pass
                try:
                    sent += sock.send(piece)
                except BlockingIOError:
                    time.sleep(0.001)
                except (BrokenPipeError, ConnectionResetError):
                    break
            sock.settimeout(10)
            try:
                while b"\r\n" not in response:
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    response += chunk
            except (ConnectionResetError, socket.timeout):
                pass
        finally:
            sock.close()
        return response.split(b"\r\n", 1)[0], sent

    def check_bounded(self, d, head: bytes, filler: bytes, what: str):
        before = rss_kib(d.proc.pid)
        status, sent = self.attack(head, filler)
        after = rss_kib(d.proc.pid)
        self.assertTrue(status.startswith(b"HTTP/1.1 413"), f"{what}: answered {status!r}")
        self.assertLess(sent, STREAM_BYTES, f"{what}: the daemon read all {sent} bytes")
        self.assertLess(after - before, 16 * 1024,
                        f"{what}: RSS grew from {before} to {after} KiB")
        self.assertTrue(d.alive(), f"{what}: the daemon died")
        # Still serving.
        harness.wait_until(lambda: self.healthz() == 200, 10, desc="/healthz", daemons=[d])

    def healthz(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                return int(s.recv(64).split(b" ")[1])
        except (OSError, ValueError, IndexError):
            return None

    def test_chunked_parts_the_parser_buffers_are_bounded(self):
        d = self.start()
        harness.wait_until(lambda: self.healthz() == 200, 15, desc="the listener", daemons=[d])
        head = (b"POST /ack/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n")
        # An endless chunk extension: the size line never ends.
        self.check_bounded(d, head + b"1;ext=", b"a", "chunk extension")
        # An endless trailer after the last chunk.
        self.check_bounded(d, head + b"1\r\na\r\n0\r\nX-Trailer: ", b"b", "trailer")
        # An endless header line, for comparison: the header limit already held.
        self.check_bounded(d, b"GET /healthz HTTP/1.1\r\nX-Long: ", b"c", "header")
        d.stop()

    def raw(self, request: bytes) -> bytes:
        """The whole answer to `request` (the daemon closes after each)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(request)
            out = b""
            while chunk := s.recv(65536):
                out += chunk
            return out

    def test_head_and_the_journal_size(self):
        d = self.start()
        harness.wait_until(lambda: self.healthz() == 200, 15, desc="the listener", daemons=[d])
        # HEAD wherever GET works: the same status and Content-Length, and no body.
        for path in (b"/healthz", b"/metrics"):
            get = self.raw(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            head = self.raw(b"HEAD " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            get_head, get_body = get.split(b"\r\n\r\n", 1)
            head_head, head_body = head.split(b"\r\n\r\n", 1)
            self.assertEqual(head_head.split(b"\r\n")[0], b"HTTP/1.1 200 OK", head)
            lengths = [[line for line in h.split(b"\r\n") if line.lower().startswith(
                b"content-length:")] for h in (get_head, head_head)]
            if path == b"/healthz":
                self.assertEqual(lengths[0], lengths[1], f"{path}: {head_head!r}")
            self.assertTrue(lengths[1], f"{path}: HEAD has a Content-Length")
            self.assertEqual(head_body, b"", f"{path}: HEAD sends no body")
            self.assertTrue(get_body, f"{path}: GET does")
        # "/" is the desk, as /status: off here (no Office account), for GET and HEAD alike.
        root = self.raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(root.startswith(b"HTTP/1.1 404"), root[:80])
        root_head = self.raw(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(root_head.startswith(b"HTTP/1.1 404"), root_head[:80])
        self.assertEqual(root_head.split(b"\r\n\r\n", 1)[1], b"", "HEAD / sends no body")
        # The journal's size counts its write-ahead log, where recent writes are.
        journal = self.ws.state_dir / "journal.sqlite"
        wal = journal.with_name("journal.sqlite-wal")
        metrics = self.raw(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").decode()
        reported = [int(line.split()[1]) for line in metrics.splitlines()
                    if line.startswith("deadlined_journal_size_bytes ")]
        self.assertGreater(wal.stat().st_size, 0, "the WAL holds the schema's writes")
        self.assertEqual(reported, [journal.stat().st_size + wal.stat().st_size], metrics)
        d.stop()

    def test_slow_clients_cannot_starve_healthz(self):
        d = self.start()
        harness.wait_until(lambda: self.healthz() == 200, 15, desc="the listener", daemons=[d])
        # A connection that sends nothing is dropped once its header time (5 s) is up.
        idle = socket.create_connection(("127.0.0.1", self.port), timeout=15)
        opened = time.monotonic()
        self.assertEqual(idle.recv(1), b"", "the daemon closes a silent connection")
        waited = time.monotonic() - opened
        idle.close()
        self.assertGreater(waited, 4.0)
        self.assertLess(waited, 8.0, f"a silent connection was held {waited:.1f} s")

        # 80 slowloris connections, each dripping its header a byte a second and opened
        # again as soon as it is dropped, while /healthz and /metrics are probed.
        stop = threading.Event()
        opened_total = [0]

        def attacker():
            sock = None
            while not stop.is_set():
                try:
                    if sock is None:
                        sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
                        sock.sendall(b"GET /healthz HTTP/1.1\r\nX-Slow: ")
                        opened_total[0] += 1
                    sock.sendall(b"a")
                    stop.wait(1.0)
                except OSError:
                    if sock is not None:
                        sock.close()
                    sock = None
                    stop.wait(0.05)
            if sock is not None:
                sock.close()

        threads = [threading.Thread(target=attacker, daemon=True) for _ in range(80)]
        for t in threads:
            t.start()
        try:
            time.sleep(2.0)  # the server is full of slow connections by now
            answered = 0
            probes = 40
            for i in range(probes):
                path = b"/healthz" if i % 2 == 0 else b"/metrics"
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                        s.settimeout(2)
                        s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
                        if s.recv(64).startswith(b"HTTP/1.1 200"):
                            answered += 1
                except OSError:
                    pass
                time.sleep(0.1)
        finally:
            stop.set()
            for t in threads:
                t.join(5)
        print(f"\n[slowloris] {answered}/{probes} probes answered; "
              f"{opened_total[0]} slow connections opened")
        self.assertGreater(opened_total[0], 80, "the attack kept reconnecting")
        self.assertGreaterEqual(answered, probes - 2,
                                f"only {answered} of {probes} probes were answered")
        self.assertTrue(d.alive())
        d.stop()


if __name__ == "__main__":
    harness.main()
