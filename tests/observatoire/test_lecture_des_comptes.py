"""What the dashboards read equals the aggregation of the base figures after imports,
re-imports, corrections, declarations, their corrections and deletions, queryset updates and
deletions: the yearly counts (months added up, yearly and monthly sources mixed), the monthly
counts, the partners' declarations table and the list of sources with figures. There is no
pre-aggregate to keep (migration 0008): the readers aggregate the base table over their perimeter."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from cls_poitiers.models import Partenaire
from observatoire import services
from observatoire.models import Declaration, Donnee, Source
from observatoire.tableaux_de_bord import pages, tableaux

from .factories import IndicateurFactory
from .test_import_ssmsi import RECENTE, ecrire

pytestmark = pytest.mark.django_db


def agregation_de_base(*, mensuel=False) -> list[tuple]:
    cles = ["source_id", "indicateur_id", "territoire_id", "annee", *(["mois"] if mensuel else [])]
    qs = Donnee.objects.filter(mois__gt=0) if mensuel else Donnee.objects.all()
    return sorted(
        (*(r[c] for c in cles), r["n"] or 0, r["p"], r["s"])
        for r in qs.order_by()
        .values(*cles)
        .annotate(
            n=Sum("nombre"), p=Count("pk", filter=Q(secret=False)), s=Count("pk", filter=Q(secret=True))
        )
    )


def lu_par_les_tableaux(*, mensuel=False) -> list[tuple]:
    perimetre = tableaux.perimetre()
    lignes = []
    for source in Source.objects.all():
        comptes = tableaux.Comptes.lire(perimetre, source=source, mensuel=mensuel)
        lignes += [(source.pk, *cle, c.nombre, c.publies, c.secrets) for cle, c in comptes.valeurs.items()]
    return sorted(lignes)


def verifier():
    assert lu_par_les_tableaux() == agregation_de_base()
    assert lu_par_les_tableaux(mensuel=True) == agregation_de_base(mensuel=True)
    assert tableaux.sources_avec_donnees() == list(
        Source.objects.filter(pk__in=Donnee.objects.values("source")).order_by("ordre", "libelle")
    )


def compte(territoire, annee, source=None):
    """The yearly count the dashboards read for one territory (every indicator of the source)."""
    source = source or Source.objects.get(code="releves-observatoire")
    comptes = tableaux.Comptes.lire(tableaux.perimetre(), source=source)
    trouves = [c for (i, t, a), c in comptes.valeurs.items() if t == territoire.pk and a == annee]
    assert len(trouves) == 1
    return trouves[0].nombre, trouves[0].publies, trouves[0].secrets


def importer(commande, chemin):
    call_command(commande, str(chemin), stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_readers_equal_the_base_aggregation_after_every_kind_of_write(tmp_path, perimetre, partenaire):
    # National base: a published figure and a masked one (no count, never a zero).
    importer("importer_ssmsi", ecrire(tmp_path, RECENTE))
    # Local template: yearly and monthly figures of another source, one masked month.
    (tmp_path / "local.csv").write_text(
        "Territoire;Indicateur;Période;Nombre\n"
        "86194;total-faits-constates;1997;1234\n"
        "QP086005;total-faits-constates;03/1998;12\n"
        "QP086005;total-faits-constates;04/1998;7\n"
        "QP086005;total-faits-constates;05/1998;secret\n",
        encoding="utf-8",
    )
    importer("importer_chiffres", tmp_path / "local.csv")
    verifier()
    assert compte(perimetre["c2"], 2025, Source.objects.get(code="ssmsi")) == (0, 0, 1)
    assert compte(perimetre["c1"], 1997) == (1234, 1, 0)  # a yearly figure
    assert compte(perimetre["q"], 1998) == (19, 2, 1)  # three months added up

    # Re-import (nothing changes), then a corrected file (one month corrected, one unmasked).
    importer("importer_chiffres", tmp_path / "local.csv")
    (tmp_path / "corrige.csv").write_text(
        "Territoire;Indicateur;Période;Nombre\n"
        "86194;total-faits-constates;1997;1234\n"
        "QP086005;total-faits-constates;03/1998;15\n"
        "QP086005;total-faits-constates;04/1998;7\n"
        "QP086005;total-faits-constates;05/1998;3\n",
        encoding="utf-8",
    )
    importer("importer_chiffres", tmp_path / "corrige.csv")
    verifier()
    assert compte(perimetre["q"], 1998) == (25, 3, 0)

    # A partner's declaration, its correction, a category withdrawn, then the whole declaration.
    partenaire.partenaire.nature = Partenaire.Nature.TRANSPORT
    partenaire.partenaire.save()
    bus = IndicateurFactory(
        code="bus", libelle="Bus", nomenclature="partenaire", partenaire=partenaire.partenaire
    )
    agents = IndicateurFactory(
        code="agents", libelle="Agents", nomenclature="partenaire", partenaire=partenaire.partenaire
    )

    def declarer(comptes, mois=3):
        return services.declarer(
            partenaire=partenaire.partenaire,
            territoire=perimetre["q"],
            annee=1998,
            mois=mois,
            comptes=comptes,
            par=partenaire,
        )

    def declarations():
        ctx = pages.contexte(None, {"annee": 1998})
        return [[c.texte for c in ligne] for ligne in pages.tableau_declarations(ctx, perimetre["c1"]).lignes]

    declarer({bus: 7, agents: 2})
    declarer({bus: 4}, mois=4)
    verifier()
    declarer({bus: 9, agents: None})
    verifier()
    partenaire_source = (
        Source.objects.filter(nature=Source.Nature.PARTENAIRE, donnees__isnull=False).distinct().get()
    )
    assert compte(perimetre["q"], 1998, partenaire_source)[0] == 13
    assert [ligne[1:] for ligne in declarations()] == [["Bus", "1998", "13"]]
    Declaration.objects.filter(mois=4).delete()
    verifier()
    assert compte(perimetre["q"], 1998, partenaire_source)[0] == 9

    # Queryset updates (moving figures to another year too) and deletions.
    Donnee.objects.filter(territoire=perimetre["q"], source__code="releves-observatoire").update(nombre=1)
    Donnee.objects.filter(territoire=perimetre["c1"]).update(annee=1999)
    verifier()
    Donnee.objects.filter(secret=True).delete()
    Donnee.objects.filter(mois=3).delete()
    verifier()
    Donnee.objects.all().delete()
    verifier()
    assert tableaux.sources_avec_donnees() == []


def test_refused_import_leaves_what_the_dashboards_read_untouched(tmp_path, perimetre):
    importer("importer_ssmsi", ecrire(tmp_path, RECENTE))
    avant = lu_par_les_tableaux()
    mauvais = RECENTE + RECENTE.splitlines()[1] + "\n"  # a duplicated line: the file is refused
    with pytest.raises(Exception, match="Ligne en double"):
        importer("importer_ssmsi", ecrire(tmp_path, mauvais, "double.csv"))
    assert lu_par_les_tableaux() == avant == agregation_de_base()
