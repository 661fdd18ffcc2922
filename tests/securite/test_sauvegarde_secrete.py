"""A backup holds password hashes and second-factor keys: only its owner reads it, and the keys can
be left out."""

import stat
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture
def appareil(coordination):
    return TOTPDevice.objects.create(user=coordination, name="téléphone", confirmed=True)


def _mode(chemin) -> int:
    return stat.S_IMODE(chemin.stat().st_mode)


def test_backup_file_is_created_readable_by_its_owner_alone(tmp_path, appareil):
    fichier = tmp_path / "sauvegarde.json"
    call_command("sauvegarder", str(fichier), stdout=StringIO())
    assert _mode(fichier) == 0o600
    assert appareil.key in fichier.read_text()


def test_backup_over_an_existing_readable_file_leaves_it_owner_only(tmp_path, appareil):
    fichier = tmp_path / "sauvegarde.json"
    fichier.write_text("ancienne")
    fichier.chmod(0o644)
    call_command("sauvegarder", str(fichier), stdout=StringIO())
    assert _mode(fichier) == 0o600


def test_backup_without_second_factor_secrets_holds_no_totp_key(tmp_path, appareil):
    fichier = tmp_path / "sauvegarde.json"
    call_command("sauvegarder", str(fichier), "--sans-secrets-2fa", stdout=StringIO())
    contenu = fichier.read_text()
    assert appareil.key not in contenu
    assert "otp_totp.totpdevice" not in contenu
    assert "p-coordination" in contenu  # the rest is there
