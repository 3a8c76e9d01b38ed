#!/usr/bin/python3
"""The name after EHLO (RFC 5321 4.1.1.1): this host's fully qualified domain name, else an
address literal of the connection's local address, or `helo_name` when [email] sets it.
libcurl's default is gethostname() cut at the first dot ("vm"), which is neither.

An aiosmtpd server on loopback records the argument of every EHLO.
"""

import re
import socket

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
DOMAIN = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                    r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def expected_default_name() -> str:
    """What deadlined should send from this host to a server on 127.0.0.1."""
    try:
        canonical = socket.getaddrinfo(socket.gethostname(), None,
                                       flags=socket.AI_CANONNAME)[0][3]
    except OSError:
        canonical = socket.gethostname()
    if "." in canonical and not canonical.startswith("localhost") and DOMAIN.match(canonical):
        return canonical
    return "[127.0.0.1]"


class SmtpEhloTest(DaemonTestCase):

    def run_with(self, **email_options):
        sink = self.smtp_sink()
        due = harness.due_firing_in(3)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": sink.url,
                    "timeout": "10s", **email_options},
            units={"van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                   "phong-a": {"name": "Phòng A", "email": [UNIT_A]}}))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "t", "title": "Báo cáo", "responsible": ["phong-a"], "due": due,
              "leads": ["2h"]}]))
        d = self.start_daemon()
        sink.wait_count(2, 20, daemons=[d])  # the unit's and the Office's copy
        d.stop()
        self.assertTrue(sink.ehlo_names, "no EHLO recorded")
        return sink.ehlo_names

    def test_fqdn_or_address_literal_by_default(self):
        names = self.run_with()
        want = expected_default_name()
        self.assertEqual(set(names), {want}, f"host name {socket.gethostname()!r}")
        for name in names:
            self.assertTrue(DOMAIN.match(name) or re.match(r"^\[\d+(\.\d+){3}\]$", name),
                            f"EHLO {name!r} is neither a domain name nor an address literal")

    def test_helo_name_from_the_config(self):
        names = self.run_with(helo_name="nhacviec.stnmt.example.gov.vn")
        self.assertEqual(set(names), {"nhacviec.stnmt.example.gov.vn"})

    def test_address_literal_from_the_config(self):
        names = self.run_with(helo_name="[192.0.2.10]")
        self.assertEqual(set(names), {"[192.0.2.10]"})


if __name__ == "__main__":
    harness.main()
