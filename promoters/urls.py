"""The promoter's pages, under /promo/ (the service worker's scope)."""

from django.urls import path

from promoters import views

app_name = "promoters"

urlpatterns = [
    path("", views.stand_list, name="stands"),
    path("sw.js", views.service_worker, name="sw"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("<str:code>/", views.stand_page, name="stand"),
]
