from django.urls import path

from developer import views

app_name = "developer"
urlpatterns = [
    path("", views.keys, name="keys"),
    path("create", views.create, name="create"),
    path("<uuid:key_id>/rename", views.rename, name="rename"),
    path("<uuid:key_id>/revoke", views.revoke, name="revoke"),
]
