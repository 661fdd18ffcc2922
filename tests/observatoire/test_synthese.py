"""The pre-aggregate the dashboards read (SyntheseDonnee) equals the aggregation of the base
figures after imports, re-imports, corrections, declarations, their corrections and deletions,
queryset updates and deletions: it is kept by the database in the same transaction."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from cls_poitiers.models import Partenaire
from observatoire import services
from observatoire.models import Declaration, Donnee, SyntheseDonnee

from .factories import IndicateurFactory
from .test_import_ssmsi import RECENTE, ecrire

pytestmark = pytest.mark.django_db


def agregation_de_base() -> list[tuple]:
    return sorted(
        (r["source_id"], r["territoire_id"], r["indicateur_id"], r["annee"], r["n"] or 0, r["p"], r["s"])
        for r in Donnee.objects.order_by()
        .values("source_id", "territoire_id", "indicateur_id", "annee")
        .annotate(
            n=Sum("nombre"), p=Count("pk", filter=Q(secret=False)), s=Count("pk", filter=Q(secret=True))
        )
    )


def pre_agregat() -> list[tuple]:
    return sorted(
        SyntheseDonnee.objects.values_list(
            "source_id", "territoire_id", "indicateur_id", "annee", "nombre", "publies", "secrets"
        )
    )


def importer(commande, chemin):
    call_command(commande, str(chemin), stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_pre_aggregate_equals_base_aggregation_after_every_kind_of_write(tmp_path, perimetre, partenaire):
    # National base: a published figure and a masked one (no count, never a zero).
    importer("import_ssmsi", ecrire(tmp_path, RECENTE))
    # Local template: yearly and monthly figures of another source, one masked month.
    (tmp_path / "local.csv").write_text(
        "Territoire;Indicateur;Période;Nombre\n"
        "86194;total-faits-constates;1997;1234\n"
        "QP086005;total-faits-constates;03/1998;12\n"
        "QP086005;total-faits-constates;04/1998;7\n"
        "QP086005;total-faits-constates;05/1998;secret\n",
        encoding="utf-8",
    )
    importer("import_figures", tmp_path / "local.csv")
    assert pre_agregat() == agregation_de_base()
    masque = SyntheseDonnee.objects.get(territoire=perimetre["c2"], annee=2025)
    assert (masque.nombre, masque.publies, masque.secrets) == (0, 0, 1)
    mois = SyntheseDonnee.objects.get(territoire=perimetre["q"], annee=1998)
    assert (mois.nombre, mois.publies, mois.secrets) == (19, 2, 1)

    # Re-import (nothing changes), then a corrected file (one month corrected, one unmasked).
    importer("import_figures", tmp_path / "local.csv")
    (tmp_path / "corrige.csv").write_text(
        "Territoire;Indicateur;Période;Nombre\n"
        "86194;total-faits-constates;1997;1234\n"
        "QP086005;total-faits-constates;03/1998;15\n"
        "QP086005;total-faits-constates;04/1998;7\n"
        "QP086005;total-faits-constates;05/1998;3\n",
        encoding="utf-8",
    )
    importer("import_figures", tmp_path / "corrige.csv")
    assert pre_agregat() == agregation_de_base()
    mois = SyntheseDonnee.objects.get(territoire=perimetre["q"], annee=1998)
    assert (mois.nombre, mois.publies, mois.secrets) == (25, 3, 0)

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

    declarer({bus: 7, agents: 2})
    declarer({bus: 4}, mois=4)
    assert pre_agregat() == agregation_de_base()
    declarer({bus: 9, agents: None})
    assert pre_agregat() == agregation_de_base()
    assert SyntheseDonnee.objects.get(indicateur=bus).nombre == 13
    assert not SyntheseDonnee.objects.filter(indicateur=agents).exists()
    Declaration.objects.filter(mois=4).delete()
    assert pre_agregat() == agregation_de_base()
    assert SyntheseDonnee.objects.get(indicateur=bus).nombre == 9

    # Queryset updates (moving figures to another year too) and deletions.
    Donnee.objects.filter(territoire=perimetre["q"], source__code="releves-observatoire").update(nombre=1)
    Donnee.objects.filter(territoire=perimetre["c1"]).update(annee=1999)
    assert pre_agregat() == agregation_de_base()
    Donnee.objects.filter(secret=True).delete()
    Donnee.objects.filter(mois=3).delete()
    assert pre_agregat() == agregation_de_base()
    Donnee.objects.all().delete()
    assert not SyntheseDonnee.objects.exists()


def test_refused_import_leaves_the_pre_aggregate_untouched(tmp_path, perimetre):
    importer("import_ssmsi", ecrire(tmp_path, RECENTE))
    avant = pre_agregat()
    mauvais = RECENTE + RECENTE.splitlines()[1] + "\n"  # a duplicated line: the file is refused
    with pytest.raises(Exception, match="Ligne en double"):
        importer("import_ssmsi", ecrire(tmp_path, mauvais, "double.csv"))
    assert pre_agregat() == avant == agregation_de_base()
