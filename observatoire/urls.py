from django.urls import path

from . import views

app_name = "observatoire"

urlpatterns = [
    path("", views.tableau_de_bord, name="tableau_de_bord"),
    path("territoires/", views.par_territoire, name="par_territoire"),
    path("evolution/", views.evolution, name="evolution"),
    path("territoires/<str:code>/", views.territoire, name="territoire"),
    path("api/chiffres/", views.api_chiffres, name="api_chiffres"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/etat/", views.import_etat, name="import_etat"),
    path("imports/<int:pk>/appliquer/", views.import_appliquer, name="import_appliquer"),
    path("declarations/", views.declarations, name="declarations"),
    path("declarations/nouvelle/", views.declaration_nouvelle, name="declaration_nouvelle"),
    path("declarations/<int:pk>/", views.declaration_modifier, name="declaration_modifier"),
]
