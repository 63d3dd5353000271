"""Objects' titles (`__str__`: breadcrumbs, page titles, inline rows) are phrases in the reader's language, with the
names of what is already loaded and ids with words around them otherwise, never a query of their own."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from campaigns.models import Segment, SegmentMember
from contacts.models import Contact
from loyalty.models import (
    Account,
    Enrollment,
    LedgerEntry,
    MasterAccount,
    MasterAccountMember,
    Product,
    Program,
    Purchase,
    PurchaseLine,
    Refund,
)
from tests.factories import ContactFactory, ProgramFactory


def titles(obj: object) -> tuple[str, str]:
    """The title in Russian and in English."""
    with translation.override("ru"):
        russian = str(obj)
    with translation.override("en"):
        english = str(obj)
    return russian, english


def anna() -> Contact:
    return Contact(pk=9130, first_name="Anna", last_name="Ivanova")


def test_a_ledger_entry_is_its_kind_points_and_local_time():
    entry = LedgerEntry(pk=7, kind="accrual", points=Decimal("15.00"), at=datetime(2026, 11, 28, 18, 44, tzinfo=UTC))
    assert titles(entry) == (
        "Начисление: 15,00 балла, 28.11.2026 21:44",
        "Accrual: 15.00 points, 28.11.2026 21:44",
    )


def test_an_account_names_its_owner_and_program_when_they_are_loaded():
    account = Account(pk=2002)
    account.contact = anna()
    account.program = Program(pk=2, name="Club")
    assert titles(account) == ("Счёт баллов № 2002 (Anna Ivanova, Club)", "Points account #2002 (Anna Ivanova, Club)")


def test_an_account_says_what_its_ids_are_when_nothing_is_loaded():
    assert titles(Account(pk=2002, contact_id=9130, program_id=2)) == (
        "Счёт баллов № 2002 (контакт № 9130)",
        "Points account #2002 (contact #9130)",
    )
    assert titles(Account(pk=5, master_account_id=3, program_id=2)) == (
        "Счёт баллов № 5 (мастер-счёт № 3)",
        "Points account #5 (master account #3)",
    )


def test_a_refund_names_the_receipt_when_the_purchase_is_loaded():
    refund = Refund(pk=53, purchase_id=2837)
    assert titles(refund) == ("Возврат № 53 по покупке № 2837", "Refund #53 of purchase #2837")
    refund.purchase = Purchase(pk=2837, receipt_number="BL-00146")
    assert titles(refund) == ("Возврат № 53 по чеку BL-00146", "Refund #53 of receipt BL-00146")


def test_a_purchase_line_is_its_index_and_product():
    line = PurchaseLine(index=0, sku="BL-00146")
    assert titles(line) == ("Позиция № 0: BL-00146", "Line #0: BL-00146")
    line.product = Product(sku="BL-00146", name="Bread")
    assert titles(line) == ("Позиция № 0: BL-00146 Bread", "Line #0: BL-00146 Bread")


def test_a_segment_member_names_the_contact_and_segment():
    member = SegmentMember(contact_id=19952, segment_id=1)
    assert titles(member) == ("контакт № 19952 в сегменте № 1", "contact #19952 in segment #1")
    member.contact = anna()
    member.segment = Segment(pk=1, name="VIP")
    assert titles(member) == ("Anna Ivanova в сегменте «VIP»", "Anna Ivanova in the segment VIP")


def test_a_master_account_member_names_the_contact_and_account():
    member = MasterAccountMember(contact_id=9130, master_account_id=4)
    assert titles(member) == ("контакт № 9130 в мастер-счёте № 4", "contact #9130 in master account #4")
    member.contact = anna()
    member.master_account = MasterAccount(pk=4, name="Family")
    assert titles(member) == ("Anna Ivanova в мастер-счёте «Family»", "Anna Ivanova in the master account Family")


def test_an_enrollment_is_the_contact_in_the_program():
    enrollment = Enrollment(contact=anna(), program=Program(pk=2, name="Клуб"))
    assert titles(enrollment) == ("Anna Ivanova в программе «Клуб»", "Anna Ivanova in Клуб")


@pytest.mark.django_db
def test_a_title_reads_nothing_that_is_not_loaded(django_assert_num_queries):
    # given: an account read alone, as a change list's row of another model would hold it
    created = Account.objects.create(program=ProgramFactory(), contact=ContactFactory())
    account = Account.objects.get(pk=created.pk)
    # when / then
    with django_assert_num_queries(0), translation.override("en"):
        title = str(account)
    assert title == f"Points account #{account.pk} (contact #{account.contact_id})"
