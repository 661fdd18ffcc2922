"""Writes of the observatory: running an import batch (check or writing, all-or-nothing, as
background tasks for the web, under a lease), and recording a partner's declaration."""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cls_poitiers import formats, grammaire
from cls_poitiers.enregistrement import historiser, update_or_create_si_change
from cls_poitiers.models import Territoire

from .imports import etat4001, figures, geojson, population, qpv, ssmsi
from .imports.base import ImportRefuse, Rapport, empreinte
from .imports.ecriture import EcritureDonnees
from .imports.territoires import codes_du_niveau
from .models import AnnexeDiagnostic, Declaration, Diagnostic, Enquete, LotImport, Source
from .tableaux_de_bord import cache

logger = logging.getLogger("cls.observatoire")

IMPORTEURS = {
    LotImport.Type.SSMSI: ssmsi.importer,
    LotImport.Type.FIGURES: figures.importer,
    LotImport.Type.POPULATION: population.importer,
    LotImport.Type.GEOJSON: geojson.importer,
    LotImport.Type.ETAT4001: etat4001.importer,
    LotImport.Type.QPV: qpv.importer,
}
# Files read whole in memory are capped; the national base is streamed and is not.
LUS_EN_ENTIER = {
    LotImport.Type.FIGURES,
    LotImport.Type.POPULATION,
    LotImport.Type.GEOJSON,
    LotImport.Type.ETAT4001,
    LotImport.Type.QPV,
}

SOURCE_SSMSI = (
    "ssmsi",
    "SSMSI, base nationale de la délinquance enregistrée",
    Source.Nature.STATISTIQUE_NATIONALE,
    10,
)
SOURCE_4001 = ("etat4001", "État 4001 (police et gendarmerie)", Source.Nature.POLICE_LOCALE, 15)
SOURCE_RELEVES = ("releves-observatoire", "Relevés locaux de l'observatoire", Source.Nature.OBSERVATOIRE, 20)
SOURCE_GENEREE = (
    "generee-illustrative",
    "Base nationale générée (chiffres illustratifs, banc d'essai)",
    Source.Nature.STATISTIQUE_NATIONALE,
    90,
)


def source_par_code(code: str | None, type_lot: str) -> Source | None:
    if type_lot in (LotImport.Type.POPULATION, LotImport.Type.GEOJSON, LotImport.Type.QPV):
        return None
    defaut = {LotImport.Type.SSMSI: SOURCE_SSMSI, LotImport.Type.ETAT4001: SOURCE_4001}.get(
        type_lot, SOURCE_RELEVES
    )
    if not code or code == defaut[0]:
        source, _cree = Source.objects.get_or_create(
            code=defaut[0], defaults={"libelle": defaut[1], "nature": defaut[2], "ordre": defaut[3]}
        )
        return source
    return Source.objects.filter(code=code).first()


def source_generee(code: str | None = None) -> Source:
    """The illustrative source that receives generated figures (benchmarks, load tests)."""
    code = code or SOURCE_GENEREE[0]
    source, _cree = Source.objects.get_or_create(
        code=code,
        defaults={
            "libelle": SOURCE_GENEREE[1],
            "nature": SOURCE_GENEREE[2],
            "ordre": SOURCE_GENEREE[3],
            "illustratif": True,
        },
    )
    return source


@transaction.atomic
def preparer_territoires_generes(communes) -> int:
    """Make every département and commune of a generated set a territory. A code the platform
    knows at that level is used as it is: with the national referential loaded, that is every
    real code, with its official name and under its département (and the contract's communes
    stay as they are). Only a code no territory of its level bears is invented, and its name says
    it is generated. Returns the number of territories created."""
    niveau = Territoire.Niveau
    communes_connues = codes_du_niveau(niveau.COMMUNE)
    departements = sorted({c.departement for c in communes} - codes_du_niveau(niveau.DEPARTEMENT).keys())
    Territoire.objects.bulk_create(
        [
            Territoire(code=d, nom=_("Département %(c)s (généré)") % {"c": d}, niveau=niveau.DEPARTEMENT)
            for d in departements
        ],
        batch_size=1000,
    )
    parents = codes_du_niveau(niveau.DEPARTEMENT)
    nouvelles = [
        Territoire(
            code=c.code,
            nom=_("Commune %(c)s (générée)") % {"c": c.code},
            niveau=niveau.COMMUNE,
            parent_id=parents.get(c.departement),
            departement_id=parents.get(c.departement),
            latitude=Decimal(str(c.latitude)),
            longitude=Decimal(str(c.longitude)),
            coordonnees_source=_("coordonnées générées (illustratives)"),
        )
        for c in communes
        if c.code not in communes_connues
    ]
    Territoire.objects.bulk_create(nouvelles, batch_size=2000)
    analyser("cls_poitiers_territoire")
    cache.changer()  # bulk_create sends no signal
    return len(departements) + len(nouvelles)


