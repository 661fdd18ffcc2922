from django import template

from comites.bilan.texte import mise_en_forme as _mise_en_forme

register = template.Library()


@register.filter
def mise_en_forme(texte):
    """Plain text with simple formatting (paragraphs, lists, **bold**, _italic_), escaped."""
    return _mise_en_forme(texte)
