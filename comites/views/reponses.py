"""The members' answer to a convocation, from the link in its e-mail."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import courriels, forms, services
from ..models import Presence
from .acces import S


def repondre(request, jeton):
    """No login: the signed token in the convocation's link stands for one member and one meeting
    (see `courriels`). GET shows the form (mail scanners open links: GET never records anything)."""
    presence = courriels.presence_du_jeton(jeton)
    if presence is None:
        raise Http404
    reunion = presence.reunion
    ouverte = reunion.statut == S.CONVOQUEE and reunion.fin > timezone.now()
    initial = {}
    if presence.reponse != Presence.Reponse.SANS_REPONSE:
        initial = {"reponse": presence.reponse, "represente_par": presence.reponse_represente_par}
    form = forms.ReponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and ouverte and form.is_valid():
        try:
            services.repondre(
                presence=presence,
                reponse=form.cleaned_data["reponse"],
                represente_par=form.cleaned_data["represente_par"],
            )
        except services.ActionImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Merci : votre réponse est enregistrée."))
            return redirect("comites:repondre", jeton=jeton)
    return render(
        request,
        "comites/repondre.html",
        {
            "presence": presence,
            "reunion": reunion,
            "form": form,
            "ouverte": ouverte,
            "points": reunion.points.all(),
        },
    )
