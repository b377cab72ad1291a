"""One UiTdatabank import run into one site's agenda."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One UiTdatabank import into one site's agenda: what it saw, did and refused."""

    class Outcome(models.TextChoices):
        RUNNING = "bezig", _("Bezig")
        DONE = "klaar", _("Klaar")
        FAILED = "mislukt", _("Mislukt")

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("website")
    )
    source = models.CharField(_("bron"), max_length=500)
    selection = models.BooleanField(
        _("selectie van de website"),
        default=False,
        help_text=_("Uit de Search API met de selectie van de website (niet uit bestanden)."),
    )
    modified_from = models.DateTimeField(
        _("gewijzigd sinds"),
        null=True,
        blank=True,
        help_text=_("Alleen documenten die sindsdien gewijzigd zijn (leeg: alles)."),
    )
    full = models.BooleanField(
        _("volledige selectie"),
        default=False,
        help_text=_("Activiteiten die ontbreken, worden teruggetrokken."),
    )
    started = models.DateTimeField(_("gestart"), auto_now_add=True)
    finished = models.DateTimeField(_("klaar"), null=True, blank=True)
    outcome = models.CharField(
        _("resultaat"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING
    )
    error = models.TextField(_("fout"), blank=True)
    # The error as message id and parameters (events.reasons.Reason.as_json), shown in the
    # reader's language; empty for runs recorded before, which show `error`.
    error_message = models.JSONField(default=dict, blank=True, editable=False)
    seen = models.PositiveIntegerField(_("gezien"), default=0)
    created = models.PositiveIntegerField(_("nieuw"), default=0)
    updated = models.PositiveIntegerField(_("bijgewerkt"), default=0)
    unchanged = models.PositiveIntegerField(_("ongewijzigd"), default=0)
    rejected = models.PositiveIntegerField(_("geweigerd"), default=0)
    withdrawn = models.PositiveIntegerField(_("teruggetrokken"), default=0)
    rejections = models.JSONField(_("redenen van weigering"), default=list, blank=True)

    class Meta:
        ordering = ["-started"]
        indexes = [models.Index(fields=["site", "selection", "outcome", "-started"])]
        verbose_name = _("UiTdatabank-import")
        verbose_name_plural = _("UiTdatabank-imports")

    def __str__(self) -> str:
        return f"{self.site} {self.started:%Y-%m-%d %H:%M}"

    @property
    def error_display(self) -> str:
        """The error in the active language (the editor's, in the admin)."""
        from events.reasons import reason_display

        if self.error_message:
            return reason_display(self.error_message)
        return self.error

    def rejection_lines(self) -> list[tuple[str, str]]:
        """(document id, reason in the active language) per refused document or lost date."""
        from events.reasons import reason_display

        return [
            (str(item.get("id", "")), reason_display(item))
            for item in self.rejections or []
            if isinstance(item, dict)
        ]
