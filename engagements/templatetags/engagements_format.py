"""{{ valeur|lisible }}: a stored value as French readers expect it (history, conflicts, imports)."""

from django import template

from cls_poitiers import formats
from engagements.historique import lisible as _lisible

register = template.Library()


@register.filter
def lisible(valeur):
    return _lisible(valeur)


@register.filter
def part_en_pourcentage(part):
    """A share in [0, 1] (weighted progress) as '45 %'; '—' when there is none."""
    if part is None:
        return "—"
    return formats.pourcentage(part * 100)
