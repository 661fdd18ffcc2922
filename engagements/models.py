"""The contract's plan of action: fiches-actions under each priority, partners' measurable
commitments (engagements) and their dated progress reports (points d'étape).

Progress reports are history: they are never modified; a correction is a new report that names
the one it corrects. Every change to an action or a commitment is kept (django-simple-history).
"""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cls_poitiers import formats
from cls_poitiers.donnees_personnelles import AIDE_DONNEES_PERSONNELLES
from cls_poitiers.limites import (
    COMMENTAIRE_POINT_ETAPE_MAX,
    TEXTE_COURT_MAX,
    TEXTE_LONG_MAX,
    VALEUR_ABSOLUE_MAX,
    date_plafond,
    date_plancher,
    longueur_max,
)
from cls_poitiers.modeles_communs import Historise, Illustratif
from cls_poitiers.models import Partenaire, Priorite, Territoire

from .querysets import ActionQuerySet, EngagementQuerySet, PointEtapeQuerySet, Statut, progression

__all__ = ["Action", "Engagement", "PointEtape", "RelanceEngagement", "Statut"]


# Words the action URLs use: an action with such a reference could not be reached.
REFERENCES_RESERVEES = {"nouvelle"}


# A commitment's values and progress stay within ±VALEUR_ABSOLUE_MAX (see cls_poitiers.limites).
VALIDATEURS_VALEUR = [
    MinValueValidator(
        -VALEUR_ABSOLUE_MAX,
        message=_("La valeur doit être comprise entre −1 000 000 000 et 1 000 000 000."),
    ),
    MaxValueValidator(
        VALEUR_ABSOLUE_MAX,
        message=_("La valeur doit être comprise entre −1 000 000 000 et 1 000 000 000."),
    ),
]


def erreur_date_plancher(date, date_signature) -> str | None:
    """The French refusal of a date before the contract's signature (or before 1990), or None."""
    plancher = date_plancher(date_signature)
    if date >= plancher:
        return None
    if date_signature and plancher == date_signature:
        return _("La date ne peut pas précéder la signature du contrat (%(date)s).") % {
            "date": date_format(plancher, "SHORT_DATE_FORMAT")
        }
    return _("La date ne peut pas précéder le %(date)s.") % {
        "date": date_format(plancher, "SHORT_DATE_FORMAT")
    }


def erreur_date_plafond(date) -> str | None:
    plafond = date_plafond()
    if date <= plafond:
        return None
    return _("La date ne peut pas dépasser le %(date)s (dix ans à partir d'aujourd'hui).") % {
        "date": date_format(plafond, "SHORT_DATE_FORMAT")
    }


_NOMBRE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?!\w)")


def erreur_chiffre_dans_le_libelle(description: str, valeur_initiale, valeur_cible) -> str | None:
    """A commitment's label never writes its starting value or its target: the fields hold them
    and an amendment changes the field, never the text ("Recruter 5" raised to 6). The French
    refusal, or None. A value of 0 is not looked for ("zéro incident" is not a figure)."""
    valeurs = {
        Decimal(v): nom
        for v, nom in ((valeur_cible, _("la cible")), (valeur_initiale, _("la valeur de départ")))
        if v is not None and Decimal(v) != 0
    }
    for nombre in _NOMBRE.findall(description or ""):
        nom = valeurs.get(Decimal(nombre.replace(",", ".")))
        if nom:
            return _(
                "L'intitulé écrit %(nom)s (%(n)s) : ce chiffre est dans son champ, qu'un avenant peut "
                "changer. Décrivez l'engagement sans ce chiffre."
            ) % {"nom": nom, "n": nombre}
    return None


def reference_non_reservee(value: str) -> None:
    if value in REFERENCES_RESERVEES:
        raise ValidationError(
            _("« %(v)s » est un mot réservé par la plateforme : choisissez une autre référence."),
            params={"v": value},
        )


