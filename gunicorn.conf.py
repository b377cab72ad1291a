"""Gunicorn settings of the web process (read by gunicorn from the working directory, so the
Procfile and deploy/systemd/bibnet-web.service both use it; command-line flags still win).

The garbage collector: once a worker has loaded the application, everything loaded so far
(Django, Wagtail, the URL patterns, templates' modules) lives as long as the worker. A full
collection would walk all of it again, a pause of a few hundred milliseconds in the middle of
a request (measured in benchmarks/catalogue.py, docs/catalogue.md). `gc.freeze()` moves those
objects to the permanent generation, which collections leave alone; objects made later are
collected as usual.
"""

import gc


def post_worker_init(worker):
    """After the worker loaded the application (without --preload this is where it is
    loaded): collect once, then freeze what is left."""
    gc.collect()
    gc.freeze()
