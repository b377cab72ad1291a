from django.urls import path

from central import views

urlpatterns = [
    path("<int:pk>-<slug:slug>/", views.central_news, name="central_news"),
]
