from django.urls import re_path

from analytics.api import metrics, views

urlpatterns = [
    re_path(r"^analytics/licence/?$", views.LicenceView.as_view(), name="analytics-licence"),
    re_path(r"^analytics/rfm/?$", metrics.RfmView.as_view(), name="analytics-rfm"),
    re_path(r"^analytics/rfm/segment/?$", metrics.RfmSegmentView.as_view(), name="analytics-rfm-segment"),
    re_path(r"^analytics/ltv/?$", metrics.LtvView.as_view(), name="analytics-ltv"),
    re_path(r"^analytics/abc-xyz/?$", metrics.AbcXyzView.as_view(), name="analytics-abc-xyz"),
    re_path(r"^analytics/bcg/?$", metrics.BcgView.as_view(), name="analytics-bcg"),
    re_path(r"^analytics/fraud/?$", metrics.FraudView.as_view(), name="analytics-fraud"),
]
