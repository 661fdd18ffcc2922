from django.urls import include, path

from .views import bilans, calendrier, comites, gestion, reponses, reunions, rythme, seances

app_name = "comites"

# A meeting's pages, under its number: what its secretaries manage, then its files.
pages_reunion = [
    path("", reunions.reunion_detail, name="reunion_detail"),
    path("modifier/", reunions.reunion_modifier, name="reunion_modifier"),
    path("ordre-du-jour/", seances.point_ajouter, name="point_ajouter"),
    path("ordre-du-jour/<int:point_pk>/retirer/", seances.point_retirer, name="point_retirer"),
    path("convoquer/", reunions.reunion_convoquer, name="reunion_convoquer"),
    path("annuler/", reunions.reunion_annuler, name="reunion_annuler"),
    path("tenue/", reunions.reunion_tenue, name="reunion_tenue"),
    path("repondre/", reponses.repondre_connecte, name="reunion_repondre"),
    path("presences/", seances.presences, name="presences"),
    path("compte-rendu/", seances.compte_rendu, name="compte_rendu"),
    path("compte-rendu/approuver/", seances.compte_rendu_approuver, name="compte_rendu_approuver"),
    path("decisions/ajouter/", seances.decision_ajouter, name="decision_ajouter"),
    path("avenants/ajouter/", seances.avenant_ajouter, name="avenant_ajouter"),
    path("reunion.ics", calendrier.reunion_ics, name="reunion_ics"),
    path("reunion.pdf", reunions.reunion_pdf, name="reunion_pdf"),
]
# An annual review's pages, under its number.
pages_bilan = [
    path("", bilans.bilan_detail, name="bilan_detail"),
    path("modifier/", bilans.bilan_modifier, name="bilan_modifier"),
    path("adopter/", bilans.bilan_adopter, name="bilan_adopter"),
    path("imprimer/", bilans.bilan_imprimable, name="bilan_imprimable"),
    path("bilan.pdf", bilans.bilan_pdf, name="bilan_pdf"),
    path("bilan.xlsx", bilans.bilan_xlsx, name="bilan_xlsx"),
]

# The coordination's management of the instances and their members.
pages_gestion = [
    path("", gestion.instances, name="gestion_instances"),
    path("nouvelle/", gestion.instance, name="gestion_instance_ajouter"),
    path("<slug:code>/", gestion.instance, name="gestion_instance_modifier"),
    path("<slug:code>/membres/", gestion.membres, name="gestion_membres"),
    path("<slug:code>/membres/<int:pk>/", gestion.membre_modifier, name="gestion_membre_modifier"),
    path("<slug:code>/membres/<int:pk>/retirer/", gestion.membre_retirer, name="gestion_membre_retirer"),
]

urlpatterns = [
    path("", comites.comite_list, name="comite_list"),
    path("gestion/", include(pages_gestion)),
    path("reunions/", reunions.reunion_list, name="reunion_list"),
    path("reunions/<int:pk>/", include(pages_reunion)),
    path("reponse/<str:jeton>/", reponses.repondre, name="repondre"),
    path("calendrier/", calendrier.calendrier_mois, name="calendrier"),
    path("calendrier/jeton/", calendrier.calendrier_jeton, name="calendrier_jeton"),
    path("flux/<str:jeton>/reunions.ics", calendrier.flux_personnel, name="flux_personnel"),
    path("flux/<str:jeton>/<slug:code>.ics", calendrier.flux_comite_jeton, name="flux_comite_jeton"),
    path("rythme/", rythme.rythme_page, name="rythme"),
    path("bilans/", bilans.bilan_list, name="bilan_list"),
    path("bilans/rediger/", bilans.bilan_rediger, name="bilan_rediger"),
    path("bilans/<int:pk>/", include(pages_bilan)),
    path("<slug:code>/", comites.comite_detail, name="comite_detail"),
    path("<slug:code>/flux.ics", calendrier.flux_comite, name="flux_comite"),
    path("<slug:code>/planifier/", reunions.reunion_planifier, name="reunion_planifier"),
    path("<slug:code>/urgence/", reunions.reunion_urgente, name="reunion_urgente"),
    path("<slug:code>/reunion-passee/", seances.reunion_passee, name="reunion_passee"),
]
