"""The coverage page: an empty cell is a quiet dash (with words for screen readers), not two
links to empty lists; covered and gap cells keep their counts and links."""

import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix():
    area = factories.AreaFactory(name="Vårby gård")
    covered = factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")
    gap = factories.ThemeFactory(name_sv="Nedskräpning", name_en="Littering")
    empty = factories.ThemeFactory(name_sv="Läxhjälp", name_en="Homework help")
    factories.InitiativeFactory(areas=[area], themes=[covered])
    factories.ProblemFactory(area=area, themes=[gap])
    return {"area": area, "covered": covered, "gap": gap, "empty": empty}


def _cells(html: str) -> dict[str, str]:
    """The first row's cells by their column heading."""
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    headings = re.findall(r"<th[^>]*>(.*?)</th>", head, flags=re.S)[1:]
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return dict(zip(headings, re.findall(r"<td[^>]*>(.*?)</td>", body, flags=re.S), strict=True))


def test_empty_cells_are_quiet_text_not_links(coordinator_client, matrix):
    html = coordinator_client.get(reverse("coordinator:dashboard:coverage")).text
    area = matrix["area"].pk
    cells = _cells(html)
    covered, gap, empty = cells["Belysning"], cells["Nedskräpning"], cells["Läxhjälp"]

    assert "<a " not in empty
    assert re.fullmatch(
        r'\s*<span aria-hidden="true">–</span>'
        r'<span class="visually-hidden">inga insatser eller problem</span>\s*',
        empty,
    )
    assert f"area={area}&amp;theme={matrix['empty'].pk}" not in html
    assert html.count("0 insatser") == 1  # the gap's

    assert f'?area={area}&amp;theme={matrix["covered"].pk}">1 insats</a>' in covered
    assert ">0 problem</a>" in covered
    # A gap keeps its mark, its hidden word and its links.
    assert 'aria-hidden="true">!</span> <span class="visually-hidden">Lucka:</span>' in gap
    assert f'?area={area}&amp;theme={matrix["gap"].pk}">0 insatser</a>' in gap
    assert ">1 problem</a>" in gap


def test_the_report_shows_empty_cells_the_same_way(coordinator_client, matrix):
    html = coordinator_client.get(reverse("coordinator:dashboard:report")).text
    assert "inga insatser eller problem" in html
