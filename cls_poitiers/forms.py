from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import courriels, identite
from .donnees_personnelles import Nature, reperer
from .models import AlerteDonneesPersonnelles


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


class ControleDonneesPersonnelles:
    """Mixed into a form (before `forms.Form` or `forms.ModelForm`): its free-text fields are read
    for likely personal data before saving (`cls_poitiers.donnees_personnelles`). When something
    is found, the form is shown again with a warning under each field concerned and a box to
    tick; posted again with the box ticked, it saves. Each warning is written in the journal,
    without the text.

    Every `CharField` of the form is read except slugs, e-mails and URLs; `natures_admises` lists
    what a field holds by design (a meeting's place is an address)."""

    CONFIRMATION = "confirmer_donnees_personnelles"
    natures_admises = {"adresse": {Nature.ADRESSE}, "auteurs": {Nature.CIVILITE}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An unticked box is not posted: the field exists only once it has been shown and ticked.
        if self.is_bound and self.add_prefix(self.CONFIRMATION) in self.data:
            self.fields[self.CONFIRMATION] = self._champ_confirmation()

    @staticmethod
    def _champ_confirmation():
        return forms.BooleanField(
            label=_("Je confirme que ce texte ne contient pas de données nominatives"),
            required=False,
        )

    @staticmethod
    def _texte_libre(champ) -> bool:
        return (
            isinstance(champ, forms.CharField)
            and not isinstance(champ, (forms.SlugField, forms.EmailField, forms.URLField))
            and not champ.widget.is_hidden
        )

    def clean(self):
        data = super().clean()
        # The box is the form's own business: views that pass cleaned_data on to a service never see it.
        confirme = bool(data.pop(self.CONFIRMATION, False))
        reperages = {}
        for nom, champ in self.fields.items():
            texte = data.get(nom)
            if isinstance(texte, str) and self._texte_libre(champ):
                admises = self.natures_admises.get(nom, set())
                trouves = [r for r in reperer(texte) if r.nature not in admises]
                if trouves:
                    reperages[nom] = trouves
        if not reperages:
            return data
        self._journaliser(reperages, confirme=confirme)
        if not confirme:
            self.fields[self.CONFIRMATION] = self._champ_confirmation()
            for nom, trouves in reperages.items():
                self.add_error(
                    nom,
                    _(
                        "« %(champ)s » semble contenir des données nominatives : %(natures)s (%(extraits)s). "
                        "Réécrivez ce texte sans désigner personne, ou cochez « Je confirme que ce texte ne "
                        "contient pas de données nominatives » s'il n'en contient pas."
                    )
                    % {
                        "champ": self.fields[nom].label or nom,
                        "natures": ", ".join(dict.fromkeys(str(r.nature.label) for r in trouves)),
                        "extraits": ", ".join(f"« {r.extrait} »" for r in trouves),
                    },
                )
        return data

    def _journaliser(self, reperages, *, confirme: bool) -> None:
        # The form does not know who posts it: the request is the one simple-history's middleware
        # keeps for the audit trail.
        request = getattr(HistoricalRecords.context, "request", None)
        utilisateur = getattr(request, "user", None)
        formulaire = f"{type(self).__module__.split('.')[0]}.{type(self).__name__}"
        AlerteDonneesPersonnelles.objects.bulk_create(
            AlerteDonneesPersonnelles(
                utilisateur=utilisateur if getattr(utilisateur, "is_authenticated", False) else None,
                formulaire=formulaire,
                page=request.path[:300] if request is not None else "",
                champ=str(self.fields[nom].label or nom)[:200],
                nature=nature,
                confirme=confirme,
            )
            for nom, trouves in reperages.items()
            for nature in dict.fromkeys(r.nature for r in trouves)
        )


class ReinitialisationForm(PasswordResetForm):
    """Password reset whose e-mail goes to the outbox, sent by a background task: the answer is the
    same, and takes the same time, whether or not the address belongs to an account (no SMTP
    exchange in the request, a server down or slow tells nothing). Its body holds the reset link:
    it is stored as confidential, never shown on the e-mails page. Its link starts with the
    platform's public address, not the host the request came to (cls_poitiers.identite)."""

    def save(self, *args, request=None, **kwargs):
        self.identite = identite.contexte_courriel(request)
        return super().save(*args, request=request, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        context = {**context, **self.identite}
        sujet = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        corps = loader.render_to_string(email_template_name, context)
        courriels.envoyer(destinataires=[to_email], sujet=sujet, corps=corps, confidentiel=True)
