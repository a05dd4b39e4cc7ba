import pytest

from gonghui.notices import channels


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded attachments go to a throw-away directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "gonghui.notices.channels.LocmemSmsBackend"
    channels.outbox.clear()
    yield channels.outbox
    channels.outbox.clear()
