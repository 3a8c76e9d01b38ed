#!/usr/bin/python3
"""SIGHUP reloads the configuration; a bad configuration keeps the previous one."""

import datetime as dt
import re
import signal
import socket
import time
from collections import Counter

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
DOMAIN = FROM_ADDR.split("@")[1]

P2_SYNTAX_ERROR = """\
[plan]
id = "p2"
number = "13/KH-STNMT"
title = "Kế hoạch bổ sung" thừa chữ
basis = "Kế hoạch số 354/KH-BCTNCT ngày 24/6/2020"
"""
P2_SYNTAX_ERROR_LINE = 4


class ReloadTest(DaemonTestCase):

    def msg_id(self, task, due):
        return f"<{harness.reminder_key('p1' if task == 'task-a' else 'p2', task, due, '2h', 'phong-a')}@{DOMAIN}>"

    def message_ids(self, smtp):
        """Message-IDs with their number of SMTP transactions (one per address)."""
        return Counter(m.message_id for m in smtp.mails)

    def p2_text(self, due_b, due_c, extra=""):
        return harness.plan_text(
            harness.default_plan("p2", number="13/KH-STNMT", title="Kế hoạch bổ sung"),
            [{"id": "task-b", "title": "Nhiệm vụ B", "responsible": ["phong-a"],
              "due": due_b, "leads": ["2h"]},
             {"id": "task-c", "title": "Nhiệm vụ C", "responsible": ["phong-a"],
              "due": due_c, "leads": ["2h"]}]) + extra

    def bad_reload(self, d, path, line):
        """SIGHUP with a broken file: error logged with its position, daemon keeps going."""
        log_offset = len(d.log())
        mark = d.notify.mark()
        d.proc.send_signal(signal.SIGHUP)
        pattern = re.compile(r"^(.*):(\d+):(\d+): error: (.*)$", re.M)

        def error_lines():
            return [m for m in pattern.finditer(d.log()[log_offset:])
                    if m.group(1).endswith(f"plans/{path.name}")]

        found = harness.wait_until(error_lines, 10, daemons=[d],
                                   desc=f"'{path.name}:LINE:COL: error:' in the log")
        self.assertIn(line, [int(m.group(2)) for m in found],
                      f"error line numbers in {[m.group(0) for m in found]}")
        for m in found:
            self.assertGreaterEqual(int(m.group(3)), 1, m.group(0))
        # Give the daemon a moment to finish the reload, then it must be alive.
        i = d.notify.find("RELOADING=1", mark)
        if i is not None:
            d.wait_notify("READY=1", i + 1, 10)
        else:
            time.sleep(0.5)
        self.assertTrue(d.alive(), f"daemon died after a bad reload\n{d.describe()}")

    def test_reload(self):
        smtp = self.smtp_sink()
        due_a = harness.now_utc().astimezone(harness.VN_TZ) + dt.timedelta(days=30)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                    "timeout": "10s"},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-a": {"name": "Phòng A", "email": [UNIT_A]},
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "task-a", "title": "Nhiệm vụ A", "responsible": ["phong-a"],
              "due": due_a, "leads": ["2h"]}]))
        d = self.start_daemon()

        # 1. a new plan file, picked up by SIGHUP
        due_b = harness.due_firing_in(4)
        due_c = harness.due_firing_in(22)
        p2 = self.ws.write_plan("p2.toml", self.p2_text(due_b, due_c))
        d.reload()
        # one transaction per address: the unit, and the Office in Cc
        smtp.wait_count(2, 15, daemons=[d])
        harness.assert_holds(lambda: smtp.count() == 2, 3, desc="B arrives once per address")
        self.assertEqual(self.message_ids(smtp), Counter({self.msg_id("task-b", due_b): 2}))
        self.check_per_recipient(smtp.mails,
                                 {self.msg_id("task-b", due_b): [UNIT_A, FROM_ADDR]})

        # 2. TOML syntax error in the file that holds C
        self.ws.write_plan("p2.toml", P2_SYNTAX_ERROR)
        self.bad_reload(d, p2, P2_SYNTAX_ERROR_LINE)

        # 3. unknown unit; the bad version also moves C far away, so applying it
        #    anyway would be noticed.
        good_part = self.p2_text(due_b, due_a)
        unknown_line = good_part.count("\n") + 1 + 4
        bad = self.p2_text(due_b, due_a, extra=(
            "\n[[task]]\n"
            "id = \"task-e\"\n"
            "title = \"Nhiệm vụ E\"\n"
            "responsible = [\"phong-khong-ton-tai\"]\n"
            f"due = {harness.toml_value(due_a)}\n"))
        self.assertEqual(bad.splitlines()[unknown_line - 1],
                         'responsible = ["phong-khong-ton-tai"]')
        self.ws.write_plan("p2.toml", bad)
        self.bad_reload(d, p2, unknown_line)

        # 4. C from the last good configuration still goes out, once; A never.
        smtp.wait_count(4, 30, daemons=[d])
        harness.assert_holds(lambda: smtp.count() == 4, 2, desc="exactly B and C")
        self.assertEqual(self.message_ids(smtp), Counter({self.msg_id("task-b", due_b): 2,
                                                          self.msg_id("task-c", due_c): 2}))
        self.check_per_recipient(smtp.mails,
                                 {self.msg_id("task-b", due_b): [UNIT_A, FROM_ADDR],
                                  self.msg_id("task-c", due_c): [UNIT_A, FROM_ADDR]})
        # B came first, C after it
        order = [m.message_id for m in smtp.mails]
        self.assertEqual(order[:2], [self.msg_id("task-b", due_b)] * 2, f"order: {order}")
        d.stop()

    def test_reading_the_files_does_not_hold_up_the_loop(self):
        """Eight plan files of 15 MB (comments, one task each) take the loader about a
        second; /healthz, answered by the event loop, must keep answering meanwhile."""
        port = harness.free_port()
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(monitor=None),
            email_={"transport": "maildir", "from": harness.FROM_HEADER, "maildir": "outbox"},
            units={"a": {"name": "Phòng A", "email": ["a@example.org"]}}) + "\n" +
            harness.toml_table("http", {"listen": f"127.0.0.1:{port}", "secret_file": str(
                self.ws.write("link.key", "k" * 40 + "\n"))}))
        task = ('\n[[task]]\nid = "t"\ntitle = "Báo cáo"\nresponsible = ["a"]\n'
                f'due = {(harness.now_utc() + dt.timedelta(days=60)).date().isoformat()}\n')
        self.ws.write_plan("p0.toml", harness.plan_text(harness.default_plan("p0"), []) + task)
        d = self.start_daemon()

        def healthz():
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                return s.recv(64).startswith(b"HTTP/1.1 200")

        harness.wait_until(healthz, 10, desc="the listener", daemons=[d])
        comment = "# dòng ghi chú về kế hoạch thực hiện nhiệm vụ của các đơn vị trong năm\n"
        bulk = comment * (15 * 1024 * 1024 // len(comment.encode()))
        for i in range(1, 9):
            self.ws.write_plan(f"p{i}.toml", harness.plan_text(
                harness.default_plan(f"p{i}"), []) + bulk + task)
        mark = d.notify.mark()
        started = time.monotonic()
        d.proc.send_signal(signal.SIGHUP)
        latencies = []
        reloaded = None
        while time.monotonic() - started < 30:
            t = time.monotonic()
            self.assertTrue(healthz())
            latencies.append(time.monotonic() - t)
            i = d.notify.find("RELOADING=1", mark)
            if i is not None and d.notify.find("READY=1", i + 1) is not None:
                reloaded = time.monotonic() - started
                break
            time.sleep(0.02)
        self.assertIsNotNone(reloaded, "the reload finished")
        self.assertTrue(harness.log_lines(d.log(), "info", "reload done: 9 plans"), d.log())
        print(f"\n[reload] {reloaded:.2f} s; /healthz answered {len(latencies)} times, "
              f"slowest {max(latencies) * 1000:.0f} ms")
        self.assertGreater(reloaded, 0.4, "the reload was too quick to prove anything")
        self.assertGreater(len(latencies), 3)
        self.assertLess(max(latencies), reloaded / 2,
                        "a /healthz probe waited for the files of the reload")
        d.stop()


if __name__ == "__main__":
    harness.main()
