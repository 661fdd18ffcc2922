from django.urls import path

from . import views

app_name = "mise_en_place"

urlpatterns = [
    path("", views.suite, name="suite"),
    path("etape/<slug:cle>/", views.etape, name="etape"),
    path("termine/", views.termine, name="termine"),
    path("<str:jeton>/", views.compte, name="compte"),
]
