"""Template filters for French figures: {{ value|nombre }}, {{ value|taux }}, {{ value|pourcentage }}."""

from django import template

from cls_poitiers import formats

register = template.Library()


@register.filter
def nombre(value, decimales=0):
    return formats.nombre(value, int(decimales))


@register.filter
def taux(value, decimales=1):
    return formats.taux(value, int(decimales))


@register.filter
def pourcentage(value, decimales=0):
    return formats.pourcentage(value, int(decimales))


@register.filter
def has_role(user, role):
    from cls_poitiers.permissions import has_role as _has_role

    return _has_role(user, role)
