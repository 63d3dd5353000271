"""`common.rawrows.locked_instances`: several rows of different tables read and locked by one statement, each as
`locked_instance` reads it; a row changed by a transaction the lock waited for is read as that transaction left it
(on PostgreSQL a waiting `FOR UPDATE` re-reads every locked row)."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.rawrows import locked_instance, locked_instances
from loyalty.models import Account, Enrollment
from loyalty.services.ledger import account_for
from tests.concurrency import while_open
from tests.factories import ContactFactory, EnrollmentFactory, ProgramFactory, TierFactory


def _values(instance):  # type: ignore[no-untyped-def]
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def _rows() -> tuple[Account, Enrollment]:
    program = ProgramFactory()
    contact = ContactFactory()
    enrollment = EnrollmentFactory(contact=contact, program=program, tier=TierFactory(program=program))
    return account_for(program=program, contact=contact), enrollment


@pytest.mark.django_db
def test_each_row_is_the_one_locked_instance_reads():
    account, enrollment = _rows()
    with transaction.atomic():
        both = locked_instances((Account, account.pk), (Enrollment, enrollment.pk))
        alone = [locked_instance(Account, account.pk), locked_instance(Enrollment, enrollment.pk)]
    assert [type(row) for row in both] == [Account, Enrollment]
    assert [_values(row) for row in both] == [_values(row) for row in alone]
    assert not any(row._state.adding for row in both)


@pytest.mark.django_db
def test_a_missing_row_raises_its_own_models_does_not_exist():
    account, enrollment = _rows()
    with transaction.atomic(), pytest.raises(Enrollment.DoesNotExist):
        locked_instances((Account, account.pk), (Enrollment, enrollment.pk + 1000))
    with transaction.atomic(), pytest.raises(Account.DoesNotExist):
        locked_instances((Account, account.pk + 1000), (Enrollment, enrollment.pk))
    with transaction.atomic(), pytest.raises(Enrollment.DoesNotExist):
        locked_instance(Enrollment, enrollment.pk + 1000)


@pytest.mark.postgres
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="row locks need PostgreSQL"
)
def test_rows_changed_while_the_lock_waited_are_read_as_committed(transactional_db):
    # given: a transaction that locks both rows (in the confirm's order) and changes them, not yet committed
    account, enrollment = _rows()
    higher = TierFactory(program=enrollment.program, min_spend=Decimal("1000.00"))
    seen: list = []

    def holding() -> None:
        Account.objects.select_for_update().get(pk=account.pk)
        Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        Enrollment.objects.filter(pk=enrollment.pk).update(tier=higher, tier_valid_until=timezone.now())
        Account.objects.filter(pk=account.pk).update(active=Decimal("42.00"))

    def meanwhile() -> None:
        with transaction.atomic():
            seen.extend(locked_instances((Account, account.pk), (Enrollment, enrollment.pk)))

    # when: both rows are locked by one read while that transaction is open, then it commits
    waited = while_open(holding, meanwhile)

    # then: the read waited for the locks and gives both rows as the other transaction left them
    assert waited
    locked_account, locked_enrollment = seen
    assert locked_enrollment.tier_id == higher.pk
    assert locked_account.active == Decimal("42.00")
