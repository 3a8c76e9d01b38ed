#!/usr/bin/python3
"""Daemon down across two stages of a task; started after both, before the deadline.

The journal was made an hour before (the service was installed and then stopped): a first
start, with no journal, is the other test below, which must claim no downtime and send no
backlog.

Proves: on start, only the latest missed stage of each (task, occurrence, unit) is sent,
once, marked late because it is more than 60 s late: the stages "3670s" and "3665s" are 70 s
and 65 s in the past; only "3665s" goes out, by email (one transaction per address,
Subject starting with "[Gửi muộn] ") and by webhook ("late": true, "stage": "3665s"). A task
whose deadline has already passed sends nothing at all.
"""

import datetime as dt
import json
import sqlite3

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
LATE_PREFIX = "[Gửi muộn] "
TITLE = "Kiểm tra công tác bảo vệ môi trường tại các khu công nghiệp"


class LateCatchUpTest(DaemonTestCase):

    def install_an_hour_ago(self):
        """The journal of an installation made an hour ago: a start with no plan makes it,
        then its creation time is moved back."""
        plans = self.ws.root / "plans"
        saved = {p: p.read_text() for p in plans.glob("*.toml")}
        for p in saved:
            p.unlink()
        self.ws.write_plan("empty.toml", harness.plan_text(harness.default_plan("e"), []))
        d = self.start_daemon()
        d.stop()
        (plans / "empty.toml").unlink()
        for p, text in saved.items():
            p.write_text(text)
        db = sqlite3.connect(self.ws.state_dir / "journal.sqlite")
        with db:
            db.execute("UPDATE meta SET value = value - 3600 WHERE key = 'created_at'")
        db.close()

    def test_a_first_start_sends_no_backlog_and_claims_no_downtime(self):
        """No journal yet: a monthly report since January (overdue notices every 2 working
        days) sends nothing for the months before today, and a stage missed before the
        installation goes out as an ordinary reminder, with the time it has left."""
        smtp = self.smtp_sink()
        now = harness.now_utc()
        due = (now + dt.timedelta(hours=1)).astimezone(harness.VN_TZ)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                    "timeout": "10s"},
            units={"van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                   "phong-a": {"name": "Phòng A", "email": [UNIT_A]}}))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "thang", "title": "Báo cáo tháng", "responsible": ["phong-a"],
              "recur": "monthly", "from": dt.date(now.year, 1, 1),
              "due": "day 5 of next month", "overdue": True},
             {"id": "con-han", "title": TITLE, "responsible": ["phong-a"], "due": due,
              "leads": ["3670s"]}]))
        key = harness.reminder_key("p1", "con-han", due, "3670s", "phong-a")
        d = self.start_daemon()
        smtp.wait_count(2, 15, daemons=[d])
        harness.assert_holds(lambda: smtp.count() == 2, 4, desc="no backlog of past months")
        self.check_per_recipient(smtp.mails, {f"<{key}@{harness.MAIL_DOMAIN}>":
                                              [UNIT_A, FROM_ADDR]})
        for m in smtp.mails:
            subjects = harness.decoded_subject(m.raw)
            self.assertFalse(any(s.startswith(LATE_PREFIX) for s in subjects), subjects)
            body = harness.text_body(m.message())
            self.assertNotIn("tạm ngừng hoạt động", body)
            # At its stage's time 61 minutes were left; when sent, about 60.
            self.assertRegex(body,
                             r"\(hạn (trong ngày hôm nay|vào ngày mai), còn (1 giờ|59 phút|58 phút)\)")
            self.assertNotIn("1 giờ 1 phút", body)
        d.stop()

    def test_only_latest_missed_stage_marked_late(self):
        smtp = self.smtp_sink()
        chat = self.http_sink()
        now = harness.now_utc()
        due = (now + dt.timedelta(hours=1)).astimezone(harness.VN_TZ)
        past_due = (now - dt.timedelta(seconds=10)).astimezone(harness.VN_TZ)
        leads = ["3670s", "3665s"]  # 70 s and 65 s before now
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(retry_initial="1s", retry_max="4s"),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                    "timeout": "10s"},
            webhooks={"chat": {"url": chat.url("/hook"), "timeout": "5s"}},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-a": {"name": "Phòng A", "email": [UNIT_A]},
                "phong-w": {"name": "Phòng W", "webhooks": ["chat"]},
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "con-han", "title": TITLE, "responsible": ["phong-a", "phong-w"],
              "due": due, "leads": leads},
             {"id": "qua-han", "title": "Nhiệm vụ đã quá hạn",
              "responsible": ["phong-a", "phong-w"], "due": past_due, "leads": leads}]))
        key_a = harness.reminder_key("p1", "con-han", due, "3665s", "phong-a")
        key_w = harness.reminder_key("p1", "con-han", due, "3665s", "phong-w")
        self.install_an_hour_ago()
        d = self.start_daemon()

        smtp.wait_count(2, 15, daemons=[d])
        chat.wait_count(1, 15, daemons=[d])
        harness.assert_holds(lambda: smtp.count() == 2 and chat.count() == 1, 5,
                             desc="one stage, once per address; nothing for the past task")

        self.check_per_recipient(smtp.mails, {f"<{key_a}@{harness.MAIL_DOMAIN}>":
                                              [UNIT_A, FROM_ADDR]})
        for m in smtp.mails:
            self.check_reminder_mail(m.raw, to=[UNIT_A], cc=[FROM_ADDR], title=TITLE,
                                     plan_number="12/KH-STNMT", due=due, key=key_a)
            subjects = harness.decoded_subject(m.raw)
            self.assertTrue(any(s.startswith(LATE_PREFIX) for s in subjects),
                            f"Subject starts with {LATE_PREFIX!r}: {subjects}")

        req = chat.requests[0]
        self.assertEqual(req.header("webhook-id"), harness.webhook_id(key_w))
        body = json.loads(req.body)
        self.assertEqual(body["key"], key_w)
        self.assertEqual(body["stage"], "3665s")
        self.assertIs(body["late"], True)
        self.assertTrue(body["subject"].startswith(LATE_PREFIX), body["subject"])
        d.stop()

        rows = harness.journal_rows(self.ws.state_dir)
        self.assertEqual(set(rows), {harness.smtp_journal_key(key_a, UNIT_A),
                                     harness.smtp_journal_key(key_a, FROM_ADDR),
                                     harness.webhook_journal_key(key_w, "chat")},
                         "journal: only the latest stage of the open task")
        for k, row in rows.items():
            self.assertEqual(row["state"], "delivered", row)
            self.assertEqual(row["stage"], "3665s", row)
            self.assertTrue(row["late"], row)


if __name__ == "__main__":
    harness.main()
