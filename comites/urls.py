from django.urls import path

from .views import bilans, calendrier, comites, reponses, reunions, rythme, seances

app_name = "comites"

urlpatterns = [
    path("", comites.comite_list, name="comite_list"),
    path("reunions/", reunions.reunion_list, name="reunion_list"),
    path("reunions/<int:pk>/", reunions.reunion_detail, name="reunion_detail"),
    path("reunions/<int:pk>/modifier/", reunions.reunion_modifier, name="reunion_modifier"),
    path("reunions/<int:pk>/ordre-du-jour/", seances.point_ajouter, name="point_ajouter"),
    path(
        "reunions/<int:pk>/ordre-du-jour/<int:point_pk>/retirer/", seances.point_retirer, name="point_retirer"
    ),
    path("reunions/<int:pk>/convoquer/", reunions.reunion_convoquer, name="reunion_convoquer"),
    path("reunions/<int:pk>/annuler/", reunions.reunion_annuler, name="reunion_annuler"),
    path("reunions/<int:pk>/tenue/", reunions.reunion_tenue, name="reunion_tenue"),
    path("reunions/<int:pk>/presences/", seances.presences, name="presences"),
    path("reunions/<int:pk>/compte-rendu/", seances.compte_rendu, name="compte_rendu"),
    path(
        "reunions/<int:pk>/compte-rendu/approuver/",
        seances.compte_rendu_approuver,
        name="compte_rendu_approuver",
    ),
    path("reunions/<int:pk>/decisions/ajouter/", seances.decision_ajouter, name="decision_ajouter"),
    path("reunions/<int:pk>/avenants/ajouter/", seances.avenant_ajouter, name="avenant_ajouter"),
    path("reunions/<int:pk>/reunion.ics", calendrier.reunion_ics, name="reunion_ics"),
    path("reunions/<int:pk>/reunion.pdf", reunions.reunion_pdf, name="reunion_pdf"),
    path("reponse/<str:jeton>/", reponses.repondre, name="repondre"),
    path("calendrier/", calendrier.calendrier_mois, name="calendrier"),
    path("calendrier/jeton/", calendrier.calendrier_jeton, name="calendrier_jeton"),
    path("flux/<str:jeton>/reunions.ics", calendrier.flux_personnel, name="flux_personnel"),
    path("flux/<str:jeton>/<slug:code>.ics", calendrier.flux_comite_jeton, name="flux_comite_jeton"),
    path("rythme/", rythme.rythme_page, name="rythme"),
    path("bilans/", bilans.bilan_list, name="bilan_list"),
    path("bilans/rediger/", bilans.bilan_rediger, name="bilan_rediger"),
    path("bilans/<int:pk>/", bilans.bilan_detail, name="bilan_detail"),
    path("bilans/<int:pk>/modifier/", bilans.bilan_modifier, name="bilan_modifier"),
    path("bilans/<int:pk>/adopter/", bilans.bilan_adopter, name="bilan_adopter"),
    path("bilans/<int:pk>/imprimer/", bilans.bilan_imprimable, name="bilan_imprimable"),
    path("bilans/<int:pk>/bilan.pdf", bilans.bilan_pdf, name="bilan_pdf"),
    path("bilans/<int:pk>/bilan.xlsx", bilans.bilan_xlsx, name="bilan_xlsx"),
    path("<slug:code>/", comites.comite_detail, name="comite_detail"),
    path("<slug:code>/flux.ics", calendrier.flux_comite, name="flux_comite"),
    path("<slug:code>/planifier/", reunions.reunion_planifier, name="reunion_planifier"),
    path("<slug:code>/urgence/", reunions.reunion_urgente, name="reunion_urgente"),
]
