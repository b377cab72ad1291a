"""Reads of sitegen, one module per subject: `templates` (changes of page templates for derived
pages), `sync` (what a blueprint would add), `overview` (the network overview). Campaigns and
central news are read in central.selectors."""
