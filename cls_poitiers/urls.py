from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views, views_audit, views_invitation, views_otp
from .forms import ConnexionForm, ReinitialisationForm

admin.site.site_header = _("Administration du CLS")
admin.site.site_title = _("Administration du CLS")
admin.site.index_title = _("Référentiel du contrat")

auth_patterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(authentication_form=ConnexionForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("invitation/<uidb64>/<token>/", views_invitation.accepter, name="invitation_accepter"),
    path("mot-de-passe/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/modifie/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("double-authentification/", views_otp.configurer, name="otp_configurer"),
    path("double-authentification/code/", views_otp.verifier, name="otp_verifier"),
    path("double-authentification/desactiver/", views_otp.desactiver, name="otp_desactiver"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(form_class=ReinitialisationForm),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "mot-de-passe/reinitialisation/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/reinitialise/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("compte/", include(auth_patterns)),
    path("mise-en-place/", include("cls_poitiers.mise_en_place.urls")),
    path("contrats/", views.contrat_list, name="contrat_list"),
    path("contrat/<int:pk>/", views.contrat_detail, name="contrat_detail"),
    path("priorites/<int:pk>/", views.priorite_detail, name="priorite_detail"),
    path("partenaires/", views.partenaire_list, name="partenaire_list"),
    path("partenaires/<slug:code>/", views.partenaire_detail, name="partenaire_detail"),
    path("territoires/", views.territoire_list, name="territoire_list"),
    path("territoires/<str:code>/", views.territoire_detail, name="territoire_detail"),
    path("journal/", views_audit.journal, name="journal"),
    path("courriels/", views_audit.courriel_list, name="courriel_list"),
    path("courriels/<int:pk>/", views_audit.courriel_detail, name="courriel_detail"),
    path("courriels/<int:pk>/renvoyer/", views_audit.courriel_renvoyer, name="courriel_renvoyer"),
    path("journal/connexions/", views_audit.journal_connexions, name="journal_connexions"),
    path(
        "journal/donnees-personnelles/",
        views_audit.journal_donnees_personnelles,
        name="journal_donnees_personnelles",
    ),
    path(
        "journal/connexions/debloquer/", views_audit.connexion_debloquer, name="journal_connexion_debloquer"
    ),
    path("journal/<str:label>/", views_audit.journal_modele, name="journal_modele"),
    path("journal/<str:label>/<int:history_id>/", views_audit.journal_entree, name="journal_entree"),
    path("gestion/", include("cls_poitiers.gestion.urls")),
    path("engagements/", include("engagements.urls")),
    path("comites/", include("comites.urls")),
    path("observatoire/", include("observatoire.urls")),
    path("admin/", admin.site.urls),
]

# No URL serves MEDIA_ROOT, in any mode: an uploaded file (import, diagnostic, annex) is read only
# through its app's view, which checks the role.
