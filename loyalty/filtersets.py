"""django-filter classes for the management API and the admin."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from contacts.models import Contact
from contacts.normalize import normalize_email, normalize_phone
from loyalty.models import (
    Brand,
    Card,
    CardType,
    Category,
    MasterAccount,
    Partner,
    Product,
    Program,
    Register,
    Store,
    Tier,
)


class ProgramFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Program
        fields = ["name"]


class PartnerFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Partner
        fields = ["name"]


class BrandFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Brand
        fields = ["name", "program", "currency"]


class StoreFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    program = django_filters.NumberFilter(field_name="brand__program")

    class Meta:
        model = Store
        fields = ["brand", "partner", "city", "code", "timezone", "name", "program"]


class RegisterFilter(django_filters.FilterSet):
    brand = django_filters.NumberFilter(field_name="store__brand")
    seen_since = django_filters.IsoDateTimeFilter(field_name="last_seen_at", lookup_expr="gte")

    class Meta:
        model = Register
        fields = ["store", "brand", "code", "model", "is_active", "serial_number"]


class CategoryFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    root = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull")

    class Meta:
        model = Category
        fields = ["parent", "name", "root"]


class ProductFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    sku_in = django_filters.BaseInFilter(field_name="sku")

    class Meta:
        model = Product
        fields = ["brand", "sku", "category", "accrual_excluded", "redemption_excluded", "name", "sku_in"]


class TierFilter(django_filters.FilterSet):
    class Meta:
        model = Tier
        fields = ["program", "name"]


class CardTypeFilter(django_filters.FilterSet):
    class Meta:
        model = CardType
        fields = ["program", "name"]


class CardFilter(django_filters.FilterSet):
    program = django_filters.NumberFilter(field_name="card_type__program")
    bound = django_filters.BooleanFilter(field_name="contact", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Card
        fields = ["number", "card_type", "contact", "status", "program", "bound"]


class ContactFilter(django_filters.FilterSet):
    phone = django_filters.CharFilter(method="filter_phone")
    email = django_filters.CharFilter(method="filter_email")
    card = django_filters.CharFilter(field_name="cards__number")
    program = django_filters.NumberFilter(field_name="enrollments__program")
    registered_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    registered_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Contact
        fields = [
            "phone",
            "email",
            "city",
            "gender",
            "source",
            "phone_confirmed",
            "email_confirmed",
            "subscribed_email",
            "subscribed_sms",
            "card",
            "program",
        ]

    def filter_phone(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        try:
            phone = normalize_phone(value)
        except ValidationError:
            return queryset.none()
        return queryset.filter(phone=phone)

    def filter_email(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        try:
            email = normalize_email(value)
        except ValidationError:
            return queryset.none()
        return queryset.filter(email=email)


class MasterAccountFilter(django_filters.FilterSet):
    member = django_filters.NumberFilter(field_name="memberships__contact")

    class Meta:
        model = MasterAccount
        fields = ["program", "name", "member"]
