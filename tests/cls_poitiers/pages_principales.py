"""The main pages of the demo, as each role reaches them from the menu (phones and French tests).

Built from the demo's own objects (`demo` fixture): a contract, a priority, a commitment, a
meeting, a review, an import, a declaration, a diagnostic, a journal entry. Each role's list holds
the pages that role may open; every one must answer 200.
"""

from django.urls import reverse

from cls_poitiers.demo import MOT_DE_PASSE_DEMO
from cls_poitiers.models import Contrat, Partenaire, Priorite, Territoire
from comites.models import Bilan, Comite, Reunion
from engagements.models import Action, Engagement
from observatoire.models import Declaration, Diagnostic, LotImport

# Demo accounts (cls_poitiers/demo.py): one per role; for a partner, the bus network (STP), which
# declares figures.
COMPTES = {
    "coordination": "coordination",
    "secretariat": "secretariat",
    "analyste": "analyste",
    "partenaire": "stp",
}
MOT_DE_PASSE = MOT_DE_PASSE_DEMO


def _communes():
    contrat = Contrat.objects.order_by("pk").first()
    priorite = Priorite.objects.order_by("numero").first()
    engagement = Engagement.objects.order_by("reference").first()
    comite = Comite.objects.order_by("pk").first()
    reunion = Reunion.objects.order_by("-debut").first()
    territoire = Territoire.objects.order_by("code").first()
    partenaire = Partenaire.objects.order_by("code").first()
    return [
        reverse("accueil"),
        reverse("contrat_detail", args=[contrat.pk]),
        reverse("priorite_detail", args=[priorite.pk]),
        reverse("engagements:engagement_list"),
        reverse("engagements:engagement_detail", args=[engagement.reference]),
        reverse("engagements:action_detail", args=[engagement.action.reference]),
        reverse("engagements:syntheses"),
        reverse("comites:comite_list"),
        reverse("comites:comite_detail", args=[comite.code]),
        reverse("comites:reunion_list"),
        reverse("comites:reunion_detail", args=[reunion.pk]),
        reverse("comites:calendrier"),
        reverse("comites:bilan_list"),
        reverse("territoire_list"),
        reverse("territoire_detail", args=[territoire.code]),
        reverse("partenaire_list"),
        reverse("partenaire_detail", args=[partenaire.code]),
    ]


def pages_principales(role: str) -> list[str]:
    """The URLs of the main pages that `role` (a key of COMPTES) opens."""
    pages = _communes()
    if role != "secretariat":
        pages += [
            reverse("observatoire:tableau_de_bord"),
            reverse("observatoire:par_territoire"),
            reverse("observatoire:evolution"),
        ]
    bilan = Bilan.objects.order_by("-annee").first()
    reunion = Reunion.objects.order_by("-debut").first()
    if role == "coordination":
        engagement = Engagement.objects.order_by("reference").first()
        pages += [
            reverse("engagements:engagement_create"),
            reverse("engagements:engagement_edit", args=[engagement.reference]),
            reverse("engagements:action_edit", args=[Action.objects.order_by("reference").first().reference]),
            reverse("engagements:points_a_valider"),
            reverse("engagements:import"),
            reverse("comites:bilan_detail", args=[bilan.pk]),
            reverse("comites:reunion_planifier", args=[reunion.comite.code]),
            reverse("comites:rythme"),
            reverse("journal"),
            reverse("journal_modele", args=["engagements.engagement"]),
            reverse("journal_connexions"),
            reverse("courriel_list"),
            reverse("observatoire:diagnostic_list"),
            reverse("observatoire:diagnostic_detail", args=[Diagnostic.objects.order_by("pk").first().pk]),
        ]
    elif role == "secretariat":
        pages += [
            reverse("comites:reunion_modifier", args=[reunion.pk]),
            reverse("comites:rythme"),
            reverse("courriel_list"),
        ]
    elif role == "analyste":
        pages += [
            reverse("observatoire:imports"),
            reverse("observatoire:import_detail", args=[LotImport.objects.order_by("pk").first().pk]),
            reverse("observatoire:declarations"),
            reverse("observatoire:diagnostic_list"),
        ]
    elif role == "partenaire":
        declaration = (
            Declaration.objects.filter(partenaire__code=COMPTES["partenaire"]).order_by("pk").first()
        )
        pages += [
            reverse("engagements:mes_engagements"),
            reverse("comites:rythme"),
            reverse("observatoire:declarations"),
            reverse("observatoire:declaration_nouvelle"),
            reverse("observatoire:declaration_modifier", args=[declaration.pk]),
        ]
    return pages
