from django.urls import path

from . import views, views_comparaison

app_name = "observatoire"

urlpatterns = [
    path("", views.tableau_de_bord, name="tableau_de_bord"),
    path("territoires/", views.par_territoire, name="par_territoire"),
    path("evolution/", views.evolution, name="evolution"),
    path("comparer/", views_comparaison.comparer, name="comparer"),
    path("territoires/<str:code>/", views.territoire, name="territoire"),
    path("api/chiffres/", views.api_chiffres, name="api_chiffres"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/etat/", views.import_etat, name="import_etat"),
    path("imports/<int:pk>/appliquer/", views.import_appliquer, name="import_appliquer"),
    path("imports/<int:pk>/correspondance/", views.import_correspondance, name="import_correspondance"),
    path("imports/<int:pk>/relancer/", views.import_relancer, name="import_relancer"),
    path("declarations/", views.declarations, name="declarations"),
    path("declarations/nouvelle/", views.declaration_nouvelle, name="declaration_nouvelle"),
    path("declarations/<int:pk>/", views.declaration_modifier, name="declaration_modifier"),
    path("enquetes/", views.enquete_list, name="enquete_list"),
    path("enquetes/nouvelle/", views.enquete_nouvelle, name="enquete_nouvelle"),
    path("enquetes/<int:pk>/", views.enquete_modifier, name="enquete_modifier"),
    path("diagnostics/", views.diagnostic_list, name="diagnostic_list"),
    path("diagnostics/nouveau/", views.diagnostic_nouveau, name="diagnostic_nouveau"),
    path("diagnostics/<int:pk>/", views.diagnostic_detail, name="diagnostic_detail"),
    path("diagnostics/<int:pk>/modifier/", views.diagnostic_modifier, name="diagnostic_modifier"),
    path("diagnostics/<int:pk>/annexes/ajouter/", views.annexe_ajouter, name="annexe_ajouter"),
    path("diagnostics/<int:pk>/texte-principal/", views.diagnostic_texte, name="diagnostic_texte"),
    path("diagnostics/annexes/<int:pk>/fichier/", views.annexe_fichier, name="annexe_fichier"),
]
