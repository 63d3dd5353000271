"""A marketer's file work in a real Chromium, timed in steps (run with -s to see them): a promo-code pool made,
generated, topped up and exported as XLSX (the downloaded file read back with openpyxl); a Windows-1251,
semicolon-separated contact file with bad rows imported (the good rows arrive in the chosen program, the message says
how many rows were not). Each flow's key pages are then shown in Russian and scanned for English (`tests.i18n_scan`).
"""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_save
from contacts.models import Contact
from promocodes.models import PromoCode, PromoPool
from tests.e2e.test_admin_browser import log_in, switch_language
from tests.e2e.test_campaign_test_panel_browser import Steps
from tests.e2e.test_csp_browser import settle
from tests.factories import BrandFactory, ProgramFactory, UserFactory
from tests.i18n_scan import untranslated_on
from tests.loyalty.test_admin_import_export import CP1251_FILE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

TOTALS = ("generated", "used", "remaining", "expired")


def totals_on(page) -> dict[str, str]:
    return {name: page.locator(f"[data-total={name}]").inner_text() for name in TOTALS}


def generate(page, count: int) -> None:
    page.locator("input[name=count][form=promo-generate]").fill(str(count))
    with page.expect_navigation():
        page.locator("button[type=submit][form=promo-generate]").click()


def test_a_pool_is_made_generated_topped_up_and_exported_as_xlsx(watched, tmp_path: Path):
    page, problems = watched
    steps = Steps()
    UserFactory(username="marketer", is_staff=True, is_superuser=True)
    brand = BrandFactory(name="Beauty")
    campaign = campaign_save(
        campaign=Campaign(
            brand=brand,
            name="Spring flyer",
            status="active",
            starts_at=timezone.now() - timedelta(days=1),
            audience={"type": "all"},
            mechanic={"type": "percent_discount", "percent": 10},
            requires_code=True,
        )
    )
    log_in(page, "marketer")
    steps.done("log in")

    # when the marketer adds a single-use pool for the campaign
    page.goto(f"/admin/promocodes/promopool/add/?campaign={campaign.pk}&brand={brand.pk}")
    page.fill("#id_name", "Spring flyers")
    page.select_option("#id_kind", "single_use")
    page.fill("#id_prefix", "SPR-")
    with page.expect_navigation():
        page.click("button[name=_continue]")
    pool = PromoPool.objects.get()
    assert totals_on(page)["generated"] == "0"
    steps.done("make the pool")

    # and generates 50 codes, then tops the pool up with 30 more
    generate(page, 50)
    assert totals_on(page) == {"generated": "50", "used": "0", "remaining": "50", "expired": "0"}
    steps.done("generate 50")
    generate(page, 30)
    assert "30 codes generated; the pool has 80." in page.content()
    assert totals_on(page) == {"generated": "80", "used": "0", "remaining": "80", "expired": "0"}
    steps.done("top up with 30")

    # and downloads the codes as XLSX
    with page.expect_download() as download:
        page.get_by_role("link", name="export the codes (XLSX)").click()
    assert download.value.suggested_filename == f"promo-codes-{pool.pk}-spring-flyers.xlsx"
    path = tmp_path / "codes.xlsx"
    download.value.save_as(path)
    steps.done("export XLSX")

    # then the file holds the header and the 80 codes, all active and unused
    rows = list(load_workbook(io.BytesIO(path.read_bytes())).active.iter_rows(values_only=True))
    assert rows[0] == ("code", "status", "uses", "used_at", "store", "register", "purchase_id", "receipt_number")
    codes = list(PromoCode.objects.filter(pool=pool).order_by("pk").values_list("code", flat=True))
    assert [row[0] for row in rows[1:]] == codes
    assert len(codes) == 80
    assert {row[1:4] for row in rows[1:]} == {("active", 0, None)}
    assert all(code.startswith("SPR-") for code in codes)

    # and in Russian the pool's page and its codes hold no English from the catalogues
    switch_language(page, "ru")
    found = {"pool": untranslated_on(page)}
    page.goto(f"/admin/promocodes/promocode/?pool={pool.pk}")
    found["codes"] = untranslated_on(page)
    page.goto(f"/admin/promocodes/promopool/{pool.pk}/generate/")
    found["generate"] = untranslated_on(page)
    assert {where: texts for where, texts in found.items() if texts} == {}
    steps.done("check the pages in Russian")
    settle(page)
    assert problems.found == []
    print(f"steps total: {sum(steps.times.values()):.2f} s")


def test_a_windows_1251_semicolon_file_with_bad_rows_is_imported_and_its_bad_rows_counted(watched, tmp_path: Path):
    page, problems = watched
    steps = Steps()
    UserFactory(username="marketer", is_staff=True, is_superuser=True)
    program = ProgramFactory(name="Клуб")
    ProgramFactory(name="Other")
    upload = tmp_path / "контакты.csv"
    upload.write_bytes(CP1251_FILE)
    log_in(page, "marketer")
    steps.done("log in")

    # when the marketer uploads the file on the contacts' import page, into the program "Клуб"
    page.goto("/admin/contacts/contact/import/")
    page.select_option("#id_format", label="csv")
    page.set_input_files("#id_import_file", str(upload))
    page.select_option("#id_program", str(program.pk))
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] [type=submit]").click()
    steps.done("upload")

    # then the preview says two rows will be skipped and three imported
    assert "2 rows have errors and will be skipped; the 3 valid rows below them are imported" in " ".join(
        page.locator("body").inner_text().split()
    )
    with page.expect_navigation():
        page.locator("form[action$='/process_import/'] [type=submit]").click()
    steps.done("confirm")

    # and once imported, the list says so once, with the rows that were not
    messages = page.locator("body").inner_text()
    assert "Import of contacts finished: 3 new, 0 updated." in messages
    assert "2 rows were not imported because of errors." in messages
    assert "skipped" not in messages
    contacts = Contact.objects.order_by("phone")
    assert [(contact.phone, contact.first_name) for contact in contacts] == [
        ("+79161110001", "Анна"),
        ("+79162220002", "Иван"),
        ("+79162220003", "Пётр"),
    ]
    assert {contact.enrollments.get().program_id for contact in contacts} == {program.pk}

    # and in Russian the import page and its preview hold no English from the catalogues
    Contact.objects.all().delete()
    switch_language(page, "ru")
    page.goto("/admin/contacts/contact/import/")
    found = {"import": untranslated_on(page)}
    page.select_option("#id_format", label="csv")
    page.set_input_files("#id_import_file", str(upload))
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] [type=submit]").click()
    found["preview"] = untranslated_on(page)
    with page.expect_navigation():
        page.locator("form[action$='/process_import/'] [type=submit]").click()
    found["result"] = untranslated_on(page)
    assert "2 строки не импортированы из-за ошибок." in page.locator("body").inner_text()
    assert {where: texts for where, texts in found.items() if texts} == {}
    steps.done("the same in Russian")
    settle(page)
    assert problems.found == []
    print(f"steps total: {sum(steps.times.values()):.2f} s")
