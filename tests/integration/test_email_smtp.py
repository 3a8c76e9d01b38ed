#!/usr/bin/python3
"""Reminder emails over SMTP (aiosmtpd on loopback, no TLS, no AUTH).

Each address of a reminder gets its own SMTP transaction (one RCPT TO); the message (To,
Cc, Message-ID, Subject, body) is the same in every copy."""

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
TITLE = ("Báo cáo kết quả thực hiện nhiệm vụ bảo vệ môi trường, "
         "quản lý tài nguyên nước và khoáng sản năm 2020")
PLAN_NUMBER = "12/KH-STNMT"


class SmtpReminderTest(DaemonTestCase):

    def write_config(self, smtp, responsible, due):
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                    "timeout": "10s"},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-a": {"name": "Phòng A", "email": [UNIT_A]},
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1", number=PLAN_NUMBER),
            [{"id": "bao-cao", "title": TITLE, "responsible": [responsible],
              "due": due, "leads": ["2h"]}]))

    def test_reminder_to_unit_cc_office(self):
        smtp = self.smtp_sink()
        due = harness.due_firing_in(4)
        self.write_config(smtp, "phong-a", due)
        d = self.start_daemon()
        key = harness.reminder_key("p1", "bao-cao", due, "2h", "phong-a")
        msg_id = f"<{key}@{harness.MAIL_DOMAIN}>"

        smtp.wait_count(2, 20, daemons=[d])
        harness.assert_holds(lambda: smtp.count() == 2, 3,
                             desc="exactly two transactions (unit, Office)")
        mails = smtp.mails
        for mail in mails:
            self.assertEqual(mail.mail_from, FROM_ADDR, "envelope sender")
        self.check_per_recipient(mails, {msg_id: [UNIT_A, FROM_ADDR]})
        for mail in mails:
            self.check_reminder_mail(
                mail.raw, to=[UNIT_A], cc=[FROM_ADDR], title=TITLE, plan_number=PLAN_NUMBER,
                due=due, key=key)
        d.stop()

    def test_office_as_responsible_has_no_cc(self):
        smtp = self.smtp_sink()
        due = harness.due_firing_in(4)
        self.write_config(smtp, "van-phong", due)
        d = self.start_daemon()

        smtp.wait_count(1, 20, daemons=[d])
        harness.assert_holds(lambda: smtp.count() == 1, 3, desc="exactly one mail")
        mail = smtp.mails[0]

        self.assertEqual(mail.rcpt_tos, [FROM_ADDR], "envelope recipients: the Office once")
        self.check_reminder_mail(
            mail.raw, to=[FROM_ADDR], cc=None, title=TITLE, plan_number=PLAN_NUMBER,
            due=due, key=harness.reminder_key("p1", "bao-cao", due, "2h", "van-phong"))
        d.stop()


if __name__ == "__main__":
    harness.main()
