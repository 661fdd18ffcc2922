"""Writes and their history: who saved an object and why (`historiser`, the one place the platform
tells django-simple-history), and idempotent writes, an `update_or_create` that saves only when
something changed, so that loading the same data twice (demo, reference nomenclatures, a
re-submitted declaration) adds no version to the history."""


def historiser(obj, *, par=None, motif: str | None = None):
    """Record on `obj` who saves it next and why, for the history entry of that save. Without `par`,
    the history keeps the request's user (or none outside a request)."""
    if par is not None:
        obj._history_user = par
    obj._change_reason = motif or None
    return obj


def update_or_create_si_change(model, defaults: dict | None = None, *, par=None, motif=None, **lookup):
    """Like `model.objects.update_or_create(defaults=..., **lookup)`; an existing object whose
    fields already have these values is returned untouched. Returns (object, created).

    `par` and `motif`, when given, are who saved and why in the object's history (so neither can
    be a lookup field)."""
    defaults = defaults or {}
    obj = model._default_manager.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup, **defaults)
    else:
        changed = False
        for field, value in defaults.items():
            if getattr(obj, field) != value:
                setattr(obj, field, value)
                changed = True
        if not changed:
            return obj, False
    historiser(obj, par=par, motif=motif)
    obj.save(force_insert=created)
    return obj, created
