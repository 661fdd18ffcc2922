"""Writes of the observatory: running an import batch (preview or apply, all-or-nothing, in the
background when large) and recording a partner's declaration."""

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cls_poitiers import formats
from cls_poitiers.enregistrement import historiser, update_or_create_si_change
from cls_poitiers.models import Territoire

from .imports import etat4001, figures, geojson, population, ssmsi
from .imports.base import ImportRefuse, Rapport, empreinte
from .imports.ecriture import EcritureDonnees
from .models import AnnexeDiagnostic, Declaration, Diagnostic, Enquete, LotImport, Source
from .tableaux_de_bord import cache

logger = logging.getLogger("cls.observatoire")

IMPORTEURS = {
    LotImport.Type.SSMSI: ssmsi.importer,
    LotImport.Type.FIGURES: figures.importer,
    LotImport.Type.POPULATION: population.importer,
    LotImport.Type.GEOJSON: geojson.importer,
    LotImport.Type.ETAT4001: etat4001.importer,
}
# Files read whole in memory are capped; the national base is streamed and is not.
LUS_EN_ENTIER = {
    LotImport.Type.FIGURES,
    LotImport.Type.POPULATION,
    LotImport.Type.GEOJSON,
    LotImport.Type.ETAT4001,
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
    if type_lot in (LotImport.Type.POPULATION, LotImport.Type.GEOJSON):
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
    """Create the départements and communes of a generated set that the platform does not know
    yet (existing territories, such as the contract's communes, are left as they are). Generated
    names say they are generated. Returns the number of territories created."""
    existants = set(Territoire.objects.values_list("code", flat=True))
    departements = sorted({c.departement for c in communes} - existants)
    Territoire.objects.bulk_create(
        [
            Territoire(
                code=d, nom=_("Département %(c)s (généré)") % {"c": d}, niveau=Territoire.Niveau.DEPARTEMENT
            )
            for d in departements
        ],
        batch_size=1000,
    )
    parents = dict(Territoire.objects.filter(niveau=Territoire.Niveau.DEPARTEMENT).values_list("code", "pk"))
    nouvelles = [
        Territoire(
            code=c.code,
            nom=_("Commune %(c)s (générée)") % {"c": c.code},
            niveau=Territoire.Niveau.COMMUNE,
            parent_id=parents.get(c.departement),
            latitude=Decimal(str(c.latitude)),
            longitude=Decimal(str(c.longitude)),
            coordonnees_source=_("coordonnées générées (illustratives)"),
        )
        for c in communes
        if c.code not in existants
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


def executer_lot(*, lot: LotImport, chemin: Path, appliquer: bool, progression=None) -> Rapport:
    """Read the whole file; write its figures in one transaction, rolled back when any problem was
    found or when this is only a preview. The batch records what was (or would be) done."""
    rapport = Rapport()
    chemin = Path(chemin)
    lot.statut = LotImport.Statut.EN_COURS
    lot.save(update_fields=["statut"])
    message = trop_gros(type_lot=lot.type, taille=chemin.stat().st_size)
    source = lot.source
    try:
        if message:
            rapport.refuser(message)
        with transaction.atomic():
            # A type's default source is created inside the import's transaction: a refused file
            # (or a preview) leaves no new source behind.
            source = source or source_par_code(None, lot.type)
            IMPORTEURS[lot.type](
                chemin, rapport=rapport, lot=lot, source=source, progression=progression, **lot.options
            )
            if rapport.a_des_erreurs or not appliquer:
                transaction.set_rollback(True)
            else:
                cache.changer()  # bulk writes send no signal; the version changes on commit
    except ImportRefuse:
        pass
    if rapport.a_des_erreurs:
        statut = LotImport.Statut.REFUSE
    elif appliquer:
        statut = LotImport.Statut.APPLIQUE
    else:
        statut = LotImport.Statut.APERCU
    futur = getattr(lot, "empreinte_en_cours", None)
    if futur is not None:
        lot.empreinte, lot.empreinte_en_cours = futur.result(), None
    champs = {}
    if statut == LotImport.Statut.APPLIQUE and lot.source_id is None and source is not None:
        champs["source"] = source
    if statut == LotImport.Statut.REFUSE and not rapport.libelles_inconnus:
        # Kept while the preview offers to map its unknown labels, to check it again afterwards.
        champs["fichier"] = _oublier_fichier(lot)
    LotImport.objects.filter(pk=lot.pk).update(
        **champs,
        empreinte=lot.empreinte,
        statut=statut,
        edition=rapport.edition[:100],
        lignes_lues=rapport.lignes_lues,
        creees=rapport.creees,
        modifiees=rapport.modifiees,
        inchangees=rapport.inchangees,
        rejetees=rapport.rejetees,
        progression=100 if statut != LotImport.Statut.APERCU else 0,
        rapport=rapport.en_dict(),
        termine_le=timezone.now() if appliquer or statut == LotImport.Statut.REFUSE else None,
    )
    lot.refresh_from_db()
    return rapport


def _oublier_fichier(lot: LotImport) -> str:
    """Remove a refused batch's stored copy of the file (never a file the batch did not store: the
    command line imports the operator's own file in place); the batch keeps its name and report."""
    if lot.fichier:
        lot.fichier.delete(save=False)
    return ""


def chemin_progression(lot: LotImport) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / f"progression-{lot.pk}.json"


def lire_progression(lot: LotImport) -> int:
    """The running import's progress, written by its worker outside the import's transaction."""
    if lot.statut != LotImport.Statut.EN_COURS:
        return lot.progression
    try:
        return int(json.loads(chemin_progression(lot).read_text())["progression"])
    except (OSError, ValueError, KeyError):
        return 0


def traiter(lot_id: int) -> None:
    """Apply one waiting batch (in a worker thread, or from `manage.py traiter_imports`)."""
    lot = LotImport.objects.get(pk=lot_id)
    fichier = chemin_progression(lot)
    fichier.parent.mkdir(parents=True, exist_ok=True)

    def progression(pourcentage: int):
        fichier.write_text(json.dumps({"progression": pourcentage}))

    try:
        executer_lot(lot=lot, chemin=Path(lot.fichier.path), appliquer=True, progression=progression)
    except Exception:
        logger.exception("Import %s interrompu", lot_id)
        LotImport.objects.filter(pk=lot_id).update(
            fichier=_oublier_fichier(lot),
            statut=LotImport.Statut.REFUSE,
            rapport={
                "erreurs": [
                    {"ligne": None, "colonne": None, "message": _("Erreur interne pendant l'import.")}
                ]
            },
        )
    finally:
        fichier.unlink(missing_ok=True)


def _fil(lot_id: int) -> None:
    close_old_connections()
    try:
        traiter(lot_id)
    finally:
        # This thread's own connections end with it (persistent connections would otherwise wait
        # for the garbage collector).
        connections.close_all()


def appliquer_depuis_le_web(*, lot: LotImport) -> bool:
    """Apply a previewed batch. Large files go to a worker thread (True), small ones run now."""
    if lot.taille >= settings.CLS_IMPORT_SEUIL_ARRIERE_PLAN:
        lot.statut = LotImport.Statut.EN_ATTENTE
        lot.save(update_fields=["statut"])
        transaction.on_commit(lambda: threading.Thread(target=_fil, args=(lot.pk,), daemon=True).start())
        return True
    executer_lot(lot=lot, chemin=Path(lot.fichier.path), appliquer=True)
    return False


def deposer(*, type_lot: str, fichier, par, source: Source | None, options: dict) -> LotImport:
    """Keep an uploaded file with its batch (for the preview, then the import)."""
    lot = LotImport(
        type=type_lot, fichier_nom=Path(fichier.name).name[:255], source=source, options=options, cree_par=par
    )
    lot.fichier.save(Path(fichier.name).name, fichier, save=False)
    lot.taille = lot.fichier.size
    lot.empreinte = empreinte(Path(lot.fichier.path))
    lot.save()
    return lot


def apercu(*, lot: LotImport) -> Rapport:
    """Check the whole uploaded file and count what it would change, writing nothing (the
    import's transaction is rolled back). Applying it checks it again."""
    return executer_lot(lot=lot, chemin=Path(lot.fichier.path), appliquer=False)


@transaction.atomic
def declarer(
    *, partenaire, territoire, annee: int, mois: int, comptes: dict, par, commentaire: str = ""
) -> Declaration:
    """Record (or correct) a partner's monthly declaration: one figure per category. A category
    left empty is not declared; a corrected count replaces the previous one (history kept)."""
    source, _cree = Source.objects.get_or_create(
        code=f"declarations-{partenaire.code}",
        defaults={
            "libelle": _("Déclarations de %(p)s") % {"p": partenaire},
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
