"""One PDF per meeting (WeasyPrint): convocation, agenda, attendance list, minutes, decisions and
amendments. The minutes appear only for a reader allowed to read them."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from .models import Reunion


def reunion_pdf(reunion: Reunion, *, lire_compte_rendu: bool) -> bytes:
    html = render_to_string(
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
            "plateforme_nom": settings.CLS_PLATEFORME_NOM,
            "imprime_le": timezone.localtime(),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def bilan_pdf(bilan, parties: dict) -> bytes:
    """The annual review with its tables and its SVG charts (drawn on the server: no JavaScript)."""
    html = render_to_string(
        "comites/bilan_pdf.html",
        {
            "bilan": bilan,
            "parties": parties,
            "plateforme_nom": settings.CLS_PLATEFORME_NOM,
            "imprime_le": timezone.localtime(),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
