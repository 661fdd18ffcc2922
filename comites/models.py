"""The contract's follow-up bodies: committees, their meetings (agenda, attendance, minutes,
decisions) and the amendments (avenants) the comité de pilotage adopts.

A meeting moves draft → convened → held → minutes approved, or is cancelled with a reason; the
legal moves are enforced in `services`. Meetings, minutes, decisions and amendments keep their
history (django-simple-history). An amendment changes commitments only through
`engagements.services`, so the change lands in the commitment's own history; the amendment keeps
the structured record of what changed (`ModificationAvenant`).
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cls_poitiers import identite
from cls_poitiers.donnees_personnelles import AIDE_DONNEES_PERSONNELLES
from cls_poitiers.grammaire import AvecArticle
from cls_poitiers.limites import (
    COMPTE_RENDU_MAX,
    DUREE_REUNION_MAX,
    TEXTE_COURT_MAX,
    TEXTE_LONG_MAX,
    date_plafond,
    date_plancher,
    longueur_max,
)
from cls_poitiers.modeles_communs import Historise, Illustratif
from cls_poitiers.models import Contrat, Partenaire, Territoire

from .querysets import BilanQuerySet, ComiteQuerySet, PresenceQuerySet, ReunionQuerySet


def erreurs_de_plage(debut, fin, *, date_signature=None) -> dict[str, str]:
    """What is wrong with a meeting from `debut` to `fin`, field by field, in French: a start before
    the contract's signature (or 1990) or beyond the planning horizon, a meeting longer than
    DUREE_REUNION_MAX. Forms and the model's validation share it."""
    erreurs = {}
    if debut is not None:
        jour = timezone.localtime(debut).date() if timezone.is_aware(debut) else debut.date()
        plancher, plafond = date_plancher(date_signature), date_plafond()
        if jour < plancher:
            if date_signature and plancher == date_signature:
                message = _("Une réunion ne peut pas précéder la signature du contrat (%(date)s).")
            else:
                message = _("Une réunion ne peut pas précéder le %(date)s.")
            erreurs["debut"] = message % {"date": date_format(plancher, "SHORT_DATE_FORMAT")}
        elif jour > plafond:
            erreurs["debut"] = _(
                "Une réunion se planifie au plus tard le %(date)s (dix ans à partir d'aujourd'hui)."
            ) % {"date": date_format(plafond, "SHORT_DATE_FORMAT")}
    if debut is not None and fin is not None and fin - debut > DUREE_REUNION_MAX:
        erreurs["fin"] = _("Une réunion dure au plus %(jours)s jours.") % {"jours": DUREE_REUNION_MAX.days}
    return erreurs


class Comite(AvecArticle, Historise, Illustratif):
    """A body that follows the contract: the comité de pilotage (every semester, on the ground,
    urgently in a crisis), the comité d'évaluation (yearly review), the local groups of a quartier
    (GLTD, veille sociale: their minutes are confidential), thematic groups and residents' meetings."""

    class Type(models.TextChoices):
        PLENIERE = "pleniere", _("Assemblée plénière")
        RESTREINT = "restreint", _("Conseil restreint")
        PILOTAGE = "pilotage", _("Comité de pilotage")
        EVALUATION = "evaluation", _("Comité d'évaluation")
        GLTD = "gltd", _("Groupe local de traitement de la délinquance")
        VEILLE = "veille", _("Cellule de veille sociale")
        THEMATIQUE = "thematique", _("Groupe de travail thématique")
        TERRITORIAL = "territorial", _("Groupe de travail territorial")
        HABITANTS = "habitants", _("Réunion avec les habitants")

    class Rythme(models.TextChoices):
        SEMESTRIEL = "semestriel", _("Chaque semestre")
        ANNUEL = "annuel", _("Chaque année")
        BESOIN = "besoin", _("Selon les besoins")

    # The kinds confidential by default (the form proposes it); `confidentiel` is what counts.
    TYPES_CONFIDENTIELS = (Type.GLTD, Type.VEILLE)

    contrat = models.ForeignKey(
        Contrat, verbose_name=_("contrat"), on_delete=models.PROTECT, related_name="comites"
    )
    code = models.SlugField(
        _("code"), max_length=60, unique=True, help_text=_("Identifiant stable (adresses, flux).")
    )
    nom = models.CharField(_("nom"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    territoire = models.ForeignKey(
        Territoire,
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comites",
        help_text=_("Obligatoire pour un groupe local (GLTD, veille sociale) : son quartier."),
    )
    rythme = models.CharField(_("rythme attendu"), max_length=20, choices=Rythme.choices)
    confidentiel = models.BooleanField(
        _("confidentiel"),
        default=False,
        help_text=_(
            "Réunions et comptes rendus réservés aux membres de l'instance et à la coordination "
            "(cellule de veille, groupe local)."
        ),
    )
    description = models.TextField(_("description"), blank=True, **longueur_max(TEXTE_COURT_MAX))
    secretaires = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("secrétaires"), blank=True, related_name="comites_secretaire"
    )
    _history_m2m_fields = ["secretaires"]

    objects = ComiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("comité")
        verbose_name_plural = _("comités")
        ordering = ["type", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type__in=["gltd", "veille"]) | Q(territoire__isnull=False),
                name="comite_groupe_local_a_un_territoire",
                violation_error_message=_("Un groupe local (GLTD, veille sociale) doit avoir un territoire."),
            ),
        ]

    def __str__(self):
        return self.nom

    def save(self, *args, **kwargs):
        # A cellule de veille or a local group is confidential whatever the box says.
        if self.type in self.TYPES_CONFIDENTIELS:
            self.confidentiel = True
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("comites:comite_detail", kwargs={"code": self.code})


