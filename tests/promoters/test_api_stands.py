"""`stands`: CRUD for staff who may, the contract's fields, promoters who work in the brand, and `/{id}/stats`."""

from datetime import timedelta

import pytest
from django.utils import timezone

from promoters.models import Lead, Stand
from tests.conftest import token_client
from tests.factories import BrandFactory, UserFactory
from tests.promoters.support import brand_with_cards, lead_body, promoter, stand

pytestmark = pytest.mark.django_db

URL = "/api/v1/stands"


def test_a_superuser_creates_reads_changes_and_deletes_a_stand(superuser_client):
    # given
    brand = BrandFactory(name="Fair brand")
    person = promoter(brand)

    # when
    created = superuser_client.post(
        URL,
        {
            "brand": brand.pk,
            "name": "Autumn fair",
            "code": "autumn-2026",
            "event": "Autumn fair",
            "place": "Hall B, stand 12",
            "starts_at": "2026-10-01T10:00:00+03:00",
            "ends_at": "2026-10-03T19:00:00+03:00",
            "promoters": [person.pk],
            "welcome_points": "150",
        },
        format="json",
    )

    # then
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["promoters"] == [person.pk]
    assert (body["welcome_points"], body["page_url"], body["code"]) == ("150.00", "/promo/autumn-2026/", "autumn-2026")
    pk = body["id"]
    assert superuser_client.get(f"{URL}/{pk}").json()["place"] == "Hall B, stand 12"
    changed = superuser_client.patch(f"{URL}/{pk}/", {"promoters": [], "welcome_points": 0}, format="json")
    assert changed.status_code == 200
    assert changed.json()["promoters"] == []
    assert superuser_client.delete(f"{URL}/{pk}").status_code == 204
    assert not Stand.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"code": "has space"}, 400, "invalid"),
        ({"ends_at": "2026-09-01T10:00:00+03:00"}, 400, "invalid"),
        ({"welcome_points": "-1"}, 400, "invalid"),
        ({"code": "taken"}, 409, "duplicate_code"),
    ],
)
def test_bad_stands_are_refused(superuser_client, change, status, code):
    brand = BrandFactory()
    stand(brand, code="taken")
    body = {"brand": brand.pk, "name": "Fair", "code": "fair", "starts_at": "2026-10-01T10:00:00+03:00"} | change

    response = superuser_client.post(URL, body, format="json")

    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert Stand.objects.count() == 1


def test_a_promoter_must_work_in_the_stands_brand(superuser_client):
    # given: staff of another brand
    brand, other = BrandFactory(), BrandFactory()
    outsider = promoter(other, "outsider")

    response = superuser_client.post(
        URL, {"brand": brand.pk, "name": "Fair", "code": "fair", "promoters": [outsider.pk]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["promoters"]


def test_a_brand_manager_sees_and_offers_only_their_brands_stands_and_staff(manager, manager_brand):
    # given: the manager may run stands; a stand and a promoter in each brand
    from django.contrib.auth.models import Permission

    manager.user_permissions.add(*Permission.objects.filter(content_type__app_label="promoters"))
    mine = stand(manager_brand, code="mine")
    other = BrandFactory(name="Other")
    theirs = stand(other, code="theirs")
    stranger = promoter(other, "stranger")
    client = token_client(manager)

    # then
    assert [row["code"] for row in client.get(URL).json()["results"]] == ["mine"]
    assert client.get(f"{URL}/{theirs.pk}").status_code == 404
    assert client.get(f"{URL}/{theirs.pk}/stats").status_code == 404
    refused = client.patch(f"{URL}/{mine.pk}", {"promoters": [stranger.pk]}, format="json")
    assert refused.status_code == 400  # an id the manager may not pick is unknown
    made = client.post(URL, {"brand": other.pk, "name": "Elsewhere", "code": "elsewhere"}, format="json")
    assert made.status_code == 400
    assert not Stand.objects.filter(code="elsewhere").exists()


def test_the_promoter_role_reads_its_own_stands_only_and_changes_none():
    # given: a promoter at one stand of the brand, not at the other
    brand = brand_with_cards()
    person = promoter(brand)
    here = stand(brand, code="here", promoters=[person])
    stand(brand, code="there")
    client = token_client(person)

    # then
    assert [row["code"] for row in client.get(URL).json()["results"]] == ["here"]
    assert client.patch(f"{URL}/{here.pk}", {"name": "Mine now"}, format="json").status_code == 403
    assert client.post(URL, {"brand": brand.pk, "name": "New", "code": "new"}, format="json").status_code == 403
    assert client.delete(f"{URL}/{here.pk}").status_code == 403
    assert client.post("/api/v1/leads", lead_body("here"), format="json").status_code == 201
    assert client.post("/api/v1/leads", lead_body("there", phone="+79165550009"), format="json").status_code == 403


def test_stats_count_leads_and_new_contacts_per_promoter_and_per_hour(settings):
    # given: two promoters; three leads in one hour and one in the next, one of them an existing contact
    settings.TIME_ZONE = "Europe/Moscow"
    brand = brand_with_cards()
    anna, boris = promoter(brand, "anna"), promoter(brand, "boris")
    first = (timezone.now() - timedelta(hours=2)).replace(minute=30, second=0, microsecond=0)  # in the past
    fair = stand(brand, promoters=[anna, boris], starts_at=first - timedelta(days=1))
    sent = [
        (anna, "+79165550001", first.isoformat()),
        (anna, "+79165550002", first.isoformat()),
        (boris, "+79165550001", first.isoformat()),
        (boris, "+79165550003", (first + timedelta(hours=1)).isoformat()),
    ]
    for user, phone, at in sent:
        response = token_client(user).post("/api/v1/leads", lead_body(phone=phone, captured_at=at), format="json")
        assert response.status_code == 201, response.content

    # when
    stats = token_client(anna).get(f"{URL}/{fair.pk}/stats")

    # then
    assert stats.status_code == 200
    body = stats.json()
    assert (body["stand"], body["leads"], body["new_contacts"], body["welcome_points"]) == (fair.pk, 4, 3, "300.00")
    assert [(row["username"], row["leads"], row["new_contacts"]) for row in body["per_promoter"]] == [
        ("anna", 2, 2),
        ("boris", 2, 1),
    ]
    local = timezone.localtime(first).replace(minute=0)
    assert [(row["hour"], row["leads"], row["new_contacts"]) for row in body["per_hour"]] == [
        (local.isoformat(), 3, 2),
        ((local + timedelta(hours=1)).isoformat(), 1, 1),
    ]
    assert Lead.objects.count() == 4


def test_stats_need_the_permission_to_view_stands():
    brand = brand_with_cards()
    fair = stand(brand)
    outsider = UserFactory(username="outsider", is_staff=True)
    brand.managers.add(outsider)

    assert token_client(outsider).get(f"{URL}/{fair.pk}/stats").status_code == 403
