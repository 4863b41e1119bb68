from django.urls import path

from webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("new", views.create, name="create"),
    path("docs", views.docs, name="docs"),
    path("<uuid:endpoint_id>/", views.detail, name="detail"),
    path("<uuid:endpoint_id>/edit", views.edit, name="edit"),
    path("<uuid:endpoint_id>/toggle", views.toggle, name="toggle"),
    path("<uuid:endpoint_id>/rotate", views.rotate, name="rotate"),
    path("<uuid:endpoint_id>/test", views.send_test, name="test"),
    path("<uuid:endpoint_id>/delete", views.delete, name="delete"),
    path(
        "<uuid:endpoint_id>/deliveries/<uuid:delivery_id>/redeliver",
        views.redeliver,
        name="redeliver",
    ),
]
