"""X-Forwarded-Proto says a request came over HTTPS; only our own proxies may say so."""

import pytest

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.7"
STRANGER = "203.0.113.9"


@pytest.fixture
def behind_a_proxy(settings):
    """Production's shape: HTTPS required, a proxy in 10.0.0.0/8 terminating TLS."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True


def test_https_said_by_a_trusted_proxy_is_believed(client, behind_a_proxy):
    response = client.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200


def test_https_claimed_by_any_other_address_is_not_believed(client, behind_a_proxy):
    response = client.get("/", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_PROTO="https")

    # Plain HTTP, as it really was: sent to the HTTPS address.
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"
