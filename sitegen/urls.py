from django.urls import path

from sitegen import public_views

urlpatterns = [
    path("<int:pk>-<slug:slug>/", public_views.central_news, name="central_news"),
]
