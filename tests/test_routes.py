"""Every route is either on an explicit public list or protected by login and scope.

Walks every URL pattern and every API operation. A new page or endpoint that
forgets its protection fails here, whoever wrote it.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gonghui.api import api
from gonghui.urls import PUBLIC_URL_NAMES

pytestmark = pytest.mark.django_db

# Routes a signed-in user with no role may open: they show only that user's own things.
SELF_SERVICE_URL_NAMES = {
    "home",
    "password_change",
    "notices:message_list",
    "notices:message_detail",
    "notices:message_read_all",
    "notices:unread_count",
    "notices:announcement_list",
    "jobs:job_list",
    "accounts:token_list",
    "accounts:token_add",
    "accounts:token_revoke",
    "api:openapi-json",
    "api:openapi-view",
}

DUMMY = {"int": 987654321, "str": "x", "string": "x", "slug": "x", "path": "x", "uuid": uuid.UUID(int=1)}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = getattr(entry.pattern, "converters", {})
            kwargs = {
                name: DUMMY[type(conv).__name__.replace("Converter", "").lower()] for name, conv in converters.items()
            }
            yield f"{namespace}{entry.name}", kwargs


ROUTES = sorted({(name, tuple(sorted(kwargs.items()))) for name, kwargs in _walk(get_resolver().url_patterns)})
PAGE_ROUTES = [(name, dict(kwargs)) for name, kwargs in ROUTES if not name.startswith("api:")]
API_ROUTES = [(name, dict(kwargs)) for name, kwargs in ROUTES if name.startswith("api:")]


def test_routes_were_found():
    names = {name for name, _ in ROUTES}
    assert {"orgs:tree", "orgs:org_detail", "api:list_orgs"} <= names
    assert names >= PUBLIC_URL_NAMES


@pytest.mark.parametrize(("name", "kwargs"), PAGE_ROUTES, ids=[name for name, _ in PAGE_ROUTES])
def test_page_requires_login(client, name, kwargs):
    if name in PUBLIC_URL_NAMES:
        pytest.skip("public by design")
    url = reverse(name, kwargs=kwargs)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code in (302, 401, 403, 404, 405), f"{method.upper()} {url}"
        if response.status_code == 302:
            assert "/login/" in response["Location"], f"{method.upper()} {url} → {response['Location']}"


@pytest.mark.parametrize(("name", "kwargs"), PAGE_ROUTES, ids=[name for name, _ in PAGE_ROUTES])
def test_page_gives_a_user_without_roles_nothing(client, world, name, kwargs):
    if name in PUBLIC_URL_NAMES or name in SELF_SERVICE_URL_NAMES:
        pytest.skip("public or self-service by design")
    client.force_login(world.nobody)
    url = reverse(name, kwargs=kwargs)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404, 405), f"{method.upper()} {url} gave {response.status_code}"


def _operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


OPERATIONS = list(_operations())


def _concrete(path: str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", str(DUMMY["int"]), path)


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS])
def test_api_operation_requires_authentication(client, path, method, operation):
    assert operation.get("security"), f"{method} {path} declares no authentication"
    response = client.generic(method.upper(), _concrete(path), data="{}", content_type="application/json")
    assert response.status_code == 401, f"{method} {path} gave {response.status_code}"


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS])
def test_api_operation_gives_a_user_without_roles_nothing(client, world, path, method, operation):
    from gonghui.accounts.models import ApiToken, hash_token

    raw = ApiToken.generate()
    ApiToken.objects.create(user=world.nobody, name="t", prefix=raw[:8], token_hash=hash_token(raw))
    response = client.generic(
        method.upper(),
        _concrete(path),
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code in (403, 404, 422), f"{method} {path} gave {response.status_code}"


def test_every_api_route_is_an_operation_in_the_schema(client):
    # Cross-check: each API URL the resolver knows is in the OpenAPI schema (so the walks above
    # cover it), or is the docs, or answers nothing useful without a login.
    schema_paths = {_concrete(path) for path, _method, _operation in OPERATIONS}
    for name, kwargs in API_ROUTES:
        url = reverse(name, kwargs=kwargs)
        if name in SELF_SERVICE_URL_NAMES:
            assert client.get(url).status_code == 302
        elif url not in schema_paths:
            assert client.get(url).status_code in (401, 404), url
