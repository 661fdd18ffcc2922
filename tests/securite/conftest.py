"""The security tests stand on the apps' own small data sets."""

from tests.observatoire.conftest import perimetre  # noqa: F401  (the observatory's small contract)
