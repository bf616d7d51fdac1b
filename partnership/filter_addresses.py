"""Filter forms without JavaScript that still give an address naming only the filters set.

A ``method="get"`` form sends every field, the empty ones too
("?q=&kind=school&area=&theme="). On the map pages ``static/js/filter_form.js`` leaves them
out before sending; the pages without a map load no JavaScript at all (issue 14), so their
view is wrapped in :func:`without_empty_parameters` instead: an address with an empty
parameter is answered with a redirect to the same address without it, which can be shared
or bookmarked as such. The browser keeps the form's ``#fragment`` across the redirect, so a
form whose action ends in ``#result-count`` still lands on the result count. An address
with nothing empty is served as it is (no extra round trip for links and bookmarks).
"""

import functools
from urllib.parse import urlencode

from django.http import HttpResponseRedirect


def without_empty_parameters(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method in ("GET", "HEAD") and request.GET:
            pairs = [(key, value) for key, values in request.GET.lists() for value in values]
            kept = [(key, value) for key, value in pairs if value.strip()]
            if len(kept) < len(pairs):
                query = urlencode(kept)
                return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))
        return view(request, *args, **kwargs)

    return wrapped
