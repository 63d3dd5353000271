from django.urls import re_path

from account.api import views

urlpatterns = [
    re_path(r"^account/otp/?$", views.OtpView.as_view(), name="account-otp"),
    re_path(r"^account/login/?$", views.LoginView.as_view(), name="account-login"),
    re_path(r"^account/logout/?$", views.LogoutView.as_view(), name="account-logout"),
    re_path(r"^account/me/?$", views.MeView.as_view(), name="account-me"),
    re_path(r"^account/history/?$", views.HistoryView.as_view(), name="account-history"),
    re_path(
        r"^account/cards/(?P<number>[0-9A-Za-z-]{1,32})/block/?$",
        views.CardBlockView.as_view(),
        name="account-card-block",
    ),
    re_path(r"^account/wallet/apple/?$", views.WalletAppleView.as_view(), name="account-wallet-apple"),
    re_path(r"^account/wallet/google/?$", views.WalletGoogleView.as_view(), name="account-wallet-google"),
]
