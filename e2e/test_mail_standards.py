"""Every mail the platform sent during the run, read as strictly as the standards say (issue #16).

Runs after every other test (marker `after_all`, see conftest.py), on the SMTP sink's whole
Maildir: each message is parsed by Python's `email` package with `policy=email.policy.strict`
(a defect raises), no header line is longer than 78 characters (RFC 5322 §2.1.1), no encoded word
longer than 75 (RFC 2047 §2), and the subject, sender and recipient decode. It fails when no mail
at all was found: a run that sent nothing proves nothing.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from pathlib import Path

import pytest

from conftest import MAILDIR

pytestmark = pytest.mark.after_all

ENCODED_WORD = re.compile(rb"=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=")
# Written by the sink (aiosmtpd's Mailbox handler), not by the platform.
SINK_HEADERS = (b"x-peer:", b"x-mailfrom:", b"x-rcptto:")


def maildir_files() -> list[Path]:
    root = Path(MAILDIR)
    return sorted(
        p for sub in ("new", "cur") if (root / sub).is_dir() for p in (root / sub).iterdir() if not p.name.startswith(".")
    )


def header_blocks(raw: bytes, boundaries: set[bytes]) -> list[list[bytes]]:
    """The header lines of the message and of each of its MIME parts (line ends removed)."""
    lines = [line.rstrip(b"\r") for line in raw.split(b"\n")]
    blocks: list[list[bytes]] = [[]]
    in_headers = True
    for line in lines:
        if in_headers:
            if line == b"":
                in_headers = False
            else:
                blocks[-1].append(line)
        elif any(line == b"--" + b for b in boundaries):
            blocks.append([])
            in_headers = True
    return blocks


def problems_of(path: Path) -> list[str]:
    raw = path.read_bytes()
    problems: list[str] = []
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.strict)
    except Exception as error:  # noqa: BLE001 - any defect is the finding
        return [f"{path.name}: not parsed in strict mode: {error!r}"]
    boundaries = {part.get_boundary().encode() for part in msg.walk() if part.get_boundary()}
    for block in header_blocks(raw, boundaries):
        for line in block:
            if line.lower().startswith(SINK_HEADERS):
                continue
            if len(line) > 78:
                problems.append(f"{path.name}: header line of {len(line)} characters: {line[:90]!r}")
            for word in ENCODED_WORD.findall(line):
                if len(word) > 75:
                    problems.append(f"{path.name}: encoded word of {len(word)} characters: {word[:40]!r}…")
    for name in ("Subject", "From", "To", "Date", "Message-ID"):
        header = msg[name]
        if header is None:
            problems.append(f"{path.name}: no {name} header")
            continue
        if header.defects:
            problems.append(f"{path.name}: {name}: {header.defects}")
    subject = str(msg["Subject"] or "")
    if not subject.strip() or "=?" in subject:
        problems.append(f"{path.name}: the subject does not decode: {subject!r}")
    senders = email.utils.getaddresses([str(msg["From"] or "")])
    if not senders or "@" not in senders[0][1] or "=?" in senders[0][0]:
        problems.append(f"{path.name}: the sender does not decode: {msg['From']!r}")
    recipients = email.utils.getaddresses([str(msg["To"] or "")])
    if not recipients or "@" not in recipients[0][1]:
        problems.append(f"{path.name}: the recipient does not decode: {msg['To']!r}")
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.defects:
            problems.append(f"{path.name}: part {part.get_content_type()}: {part.defects}")
        try:
            content = part.get_content()
        except Exception as error:  # noqa: BLE001
            problems.append(f"{path.name}: part {part.get_content_type()} does not decode: {error!r}")
            continue
        if part.get_content_type() == "text/calendar":
            method = part.get_param("method")
            text = content if isinstance(content, str) else content.decode("utf-8")
            if not method or f"METHOD:{method}" not in text.replace("\r\n", "\n").split("\n"):
                problems.append(f"{path.name}: calendar part: method={method!r} differs from its METHOD")
            if part.get_filename() is None:
                problems.append(f"{path.name}: calendar part without a file name")
    return problems


def test_every_mail_sent_during_the_run_is_as_strict_as_its_standards():
    assert MAILDIR, "AGORA_E2E_MAILDIR is not set: run the browser tests with scripts/e2e.sh"
    files = maildir_files()
    assert files, f"no mail at all in {MAILDIR}: the run sent nothing, so nothing was checked"
    problems = [p for path in files for p in problems_of(path)]
    assert not problems, f"{len(problems)} problem(s) in {len(files)} mail(s):\n" + "\n".join(problems[:60])
