from django.urls import path

from . import views

app_name = "observatoire"

urlpatterns = [
    path("", views.tableau_de_bord, name="tableau_de_bord"),
]
