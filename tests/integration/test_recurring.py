#!/usr/bin/python3
"""Recurring tasks: `recur`, due rules per period, tasks due before another task.

Checks, through `deadlined preview`, `check` and `holidays`, that:
  * occurrences get their period names (tháng 8/2026, quý III/2026, 6 tháng đầu năm 2026,
    9 tháng đầu năm 2026, năm 2026) and ids (2026-08, 2026-Q3, 2026-H1, 2026-9M, 2026);
  * due rules ("day 20", "day 20 of next month", "day 25", before "day 4 of month 11",
    "5wd after end", "3wd before TASK") give the dates computed here, moved off days off;
  * no reminder and no deadline lands on a day off, per the binary's own holiday list;
  * `check` warns when this or next year has no holiday decision;
  * malformed recurring keys are reported as FILE:LINE:COL: error: ... with exit code 1.
"""

import datetime as dt
import json
import re

import harness
from harness import DaemonTestCase

SHIPPED_HOLIDAYS = harness.REPO_ROOT / "config" / "holidays" / "vietnam.toml"
FROM = "Văn phòng <vp@example.org>"
UNITS = {"vp": {"name": "Văn phòng", "email": ["vp@example.org"]},
         "a": {"name": "Phòng A", "email": ["a@example.org"]}}
WINDOW = (dt.date(2026, 1, 1), dt.date(2027, 12, 31))
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

TASKS = [
    {"id": "thang", "title": "Báo cáo", "responsible": ["a"], "recur": "nd09 monthly"},
    {"id": "quy", "title": "Thống kê", "responsible": ["a"], "recur": "quarterly",
     "due": "day 20 of next month"},
    {"id": "nua-nam", "title": "Sơ kết", "responsible": ["a"], "recur": "6-monthly",
     "due": "day 25"},
    {"id": "nam", "title": "Tổng kết", "responsible": ["a"], "recur": "yearly",
     "before": "day 4 of month 11"},
    {"id": "chin", "title": "Đánh giá", "responsible": ["a"], "recur": "9-monthly",
     "due": "5wd after end"},
    {"id": "truoc", "title": "Chuẩn bị số liệu", "responsible": ["a"],
     "due": "3wd before quy", "leads": ["1d"]},
]

# One error per task; (line, column, words) asserted below.
BAD_PLAN = """\
[plan]
id = "b"
title = "Kế hoạch lỗi"

[[task]]
id = "t1"
title = "Một"
responsible = ["a"]
recur = "fortnightly"
due = 2026-12-01

[[task]]
id = "t2"
title = "Hai"
responsible = ["a"]
due = "3wd before nobody"

[[task]]
id = "t3"
title = "Ba"
responsible = ["a"]
due = "day 20"

[[task]]
id = "t4"
title = "Bốn"
responsible = ["a"]
recur = "every 2 weeks"
due = "day 20"
"""
BAD_ERRORS = [
    (9, "giá trị 'fortnightly' của 'recur' không hợp lệ"),
    (16, "tính theo nhiệm vụ 'nobody' chưa được khai báo"),
    (22, "tính theo kỳ của nhiệm vụ định kỳ"),
    (28, "nên cần 'from'"),
]


def decision(year: int) -> str:
    return harness.toml_table("decision", {"year": year, "occasion": "tet-duong-lich",
                                           "source": "test", "off": []}, array=True)


