from django.urls import path

from . import views

app_name = "gestion"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("partenaires/", views.partenaires, name="partenaires"),
    path("partenaires/nouveau/", views.partenaire, name="partenaire_ajouter"),
    path("partenaires/<int:pk>/", views.partenaire, name="partenaire_modifier"),
    path("partenaires/<int:pk>/activer/", views.partenaire_activer, name="partenaire_activer"),
    path("comptes/", views.comptes, name="comptes"),
    path("comptes/inviter/", views.compte_inviter, name="compte_inviter"),
    path("comptes/<int:pk>/", views.compte_modifier, name="compte_modifier"),
    path("comptes/<int:pk>/reinviter/", views.compte_reinviter, name="compte_reinviter"),
    path("comptes/<int:pk>/activer/", views.compte_activer, name="compte_activer"),
    path("territoires/", views.territoires, name="territoires"),
    path("territoires/quartiers/nouveau/", views.quartier, name="quartier_ajouter"),
    path("territoires/quartiers/<int:pk>/", views.quartier, name="quartier_modifier"),
    path("territoires/communes/ajouter/", views.commune_ajouter, name="commune_ajouter"),
    path("priorites/", views.priorites, name="priorites"),
    path("priorites/nouvelle/", views.priorite, name="priorite_ajouter"),
    path("priorites/<int:pk>/", views.priorite, name="priorite_modifier"),
    path("priorites/renumeroter/", views.priorites_renumeroter, name="priorites_renumeroter"),
    path("contrat/", views.contrat, name="contrat"),
]
