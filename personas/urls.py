app_name = "personas"
urlpatterns: list = []
