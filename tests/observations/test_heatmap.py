"""The weekday × hour heatmap and the week-by-week trend on planted observations: moments,
windows (to midnight, across it, part hours), no time, sub-areas in, other areas out, the
category filter and the period's bounds; the page's table shows the same numbers."""

import datetime as dt
from html.parser import HTMLParser

import pytest

from partnership.observations import patterns
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 10, 5)


def day(weekday: int) -> dt.date:
    """The ISO weekday (1–7) of the week of MONDAY."""
    return MONDAY + dt.timedelta(days=weekday - 1)


@pytest.fixture
def places(organization):
    parent = factories.AreaFactory(name="Vårby gård", slug="varby-gard")
    child = factories.AreaFactory(name="Vårby gård centrum", slug="centrum", parent=parent)
    other = factories.AreaFactory(name="Masmo", slug="masmo")
    litter = factories.observation_category("nedskrapning")
    graffiti = factories.observation_category("klotter")

    def plant(area, on, time_from=None, time_to=None, count=1, category=litter):
        return factories.ObservationFactory(
            organization=organization,
            area=area,
            category=category,
            observed_on=on,
            time_from=time_from,
            time_to=time_to,
            count=count,
        )

    t = dt.time
    plant(parent, day(1), t(21, 15), count=2)  # a moment: Monday 21
    plant(child, day(2), t(21, 0), t(0, 0))  # to midnight: Tuesday 21, 22, 23
    plant(child, day(7), t(22, 0), t(2, 0), count=3)  # Sunday 22, 23 and Monday 0, 1
    plant(parent, day(3), count=4)  # no time
    plant(child, day(4), t(21, 30), t(22, 15))  # part hours: Thursday 21 and 22
    plant(other, day(1), t(21, 0), count=10)  # another area
    plant(parent, day(1), t(21, 0), count=5, category=graffiti)  # another category
    plant(parent, MONDAY - dt.timedelta(days=1), t(21, 0), count=100)  # before the period
    plant(parent, day(7) + dt.timedelta(days=1), t(21, 0), count=100)  # after it
    return {"parent": parent, "child": child, "other": other, "litter": litter}


EXPECTED_LITTER = {
    (1, 21): 2,
    (2, 21): 1,
    (2, 22): 1,
    (2, 23): 1,
    (7, 22): 3,
    (7, 23): 3,
    (1, 0): 3,
    (1, 1): 3,
    (4, 21): 1,
    (4, 22): 1,
}


def _heatmap(area, categories=()):
    return patterns.heatmap(
        area_ids=patterns.area_ids(area),
        category_ids=[c.pk for c in categories],
        start=MONDAY,
        end=day(7),
    )


def test_cells_of_an_area_with_its_sub_areas_and_one_category(places):
    heatmap = _heatmap(places["parent"], [places["litter"]])
    assert heatmap.cells == EXPECTED_LITTER
    assert heatmap.unknown == 4
    assert heatmap.grid_total == sum(EXPECTED_LITTER.values())


def test_all_categories_add_the_other_category(places):
    heatmap = _heatmap(places["parent"])
    assert heatmap.count(1, 21) == 2 + 5
    assert heatmap.unknown == 4


def test_a_sub_area_alone_leaves_its_parent_out(places):
    heatmap = _heatmap(places["child"])
    assert heatmap.count(1, 21) == 0  # the moment logged on the parent
    assert heatmap.count(7, 22) == 3
    assert heatmap.unknown == 0


def test_the_whole_partnership_includes_other_areas(places):
    heatmap = _heatmap(None, [places["litter"]])
    assert heatmap.count(1, 21) == 2 + 10


def test_period_bounds_are_inclusive(places):
    heatmap = patterns.heatmap(
        area_ids=patterns.area_ids(places["parent"]),
        category_ids=[places["litter"].pk],
        start=MONDAY - dt.timedelta(days=1),
        end=day(7) + dt.timedelta(days=1),
    )
    # Sunday before: 21 (100); Monday after: 21 (100) — both Sunday 21 and Monday 21.
    assert heatmap.count(7, 21) == 100
    assert heatmap.count(1, 21) == 2 + 100


