from django.apps import AppConfig


class LibraryPagesConfig(AppConfig):
    name = "library_pages"
    verbose_name = "Pagina's van bibliotheken en centra"
    default_auto_field = "django.db.models.BigAutoField"
