#!/usr/bin/python3
"""A reminder's email is multipart/alternative: the plain text, then an HTML part with the
task, the deadline, a confirmation button and the calendar feed, in inline styles only;
Python's email package reads both, and the button's link is the plain part's."""

import base64
import email
import email.policy
import os
import re
from html.parser import HTMLParser

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
TITLE = "Rà soát danh mục nguồn thải <khẩn> & báo cáo"


class Html(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.tags, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "a":
            self.links.append((dict(attrs).get("href"), len(self.text)))

    def handle_data(self, data):
        self.text.append(data)


class HtmlMailTest(DaemonTestCase):

    def test_reminder_has_plain_and_html_parts_with_the_same_link(self):
        due = harness.due_firing_in(4)
        port = harness.free_port()
        key = base64.urlsafe_b64encode(os.urandom(30)).decode()
        http_cfg = {"listen": f"127.0.0.1:{port}",
                    "secret_file": str(self.ws.write("link.key", key + "\n"))}
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(),
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-a": {"name": "Phòng A", "email": [UNIT_A]},
            }) + "\n" + harness.toml_table("http", http_cfg))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "ra-soat", "title": TITLE, "responsible": ["phong-a"], "due": due,
              "leads": ["2h"]}]))
        new = self.ws.state_dir / "outbox" / "new"

        def files():
            return sorted(new.iterdir()) if new.is_dir() else []

        d = self.start_daemon()
        harness.wait_until(files, 20, desc="the reminder in the outbox", daemons=[d])
        d.stop()

        msg = email.message_from_bytes(files()[0].read_bytes(), policy=email.policy.default)
        self.assertEqual(msg.get_content_type(), "multipart/alternative")
        parts = list(msg.iter_parts())
        self.assertEqual([p.get_content_type() for p in parts], ["text/plain", "text/html"],
                         "plain text first, the richer part last (RFC 2046 5.1.4)")
        plain = parts[0].get_content()
        html = parts[1].get_content()
        self.assertEqual((parts[1].get_content_charset() or "").lower(), "utf-8")

        links = re.findall(r"http://127\.0\.0\.1:\d+/ack/\S+", plain)
        self.assertEqual(len(links), 1, plain)
        feeds = re.findall(r"http://127\.0\.0\.1:\d+/calendar/\S+", plain)
        self.assertEqual(len(feeds), 1, plain)

        parser = Html()
        parser.feed(html)
        hrefs = [href for href, _ in parser.links]
        self.assertIn(links[0], hrefs, "the button's link is the plain part's")
        self.assertIn(feeds[0], hrefs, "the calendar link is the plain part's")
        text = "".join(parser.text)
        self.assertIn("Xác nhận đã hoàn thành", text, "the confirmation button")
        self.assertIn(TITLE, text, "the task, its < and & escaped and read back")
        self.assertIn(harness.vn_date(due), text, "the deadline")
        self.assertIn("Kính gửi: Phòng A", text, "the text of the plain part")
        # Inline styles only, nothing fetched from elsewhere.
        names = [tag for tag, _ in parser.tags]
        for banned in ("img", "link", "script", "style", "iframe"):
            self.assertNotIn(banned, names, f"no <{banned}>")
        self.assertNotIn("src=", html)
        self.assertNotIn("<khẩn>", html, "the title is escaped in the HTML")


if __name__ == "__main__":
    harness.main()
