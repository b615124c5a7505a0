from django.urls import path

from . import views

app_name = "sponsors"

urlpatterns = [
    path("", views.disclosure, name="disclosure"),
    path("<int:pk>/", views.about, name="about"),
    path("go/<str:token>/", views.click, name="click"),
    path("seen/<str:token>.gif", views.seen, name="seen"),
]
