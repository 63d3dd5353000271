from django.urls import re_path

from analytics.api import load, metrics, overview, program, views

urlpatterns = [
    re_path(r"^analytics/licence/?$", views.LicenceView.as_view(), name="analytics-licence"),
    re_path(r"^analytics/rfm/?$", metrics.RfmView.as_view(), name="analytics-rfm"),
    re_path(r"^analytics/rfm/segment/?$", metrics.RfmSegmentView.as_view(), name="analytics-rfm-segment"),
    re_path(r"^analytics/ltv/?$", metrics.LtvView.as_view(), name="analytics-ltv"),
    re_path(r"^analytics/abc-xyz/?$", metrics.AbcXyzView.as_view(), name="analytics-abc-xyz"),
    re_path(r"^analytics/bcg/?$", metrics.BcgView.as_view(), name="analytics-bcg"),
    re_path(r"^analytics/fraud/?$", metrics.FraudView.as_view(), name="analytics-fraud"),
    re_path(r"^analytics/overview/?$", overview.OverviewView.as_view(), name="analytics-overview"),
    re_path(r"^analytics/registers/?$", load.RegisterLoadView.as_view(), name="analytics-registers"),
    re_path(r"^analytics/program/?$", program.ProgramReportView.as_view(), name="analytics-program"),
]
