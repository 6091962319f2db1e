import pytest

from tests.comments.factories import QUICK_HASHERS


@pytest.fixture(autouse=True)
def _quick_hashing(settings) -> None:
    """Every comments test hashes passwords with argon2 at small costs (see factories.py)."""
    settings.PASSWORD_HASHERS = QUICK_HASHERS
