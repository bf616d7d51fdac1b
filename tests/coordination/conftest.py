import pytest

from tests import factories


@pytest.fixture
def coordinator_client(client, coordinator):
    """A coordinator with an authenticator app, logged in."""
    factories.enable_totp(coordinator)
    client.force_login(coordinator)
    return client
