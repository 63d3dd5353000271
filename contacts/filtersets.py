import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from contacts.models import BlacklistEntry
from contacts.normalize import normalize_email, normalize_phone


class BlacklistFilter(django_filters.FilterSet):
    phone = django_filters.CharFilter(method="filter_phone")
    email = django_filters.CharFilter(method="filter_email")

    class Meta:
        model = BlacklistEntry
        fields = ["phone", "email"]

    def filter_phone(self, queryset: QuerySet[BlacklistEntry], name: str, value: str) -> QuerySet[BlacklistEntry]:
        try:
            return queryset.filter(phone=normalize_phone(value))
        except ValidationError:
            return queryset.none()

    def filter_email(self, queryset: QuerySet[BlacklistEntry], name: str, value: str) -> QuerySet[BlacklistEntry]:
        try:
            return queryset.filter(email=normalize_email(value))
        except ValidationError:
            return queryset.none()
