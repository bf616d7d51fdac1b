"""The "we see this too" lookup: open, visible, same or nested area, worded alike."""

import pytest

from partnership.problems.models import Problem
from partnership.problems.similar import similar_problems
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(db):
    root = factories.AreaFactory(name="Huddinge")
    varby = factories.AreaFactory(name="Vårby gård", parent=root)
    centrum = factories.AreaFactory(name="Vårby gård centrum", parent=varby)
    flemingsberg = factories.AreaFactory(name="Flemingsberg", parent=root)
    return root, varby, centrum, flemingsberg


def test_similar_open_problems_in_nested_areas(member, areas, django_assert_num_queries):
    root, varby, centrum, flemingsberg = areas
    lighting = factories.ThemeFactory()

    def make(title, area, **kwargs):
        return factories.ProblemFactory(title=title, area=area, themes=[lighting], **kwargs)

    same = make("Mörk gångtunnel under Vårby allé", centrum)
    parent = make("Mörk gångtunnel vid Vårby allé", varby)
    make("Mörk gångtunnel under Vårby allé", flemingsberg)  # a sibling area: not nested
    make("Mörk gångtunnel under Vårby allé", centrum, status=Problem.Status.RESOLVED, outcome="x")
    make("Nedskräpning på torget", centrum)  # not alike
    from partnership.permissions import is_partner

    assert is_partner(member)  # (caches the user's organisations, as a page would)
    with django_assert_num_queries(4):
        found = similar_problems(
            user=member,
            title="Mörk gångtunnel Vårby allé",
            area_id=centrum.pk,
            theme_ids=[lighting.pk],
        )
    assert found == [same, parent]
    assert all(0 < p.similarity <= 1 for p in found)


def test_residents_do_not_get_partners_only_matches(client, areas):
    from django.contrib.auth.models import AnonymousUser

    _, _, centrum, _ = areas
    factories.ProblemFactory(title="Mörk gångtunnel", area=centrum, visibility="partners")
    assert similar_problems(user=AnonymousUser(), title="Mörk gångtunnel", area_id=centrum.pk) == []


def test_nothing_without_title_or_area(member, areas):
    assert similar_problems(user=member, title="ab", area_id=areas[0].pk) == []
    assert similar_problems(user=member, title="Mörk gångtunnel", area_id=None) == []
