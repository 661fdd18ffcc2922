"""The Observatoire de la délinquance (priority 1 of the contract): what is counted (indicators and
their nomenclatures), where the figures come from (sources, import batches, partners'
declarations), the figures themselves, and perceived-insecurity surveys.

Only aggregates are stored: a count of facts per territory, indicator, period and source. Never a
nominative record of an offender or a victim.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cls_poitiers import formats
from cls_poitiers.donnees_personnelles import AIDE_DONNEES_PERSONNELLES
from cls_poitiers.fichiers import NomDeStockage
from cls_poitiers.limites import TEXTE_COURT_MAX, TEXTE_LONG_MAX, longueur_max
from cls_poitiers.modeles_communs import Historise, Illustratif
from cls_poitiers.models import Contrat, Partenaire, Territoire

from .querysets import (
    AnnexeDiagnosticQuerySet,
    DeclarationQuerySet,
    DiagnosticQuerySet,
    DonneeQuerySet,
    EnqueteQuerySet,
    IndicateurQuerySet,
    LotImportQuerySet,
    SourceQuerySet,
)


class Nomenclature(models.TextChoices):
    SSMSI = "ssmsi", _("Base nationale SSMSI (délinquance enregistrée)")
    ETAT_4001 = "etat4001", _("État 4001 (index de la police et de la gendarmerie)")
    LOCALE = "locale", _("Nomenclature locale de l'observatoire")
    PARTENAIRE = "partenaire", _("Catégories propres d'un partenaire")


class Indicateur(Historise):
    """What is counted: a category of offences or incivilities, in one unit of count, over one
    denominator. Figures of different units are never added together, and the "total des faits
    constatés" is an indicator of its own, never the sum of the others."""

    class Famille(models.TextChoices):
        TOTAL = "total", _("Ensemble de la délinquance")
        PERSONNES = "personnes", _("Atteintes aux personnes")
        BIENS = "biens", _("Atteintes aux biens")
        ECONOMIQUE = "economique", _("Escroqueries et délinquance économique")
        STUPEFIANTS = "stupefiants", _("Stupéfiants")
        ORDRE_PUBLIC = "ordre_public", _("Ordre public et autres infractions")
        INCIVILITES = "incivilites", _("Incivilités")

    class Unite(models.TextChoices):
        VICTIME = "victime", _("Victime")
        INFRACTION = "infraction", _("Infraction")
        VICTIME_ENTENDUE = "victime_entendue", _("Victime entendue")
        VEHICULE = "vehicule", _("Véhicule")
        MIS_EN_CAUSE = "mis_en_cause", _("Mis en cause")
        FAIT = "fait", _("Fait constaté")
        INCIDENT = "incident", _("Incident déclaré")

    class Denominateur(models.TextChoices):
        HABITANTS = "habitants", _("pour 1000 habitants")
        LOGEMENTS = "logements", _("pour 1000 logements")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    libelle = models.CharField(_("libellé"), max_length=200)
    famille = models.CharField(_("famille"), max_length=20, choices=Famille.choices)
    unite = models.CharField(_("unité de compte"), max_length=20, choices=Unite.choices)
    denominateur = models.CharField(
        _("dénominateur du taux"), max_length=20, choices=Denominateur.choices, default="habitants"
    )
    nomenclature = models.CharField(_("nomenclature"), max_length=20, choices=Nomenclature.choices)
    index_4001 = models.PositiveSmallIntegerField(_("index État 4001"), null=True, blank=True)
    partenaire = models.ForeignKey(
        Partenaire,
        verbose_name=_("partenaire propriétaire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicateurs",
        help_text=_("Pour les catégories propres d'un partenaire (transport, logement, école…)."),
    )
    est_total = models.BooleanField(
        _("total des faits constatés"),
        default=False,
        help_text=_("Indicateur d'ensemble : jamais recalculé en additionnant les autres."),
    )
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=100)
    actif = models.BooleanField(_("actif"), default=True)

    objects = IndicateurQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["ordre", "libelle"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nomenclature="partenaire", partenaire__isnull=False)
                | ~Q(nomenclature="partenaire"),
                name="indicateur_partenaire_a_un_proprietaire",
                violation_error_message=_("Une catégorie propre à un partenaire doit nommer ce partenaire."),
            ),
            models.UniqueConstraint(
                fields=["index_4001"],
                condition=Q(nomenclature="etat4001"),
                name="indicateur_index_4001_unique",
                violation_error_message=_("Cet index de l'État 4001 a déjà son indicateur."),
            ),
        ]

    def __str__(self):
        return self.libelle

    def get_absolute_url(self):
        return reverse("observatoire:evolution") + f"?indicateur={self.code}"

    @property
    def par_logements(self) -> bool:
        return self.denominateur == self.Denominateur.LOGEMENTS


