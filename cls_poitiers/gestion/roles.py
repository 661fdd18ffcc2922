"""Who may grant which role: the one rule, used by the accounts pages and by the admin.

Nobody grants a role that carries a permission they do not hold themselves, and the last
coordination account does not give up its role (the council would have nobody to manage it)."""

from django import forms
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from ..permissions import COORDINATION


def permissions_du_groupe(groupe) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(group=groupe).values_list(
            "content_type__app_label", "codename"
        )
    }


def roles_non_accordables(demandeur, groupes, deja=()) -> list[str]:
    """The names of the roles among `groupes` (not already held: `deja`) that `demandeur` may not
    grant, because they carry a permission `demandeur` lacks. None for a superuser."""
    if demandeur is None or demandeur.is_superuser:
        return []
    detenues = demandeur.get_all_permissions()
    return sorted(g.name for g in groupes if g not in set(deja) and not permissions_du_groupe(g) <= detenues)


def verifier_roles_accordables(demandeur, groupes, deja=()) -> None:
    refuses = roles_non_accordables(demandeur, groupes, deja)
    if refuses:
        raise forms.ValidationError(
            _(
                "Vous ne pouvez pas accorder un rôle dont vous n’avez pas vous-même "
                "tous les droits : %(roles)s."
            ),
            params={"roles": ", ".join(refuses)},
        )


def verifier_derniere_coordination(compte, groupes) -> None:
    """The last active coordination account keeps its role."""
    if not compte.pk or any(g.name == COORDINATION for g in groupes):
        return
    coordination = Group.objects.filter(name=COORDINATION).first()
    if coordination is None or not compte.groups.filter(pk=coordination.pk).exists():
        return
    autres = coordination.user_set.filter(is_active=True).exclude(pk=compte.pk)
    if not autres.exists():
        raise forms.ValidationError(
            _(
                "Ce compte est le dernier de la coordination : il garde ce rôle tant qu’aucun "
                "autre compte ne le détient."
            )
        )


class RolesAccordablesMixin:
    """For a form with a `groups` field: nobody grants a role that carries a permission they do
    not hold themselves, and the last coordination account keeps its role. `demandeur`, the
    person acting, is set by the view (or by the admin on the form class it builds)."""

    demandeur = None

    def clean_groups(self):
        groupes = self.cleaned_data["groups"]
        deja = set(self.instance.groups.all()) if self.instance.pk else set()
        verifier_roles_accordables(self.demandeur, groupes, deja)
        verifier_derniere_coordination(self.instance, groupes)
        return groupes