def analyser(*tables: str) -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL), so that the next pages
    are planned on the real sizes rather than waiting for autovacuum."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(tables))


def trop_gros(*, type_lot: str, taille: int) -> str | None:
    """The French refusal when a file is over the cap for its kind, else None."""
    if type_lot in LUS_EN_ENTIER and taille > settings.CLS_IMPORT_TAILLE_MAX:
        return _(
            "Fichier trop volumineux (%(t)s Mo) : la limite est de %(m)s Mo pour ce type d'import. "
            "Découpez-le, ou passez par la commande d'import du serveur pour la base nationale."
        ) % {"t": formats.mega_octets(taille), "m": formats.mega_octets(settings.CLS_IMPORT_TAILLE_MAX)}
    return None


def creer_lot(
    *, type_lot: str, chemin: Path, nom: str, par=None, source: Source | None = None, options=None
) -> LotImport:
    """A batch for a file imported in place by a command (the operator's own file, not stored)."""
    chemin = Path(chemin)
    lot = LotImport.objects.create(
        type=type_lot,
        fichier_nom=nom,
        taille=chemin.stat().st_size,
        source=source,
        options=options or {},
        cree_par=par,
    )
    # The file's SHA-256 is computed while it is being read and checked (hashlib works outside
    # Python's GIL: 0.4 s of the national file's import on the other core); executer_lot records it.
    lot.empreinte_en_cours = _EMPREINTES.submit(empreinte, chemin)
    return lot


_EMPREINTES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cls-empreinte")


class Battement:
    """The lease of a running import. A companion thread, on its own database connection (outside
    the import's transaction, which shows nothing before its end), records every
    CLS_IMPORT_BATTEMENT_SECONDES that the run is alive and how far it got: rows read, problems
    found, percentage. A killed process beats no more: `constater_interruptions` then sees its
    lease expire. The update names the run (`tentative`) and a running status, so a late beat
    never touches a batch that ended, was interrupted or was started again.

    On SQLite (development) the import's transaction locks the whole database: the beats of a
    long run wait for its end, and the lease must outlast the longest writing."""

    def __init__(self, *, lot: LotImport, rapport: Rapport):
        self.lot_id, self.tentative, self.rapport = lot.pk, lot.tentative, rapport
        self.pourcentage = 0
        self._arret = threading.Event()
        self._fil = threading.Thread(target=self._battre, name=f"cls-battement-{lot.pk}", daemon=True)

    def progression(self, pourcentage: int) -> None:
        self.pourcentage = pourcentage

    def _pourcentage(self) -> int:
        # The rows read, out of the file's lines when the import counted them (the national base).
        lues = (
            self.rapport.lignes_lues * 100 // self.rapport.lignes_fichier
            if self.rapport.lignes_fichier
            else 0
        )
        return max(self.pourcentage, lues)

    def __enter__(self):
        self._fil.start()
        return self

    def __exit__(self, *exc):
        # Called after the import's transaction ended: a beat waiting for the batch's row (locked
        # by the final update) then finds the batch finished and changes nothing.
        self._arret.set()
        self._fil.join()

    def _battre(self) -> None:
        try:
            while not self._arret.wait(settings.CLS_IMPORT_BATTEMENT_SECONDES):
                try:
                    LotImport.objects.filter(
                        pk=self.lot_id, tentative=self.tentative, statut__in=LotImport.EN_COURS.values()
                    ).update(
                        battement=timezone.now(),
                        progression=min(99, self._pourcentage()),
                        lignes_lues=self.rapport.lignes_lues,
                        problemes=len(self.rapport.erreurs) + self.rapport.erreurs_en_plus,
                    )
                except DatabaseError:
                    logger.warning("Battement de l'import %s non écrit (base occupée)", self.lot_id)
        finally:
            connections.close_all()  # this thread's own connection


