"""One Publication per local event that an editor sent to UiTdatabank: the id UiTdatabank gave
it, whether UiTdatabank is in step with the page, and why not (in Dutch, for the editor)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationState(models.TextChoices):
    PENDING = "wachtend", _("Wacht op verzending")
    IN_STEP = "gepubliceerd", _("Gepubliceerd in UiTdatabank")
    RETRYING = "opnieuw", _("Mislukt, wordt opnieuw geprobeerd")
    FAILED = "mislukt", _("Mislukt")
    DELETED = "verwijderd", _("Verwijderd uit UiTdatabank")


class Publication(models.Model):
    # Kept when the page is deleted (page empty): the worker still has to delete the event in
    # UiTdatabank, and the import keeps recognising the id as ours.
    page = models.OneToOneField(
        "events.EventPage",
        verbose_name=_("activiteit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uitdatabank_publication",
    )
    # The event's title when last sent or withdrawn: names a deleted page in logs and lists.
    title = models.CharField(_("titel"), max_length=255, blank=True)
    # The page was unpublished or deleted here: the next sync deletes the event in UiTdatabank
    # (its workflowStatus becomes DELETED) instead of updating it.
    withdraw = models.BooleanField(_("verwijderen gevraagd"), default=False)
    # The UUID UiTdatabank gave the event and the URL of its document (the import's @id).
    event_id = models.CharField(_("UiTdatabank-id"), max_length=64, blank=True, db_index=True)
    event_url = models.URLField(_("UiTdatabank-adres"), max_length=300, blank=True)
    state = models.CharField(
        _("toestand"),
        max_length=16,
        choices=PublicationState.choices,
        default=PublicationState.PENDING,
    )
    last_error = models.TextField(_("laatste fout"), blank=True)
    # Consecutive failed attempts since the last success (the retry policy counts on it).
    failures = models.PositiveSmallIntegerField(_("mislukte pogingen"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gevraagd door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("gevraagd"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("laatste poging"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("laatst gelukt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("volgende poging"), null=True, blank=True)
    # What UiTdatabank last accepted: a later sync sends only what changed.
    sent_hash = models.CharField(max_length=64, blank=True, editable=False)
    sent_status = models.CharField(max_length=32, blank=True, editable=False)
    sent_availability = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = _("publicatie in UiTdatabank")
        verbose_name_plural = _("publicaties in UiTdatabank")
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.page_id} {self.event_id or '-'} ({self.state})"