class Correspondance(Historise):
    """The one place where a label (or index number) of a source nomenclature is mapped to the
    platform's indicator: the SSMSI base renamed its indicators between editions ("Coups et
    blessures volontaires intrafamiliaux" became "Violences physiques intrafamiliales"), and the
    État 4001 index numbers map onto them too. Imports read this table, never a list in code."""

    nomenclature = models.CharField(_("nomenclature"), max_length=20, choices=Nomenclature.choices)
    libelle_source = models.CharField(
        _("libellé ou index dans la source"),
        max_length=200,
        help_text=_("Libellé exact d'une édition, ou numéro d'index de l'État 4001."),
    )
    editions = models.CharField(_("éditions concernées"), max_length=100, blank=True)
    indicateur = models.ForeignKey(
        Indicateur, on_delete=models.CASCADE, related_name="correspondances", verbose_name=_("indicateur")
    )

    class Meta:
        verbose_name = _("correspondance de nomenclature")
        verbose_name_plural = _("correspondances de nomenclature")
        ordering = ["nomenclature", "libelle_source"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomenclature", "libelle_source"],
                name="correspondance_unique_par_libelle",
                violation_error_message=_("Ce libellé a déjà une correspondance dans cette nomenclature."),
            ),
        ]

    def __str__(self):
        return f"{self.libelle_source} → {self.indicateur}"


class Source(Historise, Illustratif):
    """Where figures come from: the national statistics, the local police statistics, a partner's
    own declarations, an illustrative demo series. Figures of several sources are never added."""

    class Nature(models.TextChoices):
        STATISTIQUE_NATIONALE = "nationale", _("Statistique nationale (SSMSI)")
        POLICE_LOCALE = "police", _("Statistique locale police / gendarmerie")
        PARTENAIRE = "partenaire", _("Déclarations d'un partenaire")
        OBSERVATOIRE = "observatoire", _("Relevés de l'observatoire")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    libelle = models.CharField(_("libellé"), max_length=200)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices)
    partenaire = models.ForeignKey(
        Partenaire, on_delete=models.PROTECT, null=True, blank=True, related_name="sources_observatoire"
    )
    ordre = models.PositiveSmallIntegerField(
        _("ordre"), default=100, help_text=_("La première source est celle des tableaux de bord par défaut.")
    )

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["ordre", "libelle"]

    def __str__(self):
        return self.libelle


