from django.urls import path

from personas import views

app_name = "personas"
urlpatterns = [
    path("", views.persona_list, name="list"),
    path("<uuid:persona_id>/", views.detail, name="detail"),
    path("<uuid:persona_id>/edit", views.edit, name="edit"),
    path("<uuid:persona_id>/samples", views.add_samples, name="add-samples"),
    path(
        "<uuid:persona_id>/samples/<str:source>/<int:index>/remove",
        views.remove_sample,
        name="remove-sample",
    ),
    path("<uuid:persona_id>/import", views.import_samples, name="import"),
    path("<uuid:persona_id>/analyze", views.analyze, name="analyze"),
    path("<uuid:persona_id>/delete", views.delete, name="delete"),
]