class Membre(Historise):
    """A member of a committee: an organisation, and the named person who represents it, with a
    position (president, secretary, member). Convocations go to the representative's e-mail, or to
    the organisation's users when none is given."""

    class Qualite(models.TextChoices):
        PRESIDENT = "president", _("Président")
        SECRETAIRE = "secretaire", _("Secrétaire")
        MEMBRE = "membre", _("Membre")

    comite = models.ForeignKey(Comite, on_delete=models.CASCADE, related_name="membres")
    partenaire = models.ForeignKey(
        Partenaire, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="membres_comites"
    )
    representant = models.CharField(_("représentant"), max_length=200, blank=True)
    email = models.EmailField(_("courriel du représentant"), blank=True)
    qualite = models.CharField(_("qualité"), max_length=20, choices=Qualite.choices, default=Qualite.MEMBRE)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=100)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["comite", "ordre", "partenaire__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["comite", "partenaire"],
                name="membre_une_fois_par_comite",
                violation_error_message=_("Cette organisation est déjà membre du comité."),
            ),
        ]

    def __str__(self):
        return f"{self.partenaire} — {self.representant}" if self.representant else str(self.partenaire)


class Reunion(Historise, Illustratif):
    """A meeting of a committee: when, where ("sur le terrain": an address and a territory), its
    agenda, who answered and who came, its minutes and decisions. `uid` and `sequence` identify it
    in the calendar invitations: the same UID for its whole life, a higher SEQUENCE at every change."""

    class Nature(models.TextChoices):
        ORDINAIRE = "ordinaire", _("Ordinaire")
        URGENTE = "urgente", _("Urgente")

    class Statut(models.TextChoices):
        BROUILLON = "brouillon", _("En préparation")
        CONVOQUEE = "convoquee", _("Convoquée")
        TENUE = "tenue", _("Tenue")
        CR_APPROUVE = "cr_approuve", _("Compte rendu approuvé")
        ANNULEE = "annulee", _("Annulée")

    comite = models.ForeignKey(
        Comite, verbose_name=_("comité"), on_delete=models.PROTECT, related_name="reunions"
    )
    titre = models.CharField(_("titre"), max_length=300)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices, default=Nature.ORDINAIRE)
    debut = models.DateTimeField(_("début"))
    fin = models.DateTimeField(_("fin"))
    adresse = models.CharField(_("adresse"), max_length=300, blank=True)
    territoire = models.ForeignKey(
        Territoire,
        verbose_name=_("territoire du lieu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reunions",
    )
    statut = models.CharField(_("statut"), max_length=20, choices=Statut.choices, default=Statut.BROUILLON)
    motif_annulation = models.TextField(
        _("motif de l'annulation"), blank=True, **longueur_max(TEXTE_COURT_MAX)
    )
    convoquee_le = models.DateTimeField(_("convoquée le"), null=True, blank=True)
    uid = models.UUIDField(_("identifiant de calendrier"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("version de l'invitation"), default=0, editable=False)
    # Thematic groups and meetings with residents feed the security diagnostic (observatoire).
    diagnostics = models.ManyToManyField(
        "observatoire.Diagnostic",
        verbose_name=_("diagnostics nourris par la réunion"),
        blank=True,
        related_name="reunions",
    )

    objects = ReunionQuerySet.as_manager()

    class Meta:
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        ordering = ["-debut"]
        indexes = [models.Index(fields=["debut"], name="reunion_debut_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__gt=F("debut")),
                name="reunion_fin_apres_debut",
                violation_error_message=_("La fin de la réunion doit suivre son début."),
            ),
            models.CheckConstraint(
                condition=~Q(statut="annulee") | ~Q(motif_annulation=""),
                name="reunion_annulation_motivee",
                violation_error_message=_("Une réunion annulée doit indiquer le motif de l'annulation."),
            ),
        ]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("comites:reunion_detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        signature = self.comite.contrat.date_signature if self.comite_id else None
        erreurs = erreurs_de_plage(self.debut, self.fin, date_signature=signature)
        if erreurs:
            raise ValidationError(erreurs)

    @property
    def ics_uid(self) -> str:
        return f"reunion-{self.uid}@{identite.domaine()}"

    @property
    def lieu(self) -> str:
        parts = [self.adresse, self.territoire.nom if self.territoire_id else ""]
        return " — ".join(p for p in parts if p)

    @property
    def compte_rendu_ou_none(self):
        try:
            return self.compte_rendu
        except CompteRendu.DoesNotExist:
            return None

    @property
    def terminee(self) -> bool:
        return self.statut in (self.Statut.TENUE, self.Statut.CR_APPROUVE)

    @property
    def attend_des_reponses(self) -> bool:
        """Convened and not over: the members may still answer the convocation."""
        return self.statut == self.Statut.CONVOQUEE and self.fin > timezone.now()


class PointOrdreDuJour(models.Model):
    """An item of a meeting's agenda, in order, with its planned duration and the commitments or
    territories it concerns."""

    reunion = models.ForeignKey(Reunion, on_delete=models.CASCADE, related_name="points")
    ordre = models.PositiveSmallIntegerField(_("ordre"))
    titre = models.CharField(_("intitulé"), max_length=300)
    duree_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=15)
    engagements = models.ManyToManyField(
        "engagements.Engagement",
        verbose_name=_("engagements concernés"),
        blank=True,
        related_name="points_odj",
    )
    territoires = models.ManyToManyField(
        Territoire, verbose_name=_("territoires concernés"), blank=True, related_name="points_odj"
    )

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("points de l'ordre du jour")
        ordering = ["reunion", "ordre"]
        constraints = [
            models.UniqueConstraint(
                fields=["reunion", "ordre"],
                name="point_odj_ordre_unique",
                violation_error_message=_("Ce rang est déjà pris dans l'ordre du jour."),
            ),
            models.CheckConstraint(
                condition=Q(duree_minutes__gt=0),
                name="point_odj_duree_positive",
                violation_error_message=_("La durée d'un point doit être positive."),
            ),
        ]

    def __str__(self):
        return f"{self.ordre}. {self.titre}"


class Presence(Historise):
    """A member invited to a meeting: their answer to the convocation, then the attendance the
    secretary records (present, excused, represented by someone, absent)."""

    class Reponse(models.TextChoices):
        SANS_REPONSE = "sans_reponse", _("Sans réponse")
        PARTICIPERA = "participera", _("Participera")
        EXCUSE = "excuse", _("Excusé")
        REPRESENTE = "represente", _("Représenté")

    class Statut(models.TextChoices):
        NON_RENSEIGNE = "non_renseigne", _("Non renseigné")
        PRESENT = "present", _("Présent")
        EXCUSE = "excuse", _("Excusé")
        REPRESENTE = "represente", _("Représenté")
        ABSENT = "absent", _("Absent")

    reunion = models.ForeignKey(Reunion, on_delete=models.CASCADE, related_name="presences")
    membre = models.ForeignKey(Membre, on_delete=models.PROTECT, related_name="presences")
    reponse = models.CharField(
        _("réponse à la convocation"), max_length=20, choices=Reponse.choices, default=Reponse.SANS_REPONSE
    )
    reponse_represente_par = models.CharField(
        _("représenté (selon la réponse) par"), max_length=200, blank=True
    )
    repondu_le = models.DateTimeField(_("répondu le"), null=True, blank=True)
    statut = models.CharField(
        _("présence"), max_length=20, choices=Statut.choices, default=Statut.NON_RENSEIGNE
    )
    represente_par = models.CharField(_("représenté par"), max_length=200, blank=True)

    objects = PresenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        ordering = ["reunion", "membre__ordre", "membre__partenaire__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["reunion", "membre"],
                name="presence_une_par_membre",
                violation_error_message=_("Ce membre est déjà inscrit à la réunion."),
            ),
            models.CheckConstraint(
                condition=~Q(statut="represente") | ~Q(represente_par=""),
                name="presence_representation_nommee",
                violation_error_message=_("Indiquez qui représentait le membre."),
            ),
            models.CheckConstraint(
                condition=~Q(reponse="represente") | ~Q(reponse_represente_par=""),
                name="presence_reponse_representation_nommee",
                violation_error_message=_("Indiquez qui représentera le membre."),
            ),
        ]

    def __str__(self):
        return f"{self.membre} : {self.get_statut_display()}"


class CompteRendu(Historise, Illustratif):
    """The minutes of a held meeting; approved, they are frozen. Kept with their history."""

    reunion = models.OneToOneField(Reunion, on_delete=models.CASCADE, related_name="compte_rendu")
    texte = models.TextField(
        _("compte rendu"), help_text=AIDE_DONNEES_PERSONNELLES, **longueur_max(COMPTE_RENDU_MAX)
    )
    redige_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rédigé par"), on_delete=models.PROTECT, related_name="+"
    )
    modifie_le = models.DateTimeField(_("modifié le"), auto_now=True)
    approuve_le = models.DateTimeField(_("approuvé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("compte rendu")
        verbose_name_plural = _("comptes rendus")

    def __str__(self):
        return _("Compte rendu : %(reunion)s") % {"reunion": self.reunion}


class Decision(Historise, Illustratif):
    """A decision taken during a meeting, numbered from 1 within the meeting."""

    reunion = models.ForeignKey(Reunion, on_delete=models.PROTECT, related_name="decisions")
    numero = models.PositiveSmallIntegerField(_("numéro"))
    texte = models.TextField(
        _("décision"), help_text=AIDE_DONNEES_PERSONNELLES, **longueur_max(TEXTE_LONG_MAX)
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saisie par"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["reunion", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["reunion", "numero"],
                name="decision_numero_unique_par_reunion",
                violation_error_message=_("Ce numéro de décision existe déjà pour cette réunion."),
            ),
        ]

    def __str__(self):
        return _("Décision n°%(numero)s") % {"numero": self.numero}

    @property
    def avenant_ou_none(self):
        try:
            return self.avenant
        except Avenant.DoesNotExist:
            return None


class Avenant(Historise, Illustratif):
    """An amendment to the contract: a decision of the comité de pilotage that changes a
    commitment's target, deadline or partner, adds a commitment or closes one. Numbered across the
    contract (Avenant n°1, n°2…)."""

    class Objet(models.TextChoices):
        CIBLE = "cible", _("Modifier la valeur cible")
        ECHEANCE = "echeance", _("Modifier l'échéance")
        PARTENAIRE = "partenaire", _("Changer de partenaire")
        AJOUT = "ajout", _("Ajouter un engagement")
        CLOTURE = "cloture", _("Clore un engagement")

    contrat = models.ForeignKey(Contrat, on_delete=models.PROTECT, related_name="avenants")
    numero = models.PositiveIntegerField(_("numéro"))
    decision = models.OneToOneField(
        Decision, verbose_name=_("décision"), on_delete=models.PROTECT, related_name="avenant"
    )
    objet = models.CharField(_("objet"), max_length=20, choices=Objet.choices)
    engagement = models.ForeignKey(
        "engagements.Engagement",
        verbose_name=_("engagement"),
        on_delete=models.PROTECT,
        related_name="avenants",
    )
    adopte_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enregistré par"), on_delete=models.PROTECT, related_name="+"
    )
    cree_le = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("avenant")
        verbose_name_plural = _("avenants")
        ordering = ["contrat", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "numero"],
                name="avenant_numero_unique_par_contrat",
                violation_error_message=_("Ce numéro d'avenant existe déjà pour ce contrat."),
            ),
        ]

    def __str__(self):
        return _("Avenant n°%(numero)s") % {"numero": self.numero}

    def get_absolute_url(self):
        return self.decision.reunion.get_absolute_url() + f"#avenant-{self.numero}"


