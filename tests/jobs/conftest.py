import pytest

from tests.jobs import handlers  # noqa: F401  (registers the test handlers)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
