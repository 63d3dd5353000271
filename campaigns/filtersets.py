"""django-filter classes for the campaigns API and the admin."""

from datetime import datetime

import django_filters
from django.db.models import Q, QuerySet

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign, ProductSegment, Segment, SegmentMember


class CampaignFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    active_at = django_filters.IsoDateTimeFilter(
        method="filter_active_at", label="Active and inside its window at this time"
    )
    product_segment = django_filters.NumberFilter(field_name="product_segment")

    class Meta:
        model = Campaign
        fields = ["brand", "status", "combine", "requires_code", "name", "product_segment", "active_at"]

    def filter_active_at(self, queryset: QuerySet[Campaign], name: str, value: datetime) -> QuerySet[Campaign]:
        return queryset.filter(status=CampaignStatus.ACTIVE, starts_at__lte=value).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=value)
        )


class ProductSegmentFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    category = django_filters.NumberFilter(field_name="categories")

    class Meta:
        model = ProductSegment
        fields = ["brand", "name", "category"]


class SegmentFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    brand = django_filters.NumberFilter(field_name="program__brands")
    member = django_filters.NumberFilter(method="filter_member", label="member")

    class Meta:
        model = Segment
        fields = ["program", "name", "brand", "member"]

    def filter_member(self, queryset: QuerySet[Segment], name: str, value: int) -> QuerySet[Segment]:
        """The segments the contact is a member of now."""
        return queryset.filter(
            pk__in=SegmentMember.objects.filter(contact_id=value, left_at__isnull=True).values("segment_id")
        )
