from django.conf import settings

from . import registry
from .permissions import roles_of


def plateforme(request):
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_entries": [], "user_roles": frozenset(), "plateforme_nom": settings.CLS_PLATEFORME_NOM}
    return {
        "nav_entries": registry.nav_for(user),
        "user_roles": roles_of(user),
        "plateforme_nom": settings.CLS_PLATEFORME_NOM,
    }
