"""The registration form's labels carry no colon (Dutch forms on the sites have none)."""

from registrations.forms import RegistrationForm


def test_registration_labels_have_no_colon():
    form = RegistrationForm()
    assert form["name"].label_tag() == '<label for="id_name">Naam</label>'
    assert not [name for name in form.fields if form[name].label_tag().endswith(":</label>")]
