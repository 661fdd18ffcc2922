"""The contract's shared core: who signs and works together, on which territories, towards which priorities.

Nothing here imports an app (observatoire, engagements, comites): they depend on the core, never
the reverse.
"""

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import formats
from .donnees_personnelles import Nature as NatureDonneePersonnelle
from .limites import TEXTE_LONG_MAX, longueur_max
from .modeles_communs import Historise, Illustratif
from .querysets import ContratQuerySet, PartenaireQuerySet, TerritoireQuerySet


class Partenaire(Historise):
    """A partner organisation of the contract: a signatory's institution or an organisation that
    takes commitments (the communes, OPARC…). Every user belongs to one."""

    class Nature(models.TextChoices):
        ETAT = "etat", _("Services de l'État")
        COLLECTIVITE = "collectivite", _("Collectivité territoriale")
        JUSTICE = "justice", _("Justice")
        EDUCATION = "education", _("Éducation nationale")
        LOGEMENT = "logement", _("Bailleur social")
        TRANSPORT = "transport", _("Transport public")
        CONSULAIRE = "consulaire", _("Chambre consulaire")
        ASSOCIATION = "association", _("Association")

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Identifiant stable, utilisé par les imports.")
    )
    nom = models.CharField(_("nom"), max_length=200, unique=True)
    sigle = models.CharField(_("sigle"), max_length=30, blank=True)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices)
    territoire = models.ForeignKey(
        "Territoire",
        verbose_name=_("territoire de compétence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partenaires",
        help_text=_("Pour une commune : la commune elle-même."),
    )
    actif = models.BooleanField(_("actif"), default=True)

    objects = PartenaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["nom"]

    def __str__(self):
        return self.sigle or self.nom

    def get_absolute_url(self):
        return reverse("partenaire_detail", kwargs={"code": self.code})


class Utilisateur(AbstractUser):
    """A person who logs in: the representative of one partner organisation, holding one or more
    roles (Django groups: Coordination, Partenaire, Secrétariat, Observatoire)."""

    partenaire = models.ForeignKey(
        Partenaire,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="utilisateurs",
    )
    fonction = models.CharField(_("fonction"), max_length=200, blank=True)
    # Not `Historise`: the history keeps no password hash and no login time (a login is no change).
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["groups"])

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def roles(self) -> set[str]:
        from .permissions import roles_of

        return roles_of(self)


