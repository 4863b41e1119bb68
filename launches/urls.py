from django.urls import path

from launches import views

app_name = "launches"
urlpatterns = [path("", views.launch_list, name="list")]
