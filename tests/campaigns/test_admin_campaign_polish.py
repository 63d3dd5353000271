"""The campaign page's small things: brand-labelled choices, sentence-case labels, errors that name a field by its
label, confirming "requires a promo code" on an active campaign, Pause or Resume as the status allows, the breadcrumb,
and the dates (day-month-year in English, no time-zone warning)."""

import json
import re
from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from campaigns.forms import CampaignAdminForm, ProductSegmentAdminForm, SegmentPlan
from campaigns.models import Campaign, ProductSegment
from campaigns.rules import RuleError, parse_campaign_mechanic
from campaigns.services.campaigns import campaign_clean, product_segment_save
from common.errors import InvalidInput
from tests.campaigns.test_admin_campaigns import field_errors, form_data, make_campaign
from tests.factories import BrandFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:campaigns_campaign_add")


def change_url(campaign: Campaign) -> str:
    return reverse("admin:campaigns_campaign_change", args=[campaign.pk])


def segment(brand, name: str) -> ProductSegment:
    return product_segment_save(segment=ProductSegment(brand=brand), data={"name": name, "skus": ["SH-1"]})


def choice_labels(response, name: str) -> list[str]:
    return [str(label) for value, label in response.context["adminform"].form.fields[name].choices if value]


@pytest.fixture
def brands():
    beauty, home = BrandFactory(name="Beauty"), BrandFactory(name="Home")
    return {
        "beauty": beauty,
        "home": home,
        "beauty_segment": segment(beauty, "Shampoos"),
        "home_segment": segment(home, "Shampoos"),
        "beauty_store": StoreFactory(brand=beauty, name="Main street"),
        "home_store": StoreFactory(brand=home, name="Mall"),
    }


def manager_of(*brands) -> Client:
    user = UserFactory(username="marketer", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="campaigns"))
    for brand in brands:
        brand.managers.add(user)
    client = Client()
    client.force_login(user)
    return client


# Product segments and stores: the user's brands, labelled with the brand when there are several


def test_staff_who_see_every_brand_get_segments_and_stores_labelled_with_their_brand(admin_client, brands):
    response = admin_client.get(ADD)

    assert choice_labels(response, "product_segment") == ["Beauty · Shampoos", "Home · Shampoos"]
    assert choice_labels(response, "stores") == ["Beauty · Main street", "Home · Mall"]


def test_a_manager_of_one_brand_gets_its_segments_and_stores_by_name_only(brands):
    response = manager_of(brands["beauty"]).get(ADD)

    assert choice_labels(response, "product_segment") == ["Shampoos"]
    assert choice_labels(response, "stores") == ["Main street"]


def test_a_manager_of_two_brands_gets_both_labelled(brands):
    response = manager_of(brands["beauty"], brands["home"]).get(ADD)

    assert choice_labels(response, "product_segment") == ["Beauty · Shampoos", "Home · Shampoos"]


def test_a_segment_or_a_store_of_another_brand_is_refused(admin_client, brands):
    data = form_data(
        brands["beauty"],
        product_segment=str(brands["home_segment"].pk),
        stores=[str(brands["home_store"].pk)],
    )

    response = admin_client.post(ADD, data)

    assert response.status_code == 200
    assert field_errors(response, "product_segment") == ["The product segment belongs to another brand."]
    assert field_errors(response, "stores") == ["Not stores of Beauty: Mall."]
    assert not Campaign.objects.exists()


# Labels in sentence case


def test_every_label_of_the_campaign_form_starts_with_a_capital(admin_client, brands):
    form = admin_client.get(ADD).context["adminform"].form

    labels = {name: str(field.label) for name, field in form.fields.items()}
    assert labels["name"] == "Name"
    assert labels["weekdays"] == "Weekdays"
    assert labels["product_segment"] == "Product segment"
    assert labels["per_customer"] == "Uses per customer"
    assert [name for name, label in labels.items() if label[:1] != label[:1].upper()] == []


def test_the_labels_are_capitalised_in_russian_too(admin_client, brands):
    with translation.override("ru"):
        form = admin_client.get(ADD, HTTP_ACCEPT_LANGUAGE="ru").context["adminform"].form
        labels = [str(field.label) for field in form.fields.values()]

    assert [label for label in labels if label[:1] != label[:1].upper()] == []


# Errors name a field by its label, not its JSON key