class RecurringTest(DaemonTestCase):

    def write_config(self, holidays):
        self.ws.write_config(harness.main_config_text(
            service={"state_dir": "state", "plans": ["plans/*.toml"],
                     "holidays": [str(h) for h in holidays],
                     "leads": ["7d", "3wd", "1d", "0d"], "monitor": "vp"},
            email_={"transport": "maildir", "from": FROM},
            units=UNITS))

    def cli(self, *args, rc=0):
        r = harness.run_cli(list(args) + ["-c", self.ws.config_path])
        out, err = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
        self.assertEqual(r.returncode, rc, f"{args}\nstdout:\n{out}\nstderr:\n{err}")
        return out, err

    def preview(self, start, end):
        out, _ = self.cli("preview", "--from", start.isoformat(), "--to", end.isoformat(),
                          "--format", "json")
        items = json.loads(out)
        self.assertIsInstance(items, list)
        return items

    # -- the working-day rule, from `deadlined holidays`

    def load_calendar(self, years):
        self.off, self.work = set(), set()
        for year in years:
            out, _ = self.cli("holidays", "--year", str(year), "--format", "json")
            for day in json.loads(out):
                self.assertIn(day["kind"], {"holiday", "compensatory", "swap_off", "swap_work"})
                date = dt.date.fromisoformat(day["date"])
                (self.work if day["kind"] == "swap_work" else self.off).add(date)
        self.assertIn(dt.date(2026, 2, 20), self.off, "20/02/2026 is in Tết")

    def working(self, d):
        return d in self.work or (d.weekday() < 5 and d not in self.off)

    def shift_working(self, d, n):
        """The |n|-th working day after (n > 0) or before (n < 0) d."""
        step = dt.timedelta(days=1 if n > 0 else -1)
        for _ in range(abs(n)):
            d += step
            while not self.working(d):
                d += step
        return d

    def on_or_after(self, d):
        while not self.working(d):
            d += dt.timedelta(days=1)
        return d

    def due_text(self, d):
        return f"{d.isoformat()}T17:00:00+07:00"

    # -- tests

    def test_preview_recurring_tasks(self):
        self.write_config([SHIPPED_HOLIDAYS])
        self.ws.write_plan("r.toml", harness.plan_text({"id": "r", "title": "Định kỳ"}, TASKS))
        self.load_calendar(range(2025, 2029))
        items = self.preview(*WINDOW)
        self.assertTrue(items, "no reminders in 2026-2027")
        ids = [i["id"] for i in items]
        self.assertEqual(len(ids), len(set(ids)), "ids are unique")
        for item in items:
            at, due = dt.datetime.fromisoformat(item["at"]), dt.datetime.fromisoformat(item["due"])
            for name, t in (("at", at), ("due", due)):
                self.assertEqual(t.utcoffset(), dt.timedelta(hours=7), f"{name} in {item}")
                self.assertTrue(self.working(t.date()), f"{name} on a day off: {item}")
            self.assertTrue(WINDOW[0] <= at.date() <= WINDOW[1], f"at outside window: {item}")
            self.assertLessEqual(at, due, item)
            self.assertEqual(item["plan"], "r", item)
            self.assertTrue(item["id"].startswith(f"r.{item['task']}."), item)
            self.assertTrue(item["id"].endswith(f".{item['stage']}.{item['unit']}"), item)

        def zero_day(task):
            """{occurrence id: item} of the task's 0d-stage reminders."""
            got = {}
            for i in items:
                if i["task"] == task and i["stage"] == "0d":
                    occurrence = i["id"][len(f"r.{task}."):-len(".0d.a")]
                    self.assertNotIn(occurrence, got, f"two 0d reminders for {i['id']}")
                    got[occurrence] = i
            return got

        def expect(task, title, want):
            """want: {occurrence id: (period name, due date)}, exactly the 0d reminders."""
            got = zero_day(task)
            self.assertEqual(sorted(got), sorted(want), f"{task}: 0d occurrences")
            for occ, (name, due) in want.items():
                item = got[occ]
                self.assertEqual(item["due"], self.due_text(due), f"{task} {occ}: due")
                self.assertIn(f"{title} {name}", item["subject"], f"{task} {occ}: subject")
                self.assertIn(due.strftime("%d/%m/%Y"), item["subject"], item["subject"])

        # nd09 monthly, no due: day 20 of each month, moved forward off days off.
        months = [(y, m) for y in (2026, 2027) for m in range(1, 13)]
        monthly = {f"{y}-{m:02d}": (f"tháng {m}/{y}", self.on_or_after(dt.date(y, m, 20)))
                   for y, m in months}
        self.assertEqual(len(monthly), 24)
        expect("thang", "Báo cáo", monthly)
        feb = zero_day("thang")["2026-02"]
        self.assertEqual(feb["due"], "2026-02-23T17:00:00+07:00", "20/02/2026 is in Tết")
        self.assertEqual(feb["subject"],
                         "Nhắc việc: Báo cáo tháng 2/2026 (hạn 17:00 ngày 23/02/2026)")

        # quarterly, day 20 of the month after the quarter: every quarter whose 0d reminder
        # falls in the window, i.e. IV/2025 (due 20/01/2026) .. III/2027; IV/2027 is due in
        # January 2028 and is checked with a second preview below.
        quarters = {}
        for y, q in [(2025, 4)] + [(y, q) for y in (2026, 2027) for q in range(1, 5)]:
            due = self.on_or_after(dt.date(y + q // 4, q % 4 * 3 + 1, 20))
            quarters[f"{y}-Q{q}"] = (f"quý {ROMAN[q]}/{y}", due)
        in_window = {k: v for k, v in quarters.items() if v[1] <= WINDOW[1]}
        self.assertEqual(len(in_window), 8)
        expect("quy", "Thống kê", in_window)

        # 6-monthly, day 25 of the period's last month.
        halves = {}
        for y in (2026, 2027):
            halves[f"{y}-H1"] = (f"6 tháng đầu năm {y}", self.on_or_after(dt.date(y, 6, 25)))
            halves[f"{y}-H2"] = (f"6 tháng cuối năm {y}", self.on_or_after(dt.date(y, 12, 25)))
        expect("nua-nam", "Sơ kết", halves)

        # 9-monthly, 5 working days after the period ends on 30/9.
        expect("chin", "Đánh giá",
               {f"{y}-9M": (f"9 tháng đầu năm {y}", self.shift_working(dt.date(y, 9, 30), 5))
                for y in (2026, 2027)})

        # yearly, the last working day before 4/11.
        yearly = {f"{y}": (f"năm {y}", self.shift_working(dt.date(y, 11, 4), -1))
                  for y in (2026, 2027)}
        self.assertEqual(yearly["2026"][1], dt.date(2026, 11, 3))
        expect("nam", "Tổng kết", yearly)

        # the dependent task: 3 working days before each quarterly due, quarterly ids,
        # only its own lead 1d (one calendar day before, on a working day, at 08:00).
        dependent = [i for i in items if i["task"] == "truoc"]
        self.assertEqual({i["stage"] for i in dependent}, {"1d"})
        want = {}
        for occ, (name, qdue) in quarters.items():
            due = self.shift_working(qdue, -3)
            at = due - dt.timedelta(days=1)
            while not self.working(at):
                at -= dt.timedelta(days=1)
            if WINDOW[0] <= at <= WINDOW[1]:
                want[f"r.truoc.{occ}.1d.a"] = (name, due, at)
        self.assertIn("r.truoc.2026-Q1.1d.a", want)
        self.assertEqual(sorted(i["id"] for i in dependent), sorted(want))
        for item in dependent:
            name, due, at = want[item["id"]]
            self.assertEqual(item["due"], self.due_text(due), item)
            self.assertEqual(item["at"], f"{at.isoformat()}T08:00:00+07:00", item)
            self.assertIn(f"Chuẩn bị số liệu {name}", item["subject"], item)

        # quý IV/2027: due 20/01/2028.
        items = self.preview(dt.date(2028, 1, 1), dt.date(2028, 1, 31))
        q4 = [i for i in items if i["id"] == "r.quy.2027-Q4.0d.a"]
        self.assertEqual(len(q4), 1, f"r.quy.2027-Q4.0d.a in {[i['id'] for i in items]}")
        self.assertIn("Thống kê quý IV/2027", q4[0]["subject"])
        self.assertEqual(q4[0]["due"], self.due_text(quarters["2027-Q4"][1]))

    def test_check_warns_about_missing_holiday_decisions(self):
        year = dt.date.today().year
        self.ws.write_plan("r.toml", harness.plan_text({"id": "r", "title": "Định kỳ"}, TASKS))
        if year == 2026:
            this_year = SHIPPED_HOLIDAYS
        else:
            this_year = self.ws.write("holidays/this.toml", decision(year))
        next_year = self.ws.write("holidays/next.toml", decision(year + 1))

        def warned(err, y):
            return re.search(rf"warning: chưa nhập quyết định nghỉ lễ năm {y}\b", err)

        self.write_config([this_year])
        _, err = self.cli("check")
        self.assertTrue(warned(err, year + 1), f"warning for {year + 1} missing:\n{err}")
        self.assertFalse(warned(err, year), f"unexpected warning for {year}:\n{err}")

        self.write_config([this_year, next_year])
        _, err = self.cli("check")
        self.assertNotIn("chưa nhập quyết định nghỉ lễ", err)
        if year == 2026:
            self.assertNotIn("warning", err)

    def test_check_reports_recurring_errors(self):
        self.write_config([SHIPPED_HOLIDAYS])
        self.ws.write_plan("b.toml", BAD_PLAN)
        _, err = self.cli("check", rc=1)
        errors = [(m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)) for m in
                  re.finditer(r"^(.*):(\d+):(\d+): error: (.*)$", err, re.M)]
        for line, words in BAD_ERRORS:
            self.assertTrue([e for e in errors if e[0].endswith("plans/b.toml")
                             and e[1] == line and e[2] >= 1 and words in e[3]],
                            f"plans/b.toml:{line}:COL: error: ...{words}... not in:\n{err}")
        self.assertEqual(len([e for e in errors if e[0].endswith("plans/b.toml")]),
                         len(BAD_ERRORS), f"one error per task:\n{err}")


if __name__ == "__main__":
    harness.main()
