#!/usr/bin/python3
"""`deadlined report`: on-time statistics per unit from the real journal, confirmations made
with `deadlined ack`, as JSON, CSV and XLSX (read back with Debian's python3-openpyxl); the
figures checked against the scenario as this test computes it, and the errors of bad input.

There is no time travel: deadlines lie days before and after now, so that a confirmation
made now is late for the first and on time for the second.
"""

import csv
import datetime as dt
import io
import json

import openpyxl

import harness
from harness import FROM_HEADER, VN_TZ, DaemonTestCase

NAMES = {"phong-c": "Phòng Thanh tra", "phong-a": "Phòng Kế hoạch – Tài chính",
         "phong-b": "Phòng Quản lý đất đai, khoáng sản"}
UNIT_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Số nhiệm vụ đến hạn", "Hoàn thành đúng hạn",
                "Hoàn thành quá hạn", "Đang thực hiện (trong hạn)", "Quá hạn",
                "Tỷ lệ hoàn thành đúng hạn"]
KEYS = ["unit", "unit_name", "assigned", "on_time", "late", "open", "overdue", "on_time_rate"]


class ReportTest(DaemonTestCase):

    def setUp(self):
        super().setUp()
        now = dt.datetime.now(VN_TZ).replace(microsecond=0)
        self.today = now.date()
        day = dt.timedelta(days=1)
        # (plan, task, due, responsible, units that confirm)
        self.tasks = [
            ("p1", "qua-han", now - 3 * day, ["phong-a", "phong-b"], ["phong-a"]),
            ("p1", "sap-den", now + 3 * day, ["phong-a", "phong-b"], ["phong-a"]),
            ("p1", "da-lau", now - 40 * day, ["phong-a"], ["phong-a"]),
            ("p2", "bao-cao-1", now - 2 * day, ["phong-b"], ["phong-b"]),
            ("p2", "bao-cao-2", now + 2 * day, ["phong-b"], ["phong-b"]),
            ("p2", "nam-sau", now + 40 * day, ["phong-c"], []),
        ]
        units = {"vp": {"name": "Văn phòng Sở", "email": ["vp@stnmt.example.gov.vn"]}}
        units.update({u: {"name": n, "email": [f"{u}@stnmt.example.gov.vn"]}
                      for u, n in NAMES.items()})
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(monitor="vp"),
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            units=units))
        for plan in ("p1", "p2"):
            self.ws.write_plan(f"{plan}.toml", harness.plan_text(
                harness.default_plan(plan, title=f"Kế hoạch {plan}"),
                [{"id": task, "title": f"Nhiệm vụ {task}", "responsible": responsible,
                  "due": due} for p, task, due, responsible, _ in self.tasks if p == plan]))
        # The daemon makes the journal; the confirmations go in through the CLI.
        self.start_daemon().stop()
        for plan, task, due, _, confirming in self.tasks:
            for unit in confirming:
                r = harness.run_cli(["ack", "--config", self.ws.config_path, "--plan", plan,
                                     "--task", task, "--occurrence", due.strftime("%Y%m%d"),
                                     "--unit", unit, "--note", f"Đã gửi báo cáo của {unit}"])
                self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.window = [(self.today - 10 * day).isoformat(), (self.today + 10 * day).isoformat()]

    def expected(self, plan=None):
        """{unit: figures} computed from the scenario: due in the window, done (confirmed
        now) before or after the deadline, or not done with the deadline ahead or past."""
        now = dt.datetime.now(VN_TZ)
        first = dt.datetime.combine(dt.date.fromisoformat(self.window[0]), dt.time(), VN_TZ)
        end = dt.datetime.combine(dt.date.fromisoformat(self.window[1]) + dt.timedelta(days=1),
                                  dt.time(), VN_TZ)
        out = {}
        for p, _, due, responsible, confirming in self.tasks:
            if plan and p != plan:
                continue
            for unit in responsible:
                f = out.setdefault(unit, dict.fromkeys(KEYS[2:7], 0))
                if not first <= due < end:
                    continue
                f["assigned"] += 1
                if unit in confirming:
                    f["on_time" if due > now else "late"] += 1
                else:
                    f["open" if due > now else "overdue"] += 1
        for f in out.values():
            f["on_time_rate"] = f["on_time"] / f["assigned"] if f["assigned"] else None
        return out

    def report(self, *args):
        r = harness.run_cli(["report", "--config", self.ws.config_path, "--from",
                             self.window[0], "--to", self.window[1], *args])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        return r.stdout

    def test_json_figures_per_unit(self):
        got = json.loads(self.report("--format", "json"))
        expected = self.expected()
        # Sanity of the scenario itself: each state occurs.
        self.assertEqual(expected["phong-b"], {"assigned": 4, "on_time": 1, "late": 1, "open": 1,
                                               "overdue": 1, "on_time_rate": 0.25})
        self.assertEqual([list(o) for o in got], [KEYS] * 3, "exactly the keys, in order")
        # Units in the order the config writes them; phong-c has nothing due.
        self.assertEqual([o["unit"] for o in got], ["phong-c", "phong-a", "phong-b"])
        for o in got:
            self.assertEqual(o["unit_name"], NAMES[o["unit"]])
            self.assertEqual({k: o[k] for k in KEYS[2:]}, expected[o["unit"]], o["unit"])
        self.assertIsNone(got[0]["on_time_rate"])

    def test_plan_filter(self):
        got = json.loads(self.report("--format", "json", "--plan", "p2"))
        expected = self.expected("p2")
        self.assertEqual([o["unit"] for o in got], ["phong-c", "phong-b"])
        for o in got:
            self.assertEqual({k: o[k] for k in KEYS[2:]}, expected[o["unit"]], o["unit"])

    def test_csv_and_xlsx_hold_the_same_figures(self):
        text = self.report("--format", "csv").decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"), "a BOM for Excel")
        rows = list(csv.reader(io.StringIO(text[1:], newline="")))
        split = rows.index([])
        units, plans = rows[:split], rows[split + 1:]
        self.assertEqual(units[0], UNIT_HEADERS)
        self.assertEqual(plans[0], ["Mã kế hoạch", "Tên kế hoạch"] + UNIT_HEADERS[2:])
        expected = self.expected()
        self.assertEqual([r[0] for r in units[1:]], ["phong-c", "phong-a", "phong-b"])
        for r in units[1:]:
            f = expected[r[0]]
            self.assertEqual(r[1], NAMES[r[0]])
            self.assertEqual([int(x) for x in r[2:7]], [f[k] for k in KEYS[2:7]], r[0])
            if f["on_time_rate"] is None:
                self.assertEqual(r[7], "")
            else:
                self.assertAlmostEqual(float(r[7]), f["on_time_rate"], places=4)
        self.assertEqual([r[:2] for r in plans[1:]],
                         [["p1", "Kế hoạch p1"], ["p2", "Kế hoạch p2"], ["", "Tổng cộng"]])
        total = [sum(f[k] for f in expected.values()) for k in KEYS[2:7]]
        self.assertEqual([int(x) for x in plans[-1][2:7]], total)

        out = self.ws.root / "bao-cao.xlsx"
        r = harness.run_cli(["report", "--config", self.ws.config_path, "--from",
                             self.window[0], "--to", self.window[1], "--format", "xlsx",
                             "--output", out])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(r.stdout, b"", "the workbook goes to the file only")
        book = openpyxl.load_workbook(out)
        self.assertEqual(book.sheetnames, ["Theo đơn vị", "Theo kế hoạch"])
        for sheet, table in ((book["Theo đơn vị"], units), (book["Theo kế hoạch"], plans)):
            cells = [list(row) for row in sheet.iter_rows()]
            header = next(i for i, row in enumerate(cells) if row[0].value == table[0][0])
            self.assertEqual([c.value for c in cells[header]], table[0])
            data = cells[header + 1:]
            self.assertEqual(len(data), len(table) - 1, sheet.title)
            for row, line in zip(data, table[1:]):
                self.assertEqual([c.value or "" for c in row[:2]], line[:2])
                for c, value in zip(row[2:7], line[2:7]):
                    self.assertIsInstance(c.value, (int, float), "a count is a number")
                    self.assertEqual(c.value, int(value))
                rate = row[7]
                if line[7] == "":
                    self.assertIsNone(rate.value)
                else:
                    self.assertIsInstance(rate.value, float, "the rate is a number")
                    self.assertAlmostEqual(rate.value, float(line[7]), places=4)
                    self.assertIn("%", rate.number_format)
        widths = book["Theo đơn vị"].column_dimensions
        self.assertGreater(widths["B"].width, 30, "the names' column is widened")

    def test_text_report(self):
        text = self.report().decode("utf-8")
        d0, d1 = (dt.date.fromisoformat(d).strftime("%d/%m/%Y") for d in self.window)
        self.assertIn(f"Kỳ báo cáo: từ ngày {d0} đến ngày {d1}", text)
        self.assertIn("Phòng Quản lý đất đai, khoáng sản", text)
        self.assertIn("25,0%", text, "phong-b: 1 on time of 4")
        self.assertIn("Tổng cộng", text)

    def test_bad_input_is_refused_in_vietnamese(self):
        def run(*args):
            r = harness.run_cli(["report", "--config", self.ws.config_path, *args])
            self.assertEqual(r.returncode, 1, r.stdout.decode())
            self.assertEqual(r.stdout, b"")
            return r.stderr.decode()
        err = run("--from", "01/12/2026", "--to", "2026-12-31")
        self.assertIn("Lỗi: ngày '01/12/2026' của --from không hợp lệ: ghi theo dạng YYYY-MM-DD",
                      err)
        err = run("--from", "2026-12-01", "--to", "2026-02-30")
        self.assertIn("Lỗi: ngày '2026-02-30' của --to không hợp lệ", err)
        err = run("--from", "2026-12-31", "--to", "2026-12-01")
        self.assertIn("Lỗi: ngày bắt đầu (--from 2026-12-31) sau ngày kết thúc (--to 2026-12-01)",
                      err)
        err = run("--from", "2026-12-01", "--to", "2026-12-31", "--plan", "p9")
        self.assertIn("Lỗi: không có kế hoạch 'p9' (các kế hoạch đã cấu hình: p1, p2)", err)


if __name__ == "__main__":
    harness.main()