@pytest.mark.parametrize(
    ("mechanic", "message"),
    [
        ({"type": "buy_n_get_m", "buy": 2, "get": 0}, "“Get free (units)” must be between 1 and 1000000."),
        ({"type": "buy_n_get_m", "buy": 2}, "“Get free (units)” must be a whole number."),
        ({"type": "percent_discount", "percent": "101"}, "“Percent off” must be at most 100."),
        ({"type": "percent_discount"}, "“Percent off” is required."),
        ({"type": "points_fixed", "points": "2000000000"}, "“Points” is beyond 1,000,000,000."),
        ({"type": "nothing"}, "Choose the mechanic's type."),
    ],
)
def test_a_mechanic_error_names_the_parameter_by_its_label(admin_client, brands, mechanic, message):
    response = admin_client.post(ADD, form_data(brands["beauty"], mechanic=json.dumps(mechanic)))

    assert field_errors(response, "mechanic") == [message]


def test_the_service_names_a_limit_by_its_label_for_people_and_by_its_key_for_the_api(brands):
    campaign = make_campaign(brands["beauty"], limits={"total_uses": 0})

    with pytest.raises(InvalidInput) as people:
        campaign_clean(campaign, for_people=True)
    with pytest.raises(InvalidInput) as api:
        campaign_clean(campaign)

    assert people.value.fields == {"limits.total_uses": ["“Uses in total” is a whole number from 1."]}
    assert api.value.fields == {"limits": ["'total_uses' is a whole number from 1."]}


def test_a_condition_or_limit_error_of_the_service_is_put_under_its_field(admin_user, brands):
    data = form_data(brands["beauty"])
    data["starts_at"] = f"{data['starts_at_0']} {data['starts_at_1']}"  # one field outside the admin
    form = type("Form", (CampaignAdminForm,), {"request_user": admin_user})(data=data)
    assert form.is_valid(), form.errors
    refusal = InvalidInput(
        "refused",
        fields={
            "limits.total_uses": ["“Uses in total” is a whole number from 1."],
            "conditions.hours": ["Hours are wrong."],
            "conditions": ["An object."],
        },
    )

    form._add_service_errors(refusal, SegmentPlan("keep"))

    assert form.errors["total_uses"] == ["“Uses in total” is a whole number from 1."]
    assert form.errors["hours_from"] == ["Hours are wrong."]
    assert form.non_field_errors() == ["Conditions: An object."]


def test_the_api_keeps_naming_the_key(brands):
    with pytest.raises(RuleError) as error:
        parse_campaign_mechanic({"type": "buy_n_get_m", "buy": 2, "get": 0})

    assert error.value.message == "'get' must be between 1 and 1000000."
    assert error.value.for_people == "“Get free (units)” must be between 1 and 1000000."


# "Requires a promo code" switched on an active campaign is confirmed


def campaign_post(campaign: Campaign, **overrides) -> dict:
    data = form_data(campaign.brand, name=campaign.name, status=campaign.status)
    data.update(overrides)
    return data


def test_making_an_active_campaign_code_only_asks_for_confirmation(admin_client, brands):
    campaign = make_campaign(brands["beauty"], status="active")
    page = admin_client.get(change_url(campaign))

    response = admin_client.post(change_url(campaign), campaign_post(campaign, requires_code="on"))

    # the page has one switch for it; the confirmation comes with the refusal
    assert 'name="confirm_code_only"' not in page.content.decode()
    assert response.status_code == 200
    assert 'name="confirm_code_only"' in response.content.decode()
    assert field_errors(response, "requires_code") == [
        "The campaign is active: from its next receipt it applies only with a promo code. Tick “Yes, make it "
        "code-only” to confirm."
    ]
    campaign.refresh_from_db()
    assert campaign.requires_code is False


def test_a_confirmed_switch_makes_the_active_campaign_code_only(admin_client, brands):
    campaign = make_campaign(brands["beauty"], status="active")

    response = admin_client.post(
        change_url(campaign), campaign_post(campaign, requires_code="on", confirm_code_only="on")
    )

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.requires_code is True


@pytest.mark.parametrize("status", ["draft", "paused"])
def test_a_campaign_that_is_not_active_switches_without_confirmation(admin_client, brands, status):
    campaign = make_campaign(brands["beauty"], status=status)

    page = admin_client.get(change_url(campaign))
    response = admin_client.post(change_url(campaign), campaign_post(campaign, requires_code="on"))

    assert 'name="confirm_code_only"' not in page.content.decode()
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.requires_code is True


