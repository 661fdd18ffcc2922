"""The permission matrix: every URL of the project × every persona → the expected answer.

The URL list comes from the resolver, so a new URL that nobody added here fails
`test_every_url_is_in_the_matrix`. Objects are addressed through the demo data; a persona that
must not see an object gets 404 (it cannot tell it exists) or 403 (it sees it but may not act).
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cls_poitiers.models import Contrat, Courriel, Partenaire, Priorite, Territoire, Utilisateur

PERSONAS = ("anonyme", "coordination", "partenaire", "autre_partenaire", "secretariat", "analyste")
CONNECTES = PERSONAS[1:]
LOGIN = "login"  # redirect to the login page

# Namespaces checked as a whole elsewhere (the admin refuses every non-staff persona).
NAMESPACES_EXCLUS = {"admin"}


def tous(code_connecte=200, anonyme=LOGIN):
    return {"anonyme": anonyme, **dict.fromkeys(CONNECTES, code_connecte)}


def seulement(*personas, sinon=403, anonyme=LOGIN):
    return {"anonyme": anonyme, **{p: (200 if p in personas else sinon) for p in CONNECTES}}


def _demo_kwargs(name):
    from comites.models import PointOrdreDuJour, Reunion
    from engagements.models import PointEtape

    # A confidential GLTD meeting (OPARC is a member, the STP is not) and a convened steering meeting.
    gltd = (
        Reunion.objects.filter(comite__code="gltd-couronneries", statut="cr_approuve")
        .order_by("-debut")
        .first()
    )
    convoquee = Reunion.objects.filter(comite__code="pilotage", statut="convoquee").first()
    point = PointOrdreDuJour.objects.filter(reunion=convoquee).first()
    from comites.models import Bilan
    from observatoire.models import AnnexeDiagnostic, Declaration, Diagnostic, Enquete, LotImport

    contrat = Contrat.objects.get()
    # The demo sends no e-mail: one in the outbox for its page.
    courriel = Courriel.objects.first() or Courriel.objects.create(
        destinataires=["prefet@example.fr"], sujet="Convocation", corps="Bonjour"
    )
    projet_2000 = Bilan.objects.get(annee=2000, statut="brouillon")
    diagnostic = Diagnostic.objects.get()
    return {
        **{
            f"comites:{n}": {"pk": projet_2000.pk}
            for n in ("bilan_detail", "bilan_modifier", "bilan_adopter", "bilan_imprimable")
            + ("bilan_pdf", "bilan_xlsx")
        },
        **{
            f"observatoire:{n}": {"pk": diagnostic.pk}
            for n in ("diagnostic_detail", "diagnostic_modifier", "annexe_ajouter", "diagnostic_texte")
        },
        "observatoire:annexe_fichier": {"pk": AnnexeDiagnostic.objects.first().pk},
        **{
            f"comites:{n}": {"pk": gltd.pk}
            for n in ("reunion_detail", "compte_rendu", "presences", "decision_ajouter")
            + ("reunion_ics", "reunion_pdf", "compte_rendu_approuver")
        },
        **{
            f"comites:{n}": {"pk": convoquee.pk}
            for n in ("reunion_modifier", "avenant_ajouter", "reunion_annuler", "point_ajouter")
            + ("reunion_convoquer", "reunion_tenue", "reunion_repondre")
        },
        "comites:point_retirer": {"pk": convoquee.pk, "point_pk": point.pk},
        **{n: {"pk": courriel.pk} for n in ("courriel_detail", "courriel_renvoyer")},
        "comites:comite_detail": {"code": "gltd-couronneries"},
        "comites:flux_comite": {"code": "gltd-couronneries"},
        "comites:reunion_planifier": {"code": "pilotage"},
        "comites:reunion_urgente": {"code": "pilotage"},
        "comites:reunion_passee": {"code": "pilotage"},
        "comites:repondre": {"jeton": "jeton-invalide"},
        "comites:flux_personnel": {"jeton": "jeton-invalide"},
        "comites:flux_comite_jeton": {"jeton": "jeton-invalide", "code": "pilotage"},
        "engagements:action_detail": {"reference": "p3-alms"},
        "engagements:action_edit": {"reference": "p3-alms"},
        "engagements:engagement_detail": {"reference": "p3-alms-stp"},
        "engagements:engagement_edit": {"reference": "p3-alms-stp"},
        "engagements:point_create": {"reference": "p3-alms-stp"},
        "engagements:valider_point": {"pk": PointEtape.objects.first().pk},
        "observatoire:territoire": {"code": "QP086005"},
        "observatoire:import_detail": {"pk": LotImport.objects.first().pk},
        "observatoire:import_etat": {"pk": LotImport.objects.first().pk},
        "observatoire:enquete_modifier": {"pk": Enquete.objects.first().pk},
        "observatoire:import_appliquer": {"pk": LotImport.objects.first().pk},
        "observatoire:import_correspondance": {"pk": LotImport.objects.first().pk},
        "observatoire:import_relancer": {"pk": LotImport.objects.first().pk},
        "observatoire:declaration_modifier": {
            "pk": Declaration.objects.filter(partenaire__code="stp").first().pk
        },
        "contrat_detail": {"pk": contrat.pk},
        "priorite_detail": {"pk": Priorite.objects.get(numero=2).pk},
        "partenaire_detail": {"code": "stp"},
        "territoire_detail": {"code": "QP086005"},
        "journal_modele": {"label": "cls_poitiers.territoire"},
        "journal_entree": {
            "label": "cls_poitiers.territoire",
            "history_id": Territoire.history.filter(code="QP086005").latest().history_id,
        },
        "password_reset_confirm": {"uidb64": "MQ", "token": "jeton-invalide"},
        "invitation_accepter": {"uidb64": "MQ", "token": "jeton-invalide"},
        "mise_en_place:compte": {"jeton": "jeton-invalide"},
        "mise_en_place:etape": {"cle": "conseil"},
        **_gestion_kwargs(name),
    }.get(name, {})


def _gestion_kwargs(name):
    """The coordination's management pages (cls_poitiers.gestion, comites.views.gestion)."""
    from comites.models import Membre

    if not name.startswith(("gestion:", "comites:gestion_")):
        return {}
    membre = Membre.objects.filter(comite__code="pilotage").first()
    pks = {
        "partenaire": Partenaire.objects.get(code="stp").pk,
        "compte": Utilisateur.objects.get(username="stp").pk,
        "quartier": Territoire.objects.get(niveau="quartier", code="QP086005").pk,
        "priorite": Priorite.objects.get(numero=2).pk,
    }
    return {
        **{f"gestion:{objet}_modifier": {"pk": pk} for objet, pk in pks.items()},
        "gestion:partenaire_activer": {"pk": pks["partenaire"]},
        **{f"gestion:{n}": {"pk": pks["compte"]} for n in ("compte_reinviter", "compte_activer")},
        **{f"comites:gestion_{n}": {"code": "pilotage"} for n in ("instance_modifier", "membres")},
        **{
            f"comites:gestion_{n}": {"code": "pilotage", "pk": membre.pk}
            for n in ("membre_modifier", "membre_retirer")
        },
    }


