import django_filters

from promoters.models import Lead, Stand


class StandFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    event = django_filters.CharFilter(lookup_expr="icontains")
    promoter = django_filters.NumberFilter(field_name="promoters")

    class Meta:
        model = Stand
        fields = ["brand", "code", "name", "event", "promoter"]


class LeadFilter(django_filters.FilterSet):
    stand = django_filters.NumberFilter(field_name="stand_id")
    promoter = django_filters.NumberFilter(field_name="promoter_id")
    contact = django_filters.NumberFilter(field_name="contact_id")
    captured_from = django_filters.IsoDateTimeFilter(field_name="captured_at", lookup_expr="gte")
    captured_to = django_filters.IsoDateTimeFilter(field_name="captured_at", lookup_expr="lt")

    class Meta:
        model = Lead
        fields = ["stand", "promoter", "contact", "created", "consent_marketing"]
