from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from . import courriels


class ConnexionForm(AuthenticationForm):
    """The login form, with French messages that do not tell whether the account exists."""

    error_messages = {
        "invalid_login": _(
            "Identifiant ou mot de passe incorrect. Vérifiez votre saisie : les majuscules comptent."
        ),
        "inactive": _("Ce compte est désactivé. Adressez-vous à la coordination du CLS."),
    }


class CodeOTPForm(forms.Form):
    """A six-digit code from the user's authenticator application."""

    code = forms.RegexField(
        label=_("Code à six chiffres"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Saisissez les six chiffres affichés par votre application.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if self.device is None or not self.device.verify_token(code):
            raise forms.ValidationError(_("Code incorrect ou expiré : saisissez le code affiché maintenant."))
        return code


class ReinitialisationForm(PasswordResetForm):
    """Password reset whose e-mail goes to the outbox instead of the mail server: the answer is the
    same, and takes the same time, whether or not the address belongs to an account (no SMTP
    exchange in the request, a server down or slow tells nothing); `envoyer_courriels` sends it."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        sujet = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        corps = loader.render_to_string(email_template_name, context)
        courriels.mettre_en_attente(destinataires=[to_email], sujet=sujet, corps=corps)
