"""Idempotent writes: `update_or_create` that saves only when something changed, so that loading
the same data twice (demo, reference nomenclatures, a re-submitted declaration) adds no version
to the history."""


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
    if par is not None:
        obj._history_user = par
    if motif is not None:
        obj._change_reason = motif
    obj.save(force_insert=created)
    return obj, created