class ModificationAvenant(Historise):
    """What an amendment changed on a commitment, field by field (old and new value, as text)."""

    avenant = models.ForeignKey(Avenant, on_delete=models.PROTECT, related_name="modifications")
    champ = models.CharField(_("champ"), max_length=60)
    libelle = models.CharField(_("libellé"), max_length=200)
    ancienne_valeur = models.TextField(_("ancienne valeur"), blank=True, **longueur_max(TEXTE_COURT_MAX))
    nouvelle_valeur = models.TextField(_("nouvelle valeur"), blank=True, **longueur_max(TEXTE_COURT_MAX))

    class Meta:
        verbose_name = _("modification d'un avenant")
        verbose_name_plural = _("modifications des avenants")
        ordering = ["avenant", "pk"]

    def __str__(self):
        return f"{self.libelle} : {self.ancienne_valeur} → {self.nouvelle_valeur}"


def nouveau_jeton() -> str:
    return secrets.token_urlsafe(32)


class JetonCalendrier(models.Model):
    """The secret in a user's personal calendar feed address. Deleting it revokes the address;
    a new one replaces it."""

    utilisateur = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jeton_calendrier"
    )
    jeton = models.CharField(_("jeton"), max_length=64, unique=True, default=nouveau_jeton)
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("jeton de calendrier")
        verbose_name_plural = _("jetons de calendrier")

    def __str__(self):
        return str(self.utilisateur)


