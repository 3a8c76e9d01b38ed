#!/usr/bin/python3
"""The command-line subcommands: check, preview, send-test."""

import datetime as dt
import json
import os
import re
import subprocess
import unittest

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
VN = dt.timezone(dt.timedelta(hours=7))

# Plan files with exactly one error each; the line numbers are asserted below.
P1_UNKNOWN_KEY = """\
[plan]
id = "p1"
number = "12/KH-STNMT"
title = "Kế hoạch thử"
basis = "Kế hoạch số 354/KH-BCTNCT ngày 24/6/2020"
leads = ["1d"]

[[task]]
id = "bao-cao"
title = "Báo cáo kết quả"
responsibel = ["phong-a"]
due = 2026-11-29T15:04:05+07:00
"""
P1_UNKNOWN_KEY_LINE = 11

P2_UNKNOWN_UNIT = """\
[plan]
id = "p2"
number = "13/KH-STNMT"
title = "Kế hoạch hai"
basis = "Kế hoạch số 354/KH-BCTNCT ngày 24/6/2020"

[[task]]
id = "tong-hop"
title = "Tổng hợp"
responsible = ["phong-khong-ton-tai"]
due = 2026-12-01
"""
P2_UNKNOWN_UNIT_LINE = 10


def mentions_count(text, n, words):
    """`text` says there are `n` of `words` ("3 units", "units: 3", "3 đơn vị")."""
    return bool(re.search(rf"(?<!\d){n}\s+(?:{words})", text, re.I)
                or re.search(rf"(?:{words})\w*\s*[:=]?\s*{n}(?!\d)", text, re.I))


