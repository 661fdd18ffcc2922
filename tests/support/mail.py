"""A mail backend whose server is unreachable, to test that nothing is lost."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class ServeurInjoignableBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connexion refusée par le serveur SMTP (test)")
