"""The report's matrix cells written in Python say what the template loop said."""

from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

LOOP = Template('{% for n in counts %}<td class="num">{{ n|default:"–" }}</td>{% endfor %}')
TAG = Template("{% load dashboard %}{% number_cells counts %}")


def test_number_cells_match_the_template_loop():
    counts = [0, 3, 12500, 0, 1]
    with translation.override("sv"):
        assert TAG.render(Context({"counts": counts})) == LOOP.render(Context({"counts": counts}))
        assert TAG.render(Context({"counts": counts})).count("–") == 2


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_number_cells_group_thousands_as_the_template_does():
    counts = [12500, 0, 1234567]
    for language in ("sv", "en"):
        with translation.override(language):
            tag = TAG.render(Context({"counts": counts}))
            assert tag == LOOP.render(Context({"counts": counts}))
            assert "12500" not in tag
