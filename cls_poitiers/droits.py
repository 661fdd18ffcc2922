"""The coordination manages the contract's referential (partners, territories, users, committees…)
in the admin: after every migration, its group holds view/add/change on the models the apps
registered (cls_poitiers.registry.register_admin_coordination). Deleting stays with superusers:
history is never removed silently."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from .permissions import COORDINATION
from .registry import admin_coordination

ACTIONS = ("view", "add", "change")


def accorder_droits_coordination(**kwargs) -> None:
    groupe, _cree = Group.objects.get_or_create(name=COORDINATION)
    for label in sorted(admin_coordination()):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        ct = ContentType.objects.get_for_model(model)
        permissions = Permission.objects.filter(
            content_type=ct, codename__in=[f"{a}_{model._meta.model_name}" for a in ACTIONS]
        )
        manquantes = permissions.exclude(group=groupe)
        if manquantes.exists():
            groupe.permissions.add(*manquantes)
