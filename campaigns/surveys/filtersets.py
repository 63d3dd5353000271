import django_filters

from campaigns.surveys.models import Survey


class SurveyFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Survey
        fields = ["brand", "segment", "name"]
