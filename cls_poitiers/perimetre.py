"""Which contract a page shows, and which territories it may name: the pages' shared reads of
the contract's perimeter (`TerritoireQuerySet.du_contrat`) and of successive contracts
(`ContratQuerySet.courant`)."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import Contrat, Territoire

# The national context of the contract's territories: their pages stay readable, the rest of the
# referential (35 000 communes, 1 250 EPCI) is no page of the platform.
NIVEAUX_NATIONAUX = (Territoire.Niveau.PAYS, Territoire.Niveau.REGION, Territoire.Niveau.DEPARTEMENT)


def contrat_demande(request) -> Contrat | None:
    """The contract a list shows: the one named by `?contrat=<pk>` (404 if unknown), else the
    current one (None without any contract)."""
    valeur = request.GET.get("contrat", "")
    if not valeur:
        return Contrat.objects.courant()
    if not valeur.isdigit():
        raise Http404(_("Ce contrat n'existe pas."))
    return get_object_or_404(Contrat, pk=valeur)


def territoire_de_l_adresse(request, code: str, queryset=None) -> Territoire:
    """The territory a page's address names: its code, and its level when `?niveau=` says it
    (département 75 and région 75 are two territories); without it, the narrowest. 404 when
    unknown."""
    queryset = Territoire.objects.all() if queryset is None else queryset
    territoire = queryset.par_code(code, niveau=request.GET.get("niveau") or None)
    if territoire is None:
        raise Http404(_("Ce territoire n'existe pas."))
    return territoire


def territoires_publies():
    """The territories the core pages show: the current contract's perimeter and its national
    context (France, régions, départements). One query with the rest of the page's read."""
    perimetre = Territoire.objects.du_contrat_courant().values("pk")
    return Territoire.objects.filter(Q(niveau__in=NIVEAUX_NATIONAUX) | Q(pk__in=perimetre))