class Territoire(models.Model):
    """A territory of the contract: the district, its communes (INSEE code) and their quartiers.

    Quartiers roll up into their commune, communes into the district. `prioritaire` marks the
    territories the diagnostic singled out for "traitement prioritaire"."""

    class Niveau(models.TextChoices):
        DEPARTEMENT = "departement", _("Département")
        DISTRICT = "district", _("District / intercommunalité")
        COMMUNE = "commune", _("Commune")
        QUARTIER = "quartier", _("Quartier")

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Code INSEE pour une commune ou un département, code QPV ou local pour un quartier."),
    )
    nom = models.CharField(_("nom"), max_length=200)
    niveau = models.CharField(_("niveau"), max_length=20, choices=Niveau.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("territoire parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enfants",
    )
    prioritaire = models.BooleanField(_("traitement prioritaire"), default=False)
    latitude = models.DecimalField(
        _("latitude du centre"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude du centre"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    coordonnees_source = models.CharField(_("source des coordonnées"), max_length=200, blank=True)
    contour = models.JSONField(_("contour (GeoJSON)"), null=True, blank=True)
    # Not `Historise`: the outline is a large GeoJSON loaded from a reference file; copying it
    # into every history row would weigh far more than it tells.
    history = HistoricalRecords(excluded_fields=["contour"])

    objects = TerritoireQuerySet.as_manager()

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["niveau", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(niveau="quartier", parent__isnull=False) | ~Q(niveau="quartier"),
                name="territoire_quartier_a_une_commune",
                violation_error_message=_("Un quartier doit être rattaché à une commune."),
            ),
        ]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("territoire_detail", kwargs={"code": self.code})


class Population(Historise, Illustratif):
    """Inhabitants (and dwellings, the denominator of burglary rates) of a territory for a year, with
    where the figure comes from. Illustrative demo figures say so.

    Each denominator is kept under its own year (millésime): the national base gives the
    inhabitants of one year and the dwellings of an earlier one, so a year may hold only one of the
    two. Dwellings are kept as published, fractions included (the départemental base's are)."""

    territoire = models.ForeignKey(Territoire, on_delete=models.CASCADE, related_name="populations")
    annee = models.PositiveSmallIntegerField(_("année"))
    habitants = models.PositiveIntegerField(_("habitants"), null=True, blank=True)
    logements = models.DecimalField(_("logements"), max_digits=20, decimal_places=10, null=True, blank=True)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        ordering = ["territoire", "-annee"]
        constraints = [
            models.UniqueConstraint(
                fields=["territoire", "annee"],
                name="population_unique_par_territoire_et_annee",
                violation_error_message=_("Ce territoire a déjà une population pour cette année."),
            ),
            models.CheckConstraint(
                condition=Q(habitants__isnull=False) | Q(logements__isnull=False),
                name="population_habitants_ou_logements",
                violation_error_message=_("Une population donne des habitants, des logements, ou les deux."),
            ),
            models.CheckConstraint(
                condition=Q(logements__gte=0) | Q(logements__isnull=True),
                name="population_logements_positifs",
                violation_error_message=_("Un nombre de logements ne peut être négatif."),
            ),
        ]

    def __str__(self):
        return f"{self.territoire} {self.annee} : {formats.nombre(self.habitants)}"


class Contrat(Historise):
    """The Contrat local de sécurité itself: who signed it, when, on which territory, and the
    diagnostic it stands on."""

    titre = models.CharField(_("titre"), max_length=300)
    territoire = models.ForeignKey(
        Territoire, verbose_name=_("territoire du contrat"), on_delete=models.PROTECT, related_name="contrats"
    )
    date_signature = models.DateField(_("date de signature"))
    annee_diagnostic = models.PositiveSmallIntegerField(
        _("année du diagnostic"), help_text=_("Année des chiffres du diagnostic de sécurité.")
    )
    resume_diagnostic = models.TextField(
        _("résumé du diagnostic"), blank=True, **longueur_max(TEXTE_LONG_MAX)
    )
    suivi_evaluation = models.TextField(_("suivi et évaluation"), blank=True, **longueur_max(TEXTE_LONG_MAX))

    objects = ContratQuerySet.as_manager()

    class Meta:
        verbose_name = _("contrat")
        verbose_name_plural = _("contrats")
        ordering = ["-date_signature"]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("contrat_detail", kwargs={"pk": self.pk})


class Signataire(Historise):
    """Who signed the contract, in what office, on behalf of which partner."""

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="signataires")
    partenaire = models.ForeignKey(Partenaire, on_delete=models.PROTECT, related_name="signatures")
    qualite = models.CharField(
        _("qualité"), max_length=200, help_text=_("Par exemple : Préfet de la Vienne.")
    )
    nom = models.CharField(_("nom du signataire"), max_length=200, blank=True)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("signataire")
        verbose_name_plural = _("signataires")
        ordering = ["contrat", "ordre"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "qualite"],
                name="signataire_unique_par_qualite",
                violation_error_message=_("Cette qualité a déjà signé ce contrat."),
            ),
        ]

    def __str__(self):
        return self.qualite


