from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Avenant,
    Comite,
    CompteRendu,
    Decision,
    Membre,
    ModificationAvenant,
    PointOrdreDuJour,
    Presence,
    Reunion,
)


class MembreInline(admin.TabularInline):
    model = Membre
    extra = 0
    autocomplete_fields = ("partenaire",)


@admin.register(Comite)
class ComiteAdmin(SimpleHistoryAdmin):
    list_display = ("nom", "type", "territoire", "rythme", "illustratif")
    list_filter = ("type", "rythme")
    search_fields = ("nom", "code")
    filter_horizontal = ("secretaires",)
    inlines = [MembreInline]
    list_select_related = ("territoire",)


class PointInline(admin.TabularInline):
    model = PointOrdreDuJour
    extra = 0
    filter_horizontal = ("engagements", "territoires")


class PresenceInline(admin.TabularInline):
    model = Presence
    extra = 0
    readonly_fields = ("membre", "reponse", "reponse_represente_par", "repondu_le")


@admin.register(Reunion)
class ReunionAdmin(SimpleHistoryAdmin):
    """Read-mostly: the meeting's life (convocation, cancellation…) goes through the platform's
    pages, which send the e-mails; the admin is for corrections."""

    list_display = ("titre", "comite", "debut", "statut", "nature")
    list_filter = ("statut", "nature", "comite")
    date_hierarchy = "debut"
    search_fields = ("titre",)
    list_select_related = ("comite",)
    readonly_fields = ("statut", "sequence", "uid", "convoquee_le")
    inlines = [PointInline, PresenceInline]


@admin.register(CompteRendu)
class CompteRenduAdmin(SimpleHistoryAdmin):
    list_display = ("reunion", "redige_par", "modifie_le", "approuve_le")
    list_select_related = ("reunion", "redige_par")


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "reunion")
    list_select_related = ("reunion",)


class ModificationInline(admin.TabularInline):
    model = ModificationAvenant
    extra = 0
    readonly_fields = ("champ", "libelle", "ancienne_valeur", "nouvelle_valeur")
    can_delete = False


@admin.register(Avenant)
class AvenantAdmin(SimpleHistoryAdmin):
    """Amendments are history: they are read here, never changed (recorded by the service)."""

    list_display = ("__str__", "objet", "engagement", "decision")
    list_select_related = ("engagement", "decision__reunion")
    readonly_fields = ("contrat", "numero", "decision", "objet", "engagement", "adopte_par", "cree_le")
    inlines = [ModificationInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
