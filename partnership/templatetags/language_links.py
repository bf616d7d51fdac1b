"""The language choice: a link to this very page in each other language.

Plain links instead of a form: no CSRF token on every page, so an anonymous page is the same
for everyone and the page cache may keep it (partnership/page_cache.py). ``set_language``
still answers old forms and bookmarks (partnership/views.py)."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """``[{"code", "name_local", "url", "current"}]`` for every language, in settings
    order; ``url`` is this page's address in that language (query string kept), or that
    language's home page when this address has none (an error page)."""
    request = context.get("request")
    current = translation.get_language()
    path = request.get_full_path() if request is not None else "/"
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            url = path
        else:
            url = translate_url(path, code)
            if url == path:
                with translation.override(code):
                    url = reverse("home")
        links.append(
            {
                "code": code,
                "name_local": translation.get_language_info(code)["name_local"],
                "url": url,
                "current": code == current,
            }
        )
    return links
