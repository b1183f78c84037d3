"""`dripcraft send-test`: send the sequence to a test inbox over real SMTP.

Each email goes out as the message the `.eml` export writes (one builder:
`dripcraft.exporters.eml.build_message`), with `[TEST n/N]` before the subject, a current Date
and a fresh Message-ID: mailbox providers silently drop a message whose Message-ID they have
already seen, which would hide the second test run.

Credentials come from the options or DRIPCRAFT_SMTP_USER / DRIPCRAFT_SMTP_PASSWORD and are
only handed to `smtplib`; they are never written anywhere or shown in an error.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from email.utils import formatdate, make_msgid
from pathlib import Path

from dripcraft.errors import SendError

TIMEOUT_SECONDS = 30
# `[IPv6]:PORT` or `HOST:PORT`, the port optional.
_SERVER = re.compile(r"\[(?P<v6>[^\]]+)\](?::(?P<p6>\d+))?"
                     r"|(?P<host>[^:\s\[\]]+)(?::(?P<port>\d+))?")
_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+$")


def parse_server(value: str) -> tuple[str, int]:
    """`HOST:PORT`, `HOST` (port 25) or `[IPv6]:PORT`."""
    match = _SERVER.fullmatch(value.strip())
    if not match:
        raise SendError(f"bad SMTP server {value!r}",
                        hint="use HOST:PORT, e.g. smtp.example.com:587")
    host = match.group("v6") or match.group("host")
    port = int(match.group("p6") or match.group("port") or 25)
    if not 0 < port < 65536:
        raise SendError(f"bad SMTP port {port}", hint="use a port between 1 and 65535")
    return host, port


def _reply(code: int, message: bytes | str) -> str:
    """An SMTP reply on one line (servers send multi-line replies)."""
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {' '.join(text.split())}".strip()


def send_test(campaign_dir: Path, to_addr: str, *, smtp: str = "127.0.0.1:25",
              starttls: bool = False, user: str | None = None, password: str | None = None,
              only: int | None = None) -> int:
    """Send every email (or only number `only`) to `to_addr`; returns how many were sent."""
    from dripcraft.build import render_campaign
    from dripcraft.exporters.eml import build_message, message_bytes, sender_domain

    if not _ADDRESS.match(to_addr):
        raise SendError(f"{to_addr!r} is not an email address", hint="use --to you@example.com")
    if user and not password:
        raise SendError(f"no password for SMTP user {user!r}",
                        hint="set DRIPCRAFT_SMTP_PASSWORD or pass --password")
    host, port = parse_server(smtp)

    campaign = render_campaign(Path(campaign_dir))
    total = len(campaign.emails)
    if only is not None and not 1 <= only <= total:
        raise SendError(f"there is no email {only}", hint=f"choose 1 to {total}")
    chosen = [(n, r) for n, r in enumerate(campaign.emails, 1) if only in (None, n)]
    settings = campaign.settings
    messages = [
        build_message(campaign, rendered, subject_prefix=f"[TEST {n}/{total}] ", to=to_addr,
                      date_header=formatdate(localtime=True),
                      msg_id=make_msgid("dripcraft-test", domain=sender_domain(settings)))
        for n, rendered in chosen
    ]

    where = f"{host}:{port}"
    try:
        with smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS) as server:
            if starttls:
                server.starttls(context=ssl.create_default_context())
            if user:
                server.login(user, password)
            for msg in messages:
                server.sendmail(settings.sender.email, [to_addr], message_bytes(msg))
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        raise SendError(f"{where} refused the recipient {to_addr}: {_reply(code, reply)}") from None
    except smtplib.SMTPSenderRefused as exc:
        raise SendError(f"{where} refused the sender {settings.sender.email}: "
                        f"{_reply(exc.smtp_code, exc.smtp_error)}",
                        hint="use a sender address the server may send for") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(f"{where} rejected the login for {user!r}: "
                        f"{_reply(exc.smtp_code, exc.smtp_error)}",
                        hint="check DRIPCRAFT_SMTP_USER / DRIPCRAFT_SMTP_PASSWORD") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise SendError(f"{where} does not support {'STARTTLS' if starttls else 'AUTH'}: "
                        f"{' '.join(str(exc).split())}",
                        hint="check --starttls, --user and the port") from None
    except smtplib.SMTPResponseException as exc:
        raise SendError(f"{where} refused the message: {_reply(exc.smtp_code, exc.smtp_error)}") \
            from None
    except ConnectionRefusedError:
        raise SendError(f"cannot connect to {where}: connection refused",
                        hint="is the SMTP server running? check --smtp HOST:PORT") from None
    except ssl.SSLError as exc:
        raise SendError(f"TLS with {where} failed: {exc.reason or exc}",
                        hint="check --starttls and the port") from None
    except (socket.timeout, TimeoutError):
        raise SendError(f"{where} did not answer within {TIMEOUT_SECONDS} s") from None
    except socket.gaierror:
        raise SendError(f"unknown SMTP host {host!r}", hint="check --smtp HOST:PORT") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"sending via {where} failed: {' '.join(str(exc).split())}") from None
    return len(messages)
