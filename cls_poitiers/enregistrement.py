"""Idempotent writes: `update_or_create` that saves only when something changed, so that loading
the same data twice (demo, reference nomenclatures, a re-submitted declaration) adds no version
to the history."""


def update_or_create_si_change(model, defaults: dict | None = None, **lookup):
    """Like `model.objects.update_or_create(defaults=..., **lookup)`; an existing object whose
    fields already have these values is returned untouched. Returns (object, created)."""
    defaults = defaults or {}
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **defaults), True
    changed = False
    for field, value in defaults.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed = True
    if changed:
        obj.save()
    return obj, False
