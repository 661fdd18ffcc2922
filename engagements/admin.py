from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, Engagement, PointEtape, RelanceEngagement


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "titre", "priorite", "pilote", "illustratif"]
    list_filter = ["priorite", "pilote", "illustratif"]
    search_fields = ["reference", "titre"]
    filter_horizontal = ["territoires"]


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = [
        "reference",
        "partenaire",
        "action",
        "valeur_initiale",
        "valeur_cible",
        "echeance",
        "abandonne_le",
    ]
    list_filter = ["action__priorite", "partenaire", "illustratif"]
    search_fields = ["reference", "description"]
    filter_horizontal = ["territoires"]
    list_select_related = ["partenaire", "action"]
    # The version is the concurrency guard of the services: the admin does not edit it by hand.
    readonly_fields = ["version"]


@admin.register(PointEtape)
class PointEtapeAdmin(SimpleHistoryAdmin):
    """Progress reports are history: read here, added through the platform's pages, never
    modified or deleted (a correction is a new report)."""

    list_display = ["engagement", "date", "valeur", "auteur", "valide_le", "illustratif"]
    list_filter = ["engagement__partenaire", "illustratif"]
    list_select_related = ["engagement", "auteur"]
    search_fields = ["engagement__reference", "commentaire"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(RelanceEngagement)
class RelanceEngagementAdmin(admin.ModelAdmin):
    list_display = ["engagement", "motif", "date_envoi"]
    list_filter = ["motif", "date_envoi"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