GLTD_LECTURE = {
    "anonyme": LOGIN,
    "coordination": 200,
    "partenaire": 404,
    "autre_partenaire": 200,
    "secretariat": 200,
    "analyste": 404,
}
GLTD_GESTION = {**GLTD_LECTURE, "autre_partenaire": 403}
PILOTAGE_GESTION = {**GLTD_GESTION, "partenaire": 403}

BILAN_PROJET_LECTURE = {
    "anonyme": LOGIN,
    "coordination": 200,
    "partenaire": 404,
    "autre_partenaire": 404,
    "secretariat": 200,
    "analyste": 404,
}

# url name → expected answer per persona (200, 302 "login", 403, 404, 405, or 302 for another redirect).
MATRICE = {
    "accueil": tous(),
    "login": {"anonyme": 200, **dict.fromkeys(CONNECTES, 302)},
    "logout": {"anonyme": 405, **dict.fromkeys(CONNECTES, 405)},
    "password_change": tous(),
    "password_change_done": tous(),
    "password_reset": dict.fromkeys(PERSONAS, 200),
    "password_reset_done": dict.fromkeys(PERSONAS, 200),
    "password_reset_confirm": dict.fromkeys(PERSONAS, 200),
    "password_reset_complete": dict.fromkeys(PERSONAS, 200),
    "otp_configurer": tous(),
    "otp_verifier": tous(302),
    "otp_desactiver": {"anonyme": 405, **dict.fromkeys(CONNECTES, 405)},
    "contrat_list": tous(),
    "contrat_detail": tous(),
    "priorite_detail": tous(),
    "partenaire_list": tous(),
    "partenaire_detail": tous(),
    "territoire_list": tous(),
    "territoire_detail": tous(),
    "journal": seulement("coordination"),
    "journal_connexions": seulement("coordination"),
    "journal_donnees_personnelles": seulement("coordination"),
    "journal_connexion_debloquer": dict.fromkeys(PERSONAS, 405),  # POST, coordination (test_verrouillage)
    "journal_modele": seulement("coordination"),
    "journal_entree": seulement("coordination"),
    "courriel_list": seulement("coordination", "secretariat"),
    "courriel_detail": seulement("coordination"),
    "courriel_renvoyer": dict.fromkeys(
        PERSONAS, 405
    ),  # POST, coordination (tests/cls_poitiers/test_courriels.py)
    # Managing the council: the coordination's alone; changes without a form are POST only.
    **{
        f"gestion:{n}": seulement("coordination")
        for n in ("accueil", "partenaires", "partenaire_ajouter", "partenaire_modifier", "comptes")
        + ("compte_inviter", "compte_modifier", "territoires", "quartier_ajouter", "quartier_modifier")
        + ("priorites", "priorite_ajouter", "priorite_modifier", "contrat")
    },
    **{
        n: {**seulement("coordination"), "coordination": 405}
        for n in ("gestion:partenaire_activer", "gestion:compte_reinviter", "gestion:compte_activer")
        + ("gestion:commune_ajouter", "gestion:priorites_renumeroter", "comites:gestion_membre_retirer")
    },
    **{
        f"comites:gestion_{n}": seulement("coordination")
        for n in ("instances", "instance_ajouter", "instance_modifier", "membres", "membre_modifier")
    },
    # Observatoire: dashboards for every reading role (secrecy applied inside), imports for analysts,
    # declarations by partners for their own organisation.
    "observatoire:tableau_de_bord": seulement("coordination", "partenaire", "autre_partenaire", "analyste"),
    "observatoire:par_territoire": seulement("coordination", "partenaire", "autre_partenaire", "analyste"),
    "observatoire:evolution": seulement("coordination", "partenaire", "autre_partenaire", "analyste"),
    "observatoire:comparer": seulement("coordination", "partenaire", "autre_partenaire", "analyste"),
    "observatoire:territoire": seulement("coordination", "partenaire", "autre_partenaire", "analyste"),
    "observatoire:api_chiffres": seulement("coordination", "partenaire", "autre_partenaire", "analyste"),
    "observatoire:imports": seulement("coordination", "analyste"),
    "observatoire:import_detail": seulement("coordination", "analyste"),
    "observatoire:import_etat": seulement("coordination", "analyste"),
    "observatoire:import_appliquer": dict.fromkeys(PERSONAS, 405),
    "observatoire:import_correspondance": dict.fromkeys(PERSONAS, 405),
    "observatoire:import_relancer": dict.fromkeys(PERSONAS, 405),  # POST, analysts (test_imports_web)
    "observatoire:declarations": seulement("coordination", "partenaire", "autre_partenaire", "analyste"),
    "observatoire:declaration_nouvelle": seulement("partenaire", "autre_partenaire"),
    "observatoire:declaration_modifier": {**seulement("partenaire"), "autre_partenaire": 404},
    # Perceived-insecurity surveys: entered and corrected by the analysts only.
    "observatoire:enquete_list": seulement("analyste"),
    "observatoire:enquete_nouvelle": seulement("analyste"),
    "observatoire:enquete_modifier": seulement("analyste"),
    # Engagements: every role reads; partners report progress on their own organisation's
    # commitments (POST only); the coordination edits, validates and imports.
    "engagements:engagement_list": tous(),
    "engagements:export": tous(),
    "engagements:syntheses": tous(),
    "engagements:engagement_detail": tous(),
    "engagements:action_detail": tous(),
    "engagements:mes_engagements": seulement("coordination", "partenaire", "autre_partenaire"),
    "engagements:point_create": dict.fromkeys(PERSONAS, 405),
    "engagements:valider_point": dict.fromkeys(PERSONAS, 405),
    "engagements:action_create": seulement("coordination"),
    "engagements:action_edit": seulement("coordination"),
    "engagements:engagement_create": seulement("coordination", "partenaire", "autre_partenaire"),
    "engagements:engagement_edit": seulement("coordination"),
    "engagements:points_a_valider": seulement("coordination"),
    "engagements:import": seulement("coordination"),
    # Comités: lists and calendar for everyone (scoped inside); a confidential GLTD meeting is
    # invisible (404) to a partner that is not a member and to roles outside the committees;
    # members read it, its secretary and the coordination manage it.
    "comites:comite_list": tous(),
    "comites:reunion_list": tous(),
    "comites:calendrier": tous(),
    "comites:rythme": seulement("coordination", "partenaire", "autre_partenaire", "secretariat"),
    "comites:reunion_detail": GLTD_LECTURE,
    "comites:reunion_ics": GLTD_LECTURE,
    "comites:reunion_pdf": GLTD_LECTURE,
    "comites:comite_detail": GLTD_LECTURE,
    "comites:flux_comite": GLTD_LECTURE,
    "comites:compte_rendu": GLTD_GESTION,
    "comites:decision_ajouter": GLTD_GESTION,
    # Minutes already approved: attendance can no longer be edited, the managers are sent back.
    "comites:presences": {**GLTD_GESTION, "coordination": 302, "secretariat": 302},
    "comites:reunion_modifier": PILOTAGE_GESTION,
    "comites:avenant_ajouter": PILOTAGE_GESTION,
    "comites:reunion_annuler": PILOTAGE_GESTION,
    "comites:reunion_planifier": PILOTAGE_GESTION,
    "comites:reunion_urgente": PILOTAGE_GESTION,
    "comites:reunion_passee": PILOTAGE_GESTION,
    **{
        f"comites:{n}": {"anonyme": LOGIN, **dict.fromkeys(CONNECTES, 405)}
        for n in ("point_ajouter", "point_retirer", "reunion_convoquer", "reunion_tenue")
        + ("compte_rendu_approuver", "calendrier_jeton", "reunion_repondre")
    },
    # Annual reviews: the 2000 draft is read by the coordination and by the comité d'évaluation (its
    # secretary here; the STP, OPARC and the analyst's organisation are not members: 404); only the
    # coordination writes; adoption is a POST.
    "comites:bilan_list": tous(),
    "comites:bilan_rediger": {"anonyme": LOGIN, **seulement("coordination", sinon=403), "coordination": 405},
    "comites:bilan_detail": BILAN_PROJET_LECTURE,
    "comites:bilan_imprimable": BILAN_PROJET_LECTURE,
    "comites:bilan_pdf": BILAN_PROJET_LECTURE,
    "comites:bilan_xlsx": BILAN_PROJET_LECTURE,
    "comites:bilan_modifier": {**BILAN_PROJET_LECTURE, "secretariat": 403},
    "comites:bilan_adopter": {"anonyme": LOGIN, **dict.fromkeys(CONNECTES, 405)},
    # The diagnostic: every role reads it and its documents; the coordination and the analysts edit.
    # The demo's diagnostic has no main text uploaded (404).
    "observatoire:diagnostic_list": tous(),
    "observatoire:diagnostic_detail": tous(),
    "observatoire:annexe_fichier": tous(),
    "observatoire:diagnostic_texte": tous(404),
    "observatoire:diagnostic_nouveau": seulement("coordination", "analyste"),
    "observatoire:diagnostic_modifier": seulement("coordination", "analyste"),
    "observatoire:annexe_ajouter": seulement("coordination", "analyste"),
    # Token links (answers, calendar feeds) need no login; a wrong token is 404 for everyone.
    "comites:repondre": dict.fromkeys(PERSONAS, 404),
    "comites:flux_personnel": dict.fromkeys(PERSONAS, 404),
    "comites:flux_comite_jeton": dict.fromkeys(PERSONAS, 404),
    # A wrong or used invitation or set-up link answers 400 for everyone.
    "invitation_accepter": dict.fromkeys(PERSONAS, 400),
    "mise_en_place:compte": dict.fromkeys(PERSONAS, 400),
    # The set-up journey is the coordination's; /mise-en-place/ takes it up again (302), else 404.
    "mise_en_place:suite": {**dict.fromkeys(PERSONAS, 404), "coordination": 302},
    "mise_en_place:etape": seulement("coordination"),
    "mise_en_place:termine": seulement("coordination"),
}


