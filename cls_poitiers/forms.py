from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class ConnexionForm(AuthenticationForm):
    """The login form, with French messages that do not tell whether the account exists."""

    error_messages = {
        "invalid_login": _(
            "Identifiant ou mot de passe incorrect. Vérifiez votre saisie : les majuscules comptent."
        ),
        "inactive": _("Ce compte est désactivé. Adressez-vous à la coordination du CLS."),
    }
