from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("", views.index, name="index"),
    path("upgrade/<slug:plan_name>", views.checkout, name="checkout"),
    path("portal", views.portal, name="portal"),
    path("stripe/webhook", views.stripe_webhook, name="stripe-webhook"),
]
