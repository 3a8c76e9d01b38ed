#!/usr/bin/python3
"""Named officers (`people = [{ name, title, email, phone, channels }]` of a unit) receive the
unit's reminders at their own addresses, addressed by name, by email through a real SMTP
server and by SMS through a fake of eSMS's published API; the Office is copied once, on the
unit's own message, never once per person."""

import fakes
import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
AN = "an@stnmt.example.gov.vn"
BINH = "binh@stnmt.example.gov.vn"


class PeopleTest(DaemonTestCase):

    def test_people_get_the_units_reminder_by_name_and_the_office_one_copy(self):
        smtp = self.smtp_sink()
        sms = fakes.start(fakes.EsmsFake)
        self.addCleanup(sms.close)
        env = {"DL_IT_SMS_KEY": sms.api_key, "DL_IT_SMS_SECRET": sms.secret_key}
        due = harness.due_firing_in(4)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                    "timeout": "10s"},
            webhooks={"sms": {"preset": "esms", "url": sms.url, "api_key_env": "DL_IT_SMS_KEY",
                              "secret_key_env": "DL_IT_SMS_SECRET",
                              "brandname": sms.brandname, "unicode": False}},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-a": {"name": "Phòng A", "email": [UNIT_A], "people": [
                    {"name": "Nguyễn Văn An", "title": "Trưởng phòng A", "email": AN,
                     "phone": "0912 345 678", "channels": ["email", "sms"]},
                    {"name": "Trần Thị Bình", "email": [BINH, UNIT_A]},
                ]},
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "bc", "title": "Báo cáo kết quả", "responsible": ["phong-a"], "due": due,
              "leads": ["2h"]}]))
        r = harness.run_cli(["check", "--config", self.ws.config_path], env=env)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        self.assertIn("  người nhận đích danh: 2\n", r.stdout.decode())
        d = self.start_daemon(env=env)
        # The unit's mail (to the unit, the Office in Cc: one transaction each), An's, Bình's.
        smtp.wait_count(4, 20, daemons=[d])
        sms.wait_count(1, 20)
        harness.assert_holds(lambda: smtp.count() == 4 and sms.count() == 1, 3,
                             desc="one message per address, nothing more")
        d.stop()

        self.assertEqual(smtp.rcpt_count(FROM_ADDR), 1, "the Office is copied once")
        self.assertEqual(smtp.rcpt_count(UNIT_A), 1, "Bình's second address is the unit's")
        by_rcpt = {m.rcpt_tos[0]: m.message() for m in smtp.mails}
        self.assertEqual(set(by_rcpt), {UNIT_A, FROM_ADDR, AN, BINH})

        def plain(msg):
            return msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")

        self.assertTrue(plain(by_rcpt[UNIT_A]).startswith("Kính gửi: Phòng A\n"))
        self.assertEqual(str(by_rcpt[UNIT_A]["Cc"]), FROM_ADDR)
        an = by_rcpt[AN]
        self.assertTrue(plain(an).startswith(
            "Kính gửi: Đồng chí Nguyễn Văn An, Trưởng phòng A\n\n"), plain(an))
        self.assertIn("Phòng A được giao", plain(an), "the task stays the unit's")
        self.assertIsNone(an["Cc"], "no copy to the Office on a person's message")
        self.assertEqual(str(an["To"]), AN)
        binh = by_rcpt[BINH]
        self.assertTrue(plain(binh).startswith("Kính gửi: Đồng chí Trần Thị Bình, Phòng A\n"))
        self.assertIsNone(binh["Cc"])
        # The same reminder; a person's letter, which differs, has a Message-ID of its own.
        subjects = {str(m["Subject"]) for m in by_rcpt.values()}
        self.assertEqual(len(subjects), 1, subjects)
        ids = {rcpt: str(m["Message-ID"]) for rcpt, m in by_rcpt.items()}
        self.assertEqual(ids[UNIT_A], ids[FROM_ADDR], "the unit's message and its copy")
        self.assertEqual(len({ids[UNIT_A], ids[AN], ids[BINH]}), 3, ids)

        self.assertEqual(sms.violations, [])
        body = sms.requests[0].body
        self.assertEqual(body["Phone"], "84912345678")
        self.assertTrue(body["Content"].startswith("Kinh gui dong chi Nguyen Van An: "),
                        body["Content"])
        self.assertTrue(body["Content"].isascii())


if __name__ == "__main__":
    harness.main()