class LotImport(models.Model):
    """One imported file: which file (name and SHA-256 checksum), who and when, what it did
    (rows read, created, updated, unchanged, rejected) and the problems found, in French.

    A file put on the web is checked by a task (the preview), then written by another task only
    when someone applies it (`valide_par`). The running task holds a lease: it beats
    (`battement`) every few seconds; a batch whose beat is older than the lease was cut off
    (`Statut.INTERROMPU`) and can be started again at the step it was at (`etape`). Each run has
    its number (`tentative`): a late run that lost its lease writes nothing."""

    class Type(models.TextChoices):
        SSMSI = "ssmsi", _("Base nationale SSMSI")
        FIGURES = "figures", _("Modèle local de chiffres")
        POPULATION = "population", _("Populations et logements")
        GEOJSON = "geojson", _("Contours GeoJSON")
        ETAT4001 = "etat4001", _("État 4001 mensuel par département")
        QPV = "qpv", _("Populations des QPV (fichiers DEMO INSEE/ANCT)")
        DEMO = "demo", _("Démonstration (chiffres illustratifs)")

    class Statut(models.TextChoices):
        VERIFICATION_EN_FILE = "verification_en_file", _("Vérification en file d’attente")
        VERIFICATION = "verification", _("Vérification en cours")
        APERCU = "apercu", _("Aperçu, en attente de validation")
        ECRITURE_EN_FILE = "ecriture_en_file", _("Écriture en file d’attente")
        ECRITURE = "ecriture", _("Écriture en cours")
        APPLIQUE = "applique", _("Appliqué")
        REFUSE = "refuse", _("Refusé")
        INTERROMPU = "interrompu", _("Interrompu")

    class Etape(models.TextChoices):
        VERIFICATION = "verification", _("vérification")
        ECRITURE = "ecriture", _("écriture")

    EN_FILE = {Etape.VERIFICATION: Statut.VERIFICATION_EN_FILE, Etape.ECRITURE: Statut.ECRITURE_EN_FILE}
    EN_COURS = {Etape.VERIFICATION: Statut.VERIFICATION, Etape.ECRITURE: Statut.ECRITURE}

    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    fichier_nom = models.CharField(_("nom du fichier"), max_length=255)
    # Stored under a random name (the uploader's name is only `fichier_nom`, for display); removed
    # when the file is refused: a refused batch keeps its record and nothing else.
    fichier = models.FileField(_("fichier déposé"), upload_to=NomDeStockage("imports"), blank=True)
    empreinte = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    taille = models.BigIntegerField(_("taille (octets)"), default=0)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="lots")
    options = models.JSONField(_("options"), default=dict, blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lots_import",
    )
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appliqué par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lots_import_valides",
    )
    cree_le = models.DateTimeField(_("déposé le"), auto_now_add=True)
    termine_le = models.DateTimeField(_("terminé le"), null=True, blank=True)
    statut = models.CharField(
        _("statut"), max_length=20, choices=Statut.choices, default=Statut.VERIFICATION_EN_FILE
    )
    etape = models.CharField(
        _("étape"), max_length=20, choices=Etape.choices, default=Etape.VERIFICATION, blank=True
    )
    tentative = models.PositiveIntegerField(_("tentative"), default=0)
    battement = models.DateTimeField(_("dernier signe de vie"), null=True, blank=True)
    edition = models.CharField(_("édition reconnue"), max_length=100, blank=True)
    lignes_lues = models.PositiveIntegerField(_("lignes lues"), default=0)
    problemes = models.PositiveIntegerField(_("problèmes trouvés"), default=0)
    creees = models.PositiveIntegerField(_("créées"), default=0)
    modifiees = models.PositiveIntegerField(_("modifiées"), default=0)
    inchangees = models.PositiveIntegerField(_("inchangées"), default=0)
    rejetees = models.PositiveIntegerField(_("rejetées"), default=0)
    progression = models.PositiveSmallIntegerField(_("progression (%)"), default=0)
    rapport = models.JSONField(_("rapport"), default=dict, blank=True)

    objects = LotImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("lot d'import")
        verbose_name_plural = _("lots d'import")
        ordering = ["-cree_le", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progression__lte=100),
                name="lot_progression_en_pourcentage",
                violation_error_message=_("La progression est un pourcentage (0 à 100)."),
            ),
        ]

    def __str__(self):
        return f"{self.fichier_nom} ({self.get_statut_display()})"

    def get_absolute_url(self):
        return reverse("observatoire:import_detail", kwargs={"pk": self.pk})

    @property
    def termine(self) -> bool:
        return self.statut in (self.Statut.APPLIQUE, self.Statut.REFUSE)

    @property
    def en_file(self) -> bool:
        return self.statut in self.EN_FILE.values()

    @property
    def en_cours(self) -> bool:
        return self.statut in self.EN_COURS.values()

    @property
    def a_suivre(self) -> bool:
        """Waiting for a worker or being worked on: its page follows it."""
        return self.en_file or self.en_cours

    @property
    def peut_etre_applique(self) -> bool:
        return self.statut == self.Statut.APERCU and bool(self.fichier)

    @property
    def peut_etre_relance(self) -> bool:
        return self.statut == self.Statut.INTERROMPU and bool(self.fichier)


