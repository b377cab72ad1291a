from django.urls import path

from uitpublish import views

app_name = "uitpublish_admin"

urlpatterns = [
    path("activiteit/<int:page_id>/", views.publication_view, name="page"),
]
