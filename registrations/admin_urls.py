from django.urls import path

from registrations import admin_views as views

app_name = "registrations_admin"

urlpatterns = [
    path("", views.offers_index, name="offers"),
    path("alle/", views.registrations_index, name="index"),
    path("aanbod/<int:page_id>/", views.offer_detail, name="offer"),
    path("aanbod/<int:page_id>/plaatsen/", views.offer_capacity, name="offer_capacity"),
    path("aanbod/<int:page_id>/bericht/", views.offer_message, name="offer_message"),
    path("aanbod/<int:page_id>/aanwezigheden/", views.offer_attendance, name="offer_attendance"),
    path("aanbod/<int:page_id>/export.csv", views.offer_export, name="offer_export"),
    path("inschrijving/<int:pk>/", views.registration_detail, name="registration"),
    path("inschrijving/<int:pk>/annuleren/", views.registration_cancel_view, name="cancel"),
    path("inschrijving/<int:pk>/verplaatsen/", views.registration_move_view, name="move"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/export/", views.privacy_export, name="privacy_export"),
    path("privacy/wissen/", views.privacy_erase, name="privacy_erase"),
]
