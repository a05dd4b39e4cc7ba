import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_board_cache():
    """Each test starts with no cached boards: SQLite reuses primary keys after a rolled-back test."""
    cache.clear()
    yield
    cache.clear()
