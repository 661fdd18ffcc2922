from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AnnexeDiagnostic,
    Correspondance,
    Declaration,
    Diagnostic,
    Donnee,
    Enquete,
    Indicateur,
    LotImport,
    ResultatEnquete,
    Source,
)


class CorrespondanceInline(admin.TabularInline):
    model = Correspondance
    extra = 0


@admin.register(Indicateur)
class IndicateurAdmin(SimpleHistoryAdmin):
    list_display = (
        "libelle",
        "code",
        "famille",
        "unite",
        "denominateur",
        "nomenclature",
        "est_total",
        "actif",
    )
    list_filter = ("nomenclature", "famille", "unite", "denominateur", "actif")
    search_fields = ("libelle", "code")
    inlines = [CorrespondanceInline]


@admin.register(Correspondance)
class CorrespondanceAdmin(SimpleHistoryAdmin):
    list_display = ("libelle_source", "nomenclature", "editions", "indicateur")
    list_filter = ("nomenclature",)
    search_fields = ("libelle_source",)
    list_select_related = ("indicateur",)


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ("libelle", "code", "nature", "partenaire", "illustratif", "ordre")
    list_filter = ("nature", "illustratif")


@admin.register(LotImport)
class LotImportAdmin(admin.ModelAdmin):
    list_display = (
        "fichier_nom",
        "type",
        "statut",
        "cree_par",
        "cree_le",
        "lignes_lues",
        "creees",
        "modifiees",
        "rejetees",
    )
    list_filter = ("type", "statut")
    list_select_related = ("cree_par",)
    readonly_fields = [f.name for f in LotImport._meta.fields]


@admin.register(Donnee)
class DonneeAdmin(admin.ModelAdmin):
    list_display = (
        "territoire",
        "indicateur",
        "source",
        "annee",
        "mois",
        "nombre",
        "secret",
        "lot",
        "declaration",
    )
    list_filter = ("source", "annee", "secret", "indicateur__famille")
    search_fields = ("territoire__nom", "territoire__code", "indicateur__libelle")
    list_select_related = ("territoire", "indicateur", "source", "lot", "declaration")
    raw_id_fields = ("territoire", "lot", "declaration")
    show_full_result_count = False


class DonneeInline(admin.TabularInline):
    model = Donnee
    extra = 0
    fields = ("indicateur", "nombre", "secret")
    readonly_fields = fields


@admin.register(Declaration)
class DeclarationAdmin(SimpleHistoryAdmin):
    list_display = ("partenaire", "territoire", "annee", "mois", "declare_par", "illustratif")
    list_filter = ("partenaire", "annee", "illustratif")
    list_select_related = ("partenaire", "territoire", "declare_par")
    inlines = [DonneeInline]


class ResultatInline(admin.TabularInline):
    model = ResultatEnquete
    extra = 0


@admin.register(Enquete)
class EnqueteAdmin(SimpleHistoryAdmin):
    list_display = ("titre", "date_debut", "date_fin", "repondants", "illustratif")
    inlines = [ResultatInline]


class AnnexeDiagnosticInline(admin.TabularInline):
    model = AnnexeDiagnostic
    extra = 0
    fields = ("type", "titre", "fichier_nom", "fichier_type", "taille", "illustratif")
    readonly_fields = ("fichier_nom", "fichier_type", "taille")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Annexes are uploaded through the platform's page, where their content is checked.
        return False


@admin.register(Diagnostic)
class DiagnosticAdmin(SimpleHistoryAdmin):
    list_display = ("titre", "date", "annee", "auteurs", "illustratif")
    exclude = ("texte_principal",)
    readonly_fields = ("texte_principal_nom", "texte_principal_type")
    filter_horizontal = ("territoires_prioritaires",)
    inlines = [AnnexeDiagnosticInline]