def executer_lot(*, lot: LotImport, chemin: Path, appliquer: bool) -> Rapport:
    """Read the whole file; write its figures in one transaction, rolled back when any problem was
    found or when this is only a preview. The batch records what was (or would be) done; the
    applied batch is recorded in the same transaction as its figures, and only while this run
    still holds the batch's lease (else nothing is written).

    A fault of the platform, not of the file (from a task or from a command), never leaves the
    batch running: nothing was written (one transaction), the batch is marked interrupted and can
    be started again from its page once the fault is fixed; the error is raised again."""
    try:
        return _executer_lot(lot=lot, chemin=chemin, appliquer=appliquer)
    except Exception:
        logger.exception("Import %s interrompu par une erreur", lot.pk)
        LotImport.objects.filter(
            pk=lot.pk, tentative=lot.tentative, statut__in=LotImport.EN_COURS.values()
        ).update(statut=LotImport.Statut.INTERROMPU, termine_le=timezone.now())
        raise


def _executer_lot(*, lot: LotImport, chemin: Path, appliquer: bool) -> Rapport:
    rapport = Rapport()
    chemin = Path(chemin)
    etape = LotImport.Etape.ECRITURE if appliquer else LotImport.Etape.VERIFICATION
    lot.statut, lot.etape, lot.battement = LotImport.EN_COURS[etape], etape, timezone.now()
    lot.save(update_fields=["statut", "etape", "battement"])
    message = trop_gros(type_lot=lot.type, taille=chemin.stat().st_size)
    source = lot.source
    conclu = False
    with Battement(lot=lot, rapport=rapport) as battement:
        try:
            if message:
                rapport.refuser(message)
            with transaction.atomic():
                # A type's default source is created inside the import's transaction: a refused
                # file (or a preview) leaves no new source behind.
                source = source or source_par_code(None, lot.type)
                IMPORTEURS[lot.type](
                    chemin,
                    rapport=rapport,
                    lot=lot,
                    source=source,
                    progression=battement.progression,
                    # The check: the SSMSI importer counts its figures without writing them
                    # (the other importers ignore it; their writing is rolled back below).
                    apercu=not appliquer,
                    **lot.options,
                )
                if rapport.a_des_erreurs or not appliquer:
                    transaction.set_rollback(True)
                else:
                    cache.changer()  # bulk writes send no signal; the version changes on commit
                    conclu = _conclure(lot, chemin, rapport, LotImport.Statut.APPLIQUE, source=source)
                    if not conclu:
                        logger.warning("Import %s : bail perdu, écriture annulée", lot.pk)
                        transaction.set_rollback(True)
        except ImportRefuse:
            pass
    if rapport.a_des_erreurs:
        _conclure(lot, chemin, rapport, LotImport.Statut.REFUSE)
    elif not appliquer:
        _conclure(lot, chemin, rapport, LotImport.Statut.APERCU)
    lot.refresh_from_db()
    return rapport


def _conclure(lot: LotImport, chemin: Path, rapport: Rapport, statut: str, *, source=None) -> bool:
    """Record the end of this run, if it still holds the batch (its run number, a running status)."""
    futur = getattr(lot, "empreinte_en_cours", None)
    if futur is not None:
        lot.empreinte, lot.empreinte_en_cours = futur.result(), None
    elif not lot.empreinte:
        lot.empreinte = empreinte(chemin)
    champs = {}
    # The source that received the figures: the batch's own (the illustrative one for a generated
    # file, set by the import), else the type's default.
    recue = lot.source if lot.source_id is not None else source
    if statut == LotImport.Statut.APPLIQUE and recue is not None:
        champs["source"] = recue
    # A refused batch keeps its file only while the preview offers to map its unknown labels, to
    # check it again afterwards.
    oublier = statut == LotImport.Statut.REFUSE and not rapport.libelles_inconnus
    if oublier:
        champs["fichier"] = ""
    tenu = LotImport.objects.filter(
        pk=lot.pk, tentative=lot.tentative, statut__in=LotImport.EN_COURS.values()
    ).update(
        **champs,
        empreinte=lot.empreinte,
        statut=statut,
        edition=rapport.edition[:100],
        lignes_lues=rapport.lignes_lues,
        problemes=len(rapport.erreurs) + rapport.erreurs_en_plus,
        creees=rapport.creees,
        modifiees=rapport.modifiees,
        inchangees=rapport.inchangees,
        rejetees=rapport.rejetees,
        progression=100,
        rapport=rapport.en_dict(),
        termine_le=timezone.now() if statut != LotImport.Statut.APERCU else None,
    )
    if tenu and oublier and lot.fichier:
        # A refused batch keeps its name and report, not the file (never a file the batch did not
        # store: the command line imports the operator's own file in place).
        lot.fichier.delete(save=False)
    return bool(tenu)


# --- imports on the web: tasks --------------------------------------------------------------------


