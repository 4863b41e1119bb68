"""Three dashboard sections, each its own namespace so the sidebar marks the current one."""

from django.urls import include, path

from planning import views

calendar_patterns = (
    [
        path("", views.calendar_view, name="index"),
        path("list", views.calendar_list, name="list"),
        path("<uuid:launch_id>/move", views.calendar_move, name="move"),
    ],
    "calendar",
)
import_patterns = (
    [
        path("", views.import_upload, name="upload"),
        path("example.csv", views.import_example, name="example"),
        path("export.csv", views.export_csv, name="export"),
        path("<uuid:import_id>/", views.import_detail, name="detail"),
        path("<uuid:import_id>/start", views.import_start, name="start"),
    ],
    "imports",
)
analytics_patterns = ([path("", views.analytics_view, name="index")], "analytics")

urlpatterns = [
    path("calendar/", include(calendar_patterns)),
    path("imports/", include(import_patterns)),
    path("analytics/", include(analytics_patterns)),
]
