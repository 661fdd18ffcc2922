from . import identite, registry
from .permissions import roles_of


def plateforme(request):
    user = getattr(request, "user", None)
    nom = identite.nom_plateforme(request)
    if user is None:
        return {"nav_entries": [], "user_roles": frozenset(), "plateforme_nom": nom}
    return {"nav_entries": registry.nav_for(user), "user_roles": roles_of(user), "plateforme_nom": nom}
