"""Rejection reasons of a catalogue import are stored as msgid and values and translated
when the admin shows them, not frozen in the language of the import."""

import pytest
from django.core.management import CommandError, call_command
from pymarc import Field, Leader, Record

from catalogue import messages
from catalogue.messages import NO_TITLE_FIELD, StoredMessage, message_display
from catalogue.models import ImportRun
from tests.factories.catalogue import MarcRecordFactory
from tests.factories.html import soup_of


def test_a_rejected_record_stores_its_msgid(db, tmp_path):
    no_title = Record(force_utf8=True)
    no_title.leader = Leader("00000nam a2200000 i 4500")
    no_title.add_field(Field(tag="001", data="NT"))
    path = tmp_path / "zonder-titel.mrc"
    path.write_bytes(no_title.as_marc() + MarcRecordFactory(record_id="OK").as_marc())
    with pytest.raises(CommandError):
        call_command("import_marc", str(path), verbosity=0)
    error = ImportRun.objects.get().errors[0]
    assert error["message"] == {"msgid": NO_TITLE_FIELD, "params": {}}
    assert error["reason"] == "geen titel: het record heeft geen veld 245"


def test_messages_are_translated_when_shown(monkeypatch):
    stored = StoredMessage.of(messages.UNREADABLE_RECORD, detail="leader kapot").as_dict()
    assert message_display(stored) == "onleesbaar record: leader kapot"
    # Whatever the catalogue says for the reader's language is used at display time.
    monkeypatch.setattr(messages, "gettext", lambda text: text.replace("onleesbaar", "UNREADABLE"))
    assert message_display(stored) == "UNREADABLE record: leader kapot"
    # Older runs stored plain text; an unknown or broken msgid is shown as it was stored.
    assert message_display(None, "kapot") == "kapot"
    assert message_display({"msgid": "%(x)s", "params": {}}) == "%(x)s"
    assert message_display({"msgid": "iets anders", "params": None}) == "iets anders"


def test_inspect_view_shows_the_message(admin_client_central):
    run = ImportRun.objects.create(
        sources=["x.mrc"],
        format="marc21",
        status=ImportRun.Status.REJECTED,
        read=1,
        rejected=1,
        errors=[
            {
                "source": "x.mrc",
                "position": 1,
                "id": "A",
                "reason": "oude tekst",
                "message": StoredMessage.of(messages.NOT_STORED, detail="te lang").as_dict(),
            }
        ],
    )
    soup = soup_of(admin_client_central.get(f"/admin/catalogus-imports/inspect/{run.pk}/"))
    table = soup.select_one("table[aria-labelledby=rejected-records]")
    assert "niet op te slaan: te lang" in table.get_text(" ", strip=True)
