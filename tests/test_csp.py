"""The Content-Security-Policy header: strict everywhere, looser on the admin's pages only (Alpine.js, inline styles),
a nonce for the inline script of Swagger UI; none on Django's technical error pages with DEBUG on."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'",
    "script-src": "'self' 'nonce-*'",
    "style-src": "'self' 'nonce-*'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
ADMIN = {**STRICT, "script-src": "'self' 'unsafe-eval'", "style-src": "'self' 'unsafe-inline'"}


def directives(response) -> dict[str, str]:
    """The policy as {directive: sources}, a nonce written as 'nonce-*'."""
    policy = re.sub(r"'nonce-[^']+'", "'nonce-*'", response["Content-Security-Policy"])
    return dict(part.split(" ", 1) for part in policy.split("; "))


@pytest.fixture
def staff_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_swagger_ui_answers_the_strict_policy_with_the_nonce_of_its_inline_script_and_style(client):
    # when
    response = client.get("/api/docs/")

    # then
    assert directives(response) == STRICT
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    assert html.count(f'nonce="{nonce}"') == 2
    assert re.findall(r"<(?:script|style)(?![^>]*\b(?:src|nonce)=)[^>]*>", html) == []


def test_each_request_gets_its_own_nonce(client):
    # when
    first, second = client.get("/api/docs/"), client.get("/api/docs/")

    # then
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/api/v1/contacts", "/api/schema/", "/api/nowhere", "/nowhere/"])
def test_other_answers_get_the_strict_policy_without_a_nonce(staff_client, path):
    # when
    response = staff_client.get(path)

    # then
    assert directives(response) == {**STRICT, "script-src": "'self'", "style-src": "'self'"}


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/contacts/contact/", "/admin/campaigns/campaign/add/", "/admin/jsi18n/"]
)
def test_the_admin_alone_may_evaluate_scripts_and_style_inline(staff_client, path):
    # when
    response = staff_client.get(path)

    # then
    assert response.status_code == 200
    assert directives(response) == ADMIN


def test_the_admin_login_page_has_the_admin_policy(client):
    # when
    response = client.get("/admin/login/")

    # then
    assert directives(response) == ADMIN


def test_the_periodic_task_form_gives_its_inline_script_the_nonce(staff_client):
    # when
    response = staff_client.get("/admin/django_celery_beat/periodictask/add/")

    # then
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script id="periodic-task-overrides" nonce="{nonce}">' in response.content.decode()


def test_with_debug_on_the_technical_error_pages_get_no_policy(client, settings):
    # given
    settings.DEBUG = True

    # when
    missing = client.get("/nowhere/")
    found = client.get("/api/docs/")

    # then
    assert missing.status_code == 404
    assert "Content-Security-Policy" not in missing
    assert directives(found) == STRICT
