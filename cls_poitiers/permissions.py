"""Who may do what: the one place that holds the platform's authorization rules.

Roles are Django groups; `ROLES` and its constants are their one definition. Apps scope their
querysets with methods named after what the user wants to do (`Engagement.objects.visibles_par(user)`,
`termes_modifiables_par(user)`), built on the helpers below, and views fetch objects only through
those querysets, so an object outside a user's scope answers 404 whatever its id.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

COORDINATION = "Coordination"
PARTENAIRE = "Partenaire"
SECRETARIAT = "Secrétariat"
OBSERVATOIRE = "Observatoire"
ROLES = (COORDINATION, PARTENAIRE, SECRETARIAT, OBSERVATOIRE)


def roles_of(user) -> frozenset[str]:
    """The user's roles, read once per request object and cached on it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_cls_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._cls_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True when the user holds at least one of `roles`. Superusers hold every role."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return bool(roles_of(user) & set(roles))


def is_coordination(user) -> bool:
    return has_role(user, COORDINATION)


def sees_detailed_figures(user) -> bool:
    """Analysts and the coordination see small counts; every other role sees them masked."""
    return has_role(user, OBSERVATOIRE, COORDINATION)


def de_son_organisation(queryset, user):
    """A partner sees (and writes) its own organisation's rows: the rows of `queryset` whose
    `partenaire` is the user's organisation when the user holds the Partenaire role; none otherwise."""
    if has_role(user, PARTENAIRE) and user.partenaire_id:
        return queryset.filter(partenaire_id=user.partenaire_id)
    return queryset.none()


def check_role(user, *roles: str) -> None:
    if not has_role(user, *roles):
        raise PermissionDenied


def role_required(*roles: str):
    """View decorator: the user must be logged in (else redirect to login) and hold one of `roles`
    (else 403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            check_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin(LoginRequiredMixin):
    """Class-based views: set `roles = (COORDINATION, ...)`; an empty tuple means any logged-in user."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.roles:
            check_role(request.user, *self.roles)
        return super().dispatch(request, *args, **kwargs)
