"""One PDF per meeting (WeasyPrint): convocation, agenda, attendance list, minutes, decisions and
amendments. The minutes appear only for a reader allowed to read them."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from cls_poitiers import identite

from .models import Reunion


def en_pdf(gabarit: str, contexte: dict) -> bytes:
    """A template printed as PDF, with the platform's name and the time of printing."""
    html = render_to_string(
        gabarit,
        {**contexte, "plateforme_nom": identite.nom_plateforme(), "imprime_le": timezone.localtime()},
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def reunion_pdf(reunion: Reunion, *, lire_compte_rendu: bool) -> bytes:
    return en_pdf(
        "comites/reunion_pdf.html",
        {
            "reunion": reunion,
            "debut": timezone.localtime(reunion.debut),
            "fin": timezone.localtime(reunion.fin),
            "points": reunion.points.prefetch_related("engagements", "territoires"),
            "presences": reunion.presences.select_related("membre__partenaire"),
            "compte_rendu": reunion.compte_rendu_ou_none if lire_compte_rendu else None,
            "lire_compte_rendu": lire_compte_rendu,
            "decisions": reunion.decisions.select_related("avenant").prefetch_related(
                "avenant__modifications"
            ),
        },
    )
