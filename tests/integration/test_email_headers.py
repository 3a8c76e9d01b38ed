#!/usr/bin/python3
"""Reminder headers as Python's strict email parser reads them (aiosmtpd on loopback).

A long Vietnamese Subject and the Office's long name are RFC 2047 encoded-words on lines of
at most 76 characters; each encoded-word carries whole words, so the Subject decodes to the
original text exactly and no word is cut ("Môi tr ường"); the addresses of From, To and Cc
are never inside an encoded-word. `check` refuses a non-ASCII address (deadlined sends no
SMTPUTF8 mail) at its line and column.
"""

import email
import email.header
import email.policy
import re

import harness
from harness import FROM_ADDR, FROM_HEADER, FROM_NAME, DaemonTestCase

UNIT_ADDRS = ["phong-quan-ly-tai-nguyen-nuoc@stnmt.example.gov.vn", "a@stnmt.example.gov.vn"]
TITLE = ("Báo cáo kết quả thực hiện nhiệm vụ bảo vệ môi trường, quản lý tài nguyên nước và "
         "khoáng sản, ứng phó với biến đổi khí hậu trên địa bàn thành phố năm 2020")
ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")


def header_fields(raw: bytes) -> list:
    """(name, [physical lines]) of every header field, in order."""
    fields: list = []
    for line in harness.raw_header_block(raw).decode("ascii").split("\r\n"):
        if line[:1] in (" ", "\t"):
            fields[-1][1].append(line)
        else:
            fields.append((line.split(":", 1)[0], [line]))
    return fields


def payloads(lines: list) -> list:
    """The decoded text of each encoded-word of a field, in order."""
    out = []
    for m in ENCODED_WORD.finditer("\r\n".join(lines)):
        out.append(email.header.decode_header(m.group(0))[0][0].decode(m.group(1)))
    return out


class EmailHeadersTest(DaemonTestCase):

    def write_config(self, smtp, due, unit_emails):
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                    "timeout": "10s"},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-a": {"name": "Phòng Quản lý tài nguyên nước", "email": unit_emails},
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "bao-cao", "title": TITLE, "responsible": ["phong-a"], "due": due,
              "leads": ["2h"]}]))

    def test_strict_parser_reads_every_header_as_sent(self):
        smtp = self.smtp_sink()
        due = harness.due_firing_in(3)
        self.write_config(smtp, due, UNIT_ADDRS)
        d = self.start_daemon()
        mails = smtp.wait_count(3, 20, daemons=[d])  # two addresses and the Office's copy
        local = due.astimezone(harness.VN_TZ)
        subject = f"Nhắc việc: {TITLE} (hạn {local:%H:%M} ngày {local:%d/%m/%Y})"
        for mail in mails:
            raw = mail.raw
            msg = email.message_from_bytes(raw, policy=email.policy.strict)
            for name in ("Subject", "From", "To", "Cc"):
                self.assertEqual(list(msg[name].defects), [], f"{name} defects")

            # Line lengths: 76 where an encoded-word is, 78 elsewhere.
            fields = header_fields(raw)
            for _, lines in fields:
                for line in lines:
                    limit = 76 if "=?" in line else 78
                    self.assertLessEqual(len(line), limit, f"header line too long: {line!r}")

            # The Subject decodes to the original exactly; encoded-words split between words.
            self.assertEqual(str(msg["Subject"]), subject)
            subject_lines = dict(fields)["Subject"]
            self.assertGreater(len(subject_lines), 2)
            parts = payloads(subject_lines)
            self.assertEqual("".join(parts), subject)
            for before, after in zip(parts, parts[1:]):
                self.assertTrue(before.endswith(" ") or after.startswith(" "),
                                f"a word split across encoded-words: {before!r} | {after!r}")

            # The Office's name (48 bytes, two encoded-words): whole words in both decoders.
            # Python 3.11's parser keeps the fold between two encoded-words of a display
            # name (CPython gh-128110, fixed upstream), hence split() on its reading.
            sender = msg["From"].addresses
            self.assertEqual(len(sender), 1)
            self.assertEqual(sender[0].addr_spec, FROM_ADDR)
            self.assertEqual(sender[0].display_name.split(), FROM_NAME.split())
            self.assertEqual(harness.decoded_display_name(raw, "From"), FROM_NAME)

            # Addresses are never inside an encoded-word.
            from_raw = "\r\n".join(dict(fields)["From"])
            self.assertIn(f"<{FROM_ADDR}>", ENCODED_WORD.sub("", from_raw))
            for name in ("To", "Cc"):
                self.assertNotIn("=?", "\r\n".join(dict(fields)[name]))
            self.assertEqual([a.addr_spec for a in msg["To"].addresses], UNIT_ADDRS)
            self.assertEqual([a.addr_spec for a in msg["Cc"].addresses], [FROM_ADDR])
        d.stop()

    def test_check_refuses_a_non_ascii_address_where_it_is(self):
        smtp = self.smtp_sink()
        address = "người-nhận@stnmt.example.gov.vn"
        self.write_config(smtp, harness.due_firing_in(3600), [address, UNIT_ADDRS[1]])
        text = self.ws.config_path.read_text(encoding="utf-8")
        line_no, line = next((i + 1, line) for i, line in enumerate(text.splitlines())
                             if address in line)
        column = line.index('"' + address) + 1  # the string's opening quote
        r = harness.run_cli(["check", "--config", self.ws.config_path])
        err = r.stderr.decode()
        self.assertEqual(r.returncode, 1, err)
        self.assertIn(
            f"{self.ws.config_path}:{line_no}:{column}: error: địa chỉ email '{address}' trong "
            "[units.phong-a] có ký tự ngoài bảng mã ASCII (chữ có dấu): deadlined không gửi "
            "thư quốc tế hóa (SMTPUTF8, RFC 6531); dùng địa chỉ không dấu, tên miền quốc tế "
            "viết ở dạng xn--", err.splitlines())
        self.assertEqual(len(re.findall(r": error: ", err)), 1, err)


if __name__ == "__main__":
    harness.main()
