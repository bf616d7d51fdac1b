"""Middleware of the portal as a whole."""

from django.forms import BaseForm


class InvalidFormStatusMiddleware:
    """A submitted form with errors answers 400, whichever view shows it again.

    The portal's own views say so themselves (``render(..., status=400)``); class-based views
    we do not write — allauth's login, password and two-factor pages — re-render a
    ``TemplateResponse`` with 200. Here such a response becomes 400 when its context holds a
    bound form that was validated and has errors, so every form answers bad input alike.
    Only forms already validated count: nothing is validated here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if request.method == "POST" and response.status_code == 200:
            context = response.context_data or {}
            if any(
                isinstance(value, BaseForm) and value.is_bound and getattr(value, "_errors", None)
                for value in context.values()
            ):
                response.status_code = 400
        return response
