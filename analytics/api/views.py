"""Analytics' staff API: `GET /analytics/licence` (licence use)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.models import LicenceUsage
from analytics.selectors import licence_counts


class BrandActiveSerializer(serializers.Serializer):
    brand = serializers.IntegerField()
    active = serializers.IntegerField()


class LicenceSerializer(serializers.Serializer):
    licensed = serializers.IntegerField(help_text="LICENSED_ACTIVE_CONTACTS; 0 = unlimited.")
    active = serializers.IntegerField(
        help_text="Contacts with a purchase or an event of their own in the last ACTIVE_CONTACT_DAYS (for "
        "brand-limited staff: among the contacts of their brands)."
    )
    share = serializers.FloatField(help_text="active ÷ licensed, to four places; 0 when unlimited.")
    by_brand = BrandActiveSerializer(many=True, help_text="Active contacts enrolled in each brand's program.")


class LicenceView(GenericAPIView):
    """`GET /analytics/licence`: the licence and how much of it is used now."""

    queryset = LicenceUsage.objects.all()  # the permission to read licence use: analytics.view_licenceusage
    pagination_class = None
    serializer_class = LicenceSerializer

    @extend_schema(responses=LicenceSerializer)
    def get(self, request: Request) -> Response:
        counts = licence_counts(user=request.user, now=timezone.now())
        body = {
            "licensed": counts.licensed,
            "active": counts.active,
            "share": counts.share,
            "by_brand": [{"brand": brand.brand, "active": brand.active} for brand in counts.by_brand],
        }
        return Response(LicenceSerializer(body).data)
