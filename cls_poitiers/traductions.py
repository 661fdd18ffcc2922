"""French for the libraries' strings that ship without a French catalogue.

django-tasks-db marks its names for translation but has no French catalogue: its msgids are
listed here so that `makemessages` keeps them in locale/fr (which translates them), instead of
dropping them as obsolete. Names that a library does not mark for translation at all (the apps'
titles, django-otp's TOTP device) are set in cls_poitiers/apps_externes.py.
"""

from django.utils.translation import gettext_noop

DJANGO_TASKS_DB = [
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("args kwargs"),
    gettext_noop("backend name"),
    gettext_noop("enqueued at"),
    gettext_noop("exception class path"),
    gettext_noop("finished at"),
    gettext_noop("priority"),
    gettext_noop("queue name"),
    gettext_noop("return value"),
    gettext_noop("run after"),
    gettext_noop("started at"),
    gettext_noop("status"),
    gettext_noop("task path"),
    gettext_noop("traceback"),
    gettext_noop("worker id"),
]
