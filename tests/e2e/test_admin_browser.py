"""The admin in a real browser: log in, open the contacts, switch the interface to Russian."""

from pathlib import Path

import pytest

from tests.factories import PASSWORD, ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def log_in(page, username: str) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/admin/")


def switch_language(page, language: str) -> None:
    """Posts to Django's set_language view as the admin's language switcher does (with the CSRF cookie)."""
    with page.expect_navigation():
        page.evaluate(
            """(language) => {
                const token = document.cookie.split("; ").find((c) => c.startsWith("csrftoken=")).split("=")[1];
                const form = document.createElement("form");
                form.method = "post";
                form.action = "/i18n/setlang/";
                for (const [name, value] of [["csrfmiddlewaretoken", token], ["language", language],
                                             ["next", window.location.pathname]]) {
                    const input = document.createElement("input");
                    input.type = "hidden";
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            language,
        )


def test_superuser_logs_in_and_sees_the_contact_in_the_changelist(page):
    # given
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    contact = ContactFactory(phone="+79161234567", first_name="Anna", last_name="Ivanova")

    # when
    log_in(page, "admin")
    page.goto("/admin/contacts/contact/")

    # then
    assert page.url.endswith("/admin/contacts/contact/")
    assert page.get_by_text("+79161234567").count() >= 1
    assert f"/admin/contacts/contact/{contact.pk}/change/" in page.content()


def test_the_admin_switches_to_russian(page):
    # given
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    ContactFactory(phone="+79161234567")
    log_in(page, "admin")
    page.goto("/admin/contacts/contact/")

    # when
    switch_language(page, "ru")

    # then
    assert page.url.endswith("/admin/contacts/contact/")
    assert page.locator("html").get_attribute("lang") == "ru"
    html = page.content()
    assert "Выйти" in html  # Django's own admin catalogue: "Log out"
    assert "+79161234567" in html


PROJECT_CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "ru" / "LC_MESSAGES" / "django.mo"


@pytest.mark.xfail(
    not PROJECT_CATALOGUE.exists(),
    reason="the project's Russian translations (locale/ru/LC_MESSAGES/django.mo) are not compiled yet",
    strict=True,
)
def test_the_projects_own_strings_are_russian(page):
    # given
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    log_in(page, "admin")
    page.goto("/admin/contacts/contact/")

    # when
    switch_language(page, "ru")

    # then the app's name and the menu entry come from the project's catalogue
    assert "Контакты" in page.content()
