from django.urls import path

from launches import media_panel, views

app_name = "launches"
urlpatterns = [
    path("", views.launch_list, name="list"),
    path("new", views.launch_create, name="create"),
    path("<uuid:launch_id>/", views.launch_detail, name="detail"),
    path("<uuid:launch_id>/save", views.launch_save, name="save"),
    path("<uuid:launch_id>/media", media_panel.launch_media, name="media"),
    path("<uuid:launch_id>/regenerate", views.launch_regenerate, name="regenerate"),
    path("<uuid:launch_id>/undo", views.launch_undo, name="undo"),
    path("<uuid:launch_id>/cancel", views.launch_cancel, name="cancel"),
    path("<uuid:launch_id>/delete", views.launch_delete, name="delete"),
    path("<uuid:launch_id>/publish", views.launch_publish, name="publish"),
    path("<uuid:launch_id>/schedule", views.launch_schedule, name="schedule"),
    path("<uuid:launch_id>/unschedule", views.launch_unschedule, name="unschedule"),
    path("<uuid:launch_id>/accounts", views.launch_accounts, name="accounts"),
    path("<uuid:launch_id>/status", views.launch_status, name="status"),
    path("<uuid:launch_id>/retry", views.launch_retry, name="retry"),
    path("<uuid:launch_id>/analytics", views.launch_analytics, name="analytics"),
    path("<uuid:launch_id>/posts/delete", views.launch_delete_posts, name="delete-posts"),
    path(
        "<uuid:launch_id>/posts/<uuid:log_id>/delete", views.launch_delete_post, name="delete-post"
    ),
    path(
        "<uuid:launch_id>/posts/<uuid:log_id>/posted",
        views.launch_mark_posted,
        name="mark-posted",
    ),
]
