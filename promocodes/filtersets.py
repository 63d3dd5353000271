"""django-filter classes for the promo codes API."""

import django_filters

from promocodes.models import PromoPool


class PromoPoolFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = PromoPool
        fields = ["brand", "campaign", "kind", "name"]
