"""French number formatting, shared by templates (cls_format filters) and exports.

85,4 ‰ — 1 234 — 12,5 % — 31/12/1999. The thousands separator is a narrow no-break space
(U+202F), as the French typographic rules and Django's fr locale use.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ESPACE_MILLIERS = "\u202f"


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def nombre(value, decimales: int = 0) -> str:
    """1234.5 → '1 234,5' with `decimales` digits after the comma."""
    number = _to_decimal(value)
    if number is None:
        return ""
    quantum = Decimal(1).scaleb(-decimales)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    entier, _, fraction = f"{abs(number):f}".partition(".")
    groupes = []
    while len(entier) > 3:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    groupes.insert(0, entier)
    texte = ESPACE_MILLIERS.join(groupes)
    if decimales:
        texte += "," + fraction
    return sign + texte


def taux(value, decimales: int = 1) -> str:
    """A rate per 1000: 85.4 → '85,4 ‰'."""
    texte = nombre(value, decimales)
    return f"{texte}\u00a0‰" if texte else ""


def pourcentage(value, decimales: int = 0) -> str:
    """A share in percent: 12.5 → '12,5 %' (with decimales=1)."""
    texte = nombre(value, decimales)
    return f"{texte}\u00a0%" if texte else ""


def nombre_exact(value) -> str:
    """A stored decimal with the digits it carries, no trailing zeros: 5.00 → '5', 24.50 → '24,5',
    1234.25 → '1 234,25' (a DecimalField's '5.00' is never shown as such)."""
    number = _to_decimal(value)
    if number is None:
        return ""
    exposant = number.normalize().as_tuple().exponent
    return nombre(number, max(0, -exposant) if isinstance(exposant, int) else 0)


def mega_octets(octets: int) -> str:
    """A file size in megabytes (2²⁰ bytes), one decimal at most: 25690112 → '24,5', 20971520 → '20'."""
    mega = (Decimal(octets) / (1024 * 1024)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return nombre_exact(mega)
