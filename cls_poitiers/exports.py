"""Moved to `cls_poitiers.tableurs`. Kept only for `comites.views`, whose import line changes
when its split into a package lands; then this module goes."""

from cls_poitiers.tableurs import reponse_xlsx

__all__ = ["reponse_xlsx"]
