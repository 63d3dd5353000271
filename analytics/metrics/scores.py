"""Every contact's scores written to `contacts.ContactScore`, where segment rules (`rfm`, `churn_risk`) read them.

- `rfm`: a contact has one RFM segment, though RFM is scored per brand: the segment of the brand they bought from
  last (scored among that brand's buyers of the last 365 days, exactly as `GET /analytics/rfm?brand=` shows it);
  a contact who bought nothing in the last 365 days has none ("").
- `churn_risk`: from the churn model in use, for every contact who bought in the last year; the others have none.

PostgreSQL writes each in a few set-based statements (a temporary table, `INSERT … ON CONFLICT`, an `UPDATE` for
those who dropped out); SQLite upserts from Python in batches. Running twice for one time writes the same values.
"""

from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from analytics.metrics.base import Period, big_statement, on_postgresql
from analytics.metrics.churn import churn_risks
from analytics.metrics.churn.features import features_at
from analytics.metrics.models import ChurnModel
from analytics.metrics.rfm import rfm_sql, rfm_table
from contacts.models import ContactScore
from loyalty.models import Purchase, Refund

RFM_WINDOW_DAYS = 365
BATCH = 2000
RISK_PLACES = Decimal("0.001")


def _rfm_postgresql(period: Period, at: datetime) -> int:
    sql, params = rfm_sql(None, period, per_brand=True)
    params["at"] = at
    with connection.cursor() as cursor:
        big_statement(cursor)  # in rfm_scores_refresh's transaction
        cursor.execute("DROP TABLE IF EXISTS metrics_rfm_now")  # left by an outer transaction that ran this before
        cursor.execute(
            "CREATE TEMPORARY TABLE metrics_rfm_now ON COMMIT DROP AS "  # noqa: S608  (our own statement; values are parameters)
            f"SELECT DISTINCT ON (contact_id) contact_id, segment FROM ({sql}) scored "
            "ORDER BY contact_id, last_at DESC, part",
            params,
        )
        cursor.execute(
            "INSERT INTO contacts_contactscore (contact_id, rfm, churn_risk, computed_at, created_at, updated_at) "
            "SELECT contact_id, segment, NULL, %(at)s, now(), now() FROM metrics_rfm_now "
            "ON CONFLICT (contact_id) DO UPDATE SET rfm = EXCLUDED.rfm, computed_at = EXCLUDED.computed_at, "
            "updated_at = EXCLUDED.updated_at",
            {"at": at},
        )
        written = cursor.rowcount
        cursor.execute(
            "UPDATE contacts_contactscore s SET rfm = '', computed_at = %(at)s, updated_at = now() "
            "WHERE s.rfm <> '' AND NOT EXISTS (SELECT 1 FROM metrics_rfm_now n WHERE n.contact_id = s.contact_id)",
            {"at": at},
        )
    return written


def _upsert(values: dict[int, dict[str, object]], fields: list[str], at: datetime) -> None:
    rows = [ContactScore(contact_id=contact, computed_at=at, **columns) for contact, columns in values.items()]
    ContactScore.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["contact"],
        update_fields=[*fields, "computed_at", "updated_at"],
    )


def _rfm_python(period: Period, at: datetime) -> int:
    home: dict[int, tuple[datetime, int, str]] = {}
    for row in rfm_table(None, period, per_brand=True):
        assert row.last_at is not None
        key = (row.last_at, -(row.brand or 0), row.segment)
        if row.contact not in home or key[:2] > home[row.contact][:2]:
            home[row.contact] = key
    _upsert({contact: {"rfm": segment} for contact, (_at, _brand, segment) in home.items()}, ["rfm"], at)
    gone = set(ContactScore.objects.exclude(rfm="").values_list("contact_id", flat=True)) - set(home)
    for start in range(0, len(gone), BATCH):
        chunk = sorted(gone)[start : start + BATCH]
        ContactScore.objects.filter(contact_id__in=chunk).update(rfm="", computed_at=at, updated_at=timezone.now())
    return len(home)


@transaction.atomic
def rfm_scores_refresh(*, at: datetime) -> int:
    """Write every contact's RFM segment as of `at`; the number of contacts with one."""
    period = Period.last_days(RFM_WINDOW_DAYS, end=at)
    if on_postgresql():
        return _rfm_postgresql(period, at)
    return _rfm_python(period, at)


def rfm_scores_stale(*, now: datetime) -> bool:
    """Whether the stored RFM segments may be out of date: never written, written on another day (recency moves), or
    before the latest receipt or refund was recorded."""
    written = ContactScore.objects.exclude(rfm="").aggregate(last=Max("computed_at"))["last"]
    latest = [
        moment
        for moment in (
            Purchase.objects.aggregate(last=Max("created_at"))["last"],
            Refund.objects.aggregate(last=Max("created_at"))["last"],
        )
        if moment is not None
    ]
    if written is None:
        return bool(latest)
    if timezone.localdate(written) != timezone.localdate(now):
        return True
    return any(moment > written for moment in latest)


@transaction.atomic
def churn_scores_write(*, model: ChurnModel, at: datetime) -> int:
    """Score everyone who bought in the year before `at` with `model`; the others' risks are cleared."""
    found = features_at(at)
    risks = {
        contact: Decimal(str(risk)).quantize(RISK_PLACES)
        for contact, risk in zip(found.contacts, churn_risks(model, found), strict=True)
    }
    if on_postgresql() and risks:
        contacts, values = list(risks), [risks[contact] for contact in risks]
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO contacts_contactscore (contact_id, rfm, churn_risk, computed_at, created_at, updated_at) "
                "SELECT contact_id, '', risk, %(at)s, now(), now() "
                "FROM unnest(%(contacts)s::bigint[], %(risks)s::numeric[]) AS new (contact_id, risk) "
                "ON CONFLICT (contact_id) DO UPDATE SET churn_risk = EXCLUDED.churn_risk, "
                "computed_at = EXCLUDED.computed_at, updated_at = EXCLUDED.updated_at",
                {"at": at, "contacts": contacts, "risks": values},
            )
    elif risks:
        _upsert({contact: {"churn_risk": risk} for contact, risk in risks.items()}, ["churn_risk"], at)
    gone = set(ContactScore.objects.filter(churn_risk__isnull=False).values_list("contact_id", flat=True)) - set(risks)
    for start in range(0, len(gone), BATCH):
        chunk = sorted(gone)[start : start + BATCH]
        ContactScore.objects.filter(contact_id__in=chunk).update(churn_risk=None, updated_at=timezone.now())
    model.scored_contacts = len(risks)
    model.save(update_fields=["scored_contacts", "updated_at"])
    return len(risks)


def current_churn_model() -> ChurnModel | None:
    return ChurnModel.objects.filter(status="trained").order_by("-trained_at", "-pk").first()
