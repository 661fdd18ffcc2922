from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .gestion.roles import RolesAccordablesMixin
from .models import Contrat, Courriel, Partenaire, Population, Priorite, Signataire, Territoire, Utilisateur


def _superutilisateur_seul(request) -> bool:
    """Only a superuser reaches the admin. The coordination manages the council in the
    application (cls_poitiers.gestion): a staff account without superuser status gets the admin's
    login page, whatever its roles, so no admin form (the user form, its history and revert
    views, the groups) can serve to raise its rights."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superutilisateur_seul

# Fields through which an account's rights go beyond its roles: a superuser's alone.
CHAMPS_SUPERUTILISATEUR = ("is_superuser", "user_permissions")


def _sans_champs_superutilisateur(fieldsets):
    return tuple(
        (
            titre,
            {**options, "fields": tuple(f for f in options["fields"] if f not in CHAMPS_SUPERUTILISATEUR)},
        )
        for titre, options in fieldsets
    )


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin, SimpleHistoryAdmin):
    """Accounts, for a superuser (the coordination manages them in the application, under the
    same rule on roles). Superuser status and individual permissions stay out of the form of
    anyone else the admin would ever let in, and so do superusers' accounts."""

    list_display = ("username", "first_name", "last_name", "partenaire", "is_active")
    list_filter = ("groups", "partenaire", "is_active")
    list_select_related = ("partenaire",)
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("partenaire", "fonction")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Organisation"), {"fields": ("partenaire", "fonction", "email", "groups")}),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return _sans_champs_superutilisateur(fieldsets)

    def get_form(self, request, obj=None, **kwargs):
        # The form holds only the fields of get_fieldsets: a forged `is_superuser=on` is ignored.
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (RolesAccordablesMixin, form), {"demandeur": request.user})

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(is_superuser=False)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Partenaire)
class PartenaireAdmin(SimpleHistoryAdmin):
    list_display = ("nom", "sigle", "nature", "territoire", "actif")
    list_filter = ("nature", "actif")
    search_fields = ("nom", "sigle", "code")
    list_select_related = ("territoire",)


class PopulationInline(admin.TabularInline):
    model = Population
    extra = 0


@admin.register(Territoire)
class TerritoireAdmin(SimpleHistoryAdmin):
    list_display = ("nom", "code", "niveau", "parent", "prioritaire")
    list_filter = ("niveau", "prioritaire")
    search_fields = ("nom", "code")
    list_select_related = ("parent",)
    inlines = [PopulationInline]


@admin.register(Population)
class PopulationAdmin(SimpleHistoryAdmin):
    list_display = ("territoire", "annee", "habitants", "logements", "source", "illustratif")
    list_filter = ("annee", "illustratif")
    list_select_related = ("territoire",)


class SignataireInline(admin.TabularInline):
    model = Signataire
    extra = 0


class PrioriteInline(admin.StackedInline):
    model = Priorite
    extra = 0


@admin.register(Contrat)
class ContratAdmin(SimpleHistoryAdmin):
    list_display = ("titre", "date_signature", "territoire")
    inlines = [SignataireInline, PrioriteInline]


@admin.register(Courriel)
class CourrielAdmin(admin.ModelAdmin):
    list_display = ("sujet", "statut", "tentatives", "cree_le", "envoye_le")
    list_filter = ("statut",)
    readonly_fields = [f.name for f in Courriel._meta.fields]
