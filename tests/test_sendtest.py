"""`dripcraft send-test` against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from dripcraft import merge
from dripcraft.exporters.eml import merge_values
from test_export_common import configure, part_text

PASSWORD = "s3cret-pass-word"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """Keeps every message the server accepts; refuses recipients at `refused.test`."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.test"):
            # A multi-line reply, as real servers send: the error must still be one line.
            return ("550-5.1.1 <%s>: Recipient address rejected:\r\n"
                    "550 5.1.1 user unknown in virtual mailbox table" % address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"


def check_login(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"tester" and auth_data.password == PASSWORD.encode()
    # handled=False: aiosmtpd itself answers "535 5.7.8" on failure
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            authenticator=check_login, auth_require_tls=False,
                            # aiosmtpd's LOGIN does not take smtplib's initial response
                            auth_exclude_mechanism=["LOGIN"])
    controller.start()
    try:
        yield inbox, f"127.0.0.1:{controller.port}"
    finally:
        controller.stop()


@pytest.fixture
def campaign(example):
    return configure(example)


def test_sends_every_email_with_test_subjects_and_both_parts(invoke, campaign, smtp_server):
    from dripcraft.build import render_campaign

    inbox, address = smtp_server
    result = invoke("send-test", campaign, "--to", "inbox@example.net", "--smtp", address)
    assert result.exit_code == 0, result.output
    rendered_campaign = render_campaign(campaign)
    planned = rendered_campaign.emails
    total = len(planned)
    assert total >= 3
    assert len(inbox.envelopes) == total
    assert f"Sent {total} test emails to inbox@example.net" in result.output
    for n, (envelope, rendered) in enumerate(zip(inbox.envelopes, planned), 1):
        assert envelope.mail_from == "news@example.com"
        assert envelope.rcpt_tos == ["inbox@example.net"]
        msg = message_from_bytes(envelope.original_content, policy=policy.default)
        assert msg.defects == []
        assert msg["Subject"] == f"[TEST {n}/{total}] {rendered.email.subject}"
        assert msg["From"].addresses[0].addr_spec == "news@example.com"
        assert msg["To"] == "inbox@example.net"
        assert msg.get_content_type() == "multipart/alternative"
        plain, html = msg.get_payload()
        assert plain.get_content_type() == "text/plain"
        assert html.get_content_type() == "text/html"
        values = merge_values(rendered_campaign.settings, rendered, html=False)
        assert part_text(plain) == merge.fill(rendered.text, values).rstrip("\n")
        values = merge_values(rendered_campaign.settings, rendered, html=True)
        assert part_text(html) == merge.fill(rendered.html, values).rstrip("\n")
    ids = {message_from_bytes(e.original_content)["Message-ID"] for e in inbox.envelopes}
    assert len(ids) == total  # fresh ids: a repeated test run is not dropped as a duplicate


def test_one_email_and_login_from_the_environment(runner, campaign, smtp_server):
    from dripcraft.cli import cli

    inbox, address = smtp_server
    env = {"DRIPCRAFT_SMTP_USER": "tester", "DRIPCRAFT_SMTP_PASSWORD": PASSWORD}
    result = runner.invoke(cli, ["send-test", str(campaign), "--to", "me@example.net",
                                 "--smtp", address, "--email", "2"], env=env)
    assert result.exit_code == 0, result.output
    assert len(inbox.envelopes) == 1
    msg = message_from_bytes(inbox.envelopes[0].original_content, policy=policy.default)
    assert msg["Subject"].startswith("[TEST 2/")
    # The password went to the server only: nothing under the campaign holds it.
    for path in campaign.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    return lines[0]


def test_refused_connection_is_one_line_exit_2(invoke, campaign):
    port = free_port()  # bound and released: nothing listens there now
    line = one_line_error(invoke("send-test", campaign, "--to", "me@example.net",
                                 "--smtp", f"127.0.0.1:{port}"))
    assert f"cannot connect to 127.0.0.1:{port}: connection refused" in line


def test_rejected_recipient_is_one_line_exit_2(invoke, campaign, smtp_server):
    inbox, address = smtp_server
    line = one_line_error(invoke("send-test", campaign, "--to", "nobody@refused.test",
                                 "--smtp", address))
    assert "refused the recipient nobody@refused.test: 550 5.1.1" in line
    assert "5.1.1 user unknown in virtual mailbox table" in line
    assert inbox.envelopes == []


def test_failed_login_is_one_line_exit_2_without_the_password(invoke, campaign, smtp_server):
    inbox, address = smtp_server
    line = one_line_error(invoke("send-test", campaign, "--to", "me@example.net", "--smtp",
                                 address, "--user", "tester", "--password", "wrong-guess"))
    assert "rejected the login for 'tester': 535" in line
    assert "wrong-guess" not in line
    assert inbox.envelopes == []


def test_starttls_refused_by_the_server_is_one_line_exit_2(invoke, campaign, smtp_server):
    inbox, address = smtp_server  # this server offers no STARTTLS
    line = one_line_error(invoke("send-test", campaign, "--to", "me@example.net",
                                 "--smtp", address, "--starttls"))
    assert "does not support STARTTLS" in line
    assert inbox.envelopes == []


@pytest.mark.parametrize("args, message", [
    (["--email", "99"], "there is no email 99"),
    (["--smtp", "host:notaport"], "bad SMTP server"),
    (["--user", "tester"], "no password for SMTP user 'tester'"),
])
def test_bad_options_are_one_line_exit_2(runner, campaign, args, message):
    from dripcraft.cli import cli

    result = runner.invoke(cli, ["send-test", str(campaign), "--to", "me@example.net", *args],
                           env={"DRIPCRAFT_SMTP_PASSWORD": None, "DRIPCRAFT_SMTP_USER": None})
    assert message in one_line_error(result)