class Action(Historise, Illustratif):
    """A fiche-action: one measure of the plan of action, under one of the contract's priorities,
    led by one partner, on the territories it concerns."""

    priorite = models.ForeignKey(
        Priorite, verbose_name=_("priorité"), on_delete=models.PROTECT, related_name="actions"
    )
    reference = models.SlugField(
        _("référence"),
        max_length=40,
        unique=True,
        help_text=_("Identifiant stable (imports, exports)."),
        validators=[reference_non_reservee],
    )
    titre = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(
        _("description"), blank=True, help_text=AIDE_DONNEES_PERSONNELLES, **longueur_max(TEXTE_LONG_MAX)
    )
    pilote = models.ForeignKey(
        Partenaire,
        verbose_name=_("partenaire pilote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_pilotees",
    )
    territoires = models.ManyToManyField(
        Territoire, verbose_name=_("territoires concernés"), blank=True, related_name="actions"
    )
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)
    _history_m2m_fields = ["territoires"]

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche-action")
        verbose_name_plural = _("fiches-actions")
        ordering = ["priorite__numero", "ordre", "reference"]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("engagements:action_detail", kwargs={"reference": self.reference})


class Engagement(Historise, Illustratif):
    """One partner's measurable commitment within an action: an indicator (unit, baseline,
    target, deadline) on the territories concerned. Its status is derived from its progress
    reports and its deadline, unless it was abandoned (with a reason)."""

    action = models.ForeignKey(
        Action, verbose_name=_("fiche-action"), on_delete=models.PROTECT, related_name="engagements"
    )
    reference = models.SlugField(
        _("référence"), max_length=40, unique=True, help_text=_("Identifiant stable (imports, exports).")
    )
    partenaire = models.ForeignKey(
        Partenaire, verbose_name=_("partenaire"), on_delete=models.PROTECT, related_name="engagements"
    )
    description = models.TextField(
        _("engagement"), help_text=AIDE_DONNEES_PERSONNELLES, **longueur_max(TEXTE_COURT_MAX)
    )
    unite = models.CharField(
        _("unité de mesure"), max_length=60, help_text=_("Par exemple : agents, réunions, mesures.")
    )
    valeur_initiale = models.DecimalField(
        _("valeur de départ"), max_digits=12, decimal_places=2, default=0, validators=VALIDATEURS_VALEUR
    )
    valeur_cible = models.DecimalField(
        _("valeur cible"), max_digits=12, decimal_places=2, validators=VALIDATEURS_VALEUR
    )
    echeance = models.DateField(_("échéance"))
    territoires = models.ManyToManyField(
        Territoire, verbose_name=_("territoires concernés"), blank=True, related_name="engagements"
    )
    poids = models.PositiveSmallIntegerField(
        _("poids"), default=1, help_text=_("Poids de l'engagement dans les synthèses pondérées.")
    )
    abandonne_le = models.DateField(_("abandonné le"), null=True, blank=True)
    motif_abandon = models.TextField(
        # An amendment that closes a commitment gives its decision's text as the reason.
        _("motif de l'abandon"),
        blank=True,
        **longueur_max(TEXTE_LONG_MAX),
    )
    # Optimistic concurrency: a save carrying an older version is refused (see services).
    version = models.PositiveIntegerField(_("version"), default=1)
    # When the commitment entered the platform: the start of "no report for N days" reminders.
    cree_le = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    _history_m2m_fields = ["territoires"]

    objects = EngagementQuerySet.as_manager()

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["action__priorite__numero", "action__ordre", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(abandonne_le__isnull=True) | ~Q(motif_abandon=""),
                name="engagement_abandon_motive",
                violation_error_message=_("Un engagement abandonné doit indiquer le motif de l'abandon."),
            ),
            models.CheckConstraint(
                condition=~Q(valeur_cible=F("valeur_initiale")),
                name="engagement_cible_differente_du_depart",
                violation_error_message=_("La valeur cible doit différer de la valeur de départ."),
            ),
            models.CheckConstraint(
                condition=Q(poids__gte=1),
                name="engagement_poids_positif",
                violation_error_message=_("Le poids d'un engagement vaut au moins 1."),
            ),
        ]

    def __str__(self):
        return f"{self.partenaire} — {self.description[:80]}"

    def get_absolute_url(self):
        return reverse("engagements:engagement_detail", kwargs={"reference": self.reference})

    def clean(self):
        super().clean()
        signature = self.date_signature_du_contrat() if self.action_id else None
        erreurs = {}
        for champ in ("echeance", "abandonne_le"):
            date = getattr(self, champ)
            if date is not None:
                erreur = erreur_date_plancher(date, signature) or erreur_date_plafond(date)
                if erreur:
                    erreurs[champ] = erreur
        if erreurs:
            raise ValidationError(erreurs)

    def date_signature_du_contrat(self):
        """The signature of the contract the commitment belongs to (one query)."""
        return (
            Action.objects.filter(pk=self.action_id)
            .values_list("priorite__contrat__date_signature", flat=True)
            .first()
        )

    @property
    def sans_valeur_negative(self) -> bool:
        """A commitment whose baseline and target are both ≥ 0 counts something that cannot be
        negative (agents, meetings, incidents): no progress report below 0."""
        return self.valeur_initiale >= 0 and self.valeur_cible >= 0

    # The properties below read the annotations of `Engagement.objects.avec_avancement()`.
    @property
    def progression(self):
        return progression(self)

    @property
    def pourcentage(self) -> int:
        """Progress in whole percent, for <progress> bars (0–100)."""
        return int((self.progression * 100).to_integral_value())

    @property
    def statut_label(self):
        return Statut(self.statut).label

    @property
    def est_descendant(self) -> bool:
        """A falling target (fewer incidents, shorter delays…)."""
        return self.valeur_cible < self.valeur_initiale