def deposer(*, type_lot: str, fichier, par, source: Source | None, options: dict) -> LotImport:
    """Keep an uploaded file with its batch and queue its check (the preview): nothing is read
    in the request."""
    lot = LotImport(
        type=type_lot,
        fichier_nom=Path(fichier.name).name[:255],
        source=source,
        options=options,
        cree_par=par,
        statut=LotImport.Statut.VERIFICATION_EN_FILE,
        etape=LotImport.Etape.VERIFICATION,
        tentative=1,
    )
    lot.fichier.save(Path(fichier.name).name, fichier, save=False)
    lot.taille = lot.fichier.size
    with transaction.atomic():
        lot.save()
        _enfiler(lot)
    return lot


def appliquer(*, lot: LotImport, par) -> bool:
    """Someone applies a previewed batch: its writing is queued. The only way to a write: no
    command and no task ever applies a preview by itself. False when the batch is not (or no
    longer) a preview, for example when the button was clicked twice."""
    if not lot.fichier:
        return False
    return _mettre_en_file(
        lot, etape=LotImport.Etape.ECRITURE, depuis=LotImport.Statut.APERCU, valide_par=par
    )


def relancer(*, lot: LotImport, par) -> bool:
    """Start an interrupted batch again at the step it was at: its check, or its writing (which
    someone applied). False when the batch is not interrupted, or its file is not kept."""
    if not lot.fichier:
        return False
    logger.info("Import %s relancé (%s) par %s", lot.pk, lot.etape, par)
    return _mettre_en_file(lot, etape=lot.etape, depuis=LotImport.Statut.INTERROMPU)


def verifier_a_nouveau(*, lot: LotImport, par) -> bool:
    """Check a previewed or refused file again (an unknown label of it was just mapped): its
    check is queued. False when its file is not kept, or it is neither a preview nor refused."""
    if not lot.fichier:
        return False
    logger.info("Import %s vérifié à nouveau par %s", lot.pk, par)
    return any(
        _mettre_en_file(lot, etape=LotImport.Etape.VERIFICATION, depuis=statut)
        for statut in (LotImport.Statut.APERCU, LotImport.Statut.REFUSE)
    )


def _mettre_en_file(lot: LotImport, *, etape: str, depuis: str, **champs) -> bool:
    with transaction.atomic():
        # Conditional: of two clicks on the same button, one queues the step, the other nothing.
        pris = LotImport.objects.filter(pk=lot.pk, statut=depuis).update(
            statut=LotImport.EN_FILE[etape],
            etape=etape,
            tentative=F("tentative") + 1,
            battement=None,
            termine_le=None,
            progression=0,
            **champs,
        )
        if not pris:
            return False
        lot.refresh_from_db()
        _enfiler(lot)
    return True


def _enfiler(lot: LotImport) -> None:
    # Imported here: the tasks call this module.
    from .taches import ecrire_lot, verifier_lot

    tache = ecrire_lot if lot.etape == LotImport.Etape.ECRITURE else verifier_lot
    tache.enqueue(lot_id=lot.pk, tentative=lot.tentative)


def executer_etape(*, lot_id: int, tentative: int, etape: str) -> str:
    """What a task runs: the batch's check or its writing, only if the batch waits for this step
    under this run number (a task queued twice, or for a batch started again since, does
    nothing). Returns the batch's status at the end."""
    constater_interruptions()
    pris = LotImport.objects.filter(pk=lot_id, tentative=tentative, statut=LotImport.EN_FILE[etape]).update(
        statut=LotImport.EN_COURS[etape], battement=timezone.now()
    )
    if not pris:
        return "ignore"
    lot = LotImport.objects.get(pk=lot_id)
    executer_lot(lot=lot, chemin=Path(lot.fichier.path), appliquer=etape == LotImport.Etape.ECRITURE)
    return LotImport.objects.values_list("statut", flat=True).get(pk=lot_id)


def bail_expire_avant():
    return timezone.now() - timedelta(seconds=settings.CLS_IMPORT_BAIL_SECONDES)


def constater_interruption(lot: LotImport) -> None:
    """A running batch whose task has been silent beyond the lease is interrupted (its process
    died: SIGKILL, restart, out of memory). Checked on the batch already read: no query while it
    is alive."""
    expire = lot.battement is None or lot.battement < bail_expire_avant()
    if lot.en_cours and expire and _interrompre(lot):
        lot.refresh_from_db()


