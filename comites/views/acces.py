"""What every page of the committees shares: fetching an object for this user (404 outside what
they see, 403 outside what they manage), and calling a service whose refusal becomes a message."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import services
from ..models import Comite, Reunion

S = Reunion.Statut


def comite_visible(request, code) -> Comite:
    return get_object_or_404(
        Comite.objects.visibles_par(request.user).select_related("territoire"), code=code
    )


def comite_gere(request, code) -> Comite:
    comite = comite_visible(request, code)
    if not peut_gerer(request.user, comite):
        raise PermissionDenied
    return comite


def reunion_visible(request, pk) -> Reunion:
    return get_object_or_404(
        Reunion.objects.visibles_par(request.user).select_related(
            "comite__contrat", "territoire", "compte_rendu"
        ),
        pk=pk,
    )


def reunion_geree(request, pk) -> Reunion:
    reunion = reunion_visible(request, pk)
    if not peut_gerer(request.user, reunion.comite):
        raise PermissionDenied
    return reunion


def peut_gerer(user, comite) -> bool:
    return Comite.objects.geres_par(user).filter(pk=comite.pk).exists()


def peut_lire_compte_rendu(user, reunion, peut_gerer: bool) -> bool:
    """Those who manage the meeting read the minutes as they are written; the others once approved."""
    return peut_gerer or reunion.statut == S.CR_APPROUVE


def executer(request, service: Callable, *, succes: str | Callable[..., str], **arguments) -> bool:
    """Call `service(**arguments)`. Its refusal (`ActionImpossible`) becomes an error message; its
    success the message `succes`, or `succes(result)` when the message quotes the result.
    Says whether the service succeeded. A bound the model checks (`ValidationError`) is a refusal
    too: nothing is written and its messages are shown."""
    try:
        resultat = service(**arguments)
    except services.ActionImpossible as exc:
        messages.error(request, str(exc))
        return False
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, succes(resultat) if callable(succes) else succes)
    return True


def action_sur_reunion(service: Callable, *, succes: str | Callable[..., str]):
    """A button on a meeting's page: a POST that calls `service(reunion=…, par=user)` on a meeting
    the user manages, says how it went, and goes back to the meeting."""

    @login_required
    @require_POST
    def vue(request, pk):
        reunion = reunion_geree(request, pk)
        executer(request, service, reunion=reunion, par=request.user, succes=succes)
        return redirect(reunion)

    return vue


def formulaire_sur_reunion(
    formulaire: type, service: Callable, *, gabarit: str, succes: str | Callable[..., str], initial=None
):
    """A form on a meeting the user manages: shown, then once valid its fields go to
    `service(reunion=…, par=user, **fields)`, which says how it went, and back to the meeting.
    `initial(reunion)`, when given, fills the form from what the meeting already has."""

    @login_required
    def vue(request, pk):
        reunion = reunion_geree(request, pk)
        form = formulaire(request.POST or None, initial=initial(reunion) if initial else None)
        if request.method == "POST" and form.is_valid():
            executer(request, service, reunion=reunion, par=request.user, **form.cleaned_data, succes=succes)
            return redirect(reunion)
        return render(request, gabarit, {"reunion": reunion, "form": form})

    return vue
