from django.urls import path  # noqa: F401

app_name = "comites"

urlpatterns: list = []
