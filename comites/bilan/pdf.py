"""The annual review as a PDF (WeasyPrint), with its tables and its SVG charts (drawn on the
server: no JavaScript)."""

from ..pdf import en_pdf


def bilan_pdf(bilan, parties: dict) -> bytes:
    return en_pdf("comites/bilan_pdf.html", {"bilan": bilan, "parties": parties})