def _url_names(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in NAMESPACES_EXCLUS:
                continue
            yield from _url_names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_is_in_the_matrix():
    manquantes = sorted(set(_url_names()) - set(MATRICE))
    assert not manquantes, f"URL absentes de la matrice des permissions : {manquantes}"


@pytest.fixture
def personas(demo, coordination, analyste):
    # The demo's own accounts: `partenaire` acts for the STP, `autre_partenaire` for OPARC (a member
    # of the Couronneries GLTD, which the STP is not), `secretariat` is the committees' secretary.
    stp = Utilisateur.objects.get(username="stp")
    oparc = Utilisateur.objects.get(username="oparc")
    assert stp.partenaire == Partenaire.objects.get(code="stp")
    return {
        "anonyme": None,
        "coordination": coordination,
        "partenaire": stp,
        "autre_partenaire": oparc,
        "secretariat": Utilisateur.objects.get(username="secretariat"),
        "analyste": analyste,
    }


@pytest.mark.django_db
def test_each_persona_gets_the_expected_answer(personas):
    """One pass over the whole matrix (the demo loads once); every mismatch is listed."""
    ecarts = []
    clients = {}
    for persona, user in personas.items():
        clients[persona] = Client()
        if user is not None:
            clients[persona].force_login(user)
    for url_name in sorted(MATRICE):
        url = reverse(url_name, kwargs=_demo_kwargs(url_name))
        for persona, attendu in MATRICE[url_name].items():
            response = clients[persona].get(url)
            if attendu == LOGIN:
                ok = response.status_code == 302 and response["Location"].startswith(reverse("login"))
            else:
                ok = response.status_code == attendu
            if not ok:
                ecarts.append(
                    f"{url_name} ({url}) × {persona} : attendu {attendu}, obtenu {response.status_code}"
                )
    assert not ecarts, "\n".join(ecarts)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", CONNECTES)
def test_admin_refuses_every_non_staff_persona(request, persona):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_partner_cannot_post_progress_on_another_organisations_commitment(personas):
    from engagements.models import Engagement

    engagement = Engagement.objects.get(reference="p3-alms-stp")
    avant = engagement.points.count()
    client = Client()
    client.force_login(personas["autre_partenaire"])
    response = client.post(
        reverse("engagements:point_create", kwargs={"reference": engagement.reference}),
        {"date": "15/06/1999", "valeur": "2", "commentaire": "Tentative"},
    )
    assert response.status_code in (403, 404)
    assert engagement.points.count() == avant