class CliTest(DaemonTestCase):

    def write_good_config(self, smtp_url="smtp://127.0.0.1:9", webhook_url=None):
        secret_file = self.ws.write("secret", harness.new_webhook_secret() + "\n")
        webhooks = {}
        units = {
            "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
            "phong-a": {"name": "Phòng A", "email": [UNIT_A]},
            "phong-b": {"name": "Phòng B"},
        }
        if webhook_url:
            webhooks["chat"] = {"url": webhook_url, "secret_file": str(secret_file),
                                "timeout": "5s"}
            units["phong-b"]["webhooks"] = ["chat"]
        else:
            units["phong-b"]["email"] = ["b@stnmt.example.gov.vn"]
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp_url,
                    "timeout": "10s"},
            webhooks=webhooks, units=units))
        due = dt.datetime(2030, 11, 29, 15, 0, tzinfo=VN)
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": f"t{i}", "title": f"Nhiệm vụ {i}", "responsible": ["phong-a"],
              "due": due} for i in range(3)]))
        self.ws.write_plan("p2.toml", harness.plan_text(
            harness.default_plan("p2", number="13/KH-STNMT", leads=None),
            [{"id": f"u{i}", "title": f"Việc {i}", "responsible": ["phong-b"],
              "coordinating": ["phong-a"], "due": dt.date(2030, 12, 2)} for i in range(2)]))

    # -- defaults

    def test_config_from_the_environment_and_a_missing_one_named(self):
        self.write_good_config()
        env = {"DEADLINED_CONFIG": str(self.ws.config_path)}
        r = harness.run_cli(["check"], env=env)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        missing = self.ws.root / "nowhere" / "deadlined.toml"
        r = harness.run_cli(["check"], env={"DEADLINED_CONFIG": str(missing)})
        self.assertEqual(r.returncode, 1)
        self.assertIn(str(missing), r.stderr.decode(), "the error names the file it looked for")

    def test_ack_never_records_into_a_journal_it_did_not_find(self):
        self.write_good_config()
        journal = self.ws.state_dir / "journal.sqlite"
        self.assertFalse(journal.exists())
        args = ["ack", "--config", self.ws.config_path, "--plan", "p1", "--task", "t0",
                "--occurrence", "20301129", "--unit", "phong-a"]
        r = harness.run_cli(args, env={"STATE_DIRECTORY": ""})
        err = r.stderr.decode()
        self.assertEqual(r.returncode, 1, r.stdout.decode() + err)
        self.assertIn(f"không có nhật ký tại {journal}", err)
        self.assertIn("/var/lib/deadlined", err)
        self.assertNotIn("confirmed", r.stdout.decode())
        self.assertFalse(journal.exists(), "the CLI must not create a journal")
        # With the daemon's journal there, it records.
        d = self.start_daemon()
        d.stop()
        r = harness.run_cli(args)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(len(harness.confirmations(self.ws.state_dir)), 1)

    # -- check

    def test_check_good(self):
        self.write_good_config()
        r = harness.run_cli(["check", "--config", self.ws.config_path])
        out, err = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
        self.assertEqual(r.returncode, 0, f"stdout:\n{out}\nstderr:\n{err}")
        self.assertNotIn("error:", err)
        self.assertTrue(mentions_count(out, 3, r"units?|đơn vị"), f"3 units in:\n{out}")
        self.assertTrue(mentions_count(out, 2, r"plans?|kế hoạch"), f"2 plans in:\n{out}")
        self.assertTrue(mentions_count(out, 5, r"tasks?|nhiệm vụ"), f"5 tasks in:\n{out}")

    def test_check_reports_errors_in_two_files(self):
        self.write_good_config()
        self.ws.write_plan("p1.toml", P1_UNKNOWN_KEY)
        self.ws.write_plan("p2.toml", P2_UNKNOWN_UNIT)
        r = harness.run_cli(["check", "--config", self.ws.config_path])
        out, err = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
        self.assertEqual(r.returncode, 1, f"stdout:\n{out}\nstderr:\n{err}")
        errors = [(m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)) for m in
                  re.finditer(r"^(.*):(\d+):(\d+): error: (.*)$", err, re.M)]

        def find(basename, line, word):
            return [e for e in errors if e[0].endswith(f"plans/{basename}") and e[1] == line
                    and e[2] >= 1 and word in e[3]]

        self.assertTrue(find("p1.toml", P1_UNKNOWN_KEY_LINE, "responsibel"),
                        f"p1.toml:{P1_UNKNOWN_KEY_LINE}:COL: error: ...responsibel... "
                        f"not in stderr:\n{err}")
        self.assertTrue(find("p2.toml", P2_UNKNOWN_UNIT_LINE, "phong-khong-ton-tai"),
                        f"p2.toml:{P2_UNKNOWN_UNIT_LINE}:COL: error: ...phong-khong-ton-tai... "
                        f"not in stderr:\n{err}")

    def test_check_warns_of_a_past_deadline_and_ends_its_summary(self):
        # stdout and stderr in one stream, as in a log or a terminal: every warning comes
        # before the summary, on its own line, and the summary ends with a newline.
        self.write_good_config()
        self.ws.write_plan("p3.toml", harness.plan_text(
            harness.default_plan("p3", number="14/KH-STNMT"),
            [{"id": "cu", "title": "Việc cũ", "responsible": ["phong-a"],
              "due": dt.date(2020, 11, 4)}]))
        r = subprocess.run([harness.binary(), "check", "--config", str(self.ws.config_path)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        out = r.stdout.decode(errors="replace")
        self.assertEqual(r.returncode, 0, out)
        self.assertTrue(out.endswith("\n"), repr(out[-80:]))
        lines = out.splitlines()
        head = [i for i, line in enumerate(lines) if line.endswith(": cấu hình hợp lệ")]
        self.assertEqual(len(head), 1, out)
        for line in lines[:head[0]]:
            self.assertRegex(line, r"^\S+?(:\d+:\d+)?: (warning|error): ", out)
        self.assertIn(
            f"{self.ws.root / 'plans' / 'p3.toml'}:1:1: warning: hạn của nhiệm vụ 'cu' (17:00 "
            "ngày 04/11/2020) đã qua: nhiệm vụ không còn được nhắc trước hạn; đề nghị kiểm tra "
            "lại 'due' hoặc bỏ nhiệm vụ đã hoàn thành khỏi kế hoạch", lines[:head[0]])
        summary = lines[head[0] + 1:]
        self.assertEqual([line.split(":")[0] for line in summary],
                         ["  đơn vị", "  kế hoạch", "  nhiệm vụ", "  hạn sắp tới",
                          "  lần nhắc tiếp theo"], out)
        self.assertIn("  nhiệm vụ: 6", summary)

    @unittest.skipIf("JOURNAL_STREAM" in os.environ, "under journald the log has no time")
    def test_log_lines_carry_local_time_with_the_zone_offset(self):
        self.write_good_config()
        d = self.start_daemon(env={"TZ": "Asia/Ho_Chi_Minh"})
        d.stop()
        lines = [line for line in d.log().splitlines() if line]
        self.assertTrue(lines, "the daemon logged nothing")
        for line in lines:
            self.assertRegex(line, r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+07:00 \[\w+\] ",
                             d.log())

    # -- preview

    def test_preview_shipped_config(self):
        rel = harness.SHIPPED_CONFIG.relative_to(harness.REPO_ROOT)
        self.assertTrue(harness.SHIPPED_CONFIG.is_file(), f"{harness.SHIPPED_CONFIG} missing")
        r = harness.run_cli(["preview", "--config", str(rel), "--from", "2020-10-01",
                             "--to", "2020-11-05", "--format", "json"], cwd=harness.REPO_ROOT)
        out, err = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
        self.assertEqual(r.returncode, 0, f"stderr:\n{err}")
        items = json.loads(out)
        self.assertIsInstance(items, list)
        self.assertTrue(items, "preview lists no reminders for Oct-Nov 2020")
        keys = {"at", "plan", "task", "due", "stage", "unit", "channel", "to", "cc", "subject"}
        ats = []
        lo = dt.datetime(2020, 10, 1, tzinfo=VN)
        hi = dt.datetime(2020, 11, 6, tzinfo=VN)
        for item in items:
            self.assertIsInstance(item, dict)
            self.assertLessEqual(keys, set(item), f"missing keys in {item}")
            at = dt.datetime.fromisoformat(item["at"])
            due = dt.datetime.fromisoformat(item["due"])
            self.assertIsNotNone(at.tzinfo, item["at"])
            self.assertIsNotNone(due.tzinfo, item["due"])
            self.assertEqual(at.utcoffset(), dt.timedelta(hours=7), f"at offset: {item['at']}")
            self.assertLess(at, due, f"at before due: {item}")
            self.assertLess(at.weekday(), 5, f"at on a weekday: {item['at']}")
            self.assertEqual((at.hour, at.minute, at.second), (8, 0, 0),
                             f"at is 08:00: {item['at']}")
            self.assertTrue(lo <= at < hi, f"at within --from/--to: {item['at']}")
            self.assertIsInstance(item["subject"], str)
            # The stage as people read it, and the plain text the unit will get.
            if item["stage"].endswith("wd"):
                self.assertEqual(item["stage_label"],
                                 f"trước {item['stage'][:-2]} ngày làm việc", item)
            self.assertNotRegex(item["stage_label"], r"^\d", item)
            self.assertTrue(item["text"].startswith("Kính gửi: "), item["text"][:80])
            # Keys and stage codes never reach a reader (they are in the headers).
            self.assertNotIn(item["id"], item["text"], "no key in the text")
            self.assertNotIn(item["stage"], item["text"], "no stage code in the text")
            ats.append(at)
        self.assertEqual(ats, sorted(ats), "sorted by at")

    def test_shipped_plan_is_annual_and_previews_2020(self):
        """The seed plan recurs yearly: the 2020 instance as in the seed, then each year."""
        rel = harness.SHIPPED_CONFIG.relative_to(harness.REPO_ROOT)

        def preview(start: str, end: str) -> list:
            r = harness.run_cli(["preview", "--config", str(rel), "--from", start, "--to", end,
                                 "--format", "json"], cwd=harness.REPO_ROOT)
            self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
            return json.loads(r.stdout)

        def dues(items: list, task: str) -> set:
            return {i["due"] for i in items if i["task"] == task}

        y2020 = preview("2020-09-20", "2020-11-05")
        # "trước ngày 04/11/2020": the end of Tuesday 03/11/2020.
        self.assertEqual(dues(y2020, "bao-cao-ket-qua"), {"2020-11-03T17:00:00+07:00"})
        # The units' results: 2 working days before the Office's report, Friday 30/10/2020.
        self.assertEqual(dues(y2020, "bao-cao-don-vi"), {"2020-10-30T17:00:00+07:00"})
        self.assertEqual(dues(y2020, "dang-tai-tin-bai"), {"2020-10-09T17:00:00+07:00"})
        self.assertEqual(dues(y2020, "tuyen-truyen-van-dong"), {"2020-10-30T17:00:00+07:00"})
        office = [i for i in y2020 if i["task"] == "bao-cao-ket-qua"]
        self.assertTrue(all(i["id"].startswith("thang-hanh-dong-nct.bao-cao-ket-qua.2020.")
                            for i in office), office)
        self.assertTrue(all("Việt Nam năm 2020" in i["subject"] for i in y2020), y2020[0])
        units = {i["unit"] for i in y2020 if i["task"] == "bao-cao-don-vi"}
        self.assertEqual(len(units), 9)
        self.assertNotIn("van-phong", units)
        # The next year: 04/11/2021 is a Thursday, so the report is due Wednesday 03/11/2021.
        y2021 = preview("2021-09-20", "2021-11-05")
        self.assertEqual(dues(y2021, "bao-cao-ket-qua"), {"2021-11-03T17:00:00+07:00"})
        self.assertTrue(all("năm 2021" in i["subject"] for i in y2021), y2021[0])

    # -- holidays

    def test_holidays_json(self):
        r = harness.run_cli(["holidays", "--year", "2026", "--format", "json"])
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        days = json.loads(r.stdout)
        by_date = {d["date"]: d for d in days}
        self.assertEqual(by_date["2026-02-17"]["lunar"], "1/1")
        self.assertEqual(by_date["2026-02-17"]["kind"], "holiday")
        self.assertEqual(by_date["2026-04-26"]["lunar"], "10/3")
        self.assertEqual(by_date["2026-04-27"]["kind"], "compensatory")
        for d in days:
            self.assertLessEqual({"date", "name", "kind", "source"}, set(d), d)
            self.assertIn(d["kind"], {"holiday", "compensatory", "swap_off", "swap_work"})

    def test_holidays_cover_1900_to_2100(self):
        """1900-2100 are accepted; before 1995 no law is modelled, and the CLI says so."""
        r = harness.run_cli(["holidays", "--year", "1900", "--format", "json"])
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        self.assertEqual(json.loads(r.stdout), [])
        self.assertIn("Bộ luật Lao động 1994 có hiệu lực (01/01/1995)", r.stderr.decode())
        r = harness.run_cli(["holidays", "--year", "2100", "--format", "json"])
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        tet = [d["date"] for d in json.loads(r.stdout) if d.get("lunar") == "1/1"]
        self.assertEqual(tet, ["2100-02-09"])  # tests/data/vn_lunar_1900_2100.csv
        self.assertEqual(r.stderr, b"")
        for year in ("1899", "2101"):
            self.assertNotEqual(harness.run_cli(["holidays", "--year", year]).returncode, 0)

    def test_preview_moves_reminders_off_tet(self):
        """A deadline right after Tết 2026 (16-20/02): no reminder lands on a holiday."""
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(),
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            units={"van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                   "phong-a": {"name": "Phòng A", "email": ["a@stnmt.example.gov.vn"]}}))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "sau-tet", "title": "Báo cáo sau Tết", "responsible": ["phong-a"],
              "due": dt.date(2026, 2, 24), "leads": ["7d", "3wd", "1wd"]}]))
        r = harness.run_cli(["preview", "--config", self.ws.config_path, "--from", "2026-02-01",
                             "--to", "2026-02-28", "--format", "json"])
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        got = [(i["stage"], i["at"]) for i in json.loads(r.stdout)]
        # 3wd falls on Thursday 12/02 and 7d, moved back off Tết, on Friday 13/02: the longer
        # lead may not come after the shorter, so it goes with 3wd, sent once (7d listed first).
        self.assertEqual(got, [("7d", "2026-02-12T08:00:00+07:00"),
                               ("1wd", "2026-02-23T08:00:00+07:00")])

    def test_preview_shows_the_bundles_of_the_shipped_plan(self):
        """30/10/2020: the seed's units have two tasks due that morning (III.1 and their
        results for III.3); each gets one email, which the preview shows as it will read."""
        rel = harness.SHIPPED_CONFIG.relative_to(harness.REPO_ROOT)
        r = harness.run_cli(["preview", "--config", str(rel), "--from", "2020-10-30",
                             "--to", "2020-10-30", "--format", "json"], cwd=harness.REPO_ROOT)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        items = [i for i in json.loads(r.stdout) if i["unit"] == "phong-moi-truong"]
        self.assertEqual(sorted(i["task"] for i in items),
                         ["bao-cao-don-vi", "tuyen-truyen-van-dong"], items)
        bundles = {i["bundle"]["id"] for i in items}
        self.assertEqual(len(bundles), 1, "one email for both")
        bundle = items[0]["bundle"]
        self.assertEqual(bundle["size"], 2)
        self.assertEqual(bundle["subject"],
                         "Nhắc việc: 2 nhiệm vụ đến hạn (hạn 17:00 ngày 30/10/2020)")
        self.assertTrue(bundle["text"].startswith(
            "Kính gửi: Phòng Môi trường\n\nVăn phòng Sở nhắc Phòng Môi trường 2 nhiệm vụ sau:"
            "\n\n1. "), bundle["text"])
        for i in items:
            self.assertIn(i["subject"].split("Nhắc việc: ")[1].split(" (hạn")[0], bundle["text"])
        # A unit with one task that morning gets it alone.
        alone = [i for i in json.loads(r.stdout) if i["unit"] == "van-phong"]
        self.assertTrue(alone)
        self.assertTrue(all("bundle" not in i for i in alone), alone)

    def test_preview_lists_the_digests(self):
        """With the digest on, each working morning's digest to the Office is in the preview,
        in time order with the reminders, as `kind = "digest"` with its text."""
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(digest=True, overdue=True,
                                            chase_from=dt.date(2026, 1, 1)),
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            units={"van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                   "phong-a": {"name": "Phòng A", "email": ["a@stnmt.example.gov.vn"]}}))
        # Due Friday 04/12/2026: reminders on 01/12 (3wd) and 04/12 (0d); digests each working
        # morning from the first stage until the end of the chase window.
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "bc", "title": "Báo cáo tháng", "responsible": ["phong-a"],
              "due": dt.date(2026, 12, 4), "leads": ["3wd", "0d"]}]))
        r = harness.run_cli(["preview", "--config", self.ws.config_path, "--from", "2026-11-30",
                             "--to", "2026-12-08", "--format", "json"])
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        items = json.loads(r.stdout)
        digests = [i for i in items if i["kind"] == "digest"]
        # Working mornings from Tuesday 01/12 (the first stage) to Tuesday 08/12.
        self.assertEqual([i["at"] for i in digests],
                         [f"2026-12-{d:02d}T08:00:00+07:00" for d in (1, 2, 3, 4, 7, 8)])
        for i in digests:
            self.assertEqual(i["unit"], "van-phong", i)
            self.assertEqual(i["to"], [FROM_ADDR], i)
            self.assertTrue(i["subject"].startswith("Tổng hợp theo dõi nhiệm vụ ngày "), i)
            self.assertIn("Báo cáo tháng", i["text"])
        self.assertIn("1 lượt đơn vị quá hạn", digests[-1]["subject"])
        self.assertIn("1 lượt đơn vị đang thực hiện", digests[0]["subject"])
        ats = [dt.datetime.fromisoformat(i["at"]) for i in items]
        self.assertEqual(ats, sorted(ats), "digests and reminders in time order")
        text = harness.run_cli(["preview", "--config", self.ws.config_path, "--from",
                                "2026-12-07", "--to", "2026-12-07"])
        self.assertIn("thư tổng hợp  → Văn phòng Sở", text.stdout.decode())

    # -- send-test

    def test_send_test_email(self):
        smtp = self.smtp_sink()
        self.write_good_config(smtp_url=smtp.url)
        r = harness.run_cli(["send-test", "--config", self.ws.config_path, "--unit", "phong-a"])
        out, err = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
        self.assertEqual(r.returncode, 0, f"stdout:\n{out}\nstderr:\n{err}")
        # Per address: phong-a has one address, so one transaction with one RCPT TO.
        mails = smtp.wait_count(1, 5)
        harness.assert_holds(lambda: smtp.count() == 1, 1, desc="exactly one mail")
        self.assertEqual(mails[0].rcpt_tos, [UNIT_A], "envelope recipient")
        msg = mails[0].message()
        self.assertIn(UNIT_A, [a.addr_spec for a in msg["To"].addresses])
        self.assertEqual(msg["From"].addresses[0].addr_spec, FROM_ADDR)

    def test_send_test_webhook_404_fails(self):
        smtp = self.smtp_sink()
        hook = self.http_sink(status=404)
        self.write_good_config(smtp_url=smtp.url, webhook_url=hook.url("/hook"))
        r = harness.run_cli(["send-test", "--config", self.ws.config_path, "--unit", "phong-b"])
        out, err = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
        self.assertNotEqual(r.returncode, 0, f"stdout:\n{out}\nstderr:\n{err}")
        self.assertGreaterEqual(hook.count(), 1, "the webhook was actually tried")
        self.assertEqual(hook.requests[0].method, "POST")


if __name__ == "__main__":
    harness.main()
