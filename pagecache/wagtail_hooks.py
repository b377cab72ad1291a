from wagtail import hooks

from pagecache.middleware import PAGE_ATTRIBUTE


@hooks.register("before_serve_page")
def remember_served_page(page, request, serve_args, serve_kwargs):
    """The page cache reads the query parameters the served page type declares."""
    setattr(request, PAGE_ATTRIBUTE, page)
