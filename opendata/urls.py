from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("locaties.json", views.locations, name="locations"),
    path("activiteiten.json", views.events, name="events"),
    path("nieuws.json", views.news, name="news"),
]
