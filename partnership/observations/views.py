"""The reporters' pages: log an observation, the organisation's list of them."""

from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def observation_list(request):
    """Placeholder until the list lands."""
    return HttpResponse(status=404)
