#!/usr/bin/python3
"""The message texts are templates an Office can change: `[service] templates` names a folder
whose files replace the shipped ones of the same name. `check` refuses a file with an unknown
name, a syntax error or a variable its kind does not offer, at `file:line:col`; `preview`
renders the Office's texts; the daemon sends them; a reload with a broken file keeps the
texts in force."""

import datetime as dt
import json
import re
import signal

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
VN = dt.timezone(dt.timedelta(hours=7))
ERROR = re.compile(r"^(.*?):(\d+):(\d+): error: (.*)$", re.M)

SUBJECT = ("{{! Tiêu đề do Văn phòng soạn. }}\n"
           "{{#is_late}}[Gửi muộn] {{/is_late}}V/v {{task_title}}\n"
           "- hạn {{due_date}}\n")
TEXT = ("{{! Nội dung do Văn phòng soạn. }}\n"
        "Văn phòng Sở đề nghị {{unit_name}} hoàn thành {{task_title}} {{deadline_text}} "
        "({{time_left}}).\n"
        "{{#link}}\n"
        "Xác nhận: {{link}}\n"
        "{{/link}}\n")
DIGEST = ("Kính gửi: {{office_name}}\n"
          "{{#tasks}}\n"
          "* {{task_title}}: {{task_confirmed}}/{{task_units}}"
          "{{#waiting_names}}, còn hạn: {{waiting_names}}{{/waiting_names}}\n"
          "{{/tasks}}\n")