# Pause or Resume, as the status allows


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [
        ("active", ["pause"], ["resume"]),
        ("paused", ["resume"], ["pause"]),
        ("draft", [], ["pause", "resume"]),
        ("finished", [], ["pause", "resume"]),
    ],
)
def test_the_page_offers_pause_only_when_active_and_resume_only_when_paused(
    admin_client, brands, status, shown, hidden
):
    campaign = make_campaign(brands["beauty"], status=status)

    html = admin_client.get(change_url(campaign)).content.decode()

    def offered(name: str) -> bool:
        return reverse(f"admin:campaigns_campaign_{name}_detail", args=[campaign.pk]) in html

    assert [name for name in shown if not offered(name)] == []
    assert [name for name in hidden if offered(name)] == []
    assert offered("duplicate")


# The breadcrumb and the menu


def test_the_breadcrumb_reads_marketing_then_campaigns(admin_client, brands):
    campaign = make_campaign(brands["beauty"])

    html = admin_client.get(change_url(campaign)).content.decode()

    heading = html.split("<h1", 1)[1].split("</h1>", 1)[0]
    crumbs = re.findall(r"<a href=[^>]*>\s*([^<]+?)\s*</a\s*>", heading)
    assert crumbs == ["Marketing", "Campaigns", "Ten off"]


def test_the_menu_groups_the_campaigns_under_marketing_in_both_languages(admin_client, brands):
    english = admin_client.get(reverse("admin:campaigns_campaign_changelist")).content.decode()
    with translation.override("ru"):
        russian = admin_client.get(reverse("admin:campaigns_campaign_changelist"), HTTP_ACCEPT_LANGUAGE="ru")

    assert re.search(r"<h2[^>]*>\s*Marketing\s", english)
    assert re.search(r"<h2[^>]*>\s*Campaigns\s", english) is None
    assert russian.status_code == 200


# Dates: day-month-year in both languages, one format per language (no "5 Dec 2026" beside "05.12.2026"); no
# time-zone warning


def test_dates_are_day_month_year_in_one_format_per_language():
    day = date(2026, 12, 5)
    moment = datetime(2026, 12, 5, 14, 30)

    with translation.override("en"):
        assert formats.date_format(day) == "05.12.2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "05.12.2026 14:30"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "05.12.2026"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "05.12.2026 14:30"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d.%m.%Y"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
    with translation.override("ru"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "05.12.2026"
        assert formats.date_format(day) == "05.12.2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "05.12.2026 14:30"
        assert formats.get_format("DECIMAL_SEPARATOR") == ","  # the rest is Django's Russian


def test_the_campaign_form_shows_and_reads_day_month_year(admin_client, brands):
    campaign = make_campaign(brands["beauty"], starts_at=timezone.make_aware(datetime(2026, 12, 5, 9, 0)))

    html = admin_client.get(change_url(campaign)).content.decode()
    data = form_data(brands["beauty"], starts_at_0="06.12.2026", starts_at_1="10:00")
    response = admin_client.post(ADD, data)

    assert 'value="05.12.2026"' in html
    assert response.status_code == 302
    saved = Campaign.objects.exclude(pk=campaign.pk).get()
    assert timezone.localtime(saved.starts_at).replace(tzinfo=None) == datetime(2026, 12, 6, 10, 0)


def test_the_time_zone_warning_is_hidden_on_every_admin_page(admin_client, brands):
    html = admin_client.get(ADD).content.decode()
    css = open(finders.find("common/admin.css")).read()  # noqa: SIM115

    assert "common/admin.css" in html
    assert ".timezonewarning" in css
    assert "display: none" in css
    assert "data-admin-utc-offset" in html  # kept: "Now" fills in the server's time


def test_the_ends_at_of_yesterday_is_refused_in_day_month_year(admin_client, brands):
    yesterday = timezone.localtime() - timedelta(days=1)
    data = form_data(brands["beauty"], ends_at_0=yesterday.strftime("%d.%m.%Y"), ends_at_1="00:00")

    response = admin_client.post(ADD, data)

    assert field_errors(response, "ends_at") == ["The end must be after the start."]


def test_the_product_segment_page_labels_its_fields_in_sentence_case():
    with translation.override("ru"):
        labels = [str(field.label) for field in ProductSegmentAdminForm().fields.values()]

    assert labels == ["Бренд", "Название", "Артикулы", "Категории", "Исключённые артикулы"]
