"""The observatory's background tasks (Django's task framework; the queue is in the database,
run by `manage.py db_worker`): checking an uploaded file (the preview) and writing it once someone
applied it. Both run `services.executer_etape`, which does nothing for a batch that does not wait
for that step under that run number."""

from django.tasks import task

from . import services
from .models import LotImport


@task
def verifier_lot(*, lot_id: int, tentative: int) -> str:
    return services.executer_etape(lot_id=lot_id, tentative=tentative, etape=LotImport.Etape.VERIFICATION)


@task
def ecrire_lot(*, lot_id: int, tentative: int) -> str:
    return services.executer_etape(lot_id=lot_id, tentative=tentative, etape=LotImport.Etape.ECRITURE)