class Priorite(Historise):
    """One of the contract's priorities (as many as the council chose), with its text."""

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="priorites")
    numero = models.PositiveSmallIntegerField(_("numéro"))
    titre = models.CharField(_("intitulé"), max_length=300)
    texte = models.TextField(_("texte"), blank=True, **longueur_max(TEXTE_LONG_MAX))

    class Meta:
        verbose_name = _("priorité")
        verbose_name_plural = _("priorités")
        ordering = ["contrat", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "numero"],
                name="priorite_numero_unique",
                violation_error_message=_("Ce numéro de priorité existe déjà dans le contrat."),
            ),
        ]

    def __str__(self):
        return _("Priorité n°%(numero)s : %(titre)s") % {"numero": self.numero, "titre": self.titre}

    def get_absolute_url(self):
        return reverse("priorite_detail", kwargs={"pk": self.pk})


class Courriel(models.Model):
    """An e-mail of the platform (convocation, reminder…), kept in an outbox: an unreachable mail
    server never loses it; it is retried and its status is shown."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", _("En attente d'envoi")
        ENVOYE = "envoye", _("Envoyé")
        ECHEC = "echec", _("Échec définitif")

    destinataires = models.JSONField(_("destinataires"))
    sujet = models.CharField(_("sujet"), max_length=300)
    corps = models.TextField(_("message"))
    pieces_jointes = models.JSONField(
        _("pièces jointes"), default=list, blank=True, help_text=_("Nom, type MIME et contenu en base64.")
    )
    objet_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    objet_id = models.PositiveBigIntegerField(null=True, blank=True)
    objet = GenericForeignKey("objet_type", "objet_id")
    statut = models.CharField(_("statut"), max_length=20, choices=Statut.choices, default=Statut.EN_ATTENTE)
    tentatives = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    prochaine_tentative = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    derniere_erreur = models.TextField(_("dernière erreur"), blank=True)
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True)
    envoye_le = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    cle = models.CharField(
        _("clé"),
        max_length=200,
        blank=True,
        help_text=_("Ce qui rend le courriel unique (une relance : sa nature, son objet, son jour)."),
    )
    confidentiel = models.BooleanField(
        _("confidentiel"),
        default=False,
        help_text=_("Le message contient un secret (lien de réinitialisation) : il n'est jamais affiché."),
    )

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        ordering = ["-cree_le"]
        indexes = [
            models.Index(fields=["statut", "prochaine_tentative"], name="courriel_a_relancer"),
            models.Index(fields=["objet_type", "objet_id"], name="courriel_par_objet"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cle"],
                condition=~models.Q(cle=""),
                name="courriel_cle_unique",
                violation_error_message=_("Ce courriel est déjà dans la boîte d'envoi."),
            )
        ]

    def __str__(self):
        return self.sujet


class VersionDonnees(models.Model):
    """A counter per family of data ("observatoire", …), incremented after each committed change
    to that data (cls_poitiers.versions). Cached computations are keyed by it: a new version makes
    every earlier cached result unreachable, in every process, with no message to send."""

    cle = models.SlugField(_("clé"), max_length=60, primary_key=True)
    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("version des données")
        verbose_name_plural = _("versions des données")

    def __str__(self):
        return f"{self.cle} : {self.version}"


class AlerteDonneesPersonnelles(models.Model):
    """A free-text field that looked like personal data (a name after a civil title, a date of
    birth, a street address) when someone saved a form, and whether they confirmed it held none.
    The journal keeps who, when, which form and field and the kind of pattern, never the text:
    keeping it would keep the very data the warning is about."""

    utilisateur = models.ForeignKey(
        "Utilisateur", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField(_("date"), auto_now_add=True)
    formulaire = models.CharField(_("formulaire"), max_length=200)
    page = models.CharField(_("page"), max_length=300, blank=True)
    champ = models.CharField(_("champ"), max_length=200)
    nature = models.CharField(_("ressemble à"), max_length=20, choices=NatureDonneePersonnelle.choices)
    confirme = models.BooleanField(_("confirmé sans donnée nominative"), default=False)

    class Meta:
        verbose_name = _("alerte de données personnelles")
        verbose_name_plural = _("alertes de données personnelles")
        ordering = ["-cree_le", "-id"]

    def __str__(self):
        return f"{self.formulaire} : {self.champ} ({self.get_nature_display()})"
