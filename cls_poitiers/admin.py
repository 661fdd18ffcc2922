from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Contrat, Courriel, Partenaire, Population, Priorite, Signataire, Territoire, Utilisateur


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin, SimpleHistoryAdmin):
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