class Declaration(Historise, Illustratif):
    """A partner's monthly declaration of incidents on one territory, in its own categories
    (transport operator, housing office, schools). Its lines are `Donnee` rows pointing to it."""

    partenaire = models.ForeignKey(
        Partenaire, on_delete=models.PROTECT, related_name="declarations", verbose_name=_("partenaire")
    )
    territoire = models.ForeignKey(
        Territoire, on_delete=models.PROTECT, related_name="declarations", verbose_name=_("territoire")
    )
    annee = models.PositiveSmallIntegerField(_("année"))
    mois = models.PositiveSmallIntegerField(_("mois"))
    commentaire = models.TextField(
        _("commentaire"), blank=True, help_text=AIDE_DONNEES_PERSONNELLES, **longueur_max(TEXTE_COURT_MAX)
    )
    declare_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations_observatoire",
        verbose_name=_("déclaré par"),
    )
    modifie_le = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("déclaration d'un partenaire")
        verbose_name_plural = _("déclarations des partenaires")
        ordering = ["-annee", "-mois", "partenaire__nom", "territoire__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["partenaire", "territoire", "annee", "mois"],
                name="declaration_unique_par_mois",
                violation_error_message=_("Ce partenaire a déjà déclaré ce mois pour ce territoire."),
            ),
            models.CheckConstraint(
                condition=Q(mois__gte=1, mois__lte=12),
                name="declaration_mois_valide",
                violation_error_message=_("Le mois doit être compris entre 1 et 12."),
            ),
        ]

    def __str__(self):
        return f"{self.partenaire} — {self.territoire} — {self.mois:02d}/{self.annee}"

    def get_absolute_url(self):
        return reverse("observatoire:declaration_modifier", kwargs={"pk": self.pk})

    @property
    def premier_jour(self) -> datetime.date:
        """The month declared, as a date (pages write it "janvier 1998")."""
        return datetime.date(self.annee, self.mois, 1)


class Donnee(models.Model):
    """One figure: the count of facts for a territory × indicator × period (a year, or a month of
    it) × source. A figure masked at the source ("secret statistique") has no count: it is never
    stored as a zero. Every figure is traced to its import batch or its declaration.

    Within one source, a figure on a commune is the part not attributed to any of its quartiers
    (the "non localisé" part): a territory's total is the sum of its figure and its children's.
    A source gives, for one territory, indicator and year, either a yearly figure or monthly ones."""

    # No index of their own: the unique constraint below starts with (source, territoire), which
    # serves the dashboards' reads (one source, the perimeter's territories), the "sources with
    # figures" probe and the import's comparisons. Every index less is one less to maintain for each
    # of the national base's five million rows (deleting a territory, a rare administrative act,
    # scans the figures for the PROTECT check).
    territoire = models.ForeignKey(
        Territoire, on_delete=models.PROTECT, related_name="donnees", db_index=False
    )
    indicateur = models.ForeignKey(
        Indicateur, on_delete=models.PROTECT, related_name="donnees", db_index=False
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="donnees", db_index=False)
    annee = models.PositiveSmallIntegerField(_("année"))
    mois = models.PositiveSmallIntegerField(_("mois"), default=0, help_text=_("0 : l'année entière."))
    nombre = models.PositiveIntegerField(_("nombre"), null=True, blank=True)
    secret = models.BooleanField(_("secret statistique"), default=False)
    # The rate per 1000 the source published beside its count (the SSMSI computes it from
    # unrounded denominators): kept as published, never recomputed; none for a masked figure.
    taux_publie = models.DecimalField(
        _("taux publié par la source (‰)"), max_digits=24, decimal_places=16, null=True, blank=True
    )
    # No index: nothing reads the figures by batch, and maintaining one over the national base's
    # figures (all of one batch) cost a sixth of its import. Deleting a batch, a rare
    # administrative act, scans the figures for the PROTECT check.
    lot = models.ForeignKey(
        LotImport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donnees",
        db_index=False,
    )
    # Indexed only where set (partial index below): imported figures, the national base's millions,
    # have none and cost this index nothing.
    declaration = models.ForeignKey(
        Declaration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="donnees",
        db_index=False,
    )

    objects = DonneeQuerySet.as_manager()

    class Meta:
        verbose_name = _("donnée")
        verbose_name_plural = _("données")
        ordering = ["annee", "mois", "territoire_id", "indicateur_id"]
        indexes = [
            # Ranks: every territory's yearly figure for one indicator and year, read from the
            # index alone (PostgreSQL's INCLUDE; elsewhere the key only). An import pays for it
            # (BENCHMARKS.md): without it, ranking the 35 000 communes reads the whole table.
            models.Index(
                fields=["source", "indicateur", "annee", "territoire"],
                include=["mois", "nombre", "secret", "taux_publie"],
                name="donnee_classement_idx",
            ),
            models.Index(
                fields=["declaration"],
                condition=Q(declaration__isnull=False),
                name="donnee_declaration_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                # Source and territory first: the dashboards read one source over a perimeter of
                # territories, and an import (a file is ordered by territory) appends to the index.
                fields=["source", "territoire", "indicateur", "annee", "mois"],
                name="donnee_unique_par_periode",
                violation_error_message=_(
                    "Ce territoire a déjà un chiffre pour cet indicateur, cette période et cette source."
                ),
            ),
            models.CheckConstraint(
                condition=Q(secret=True, nombre__isnull=True) | Q(secret=False, nombre__isnull=False),
                name="donnee_nombre_ou_secret",
                violation_error_message=_(
                    "Un chiffre est soit publié (avec un nombre), soit secret (sans nombre) : "
                    "jamais un faux zéro."
                ),
            ),
            models.CheckConstraint(
                condition=Q(mois__lte=12),
                name="donnee_mois_valide",
                violation_error_message=_("Le mois doit être compris entre 0 (année) et 12."),
            ),
            models.CheckConstraint(
                condition=Q(lot__isnull=False, declaration__isnull=True)
                | Q(lot__isnull=True, declaration__isnull=False),
                name="donnee_tracee",
                violation_error_message=_("Un chiffre vient d'un lot d'import ou d'une déclaration."),
            ),
        ]

    def __str__(self):
        periode = f"{self.mois:02d}/{self.annee}" if self.mois else str(self.annee)
        valeur = _("secret statistique") if self.secret else formats.nombre(self.nombre)
        return f"{self.territoire_id} {self.indicateur_id} {periode} : {valeur}"