class PointEtape(Historise, Illustratif):
    """A dated progress report on a commitment: the value reached at a date. Append-only: a
    correction is a new report pointing at the one it corrects."""

    engagement = models.ForeignKey(
        Engagement, verbose_name=_("engagement"), on_delete=models.PROTECT, related_name="points"
    )
    date = models.DateField(_("date"))
    valeur = models.DecimalField(
        _("valeur atteinte"), max_digits=12, decimal_places=2, validators=VALIDATEURS_VALEUR
    )
    commentaire = models.TextField(
        _("commentaire"),
        blank=True,
        help_text=AIDE_DONNEES_PERSONNELLES,
        **longueur_max(COMMENTAIRE_POINT_ETAPE_MAX),
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        related_name="points_etape",
    )
    cree_le = models.DateTimeField(_("saisi le"), auto_now_add=True)
    corrige = models.OneToOneField(
        "self",
        verbose_name=_("corrige le point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
    )
    valide_le = models.DateTimeField(_("validé le"), null=True, blank=True)
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PointEtapeQuerySet.as_manager()

    class Meta:
        verbose_name = _("point d'étape")
        verbose_name_plural = _("points d'étape")
        ordering = ["engagement", "date", "cree_le"]
        indexes = [models.Index(fields=["engagement", "date"], name="point_etape_engagement_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valide_le__isnull=True) | Q(valide_par__isnull=False),
                name="point_etape_validation_signee",
                violation_error_message=_("Une validation indique qui a validé le point d'étape."),
            ),
        ]

    def __str__(self):
        return f"{self.engagement.reference} {self.date:%d/%m/%Y} : {formats.nombre_exact(self.valeur)}"

    @property
    def valide(self) -> bool:
        return self.valide_le is not None

    def clean(self):
        super().clean()
        if not self.engagement_id:
            return
        erreurs = {}
        if self.date is not None:
            if self.date > timezone.localdate():
                erreurs["date"] = _("Un point d'étape ne peut pas être daté dans le futur.")
            else:
                erreur = erreur_date_plancher(self.date, self.engagement.date_signature_du_contrat())
                if erreur:
                    erreurs["date"] = erreur
        if self.valeur is not None and self.valeur < 0 and self.engagement.sans_valeur_negative:
            erreurs["valeur"] = _(
                "La valeur ne peut pas être négative : l'engagement compte des %(unite)s, "
                "de %(depart)s à %(cible)s."
            ) % {
                "unite": self.engagement.unite,
                "depart": self.engagement.valeur_initiale,
                "cible": self.engagement.valeur_cible,
            }
        if erreurs:
            raise ValidationError(erreurs)


class RelanceEngagement(models.Model):
    """A reminder e-mailed about a commitment, kept so that the daily run does not send the same
    reminder twice (see engagements.relances)."""

    class Motif(models.TextChoices):
        SANS_POINT = "sans_point", _("Pas de point d'étape récent")
        ECHEANCE = "echeance", _("Échéance proche")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="relances")
    motif = models.CharField(_("motif"), max_length=20, choices=Motif.choices)
    date_envoi = models.DateField(_("date d'envoi"))
    destinataires = models.TextField(_("destinataires"), blank=True)

    class Meta:
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        ordering = ["-date_envoi", "engagement"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "motif", "date_envoi"],
                name="relance_unique_par_jour",
                violation_error_message=_("Cette relance a déjà été envoyée ce jour-là."),
            ),
        ]

    def __str__(self):
        return f"{self.engagement.reference} {self.get_motif_display()} {self.date_envoi:%d/%m/%Y}"
