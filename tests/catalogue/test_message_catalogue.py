"""Every reason a catalogue import stores is in the Dutch message catalogue.

The reasons are marked with `gettext_noop` so that `make messages` (makemessages) extracts them;
marked under another name (`N_`), makemessages skipped them and no catalogue knew them, so no
language but the source's could ever show them.
"""

import ast
from pathlib import Path

from catalogue import messages

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def po_msgids(path: Path) -> set[str]:
    """The msgids of a .po file (continuation lines joined; obsolete `#~` entries left out)."""
    msgids: set[str] = set()
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current = [ast.literal_eval(line[len("msgid ") :])]
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
        else:
            if current is not None:
                msgids.add("".join(current))
            current = None
    if current is not None:
        msgids.add("".join(current))
    return msgids


def test_po_reader_joins_continuation_lines(tmp_path):
    po = tmp_path / "x.po"
    po.write_text('msgid ""\n"een "\n"twee"\nmsgstr ""\n\nmsgid "drie"\nmsgstr ""\n')
    assert po_msgids(po) == {"een twee", "drie"}


def test_every_stored_reason_is_in_the_dutch_catalogue():
    assert messages.KNOWN, "no stored reasons found"
    missing = sorted(messages.KNOWN - po_msgids(CATALOGUE))
    assert not missing, f"not in {CATALOGUE.name} (run `make messages`): {missing}"


def test_every_marked_message_is_a_known_reason():
    # A message marked in catalogue/messages.py but left out of KNOWN would be stored and then
    # shown untranslated (message_render translates known msgids only).
    source = Path(messages.__file__).read_text(encoding="utf-8")
    marked = {
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "gettext_noop"
        and isinstance(node.args[0], ast.Constant)
    }
    assert marked == set(messages.KNOWN)
