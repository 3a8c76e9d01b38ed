#!/usr/bin/python3
"""`deadlined history`: the record of every attempt, from the journal of a real daemon.

A real SMTP sink answers RCPT TO for one unit 451 (try later) until the test lifts it, and
550 (no such user) for another. Proves: each attempt is listed with its address, its stage
in Vietnamese, its outcome (retry, then delivered; failed) and the server's error, in JSON
and in CSV (Vietnamese headers, the same columns); --unit and --from/--to narrow the list;
an unknown plan and a bad date are refused with Vietnamese messages.
"""

import csv
import datetime as dt
import io
import json

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
UNIT_B = "b@stnmt.example.gov.vn"
TITLE = "Báo cáo tình hình quản lý chất thải rắn sinh hoạt"
KEYS = ["time", "unit", "channel", "address", "stage", "key", "outcome", "error"]


class HistoryTest(DaemonTestCase):

    def history(self, *args):
        return harness.run_cli(["history", "-c", self.ws.config_path] + list(args))

    def test_history_lists_each_attempt(self):
        smtp = harness.SmtpSink(reject={UNIT_A: "451 4.3.0 try again later",
                                        UNIT_B: "550 5.1.1 no such user"})
        self.addCleanup(smtp.stop)
        smtp.start()
        due = harness.due_firing_in(3)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(retry_initial="1s", retry_max="2s"),
            email_={"transport": "smtp", "from": FROM_HEADER,
                    "url": f"smtp://127.0.0.1:{smtp.port}", "timeout": "10s"},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-a": {"name": "Phòng A", "email": [UNIT_A]},
                "phong-b": {"name": "Phòng B", "email": [UNIT_B]},
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "chat-thai", "title": TITLE, "responsible": ["phong-a", "phong-b"],
              "due": due, "leads": ["2h"]}]))
        key_a = harness.reminder_key("p1", "chat-thai", due, "2h", "phong-a")
        key_b = harness.reminder_key("p1", "chat-thai", due, "2h", "phong-b")

        d = self.start_daemon()
        harness.wait_until(
            lambda: len([r for r in smtp.rcpts if r.address.lower() == UNIT_A]) >= 2, 30,
            daemons=[d], desc="two refused attempts to phong-a")
        smtp.reject.pop(UNIT_A)
        harness.wait_until(lambda: any(UNIT_A in m.rcpt_tos for m in smtp.mails), 20,
                           daemons=[d], desc="phong-a's reminder delivered")
        d.stop()

        out = self.history("--format", "json")
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        rows = json.loads(out.stdout)
        for row in rows:
            self.assertEqual(list(row), KEYS)
            dt.datetime.fromisoformat(row["time"])  # ISO 8601 with its offset
            self.assertRegex(row["time"], r"[+-]\d\d:\d\d$")
        to_a = [r for r in rows if r["address"] == UNIT_A]
        self.assertGreaterEqual(len(to_a), 3, rows)
        self.assertEqual([r["outcome"] for r in to_a],
                         ["retry"] * (len(to_a) - 1) + ["delivered"])
        for r in to_a:
            self.assertEqual((r["unit"], r["channel"], r["key"], r["stage"]),
                             ("phong-a", "email", key_a, "trước 2 giờ"))
        self.assertIn("451", to_a[0]["error"])
        self.assertIsNone(to_a[-1]["error"])
        to_b = [r for r in rows if r["address"] == UNIT_B]
        self.assertEqual([r["outcome"] for r in to_b], ["failed"], rows)
        self.assertIn("550", to_b[0]["error"])
        self.assertEqual(to_b[0]["key"], key_b)
        self.assertEqual([r["time"] for r in rows], sorted(r["time"] for r in rows))

        out = self.history("--format", "csv")
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        table = list(csv.reader(io.StringIO(out.stdout.decode())))
        self.assertEqual(table[0], ["Thời gian", "Đơn vị", "Kênh", "Địa chỉ", "Lần nhắc",
                                    "Mã tin", "Kết quả", "Lỗi"])
        self.assertEqual(len(table) - 1, len(rows))
        words = {"delivered": "Đã gửi", "retry": "Gửi lại", "failed": "Không gửi được"}
        for line, row in zip(table[1:], rows):
            self.assertEqual(line[:6], [row[k] or "" for k in KEYS[:6]])
            self.assertEqual(line[6], words[row["outcome"]])
            self.assertEqual(line[7], row["error"] or "")

        out = self.history("--format", "json", "--unit", "phong-b")
        of_b = json.loads(out.stdout)  # the unit's own, and the Office's copy (Cc) of it
        self.assertEqual(sorted(r["address"] for r in of_b), sorted([UNIT_B, FROM_ADDR]))
        self.assertEqual({r["unit"] for r in of_b}, {"phong-b"})
        out = self.history("--format", "json", "--plan", "p1", "--task", "chat-thai")
        planned = json.loads(out.stdout)
        self.assertEqual(planned, [r for r in rows if r["key"] in (key_a, key_b)])
        first = dt.datetime.fromisoformat(to_a[-1]["time"])
        out = self.history("--format", "json", "--from", first.isoformat())
        later = json.loads(out.stdout)
        self.assertTrue(later and all(r["time"] >= to_a[-1]["time"] for r in later), later)
        out = self.history("--format", "json", "--to", first.isoformat(), "--unit", "phong-a")
        before = [r for r in json.loads(out.stdout) if r["address"] == UNIT_A]
        self.assertEqual(before, [r for r in to_a if r["time"] < to_a[-1]["time"]])

        text = self.history()
        self.assertEqual(text.returncode, 0)
        self.assertIn("Gửi lại", text.stdout.decode())
        self.assertIn("Thời gian", text.stdout.decode())

        bad = self.history("--plan", "khong-co")
        self.assertEqual(bad.returncode, 1)
        self.assertIn("không có kế hoạch 'khong-co'", bad.stderr.decode())
        bad = self.history("--from", "03/11/2020")
        self.assertEqual(bad.returncode, 2)
        self.assertIn("Lỗi: --from", bad.stderr.decode())


if __name__ == "__main__":
    harness.main()