def test_trend_this_week_against_4_and_52_weeks(organization):
    area = factories.AreaFactory(slug="trend")
    this_monday = dt.date(2026, 10, 26)

    def plant(monday_offset_weeks, count, weekday=3):
        factories.ObservationFactory(
            organization=organization,
            area=area,
            observed_on=this_monday
            - dt.timedelta(weeks=monday_offset_weeks)
            + dt.timedelta(days=weekday - 1),
            count=count,
        )

    plant(0, 5)  # this week
    plant(0, 2, weekday=7)  # this week's Sunday, after the period's end: still this week
    for weeks, count in [(1, 6), (2, 3), (3, 2), (4, 1)]:
        plant(weeks, count)
    plant(52, 40, weekday=1)  # the 52nd week before
    plant(53, 100)  # too long ago
    plant(-1, 7)  # next week
    trend = patterns.trend(
        area_ids=[area.pk],
        category_ids=[],
        start=dt.date(2026, 10, 1),
        end=this_monday + dt.timedelta(days=2),
    )
    assert trend.this_week_start == this_monday
    assert trend.this_week == 7
    assert trend.average_short == pytest.approx((6 + 3 + 2 + 1) / 4)
    assert trend.average_long == pytest.approx((6 + 3 + 2 + 1 + 40) / 52)
    assert trend.weeks == [
        (dt.date(2026, 9, 28), 1),
        (dt.date(2026, 10, 5), 2),
        (dt.date(2026, 10, 12), 3),
        (dt.date(2026, 10, 19), 6),
        (this_monday, 7),
    ]


class _Tables(HTMLParser):
    """Every table's rows (lists of cell texts), by its caption id."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.current = []
        elif tag == "caption" and self.current is not None:
            self.tables[attrs.get("id")] = self.current
        elif tag == "tr" and self.current is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def _table(response, caption_id):
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables[caption_id]


def test_the_page_table_shows_the_same_numbers(client, member, places):
    client.force_login(member)
    response = client.get(
        "/handelser/monster/",
        {
            "area": "varby-gard",
            "category": "nedskrapning",
            "from": MONDAY.isoformat(),
            "to": day(7).isoformat(),
        },
    )
    assert response.status_code == 200
    rows = _table(response, "heatmap-caption")
    header, body = rows[0], rows[1:]
    assert header[1:] == [
        "Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag", "Summa"
    ]  # fmt: skip
    by_hour = {r[0]: r[1:] for r in body}
    for (weekday, hour), count in EXPECTED_LITTER.items():
        assert by_hour[f"{hour:02d}–{hour + 1:02d}"][weekday - 1] == str(count)
    assert by_hour["12–13"] == ["0"] * 8
    assert by_hour["Tid okänd"] == ["4"]
    assert by_hour["Summa"][-1] == str(sum(EXPECTED_LITTER.values()))
    # The picture draws the same cells: its titles name them.
    html = response.content.decode()
    assert "<title>Söndag 22–23: 3</title>" in html
    assert "<title>Måndag 21–22: 2</title>" in html
    assert 'role="group" aria-labelledby="heatmap-heading"' in html
    assert "Tid okänd: 4." in html


def test_trend_table_on_the_page(client, member, places):
    client.force_login(member)
    response = client.get(
        "/handelser/monster/",
        {"area": "varby-gard", "from": MONDAY.isoformat(), "to": day(7).isoformat()},
    )
    rows = _table(response, "trend-caption")
    assert rows[1] == ["5 oktober 2026", str(2 + 1 + 3 + 4 + 1 + 5)]
    assert rows[-3] == ["Denna vecka", str(2 + 1 + 3 + 4 + 1 + 5)]
