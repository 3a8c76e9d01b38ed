#!/usr/bin/python3
"""The journal in state_dir keeps a restarted daemon from re-sending."""

from collections import Counter

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"


class RestartTest(DaemonTestCase):

    def message_ids(self, smtp):
        return Counter(m.message_id for m in smtp.mails)

    def test_restart_does_not_resend(self):
        smtp = self.smtp_sink()
        due_a = harness.due_firing_in(3)
        due_b = harness.due_firing_in(25)
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
              "due": due_a, "leads": ["2h"]},
             {"id": "task-b", "title": "Nhiệm vụ B", "responsible": ["phong-a"],
              "due": due_b, "leads": ["2h"]}]))
        domain = FROM_ADDR.split("@")[1]
        id_a = f"<{harness.reminder_key('p1', 'task-a', due_a, '2h', 'phong-a')}@{domain}>"
        id_b = f"<{harness.reminder_key('p1', 'task-b', due_b, '2h', 'phong-a')}@{domain}>"

        first = self.start_daemon()
        # One transaction per address: the unit, and the Office in Cc.
        smtp.wait_count(2, 15, daemons=[first])
        self.assertEqual(self.message_ids(smtp), Counter({id_a: 2}))
        self.check_per_recipient(smtp.mails, {id_a: [UNIT_A, FROM_ADDR]})
        first.stop()
        self.assertTrue(self.ws.state_dir.is_dir() and any(self.ws.state_dir.iterdir()),
                        "state_dir holds the journal")

        second = self.start_daemon()
        # A's time has passed, but it is journaled: it must not go out again.
        harness.assert_holds(lambda: smtp.count() == 2, 3,
                             desc="no mail right after the restart")
        smtp.wait_count(4, 30, daemons=[second])
        harness.assert_holds(lambda: smtp.count() == 4, 3,
                             desc="exactly two reminders, two addresses each")
        self.assertEqual(self.message_ids(smtp), Counter({id_a: 2, id_b: 2}))
        self.check_per_recipient(smtp.mails, {id_a: [UNIT_A, FROM_ADDR],
                                              id_b: [UNIT_A, FROM_ADDR]})
        second.stop()


if __name__ == "__main__":
    harness.main()
