"""The contract's shared core: who signs and works together, on which territories, towards which priorities.

Nothing here imports an app (observatoire, engagements, comites): they depend on the core, never
the reverse.
"""

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import formats
from .donnees_personnelles import Nature as NatureDonneePersonnelle
from .grammaire import Article, AvecArticle
from .limites import TEXTE_LONG_MAX, longueur_max
from .modeles_communs import Historise, Illustratif, cle_de_recherche
from .querysets import ContratQuerySet, PartenaireQuerySet, TerritoireQuerySet


class Partenaire(AvecArticle, Historise):
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


class Territoire(AvecArticle, models.Model):
    """A territory: of the national referential (France, its régions, départements, EPCI and
    communes, loaded by `charger_referentiel`) or of the contract (its district when it is not an
    EPCI of today, the quartiers and QPV under a commune).

    A territory's identity is its level and its code: département 75 (Paris) and région 75
    (Nouvelle-Aquitaine) are two territories. `parent` is the tree figures roll up along: a
    quartier into its commune, a contract's commune into the contract's territory, a commune
    outside any contract into its département, a département into its région, a région into
    France. `departement`, `region` and `epci` are the administrative links of the referential,
    whatever the tree. `prioritaire` marks the territories the diagnostic singled out for
    "traitement prioritaire"."""

    class Niveau(models.TextChoices):
        PAYS = "pays", _("Pays")
        REGION = "region", _("Région")
        DEPARTEMENT = "departement", _("Département")
        EPCI = "epci", _("Intercommunalité (EPCI)")
        DISTRICT = "district", _("Territoire du contrat")
        COMMUNE = "commune", _("Commune")
        QUARTIER = "quartier", _("Quartier")

    # Levels whose codes collide with another level's (75: Paris and Nouvelle-Aquitaine; 01 to 06:
    # overseas régions and the first départements): their address names the level.
    NIVEAUX_AMBIGUS = ("pays", "region", "departement")

    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_(
            "Code officiel : INSEE pour une commune, un département ou une région, SIREN pour une "
            "intercommunalité, code QPV ou local pour un quartier. Unique à son niveau."
        ),
    )
    nom = models.CharField(_("nom"), max_length=200)
    # The name in lower case without accents nor hyphens, for searching "chatellerault" or
    # "saint eloi" (cls_poitiers.referentiel.cle_de_recherche); kept by save() and by the loader.
    nom_recherche = models.CharField(_("nom pour la recherche"), max_length=200, blank=True, editable=False)
    # INSEE's TNCC, from the referential: how « de » and « à » join the name (cls_poitiers.grammaire).
    article = models.PositiveSmallIntegerField(
        _("article du nom"),
        choices=Article.choices,
        null=True,
        blank=True,
        help_text=_(
            "Pour écrire « de la Vienne », « du Mans » : donné par le référentiel national ; vide, "
            "il se lit sur le nom."
        ),
    )
    niveau = models.CharField(_("niveau"), max_length=20, choices=Niveau.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("territoire parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enfants",
    )
    departement = models.ForeignKey(
        "self",
        verbose_name=_("département"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"niveau": "departement"},
    )
    region = models.ForeignKey(
        "self",
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"niveau": "region"},
    )
    epci = models.ForeignKey(
        "self",
        verbose_name=_("intercommunalité"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes_membres",
        limit_choices_to={"niveau": "epci"},
    )
    referentiel = models.BooleanField(
        _("du référentiel national"),
        default=False,
        help_text=_("Chargé du découpage administratif officiel : son nom et son code en viennent."),
    )
    population_legale = models.PositiveIntegerField(_("population légale"), null=True, blank=True)
    annee_population_legale = models.PositiveSmallIntegerField(
        _("année de la population légale"), null=True, blank=True
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
            models.UniqueConstraint(
                fields=["niveau", "code"],
                name="territoire_code_unique_par_niveau",
                violation_error_message=_("Un territoire de ce niveau porte déjà ce code."),
            ),
            models.CheckConstraint(
                condition=Q(niveau="quartier", parent__isnull=False) | ~Q(niveau="quartier"),
                name="territoire_quartier_a_une_commune",
                violation_error_message=_("Un quartier doit être rattaché à une commune."),
            ),
        ]
        indexes = [
            models.Index(fields=["code"], name="territoire_code"),
            models.Index(fields=["niveau", "nom_recherche"], name="territoire_recherche"),
        ]

    def __str__(self):
        return self.nom

    def save(self, *args, **kwargs):
        self.nom_recherche = cle_de_recherche(self.nom)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        url = reverse("territoire_detail", kwargs={"code": self.code})
        return f"{url}?niveau={self.niveau}" if self.niveau in self.NIVEAUX_AMBIGUS else url


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
    """A council's contract or strategy: the CLS of 1998, a CLSPD's or CISPD's territorial
    strategy, with who signed it, when, on which territory, its period and the diagnostic it stands
    on. A council's successive contracts all stay readable; `Contrat.objects.courant()` says which
    one is current. The council's name (the platform's name, the e-mails' sender, the calendars')
    comes from the current contract."""

    class Nature(models.TextChoices):
        CLS = "cls", _("Contrat local de sécurité (CLS)")
        CLSPD = "clspd", _("Conseil local de sécurité et de prévention de la délinquance (CLSPD)")
        CISPD = "cispd", _("Conseil intercommunal de sécurité et de prévention de la délinquance (CISPD)")
        STRATEGIE = "strategie", _("Stratégie territoriale de sécurité et de prévention (STSPD, plan local)")

    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices, default=Nature.CLS)
    titre = models.CharField(_("titre"), max_length=300)
    nom_conseil = models.CharField(
        _("nom du conseil"),
        max_length=200,
        blank=True,
        help_text=_(
            "Le nom court sous lequel le conseil se présente : titre des pages, expéditeur des "
            "courriels, calendriers (par exemple « CLSPD de Châtellerault »). Vide : le titre."
        ),
    )
    territoire = models.ForeignKey(
        Territoire, verbose_name=_("territoire du contrat"), on_delete=models.PROTECT, related_name="contrats"
    )
    date_signature = models.DateField(_("date de signature"))
    date_debut = models.DateField(
        _("début"), null=True, blank=True, help_text=_("Vide : la date de signature.")
    )
    date_fin = models.DateField(
        _("fin"), null=True, blank=True, help_text=_("Vide : en vigueur jusqu'au contrat suivant.")
    )
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
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True)
                | Q(date_debut__isnull=True, date_fin__gte=models.F("date_signature"))
                | Q(date_debut__isnull=False, date_fin__gte=models.F("date_debut")),
                name="contrat_fin_apres_debut",
                violation_error_message=_("La fin du contrat ne peut précéder son début."),
            ),
        ]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("contrat_detail", kwargs={"pk": self.pk})

    @property
    def nom_court(self) -> str:
        return self.nom_conseil or self.titre

    @property
    def debut(self):
        return self.date_debut or self.date_signature

    def clean(self):
        super().clean()
        if not self.territoire_id or not self.date_signature:
            return
        chevauchant = Contrat.objects.chevauchant(self).first()
        if chevauchant is not None:
            raise ValidationError(
                _(
                    "Ces dates chevauchent celles d'un autre contrat du même conseil : « %(titre)s ». "
                    "Un contrat suivant commence après la fin du précédent."
                ),
                params={"titre": chevauchant.titre},
                code="chevauchement",
            )


class JetonMiseEnPlace(models.Model):
    """The one-time link `mise_en_place` prints on an empty platform: it opens the set-up journey
    in the browser once, within 24 hours. Only the token's hash is kept."""

    empreinte = models.CharField(_("empreinte"), max_length=64, unique=True)
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True)
    expire_le = models.DateTimeField(_("expire le"))
    utilise_le = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lien de mise en place")
        verbose_name_plural = _("liens de mise en place")
        ordering = ["-cree_le"]

    def __str__(self):
        return str(self.cree_le)


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
