#!/usr/bin/python3
"""Reminder emails written to a Maildir outbox instead of SMTP."""

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
TITLE = "Rà soát, cập nhật danh mục nguồn thải trên địa bàn tỉnh"
PLAN_NUMBER = "27/KH-STNMT"


class MaildirTest(DaemonTestCase):

    def test_outbox(self):
        due = harness.due_firing_in(4)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(),
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-a": {"name": "Phòng A", "email": [UNIT_A]},
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1", number=PLAN_NUMBER),
            [{"id": "ra-soat", "title": TITLE, "responsible": ["phong-a"], "due": due,
              "leads": ["2h"]}]))
        outbox = self.ws.state_dir / "outbox"
        new = outbox / "new"

        def new_files():
            if not new.is_dir():
                return []
            return sorted(p for p in new.iterdir() if not p.name.startswith("."))

        d = self.start_daemon()
        harness.wait_until(new_files, 20, desc=f"a file in {new}", daemons=[d])
        harness.assert_holds(lambda: len(new_files()) == 1, 3,
                             desc="exactly one file in outbox/new")
        self.assertEqual([p.name for p in new.iterdir()], [new_files()[0].name],
                         "no other entries in new/")
        self.assertTrue((outbox / "cur").is_dir(), "outbox/cur exists")
        self.assertTrue((outbox / "tmp").is_dir(), "outbox/tmp exists")
        self.assertEqual(list((outbox / "tmp").iterdir()), [], "outbox/tmp is empty")

        raw = new_files()[0].read_bytes()
        self.check_reminder_mail(
            raw, to=[UNIT_A], cc=[FROM_ADDR], title=TITLE, plan_number=PLAN_NUMBER, due=due,
            key=harness.reminder_key("p1", "ra-soat", due, "2h", "phong-a"))
        d.stop()


if __name__ == "__main__":
    harness.main()