class Enquete(Historise, Illustratif):
    """A perceived-insecurity survey ("insécurité ressentie"): when, how, by whom; its results per
    territory are shown beside the recorded figures."""

    titre = models.CharField(_("titre"), max_length=200)
    date_debut = models.DateField(_("début"))
    date_fin = models.DateField(_("fin"))
    methode = models.TextField(
        _("méthode"),
        help_text=_("Échantillon, mode d'interrogation, questions."),
        **longueur_max(TEXTE_COURT_MAX),
    )
    realisee_par = models.CharField(_("réalisée par"), max_length=200, blank=True)
    repondants = models.PositiveIntegerField(_("nombre de répondants"), null=True, blank=True)

    objects = EnqueteQuerySet.as_manager()

    class Meta:
        verbose_name = _("enquête d'insécurité ressentie")
        verbose_name_plural = _("enquêtes d'insécurité ressentie")
        ordering = ["-date_fin"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__gte=models.F("date_debut")),
                name="enquete_dates_ordonnees",
                violation_error_message=_("La fin de l'enquête ne peut précéder son début."),
            ),
        ]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("observatoire:enquete_modifier", kwargs={"pk": self.pk})


class ResultatEnquete(Historise):
    """One answer of a survey on one territory: the share of residents giving it."""

    enquete = models.ForeignKey(Enquete, on_delete=models.CASCADE, related_name="resultats")
    territoire = models.ForeignKey(Territoire, on_delete=models.PROTECT, related_name="resultats_enquete")
    question = models.CharField(_("question ou réponse"), max_length=300)
    pourcentage = models.DecimalField(_("part des répondants (%)"), max_digits=5, decimal_places=1)
    repondants = models.PositiveIntegerField(_("répondants sur ce territoire"), null=True, blank=True)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("résultat d'enquête")
        verbose_name_plural = _("résultats d'enquête")
        ordering = ["enquete", "territoire", "ordre"]
        constraints = [
            models.UniqueConstraint(
                fields=["enquete", "territoire", "question"],
                name="resultat_enquete_unique",
                violation_error_message=_("Cette question a déjà un résultat pour ce territoire."),
            ),
            models.CheckConstraint(
                condition=Q(pourcentage__gte=0, pourcentage__lte=100),
                name="resultat_enquete_pourcentage",
                violation_error_message=_("Une part de répondants est comprise entre 0 et 100 %."),
            ),
        ]

    def __str__(self):
        return f"{self.territoire} — {self.question} : {formats.nombre_exact(self.pourcentage)}\u00a0%"