class TemplatesTest(DaemonTestCase):

    def write_config(self, *, email_=None, digest=False, templates="mau-thu"):
        service = harness.service_section(templates=templates)
        if digest:
            service.update(digest=True, overdue=True, chase_from=dt.date(2026, 1, 1))
        self.ws.write_config(harness.main_config_text(
            service=service,
            email_=email_ or {"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            units={"van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                   "phong-a": {"name": "Phòng A", "email": [UNIT_A]}}))

    def check_errors(self):
        r = harness.run_cli(["check", "--config", self.ws.config_path])
        err = r.stderr.decode(errors="replace")
        return r.returncode, [(m.group(1), int(m.group(2)), int(m.group(3)), m.group(4))
                              for m in ERROR.finditer(err)], err

    def test_check_refuses_bad_files_where_they_are(self):
        self.write_config()
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "bc", "title": "Báo cáo", "responsible": ["phong-a"],
              "due": dt.date(2030, 12, 2)}]))
        # Line 3, column 13 (characters, not bytes): a digest's variable in a reminder's text.
        self.ws.write("mau-thu/reminder.text.mustache",
                      "{{! x }}\nKính gửi {{unit_name}},\nSố nhiệm vụ {{task_count}}.\n")
        # The text itself in its own subject.
        self.ws.write("mau-thu/overdue.subject.mustache", "Quá hạn: {{text}}\n")
        # A section never closed, opened on line 2 column 1.
        self.ws.write("mau-thu/digest.text.mustache", "Kính gửi\n{{#tasks}}\n- {{task_title}}\n")
        # A misspelt file name, which would leave the shipped text in force unnoticed.
        self.ws.write("mau-thu/reminder.subjet.mustache", "Nhắc việc\n")
        # Not a template: left alone.
        self.ws.write("mau-thu/GHI-CHU.txt", "Mẫu thư của Văn phòng\n")
        code, errors, err = self.check_errors()
        self.assertEqual(code, 1, err)

        def at(name):
            return [e for e in errors if e[0].endswith(f"mau-thu/{name}")]

        unknown = at("reminder.text.mustache")
        self.assertEqual([(e[1], e[2]) for e in unknown], [(3, 13)], err)
        self.assertIn("biến 'task_count' không có trong mẫu này", unknown[0][3])
        self.assertIn("nội dung thư nhắc việc", unknown[0][3])
        self.assertIn("deadline_text", unknown[0][3], "the names it may use are listed")
        subject = at("overdue.subject.mustache")
        self.assertEqual([(e[1], e[2]) for e in subject], [(1, 10)], err)
        self.assertIn("biến 'text'", subject[0][3])
        digest = at("digest.text.mustache")
        self.assertEqual(len(digest), 1, err)
        self.assertIn("'{{#tasks}}' chưa được đóng", digest[0][3])
        self.assertIn("mau-thu/reminder.subjet.mustache: error: deadlined không dùng mẫu "
                      "'reminder.subjet.mustache'; có phải là 'reminder.subject.mustache'?", err)
        self.assertNotIn("GHI-CHU", err)

    def test_check_names_a_missing_folder(self):
        self.write_config(templates="khong-co")
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "bc", "title": "Báo cáo", "responsible": ["phong-a"],
              "due": dt.date(2030, 12, 2)}]))
        code, errors, err = self.check_errors()
        self.assertEqual(code, 1, err)
        main = [e for e in errors if e[0].endswith("deadlined.toml") or "khong-co" in e[3]]
        self.assertTrue(any("không đọc được thư mục mẫu" in e[3] and "khong-co" in e[3]
                            and e[1] >= 1 for e in main), err)

    def test_preview_renders_the_offices_texts(self):
        self.write_config(digest=True)
        self.ws.write("mau-thu/reminder.subject.mustache", SUBJECT)
        self.ws.write("mau-thu/reminder.text.mustache", TEXT)
        self.ws.write("mau-thu/digest.text.mustache", DIGEST)
        # Due Friday 04/12/2026; the 3wd reminder goes on Tuesday 01/12.
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "bc", "title": "Báo cáo tháng", "responsible": ["phong-a"],
              "due": dt.date(2026, 12, 4), "leads": ["3wd", "0d"]}]))
        r = harness.run_cli(["check", "--config", self.ws.config_path])
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        self.assertRegex(r.stdout.decode(), r"mẫu thư của Văn phòng \(.*mau-thu\): "
                         r"digest\.text\.mustache, reminder\.subject\.mustache, "
                         r"reminder\.text\.mustache\n", "check names the Office's files")
        r = harness.run_cli(["preview", "--config", self.ws.config_path, "--from", "2026-11-30",
                             "--to", "2026-12-02", "--format", "json"])
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        items = json.loads(r.stdout)
        reminders = [i for i in items if i["kind"] == "reminder"]
        self.assertEqual(len(reminders), 1, items)
        first = reminders[0]
        # One line, as the Office wrapped it over two.
        self.assertEqual(first["subject"], "V/v Báo cáo tháng - hạn 04/12/2026")
        self.assertEqual(first["text"].split("\n")[0], "Kính gửi: Phòng A",
                         "the letter around the body is still the shipped one")
        self.assertIn("Văn phòng Sở đề nghị Phòng A hoàn thành Báo cáo tháng trước 17:00 ngày "
                      "04/12/2026 (còn 3 ngày làm việc).\n", first["text"])
        self.assertIn("\n--\nThư nhắc việc gửi tự động", first["text"])
        self.assertNotIn("{{", first["text"])
        digests = [i for i in items if i["kind"] == "digest"]
        self.assertTrue(digests, items)
        self.assertEqual(digests[0]["text"],
                         "Kính gửi: Văn phòng Sở\n* Báo cáo tháng: 0/1, còn hạn: Phòng A\n")
        # The shipped subject of the digest is still in force.
        self.assertTrue(digests[0]["subject"].startswith("Tổng hợp theo dõi nhiệm vụ ngày "))

    def test_daemon_sends_the_offices_texts_and_keeps_them_on_a_bad_reload(self):
        smtp = self.smtp_sink()
        self.write_config(email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                                  "timeout": "10s"})
        self.ws.write("mau-thu/reminder.subject.mustache", SUBJECT)
        self.ws.write("mau-thu/reminder.text.mustache", TEXT)
        due_a = harness.due_firing_in(4)
        due_c = harness.due_firing_in(18)
        tasks = [{"id": "a", "title": "Nhiệm vụ A", "responsible": ["phong-a"], "due": due_a,
                  "leads": ["2h"]},
                 {"id": "c", "title": "Nhiệm vụ C", "responsible": ["phong-a"], "due": due_c,
                  "leads": ["2h"]}]
        self.ws.write_plan("p1.toml", harness.plan_text(harness.default_plan("p1"), tasks))
        d = self.start_daemon()
        smtp.wait_count(2, 20, daemons=[d])  # the unit, and the Office in Cc
        msg = smtp.mails[0].message()
        self.assertEqual(str(msg["Subject"]), f"V/v Nhiệm vụ A - hạn {harness.vn_date(due_a)}")
        plain = msg.get_body(preferencelist=("plain",)).get_content()
        self.assertIn("Văn phòng Sở đề nghị Phòng A hoàn thành Nhiệm vụ A trước ", plain)
        html = msg.get_body(preferencelist=("html",)).get_content()
        self.assertIn("Văn phòng Sở đề nghị Phòng A hoàn thành Nhiệm vụ A", html,
                      "the HTML part carries the Office's text")

        # A broken file at reload: refused with its position; the daemon keeps its texts,
        # and C goes out in the words in force.
        self.ws.write("mau-thu/reminder.subject.mustache", "V/v {{#task_title}}\n")
        offset = len(d.log())
        d.proc.send_signal(signal.SIGHUP)
        harness.wait_until(
            lambda: [m for m in ERROR.finditer(d.log()[offset:])
                     if m.group(1).endswith("mau-thu/reminder.subject.mustache")
                     and m.group(2) == "1" and m.group(3) == "5"],
            10, daemons=[d], desc="reminder.subject.mustache:1:5: error: in the log")
        smtp.wait_count(4, 30, daemons=[d])
        self.assertTrue(d.alive(), d.describe())
        subjects = [str(m.message()["Subject"]) for m in smtp.mails]
        self.assertIn(f"V/v Nhiệm vụ C - hạn {harness.vn_date(due_c)}", subjects)

        # Fixed, with a task B more: B goes, in the words of the folder as it now is.
        self.ws.write("mau-thu/reminder.subject.mustache", "Đề nghị hoàn thành {{task_title}}\n")
        tasks.append({"id": "b", "title": "Nhiệm vụ B", "responsible": ["phong-a"],
                      "due": harness.due_firing_in(4), "leads": ["2h"]})
        self.ws.write_plan("p1.toml", harness.plan_text(harness.default_plan("p1"), tasks))
        d.reload()
        smtp.wait_count(6, 20, daemons=[d])
        subjects = [str(m.message()["Subject"]) for m in smtp.mails]
        self.assertIn("Đề nghị hoàn thành Nhiệm vụ B", subjects)
        d.stop()


if __name__ == "__main__":
    harness.main()