def constater_interruptions() -> int:
    """Every running batch whose lease expired becomes "interrompu" (by the worker before each
    import, by `traiter_imports`, by the list of imports). Returns how many."""
    return sum(_interrompre(lot) for lot in LotImport.objects.bail_expire(avant=bail_expire_avant()))


def _interrompre(lot: LotImport) -> bool:
    # The batch keeps what its last beat recorded (rows read, problems, percentage); nothing of
    # its figures was written: the writing is one transaction, never committed.
    return bool(
        LotImport.objects.filter(
            pk=lot.pk, tentative=lot.tentative, statut=lot.statut, battement=lot.battement
        ).update(statut=LotImport.Statut.INTERROMPU, termine_le=timezone.now())
    )


@transaction.atomic
def declarer(
    *, partenaire, territoire, annee: int, mois: int, comptes: dict, par, commentaire: str = ""
) -> Declaration:
    """Record (or correct) a partner's monthly declaration: one figure per category. A category
    left empty is not declared; a corrected count replaces the previous one (history kept)."""
    source, _cree = Source.objects.get_or_create(
        code=f"declarations-{partenaire.code}",
        defaults={
            "libelle": _("Déclarations %(de_p)s") % {"de_p": grammaire.de(str(partenaire))},
            "nature": Source.Nature.PARTENAIRE,
            "partenaire": partenaire,
            "ordre": 50,
        },
    )
    declaration, cree = update_or_create_si_change(
        Declaration,
        partenaire=partenaire,
        territoire=territoire,
        annee=annee,
        mois=mois,
        defaults={"declare_par": par, "commentaire": commentaire},
    )
    rapport = Rapport()
    ecriture = EcritureDonnees(lot=None, source=source, rapport=rapport, declaration=declaration)
    ecriture.ecrire(
        (territoire.pk, indicateur.pk, annee, mois, int(nombre), False)
        for indicateur, nombre in comptes.items()
        if nombre is not None
    )
    ecriture.terminer()
    cache.changer()  # bulk writes send no signal
    retires = [i.pk for i, n in comptes.items() if n is None]
    supprimees, _detail = declaration.donnees.filter(indicateur_id__in=retires).delete()
    if not cree and (rapport.creees or rapport.modifiees or supprimees):
        # The counts live in Donnee; the declaration's history records each correction (who, when).
        declaration.declare_par = par
        historiser(declaration, motif=_("Correction des nombres déclarés"))
        declaration.save()
    return declaration


# --- perceived-insecurity surveys -----------------------------------------------------------------


@transaction.atomic
def enregistrer_enquete(*, enquete: Enquete, resultats, supprimes=(), par, motif: str = "") -> Enquete:
    """Save a survey and those of its answers that are new, changed or removed, each with who and
    why in its history (an unchanged answer gets no new version)."""
    historiser(enquete, par=par, motif=motif)
    enquete.save()
    for resultat in supprimes:
        historiser(resultat, par=par, motif=motif)
        resultat.delete()
    for resultat in resultats:
        resultat.enquete = enquete
        historiser(resultat, par=par, motif=motif)
        resultat.save()
    return enquete


# --- diagnostic -----------------------------------------------------------------------------------


def _remplacer_texte_principal(diagnostic: Diagnostic, fichier, type_fichier: str) -> None:
    # The previous file is kept: the history records still point to it.
    diagnostic.texte_principal_nom = Path(fichier.name).name[:255]
    diagnostic.texte_principal_type = type_fichier
    diagnostic.texte_principal.save(fichier.name, fichier, save=False)


@transaction.atomic
def enregistrer_diagnostic(*, form, contrat, fichier=None, type_fichier: str = "", par) -> Diagnostic:
    """Save a diagnostic from its validated form, with its main text when one was uploaded."""
    diagnostic = form.save(commit=False)
    diagnostic.contrat = contrat
    if fichier is not None:
        _remplacer_texte_principal(diagnostic, fichier, type_fichier)
    diagnostic.save()
    form.save_m2m()
    return diagnostic


@transaction.atomic
def ajouter_annexe(
    *, diagnostic: Diagnostic, type: str, titre: str, fichier, type_fichier: str, par
) -> AnnexeDiagnostic:
    """Store a checked annex under a random name, keeping the user's file name for display."""
    annexe = AnnexeDiagnostic(
        diagnostic=diagnostic,
        type=type,
        titre=titre,
        fichier_nom=Path(fichier.name).name[:255],
        fichier_type=type_fichier,
        taille=fichier.size,
        ajoute_par=par,
    )
    annexe.fichier.save(fichier.name, fichier, save=False)
    annexe.save()
    return annexe
