"""Reads of blueprint sync: what a blueprint would add to a site."""

from sitegen.blueprints import Blueprint

# --- Blueprint sync -----------------------------------------------------------------------------


def blueprint_missing(*, blueprint: Blueprint, existing: dict[str, int | None]) -> list[str]:
    """Keys of the blueprint's pages a site lacks, given its BlueprintPage rows (key -> page
    id, None when a local editor deleted the page). Mirrors sitegen.services.blueprint_apply:
    pages under a locally deleted parent are left alone."""
    present: set[str] = {key for key, page_id in existing.items() if page_id is not None}
    missing: list[str] = []
    for spec, parent in blueprint.pages_up_to(blueprint.version):
        if spec.key in existing:
            continue
        if parent is not None and parent.key not in present:
            continue
        missing.append(spec.key)
        present.add(spec.key)
    missing += [
        section.row_key
        for section in blueprint.home_sections_up_to(blueprint.version)
        if section.row_key not in existing
    ]
    return missing
