from django.urls import path

from . import views

app_name = "comites"

urlpatterns = [
    path("", views.comite_list, name="comite_list"),
    path("reunions/", views.reunion_list, name="reunion_list"),
    path("reunions/<int:pk>/", views.reunion_detail, name="reunion_detail"),
    path("reunions/<int:pk>/modifier/", views.reunion_modifier, name="reunion_modifier"),
    path("reunions/<int:pk>/ordre-du-jour/", views.point_ajouter, name="point_ajouter"),
    path(
        "reunions/<int:pk>/ordre-du-jour/<int:point_pk>/retirer/", views.point_retirer, name="point_retirer"
    ),
    path("reunions/<int:pk>/convoquer/", views.reunion_convoquer, name="reunion_convoquer"),
    path("reunions/<int:pk>/annuler/", views.reunion_annuler, name="reunion_annuler"),
    path("reunions/<int:pk>/tenue/", views.reunion_tenue, name="reunion_tenue"),
    path("reunions/<int:pk>/presences/", views.presences, name="presences"),
    path("reunions/<int:pk>/compte-rendu/", views.compte_rendu, name="compte_rendu"),
    path(
        "reunions/<int:pk>/compte-rendu/approuver/",
        views.compte_rendu_approuver,
        name="compte_rendu_approuver",
    ),
    path("reunions/<int:pk>/decisions/ajouter/", views.decision_ajouter, name="decision_ajouter"),
    path("reunions/<int:pk>/avenants/ajouter/", views.avenant_ajouter, name="avenant_ajouter"),
    path("reunions/<int:pk>/reunion.ics", views.reunion_ics, name="reunion_ics"),
    path("reunions/<int:pk>/reunion.pdf", views.reunion_pdf, name="reunion_pdf"),
    path("reponse/<str:jeton>/", views.repondre, name="repondre"),
    path("calendrier/", views.calendrier_mois, name="calendrier"),
    path("calendrier/jeton/", views.calendrier_jeton, name="calendrier_jeton"),
    path("flux/<str:jeton>/reunions.ics", views.flux_personnel, name="flux_personnel"),
    path("flux/<str:jeton>/<slug:code>.ics", views.flux_comite_jeton, name="flux_comite_jeton"),
    path("rythme/", views.rythme_page, name="rythme"),
    path("bilans/", views.bilan_list, name="bilan_list"),
    path("bilans/rediger/", views.bilan_rediger, name="bilan_rediger"),
    path("bilans/<int:pk>/", views.bilan_detail, name="bilan_detail"),
    path("bilans/<int:pk>/modifier/", views.bilan_modifier, name="bilan_modifier"),
    path("bilans/<int:pk>/adopter/", views.bilan_adopter, name="bilan_adopter"),
    path("bilans/<int:pk>/imprimer/", views.bilan_imprimable, name="bilan_imprimable"),
    path("bilans/<int:pk>/bilan.pdf", views.bilan_pdf, name="bilan_pdf"),
    path("bilans/<int:pk>/bilan.xlsx", views.bilan_xlsx, name="bilan_xlsx"),
    path("<slug:code>/", views.comite_detail, name="comite_detail"),
    path("<slug:code>/flux.ics", views.flux_comite, name="flux_comite"),
    path("<slug:code>/planifier/", views.reunion_planifier, name="reunion_planifier"),
    path("<slug:code>/urgence/", views.reunion_urgente, name="reunion_urgente"),
]