class Bilan(Historise, Illustratif):
    """The annual review of year `annee` that the comité d'évaluation adopts: statistics (the
    observatory's figures and their change over the year before), a qualitative review (a text per
    priority written by the coordination, the year's key events), each partner's commitments (target
    against value reached at 31/12, status, lateness, amendments) and governance (meetings held
    against the expected rhythm, attendance).

    A draft is computed live from the platform's data. Adopted by a meeting of the comité
    d'évaluation, its computed parts are frozen in `instantane` (JSON): a later import or correction
    does not change an adopted review. A new version can then be drafted; the adopted one stays."""

    class Statut(models.TextChoices):
        BROUILLON = "brouillon", _("Projet")
        ADOPTE = "adopte", _("Adopté")

    contrat = models.ForeignKey(
        Contrat, verbose_name=_("contrat"), on_delete=models.PROTECT, related_name="bilans"
    )
    annee = models.PositiveSmallIntegerField(_("année"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    statut = models.CharField(_("statut"), max_length=20, choices=Statut.choices, default=Statut.BROUILLON)
    textes = models.JSONField(
        _("bilan qualitatif par priorité"),
        default=dict,
        blank=True,
        help_text=_("Texte de la coordination pour chaque priorité (clé : numéro de la priorité)."),
    )
    evenements = models.TextField(
        _("faits marquants de l'année"),
        blank=True,
        help_text=AIDE_DONNEES_PERSONNELLES,
        **longueur_max(TEXTE_LONG_MAX),
    )
    reunion_adoption = models.ForeignKey(
        Reunion,
        verbose_name=_("adopté par la réunion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bilans_adoptes",
    )
    adopte_le = models.DateTimeField(_("adopté le"), null=True, blank=True)
    instantane = models.JSONField(_("chiffres figés à l'adoption"), null=True, blank=True, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rédigé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    modifie_le = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = BilanQuerySet.as_manager()

    class Meta:
        verbose_name = _("bilan annuel")
        verbose_name_plural = _("bilans annuels")
        ordering = ["-annee", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "annee", "version"],
                name="bilan_version_unique",
                violation_error_message=_("Cette version du bilan de cette année existe déjà."),
            ),
            models.UniqueConstraint(
                fields=["contrat", "annee"],
                condition=Q(statut="brouillon"),
                name="bilan_un_projet_par_annee",
                violation_error_message=_("Un projet de bilan existe déjà pour cette année."),
            ),
            models.CheckConstraint(
                condition=Q(statut="brouillon")
                | Q(reunion_adoption__isnull=False, adopte_le__isnull=False, instantane__isnull=False),
                name="bilan_adopte_par_une_reunion",
                violation_error_message=_(
                    "Un bilan adopté indique la réunion qui l'a adopté et garde ses chiffres figés."
                ),
            ),
        ]

    def __str__(self):
        return _("Bilan %(annee)s (version %(version)s)") % {"annee": self.annee, "version": self.version}

    def get_absolute_url(self):
        return reverse("comites:bilan_detail", kwargs={"pk": self.pk})

    @property
    def adopte(self) -> bool:
        return self.statut == self.Statut.ADOPTE
