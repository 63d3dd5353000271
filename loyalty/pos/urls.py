from django.urls import re_path

from loyalty.pos import views

urlpatterns = [
    re_path(r"^pos/customer/?$", views.CustomerView.as_view(), name="pos-customer"),
    re_path(r"^pos/calculate/?$", views.CalculateView.as_view(), name="pos-calculate"),
    re_path(r"^pos/purchases/?$", views.PurchaseView.as_view(), name="pos-purchases"),
    re_path(r"^pos/purchases/(?P<purchase_id>\d{1,18})/refund/?$", views.RefundView.as_view(), name="pos-refund"),
    re_path(r"^campaigns/(?P<pk>\d{1,18})/simulate/?$", views.CampaignSimulateView.as_view(), name="campaign-simulate"),
]