class Diagnostic(Historise, Illustratif):
    """The contract's security diagnostic, or one of its later updates: who wrote it, when, its
    summary, its main text (an uploaded document) and its typed annexes, the priority territories
    it identified. The meetings that fed it (thematic groups, meetings with residents) are linked
    from the committees' side (`comites.Reunion.diagnostics`), so that the observatory does not
    depend on the committees."""

    contrat = models.ForeignKey(
        Contrat, verbose_name=_("contrat"), on_delete=models.PROTECT, related_name="diagnostics"
    )
    titre = models.CharField(_("titre"), max_length=300)
    date = models.DateField(_("date"))
    annee = models.PositiveSmallIntegerField(
        _("année des chiffres"), help_text=_("L'année dont le diagnostic analyse les chiffres.")
    )
    auteurs = models.CharField(_("auteurs"), max_length=300)
    resume = models.TextField(
        _("résumé"), help_text=AIDE_DONNEES_PERSONNELLES, **longueur_max(TEXTE_LONG_MAX)
    )
    nombre_pages = models.PositiveSmallIntegerField(_("nombre de pages"), null=True, blank=True)
    texte_principal = models.FileField(
        _("texte principal"), upload_to=NomDeStockage("diagnostics"), blank=True
    )
    texte_principal_nom = models.CharField(_("nom du fichier déposé"), max_length=255, blank=True)
    texte_principal_type = models.CharField(_("type du fichier"), max_length=20, blank=True)
    mise_a_jour_de = models.ForeignKey(
        "self",
        verbose_name=_("met à jour le diagnostic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mises_a_jour",
    )
    territoires_prioritaires = models.ManyToManyField(
        Territoire,
        verbose_name=_("territoires en traitement prioritaire identifiés"),
        blank=True,
        related_name="diagnostics",
    )
    _history_m2m_fields = ["territoires_prioritaires"]

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnostic de sécurité")
        verbose_name_plural = _("diagnostics de sécurité")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "date", "titre"],
                name="diagnostic_unique_par_date_et_titre",
                violation_error_message=_("Ce contrat a déjà un diagnostic de ce titre à cette date."),
            ),
        ]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("observatoire:diagnostic_detail", kwargs={"pk": self.pk})


class AnnexeDiagnostic(Historise, Illustratif):
    """An annex of a diagnostic: statistical, cartographic or qualitative, as an uploaded file whose
    content was checked against its type. The user's file name is kept only for display."""

    class Type(models.TextChoices):
        STATISTIQUE = "statistique", _("Annexe statistique")
        CARTOGRAPHIQUE = "cartographique", _("Annexe cartographique")
        QUALITATIVE = "qualitative", _("Annexe qualitative")

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="annexes")
    type = models.CharField(_("type d'annexe"), max_length=20, choices=Type.choices)
    titre = models.CharField(_("titre"), max_length=300)
    fichier = models.FileField(_("fichier"), upload_to=NomDeStockage("diagnostics/annexes"))
    fichier_nom = models.CharField(_("nom du fichier déposé"), max_length=255)
    fichier_type = models.CharField(_("type du fichier"), max_length=20)
    taille = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=100)
    ajoute_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ajoute_le = models.DateTimeField(_("déposé le"), auto_now_add=True)

    objects = AnnexeDiagnosticQuerySet.as_manager()

    class Meta:
        verbose_name = _("annexe d'un diagnostic")
        verbose_name_plural = _("annexes des diagnostics")
        ordering = ["diagnostic", "type", "ordre", "titre"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "titre"],
                name="annexe_diagnostic_titre_unique",
                violation_error_message=_("Ce diagnostic a déjà une annexe de ce titre."),
            ),
        ]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("observatoire:annexe_fichier", kwargs={"pk": self.pk})
