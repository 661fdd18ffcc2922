"""The members' answer to a convocation: from the link in its e-mail (no login), or from the
meeting's page once logged in. Both go through `services.repondre`, which says when an answer is
still possible; who may answer from the page is `PresenceQuerySet.repondables_par`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import courriels, forms, services
from ..models import Presence, Reunion
from .acces import executer, reunion_visible


def _initial(presence: Presence) -> dict:
    if presence.reponse == Presence.Reponse.SANS_REPONSE:
        return {}
    return {"reponse": presence.reponse, "represente_par": presence.reponse_represente_par}


def repondre(request, jeton):
    """No login: the signed token in the convocation's link stands for one member and one meeting
    (see `courriels`). GET shows the form (mail scanners open links: GET never records anything)."""
    presence = courriels.presence_du_jeton(jeton)
    if presence is None:
        raise Http404
    reunion = presence.reunion
    ouverte = reunion.attend_des_reponses
    form = forms.ReponseForm(request.POST or None, initial=_initial(presence))
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


def reponse_sur_la_page(user, reunion: Reunion) -> dict:
    """What the meeting's page shows a member who may still answer: their organisation's
    convocation and the answer form (one query, none when the meeting awaits no answer)."""
    if not reunion.attend_des_reponses:
        return {"ma_presence": None, "reponse_form": None}
    presence = (
        Presence.objects.repondables_par(user)
        .filter(reunion=reunion)
        .select_related("membre__partenaire")
        .first()
    )
    form = forms.ReponseForm(initial=_initial(presence), prefix="reponse") if presence else None
    return {"ma_presence": presence, "reponse_form": form}


@login_required
@require_POST
def repondre_connecte(request, pk):
    """A logged-in member answers from the meeting's page, with the same rules as the e-mail's
    link. Outside their organisation's convocations: 403."""
    reunion = reunion_visible(request, pk)
    presence = Presence.objects.repondables_par(request.user).filter(reunion=reunion).first()
    if presence is None:
        raise PermissionDenied
    form = forms.ReponseForm(request.POST, prefix="reponse")
    if form.is_valid():
        executer(
            request,
            services.repondre,
            presence=presence,
            reponse=form.cleaned_data["reponse"],
            represente_par=form.cleaned_data["represente_par"],
            par=request.user,
            succes=_("Votre réponse est enregistrée."),
        )
    else:
        messages.error(request, " ".join(e for erreurs in form.errors.values() for e in erreurs))
    return redirect(reunion.get_absolute_url() + "#votre-reponse")
