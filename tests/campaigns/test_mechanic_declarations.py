"""A mechanic declares its parameters once, on its class: the validation, the API's schema and the admin's editor
read them. Adding a mechanic is one class: a throwaway one, registered for a test, is validated by the API,
offered by the editor, documented by the schema and applied at the till, with no other module changed."""

import json
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.urls import reverse
from django.utils import timezone

from campaigns.engine.mechanics import (
    HUNDRED,
    MECHANICS,
    Mechanic,
    MechanicError,
    register,
    units_discount,
    validate_mechanic,
    whole_units,
)
from campaigns.engine.params import DECIMAL, INTEGER, Param
from campaigns.engine.types import Line
from campaigns.forms import mechanic_editor
from tests.factories import BrandFactory
from tests.helpers import assert_error, url
from tests.loyalty.pos_support import calculate, line, make_till, ok

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class CheapestOff(Mechanic):
    """`percent` off the `units` cheapest whole units (100 % when left out): a mechanic only this test knows."""

    kind, type = "discount", "cheapest_off"
    label = "The cheapest units off"
    params = (
        Param("units", INTEGER, "how many units", minimum=1, maximum=10),
        Param("percent", DECIMAL, "percent off", required=False, default=HUNDRED, positive=True, maximum=HUNDRED),
    )

    def __init__(self, *, units: int, percent: Decimal) -> None:
        self.units, self.percent = units, percent

    def discounts(self, lines: Sequence[Line], basis: Mapping[int, Decimal]) -> dict[int, Decimal]:
        return units_discount(whole_units(lines, basis)[: self.units], self.percent)


@pytest.fixture
def cheapest_off() -> Iterator[type[Mechanic]]:
    register(CheapestOff)
    yield CheapestOff
    del MECHANICS[CheapestOff.type]


def campaign_body(brand_id: int, mechanic: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "Cheapest off",
        "brand": brand_id,
        "status": "active",
        "starts_at": (timezone.now() - timedelta(days=1)).isoformat(),
        "mechanic": mechanic,
    }


# --- the ten mechanics, as declared ----------------------------------------------------------------------------


def test_points_mechanics_declare_the_lifetime_and_discount_mechanics_do_not():
    for mechanic in MECHANICS.values():
        names = [param.name for param in mechanic.declared()]
        has_lifetime = names[-2:] == ["expires_in_days", "activation_days"]
        assert has_lifetime == (mechanic.kind == "points"), mechanic.type


@pytest.mark.parametrize(
    ("raw", "validated"),
    [
        (
            {"type": "points_percent", "percent": "5"},
            {"type": "points_percent", "percent": Decimal(5), "expires_in_days": None, "activation_days": 0},
        ),
        (
            {"type": "graded_discount", "steps": [{"from": 5, "percent": 15}, {"from": "3", "percent": "10"}]},
            {
                "type": "graded_discount",
                "by": "quantity",
                "steps": ((Decimal(3), Decimal(10)), (Decimal(5), Decimal(15))),
            },
        ),
        ({"type": "amount_discount", "amount": "10.005"}, {"type": "amount_discount", "amount": Decimal("10.01")}),
        ({"type": "buy_n_get_m", "buy": "2", "get": 1, "other": "x"}, {"type": "buy_n_get_m", "buy": 2, "get": 1}),
    ],
)
def test_validate_mechanic_answers_each_declared_parameter_checked_with_its_default(raw, validated):
    assert validate_mechanic(raw) == validated


def test_the_editor_lists_every_mechanic_with_its_declared_parameters():
    # when
    editor = mechanic_editor()

    # then
    assert [spec["type"] for spec in editor] == list(MECHANICS)
    for spec in editor:
        mechanic = MECHANICS[spec["type"]]
        assert (spec["kind"], str(spec["label"])) == (mechanic.kind, str(mechanic.label))
        assert [param["name"] for param in spec["params"]] == [param.name for param in mechanic.declared()]
    graded = next(spec for spec in editor if spec["type"] == "graded_points")
    steps = graded["params"][0]
    assert (steps["kind"], [field["name"] for field in steps["fields"]]) == ("steps", ["from", "percent"])
    assert [(field["min"], field["max"]) for field in steps["fields"]] == [(Decimal(0), None), (Decimal(0), HUNDRED)]
    assert graded["params"][1:] == [
        {
            "name": "expires_in_days",
            "kind": "integer",
            "label": graded["params"][1]["label"],
            "required": False,
            "default": None,
            "min": 0,
            "max": 1_000_000,
            "positive": False,
        },
        {
            "name": "activation_days",
            "kind": "integer",
            "label": graded["params"][2]["label"],
            "required": False,
            "default": 0,
            "min": 0,
            "max": 1_000_000,
            "positive": False,
        },
    ]


