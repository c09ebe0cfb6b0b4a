"""Sending a review by mail: one message, HTML with a plain-text alternative, over SMTP.

The server is the user's (`[smtp]` in config.toml). Mail and password travel encrypted —
implicit TLS or STARTTLS, the certificate checked — unless the server is on this machine,
where `security = "none"` is allowed (a local relay, a test server). The password is never
written anywhere: not in a log, an error or an exception's text, whatever the server answers.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from veille.core.errors import VeilleError
from veille.core.reviewsettings import SmtpSettings, is_loopback
from veille.core.translations import _

__all__ = ["MailError", "build_message", "send_message"]

TIMEOUT = 30.0


class MailError(VeilleError):
    """A review could not be sent, in plain words (never with the password)."""


def build_message(
    smtp: SmtpSettings,
    to: Sequence[str],
    subject: str,
    html: str,
    text: str,
    *,
    when: datetime,
    attachment: tuple[str, bytes, str] | None = None,
) -> EmailMessage:
    """The message: plain text first, HTML as the preferred alternative, and a file attached
    when the review's format is one neither part shows (name, bytes, MIME type)."""
    sender = smtp.sender or smtp.user
    if not sender or "@" not in parseaddr(sender)[1]:
        raise MailError(_('[smtp] needs a "from" address (or a "user" that is one) to send mail'))
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rsplit("@", 1)[1] or None)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if attachment is not None:
        name, data, mime = attachment
        main, _slash, sub = mime.partition("/")
        message.make_mixed()
        message.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return message


def _hidden(text: str, smtp: SmtpSettings) -> str:
    """`text` with the password, and the forms SMTP authentication encodes it in, removed."""
    secret = smtp.password
    if not secret:
        return text
    forms = {secret, base64.b64encode(secret.encode()).decode()}
    plain = f"\0{smtp.user}\0{secret}".encode()
    forms.add(base64.b64encode(plain).decode())
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


def _reason(error: BaseException, smtp: SmtpSettings) -> str:
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return _("the server refused the user name or password")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _("the server refused every recipient: {addresses}").format(
            addresses=", ".join(sorted(error.recipients))
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return _("the server refused the sender {sender}").format(sender=error.sender)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return _('the server does not offer STARTTLS; set security = "tls" if it speaks TLS')
    if isinstance(error, smtplib.SMTPResponseException):
        raw = error.smtp_error
        words = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
        return (
            _("the server answered {code} {words}")
            .format(code=error.smtp_code, words=words)
            .strip()
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        return _("its certificate could not be verified ({why})").format(why=error.verify_message)
    if isinstance(error, ssl.SSLError):
        return _("the encrypted connection failed ({why})").format(why=error.reason or error)
    if isinstance(error, TimeoutError):
        return _("the server did not answer in time")
    if isinstance(error, OSError):
        return error.strerror or str(error) or type(error).__name__
    return str(error) or type(error).__name__


def send_message(smtp: SmtpSettings, message: EmailMessage) -> list[str]:
    """Send `message` through `smtp`; the recipients the server accepted."""
    if not smtp.host:
        raise MailError(_("no mail server: add an [smtp] table with a host to config.toml"))
    if smtp.security == "none" and not is_loopback(smtp.host):
        raise MailError(
            _('[smtp] security = "none" only reaches a server on this machine, not {host}').format(
                host=smtp.host
            )
        )
    port = smtp.effective_port
    where = f"{smtp.host}:{port}"
    context = ssl.create_default_context()
    recipients = [a.strip() for a in str(message["To"]).split(",") if a.strip()]
    try:
        client: smtplib.SMTP
        if smtp.security == "tls":
            client = smtplib.SMTP_SSL(smtp.host, port, timeout=TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(smtp.host, port, timeout=TIMEOUT)
        with client:
            client.ehlo()
            if smtp.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if smtp.user:
                client.login(smtp.user, smtp.password)
            refused = client.send_message(message, to_addrs=recipients)
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(
            _("cannot send the review through {server}: {why}").format(
                server=where, why=_hidden(_reason(error, smtp), smtp)
            )
        ) from None
    return [r for r in recipients if r not in refused]
