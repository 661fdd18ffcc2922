"""The platform's input limits, in one place: every bound a form or a service checks on what people
type, with why it is set where it is. Models, forms and services read these names; a test table
(`tests/engagements/test_bornes.py`, `tests/comites/test_bornes.py`,
`tests/securite/test_bornes_formulaires.py`) tries each bound from outside.

Dates are bounded because a date in 0001 or 9999 breaks the calendars, the PDF and the computations
of lateness; texts because one very long text is served to every reader of the page that shows it
(a 1 MB comment made a commitment's page 1 MB) and slows the PDF that prints it.
"""

import datetime

from django.core.validators import MaxLengthValidator
from django.utils import timezone

# --- Texts -------------------------------------------------------------------------------------

# A title or an agenda item: one line, as the models' CharFields already have it.
TITRE_MAX = 300
# A comment, a reason (cancellation, abandonment), a commitment's or a committee's description:
# a paragraph. 2 000 characters is a dense half page, far beyond any real one.
TEXTE_COURT_MAX = 2_000
# A text that argues: an action's description, a decision, a review's text per priority, the year's
# key events. 20 000 characters is about six printed pages.
TEXTE_LONG_MAX = 20_000
# The minutes of a meeting: the longest text of the platform, printed in the meeting's PDF.
# 100 000 characters is about 30 pages; a minutes of 1 MB took 7 s to print.
COMPTE_RENDU_MAX = 100_000
# A progress report's comment is shown under every report on the commitment's page: short.
COMMENTAIRE_POINT_ETAPE_MAX = TEXTE_COURT_MAX

# --- Dates -------------------------------------------------------------------------------------

# No Contrat local de sécurité predates the 1997 circular that created them: a date before 1990 is
# a typing error. Where the contract is known, its signature is the floor (nothing of a contract
# happens before it is signed).
ANNEE_PLANCHER = 1990
DATE_PLANCHER = datetime.date(ANNEE_PLANCHER, 1, 1)
# Deadlines and meetings are planned at most this many years ahead: a contract runs a few years;
# 9999 is a typing error that would sit in every calendar feed forever.
HORIZON_ANNEES = 10
# A meeting lasts at most three days (a seminar over a weekend); five years is a typing error.
DUREE_REUNION_MAX = datetime.timedelta(days=3)

# --- Numbers -----------------------------------------------------------------------------------

# A commitment's values (baseline, target, value reached) count agents, meetings, incidents, euros:
# a billion in absolute value is beyond any of them, and keeps sums far from the columns' limits.
VALEUR_ABSOLUE_MAX = 10**9


def longueur_max(n: int) -> dict:
    """A TextField's bound, as keyword arguments: `max_length` for its form, the validator for
    `full_clean` (services), which a TextField's `max_length` alone does not check."""
    return {"max_length": n, "validators": [MaxLengthValidator(n)]}


def date_plancher(date_signature: datetime.date | None = None) -> datetime.date:
    """The earliest date accepted: the contract's signature when known, never before 1990."""
    return max(DATE_PLANCHER, date_signature) if date_signature else DATE_PLANCHER


def date_plafond(aujourd_hui: datetime.date | None = None) -> datetime.date:
    """The latest date accepted for what is planned (deadlines, meetings): today + the horizon."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    try:
        return aujourd_hui.replace(year=aujourd_hui.year + HORIZON_ANNEES)
    except ValueError:  # 29 February
        return aujourd_hui.replace(year=aujourd_hui.year + HORIZON_ANNEES, day=28)


# --- The observatory's counts ------------------------------------------------------------------

# A count of facts (a declaration, an imported figure): France records about 4 million facts a year
# in all, so a billion for one territory, indicator and period is a typing or file error. It also
# keeps every count, and the sums of a few thousand of them, inside PostgreSQL's integer column
# (2 147 483 647), where a larger one was a server error.
NOMBRE_FAITS_MAX = 10**9


def annee_declarable_max(aujourd_hui: datetime.date | None = None) -> int:
    """A partner declares what happened: the latest year is the current one."""
    return (aujourd_hui or timezone.localdate()).year
