"""{% detail_panels obj %}: the sections other apps register for an object's page."""

from django import template

from cls_poitiers import registry

register = template.Library()


@register.inclusion_tag("cls_poitiers/_detail_panels.html", takes_context=True)
def detail_panels(context, obj):
    return {"panels": registry.detail_panels_for(context["request"], obj), "request": context["request"]}