def test_the_engine_imports_no_orm_no_settings_and_no_clock():
    # when a fresh interpreter imports the engine, without Django's settings
    code = (
        "import sys, campaigns.engine, campaigns.engine.mechanics; "
        "print(sorted(m for m in sys.modules if m.startswith(('django.db', 'django.conf', 'django.utils.timezone'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, env={"PATH": ""}
    )

    # then
    assert result.stdout.strip() == "[]"


# --- adding a mechanic is one class ----------------------------------------------------------------------------


def test_a_new_mechanic_is_validated_by_its_declarations(cheapest_off):
    assert validate_mechanic({"type": "cheapest_off", "units": 2}) == {
        "type": "cheapest_off",
        "units": 2,
        "percent": HUNDRED,
    }
    with pytest.raises(MechanicError, match=re.escape("'units' must be between 1 and 10.")):
        validate_mechanic({"type": "cheapest_off", "units": 11})


def test_the_api_accepts_a_new_mechanic_and_answers_its_parameters_mistakes(superuser_client, cheapest_off):
    # given
    brand = BrandFactory()

    def create(**params: Any) -> Any:
        body = campaign_body(brand.pk, {"type": "cheapest_off", **params})
        return superuser_client.post(url("campaigns"), body, format="json")

    # when
    created = create(units=1, percent="50")
    no_units, too_many, no_number = create(), create(units=11), create(units=1, percent="half")

    # then
    assert created.status_code == 201, created.content
    assert created.json()["mechanic"] == {"type": "cheapest_off", "units": 1, "percent": "50"}
    assert_error(no_units, 400, "invalid", fields={"mechanic": ["'units' must be a whole number."]})
    assert_error(too_many, 400, "invalid", fields={"mechanic": ["'units' must be between 1 and 10."]})
    assert_error(no_number, 400, "invalid", fields={"mechanic": ["'percent' must be a number."]})


def test_the_till_applies_a_new_mechanic(superuser_client, cheapest_off):
    # given an active campaign of the new mechanic: the cheapest unit free
    till = make_till()
    body = campaign_body(till.brand.pk, {"type": "cheapest_off", "units": 1})
    assert superuser_client.post(url("campaigns"), body, format="json").status_code == 201

    # when
    answer = ok(calculate(till.client, {"lines": [line("A", 1, "300.00"), line("B", 2, "100.00")]}))

    # then
    assert answer["totals"]["discount"] == "100.00"
    assert [item["discount"] for item in answer["lines"]] == ["0.00", "100.00"]


def test_the_admin_editor_offers_a_new_mechanic_with_its_parameters(admin_client, cheapest_off):
    # when
    page = admin_client.get(reverse("admin:campaigns_campaign_add"))

    # then
    script = re.search(r'<script id="campaign-ui" type="application/json">(.*?)</script>', page.text, re.S)
    assert script is not None
    config = json.loads(script[1])
    [spec] = [spec for spec in config["mechanics"] if spec["type"] == "cheapest_off"]
    assert spec["kind"] == "discount"
    assert spec["label"] == "The cheapest units off"
    assert [(p["name"], p["kind"], p["label"], p["required"]) for p in spec["params"]] == [
        ("units", "integer", "How many units", True),
        ("percent", "decimal", "Percent off", False),
    ]
    assert (spec["params"][0]["min"], spec["params"][0]["max"], spec["params"][1]["default"]) == (1, 10, "100")


def test_the_schema_documents_a_new_mechanic(api_client, cheapest_off):
    # when
    schema = yaml.safe_load(api_client.get("/api/schema/").content)

    # then
    branches = schema["components"]["schemas"]["CampaignRequest"]["properties"]["mechanic"]["oneOf"]
    assert [branch["title"] for branch in branches] == list(MECHANICS)
    assert branches[-1]["title"] == "cheapest_off"
    [new] = [branch for branch in branches if branch["title"] == "cheapest_off"]
    assert new["required"] == ["type", "units"]
    assert new["properties"]["units"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10,
        "description": "how many units",
    }
