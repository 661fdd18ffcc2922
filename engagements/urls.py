from django.urls import path

from . import views

app_name = "engagements"

urlpatterns = [
    path("", views.engagement_list, name="engagement_list"),
    path("mes-engagements/", views.mes_engagements, name="mes_engagements"),
    path("syntheses/", views.syntheses, name="syntheses"),
    path("export/", views.export, name="export"),
    path("import/", views.import_view, name="import"),
    path("points-a-valider/", views.points_a_valider, name="points_a_valider"),
    path("points/<int:pk>/valider/", views.valider_point, name="valider_point"),
    path("actions/nouvelle/", views.action_create, name="action_create"),
    path("actions/<slug:reference>/", views.action_detail, name="action_detail"),
    path("actions/<slug:reference>/modifier/", views.action_edit, name="action_edit"),
    path("nouveau/", views.engagement_create, name="engagement_create"),
    path("engagement/<slug:reference>/", views.engagement_detail, name="engagement_detail"),
    path("engagement/<slug:reference>/modifier/", views.engagement_edit, name="engagement_edit"),
    path("engagement/<slug:reference>/point/", views.point_create, name="point_create"),
]
