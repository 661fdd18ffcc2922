"""Outside development, the roles that read unmasked figures need the second factor by default."""

import os
import subprocess
import sys
from pathlib import Path

from cls_poitiers.permissions import COORDINATION, OBSERVATOIRE

ROOT = Path(__file__).resolve().parents[2]


def _roles_2fa_par_defaut(**env) -> list[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLS_"))}
    base.update(env, DJANGO_SECRET_KEY="x" * 50)
    result = subprocess.run(
        [sys.executable, "-c", "import cls_poitiers.settings as s; print('|'.join(s.CLS_2FA_ROLES))"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [r for r in result.stdout.strip().split("|") if r]


def test_observatory_and_coordination_need_two_factor_outside_development():
    assert set(_roles_2fa_par_defaut()) == {COORDINATION, OBSERVATOIRE}


def test_development_requires_no_second_factor_by_default():
    assert _roles_2fa_par_defaut(DJANGO_DEBUG="1") == []
