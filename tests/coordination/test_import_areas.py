"""Onboarding: areas from the municipality's GIS (GeoJSON and GeoPackage), every bad file
refused with its reason and nothing saved, a clean one previewed on a map and confirmed."""

import datetime as dt
import html
import json
import sqlite3
import struct
import time
from pathlib import Path

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from partnership.coordination.imports import areas as area_import
from partnership.coordination.models import ImportDraft
from partnership.models import Area
from tests import factories
from tests.helpers import login_as, login_with_second_factor

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "data" / "imports"
SWEREF99TM = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def square(x, y, size):
    """A clockwise square (RFC 7946 wants counter-clockwise: the import turns it)."""
    return [[x, y], [x, y + size], [x + size, y + size], [x + size, y], [x, y]]


def feature(name, rings, **properties):
    return {
        "type": "Feature",
        "properties": {"namn": name, **properties},
        "geometry": {"type": "Polygon", "coordinates": rings},
    }


def geojson(*features, crs=SWEREF99TM) -> bytes:
    document = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        document["crs"] = crs
    return json.dumps(document).encode()


def upload(client, content: bytes, name="areas.geojson", **fields):
    data = {"file": SimpleUploadedFile(name, content), **fields}
    return client.post(en("coordinator:imports:areas"), data)


def errors_of(response) -> str:
    """The page as text (entities such as &#x27; read as the characters they are)."""
    return html.unescape(response.content.decode())


# --- A clean import --------------------------------------------------------------------------


def test_a_regso_file_in_sweref_99_tm_is_previewed_then_created(coordinator_client):
    content = (DATA / "regso_sweref99tm.geojson").read_bytes()
    response = upload(coordinator_client, content, name="regso.geojson")
    assert response.status_code == 302
    assert Area.objects.count() == 0  # nothing saved before the confirmation
    preview = coordinator_client.get(response.url)
    page = preview.content.decode()
    assert "SWEREF99 TM (EPSG:3006)" in page
    assert 'id="area-import-features"' in page and 'id="area-import-map"' in page
    features = preview.context["features"]["features"]
    assert [f["properties"]["name"] for f in features] == [
        "Vårby gård",
        "Vårby gård centrum",
        "Vårberg",
    ]
    # The centre lies within Vårby gård: its parent by containment, shown with the reason.
    assert features[1]["properties"]["parent"] == "Vårby gård"
    assert "contains it" in page

    draft = ImportDraft.objects.get()
    confirmed = coordinator_client.post(
        en("coordinator:imports:area_confirm", public_id=draft.public_id)
    )
    assert confirmed.status_code == 302
    assert sorted(Area.objects.values_list("name", flat=True)) == [
        "Vårberg",
        "Vårby gård",
        "Vårby gård centrum",
    ]
    centre = Area.objects.get(name="Vårby gård centrum")
    assert centre.parent.name == "Vårby gård"
    assert Area.objects.get(name="Vårberg").parent is None
    assert Area.objects.get(name="Vårberg").boundary["type"] == "MultiPolygon"
    ring = centre.boundary["coordinates"][0]
    # WGS 84 around Huddinge, six decimals, counter-clockwise (RFC 7946).
    assert all(17.7 < lon < 18.0 and 59.1 < lat < 59.4 for lon, lat in ring)
    assert all(round(n, 6) == n for position in ring for n in position)
    assert shapely.Polygon(ring).exterior.is_ccw
    assert not ImportDraft.objects.exists()  # the draft goes once confirmed


def test_a_parent_named_by_a_property_may_be_an_existing_area(coordinator_client):
    factories.AreaFactory(name="Huddinge")
    content = geojson(
        feature("Vårby gård", [square(660000, 6568000, 3000)], over="Huddinge"),
        feature("Vårby gård centrum", [square(661000, 6569000, 600)], over="Vårby gård"),
        feature("Flottsbro", [square(669000, 6560000, 600)], over=""),
    )
    response = upload(coordinator_client, content, parent_property="over")
    assert response.status_code == 302
    coordinator_client.post(
        en("coordinator:imports:area_confirm", public_id=ImportDraft.objects.get().public_id)
    )
    assert Area.objects.get(name="Vårby gård").parent.name == "Huddinge"
    assert Area.objects.get(name="Vårby gård centrum").parent.name == "Vårby gård"
    assert Area.objects.get(name="Flottsbro").parent is None


# --- GeoPackage ------------------------------------------------------------------------------


def gpkg_blob(wkb: bytes, srs_id: int) -> bytes:
    """A GeoPackage geometry: "GP", version 0, flags (little-endian, no envelope), srs id."""
    return b"GP" + bytes([0, 0b00000001]) + struct.pack("<i", srs_id) + wkb


def unclosed_polygon_wkb(ring) -> bytes:
    """WKB of a polygon whose ring is not closed (shapely cannot make one)."""
    data = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring))
    return data + b"".join(struct.pack("<dd", x, y) for x, y in ring)


def geopackage(features, *, srs_id=3006, organization="EPSG", number=3006) -> bytes:
    """A tiny GeoPackage, built as GDAL would: the spatial reference, the contents, the
    geometry column and a features table with a name and a parent column."""
    db = sqlite3.connect(":memory:")
    db.executescript(
        """
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,
            organization TEXT, organization_coordsys_id INTEGER, definition TEXT,
            description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT,
            identifier TEXT, srs_id INTEGER);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
            geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
        CREATE TABLE deso (fid INTEGER PRIMARY KEY, geom BLOB, desonamn TEXT, parent TEXT);
        """
    )
    db.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('SWEREF99 TM', ?, ?, ?, 'undefined', '')",
        [srs_id, organization, number],
    )
    db.execute("INSERT INTO gpkg_contents VALUES ('deso', 'features', 'deso', ?)", [srs_id])
    db.execute(
        "INSERT INTO gpkg_geometry_columns VALUES ('deso', 'geom', 'POLYGON', ?, 0, 0)", [srs_id]
    )
    for name, parent, wkb in features:
        db.execute(
            "INSERT INTO deso (geom, desonamn, parent) VALUES (?, ?, ?)",
            [gpkg_blob(wkb, srs_id), name, parent],
        )
    db.commit()
    data = db.serialize()
    db.close()
    return data


def test_a_geopackage_in_sweref_99_tm_is_imported(coordinator_client):
    content = geopackage(
        [
            ("0126C1010", None, shapely.to_wkb(shapely.Polygon(square(660000, 6568000, 3000)))),
            (
                "0126C1020",
                "0126C1010",
                shapely.to_wkb(shapely.Polygon(square(661000, 6569000, 500))),
            ),
        ]
    )
    response = upload(coordinator_client, content, name="deso.gpkg", parent_property="parent")
    assert response.status_code == 302, errors_of(response)
    preview = coordinator_client.get(response.url).content.decode()
    assert "0126C1010" in preview and "named in the file" in preview
    coordinator_client.post(
        en("coordinator:imports:area_confirm", public_id=ImportDraft.objects.get().public_id)
    )
    assert Area.objects.get(name="0126C1020").parent == Area.objects.get(name="0126C1010")
    lon, lat = Area.objects.get(name="0126C1010").boundary["coordinates"][0][0]
    assert 17.7 < lon < 18.0 and 59.2 < lat < 59.4


def test_an_unclosed_ring_in_a_geopackage_is_refused(coordinator_client):
    ring = [(660000, 6568000), (661000, 6568000), (661000, 6569000), (660000, 6569000)]
    content = geopackage([("Öppen", None, unclosed_polygon_wkb(ring))])
    response = upload(coordinator_client, content, name="deso.gpkg")
    assert response.status_code == 400
    assert "The ring is not closed" in errors_of(response)
    assert not Area.objects.exists() and not ImportDraft.objects.exists()


def test_a_geopackage_with_an_undefined_system_asks_for_one(coordinator_client):
    content = geopackage(
        [("A", None, shapely.to_wkb(shapely.Polygon(square(660000, 6568000, 3000))))],
        srs_id=-1,
    )
    response = upload(coordinator_client, content, name="deso.gpkg")
    assert response.status_code == 400
    assert "Choose the coordinate system" in errors_of(response)
    response = upload(coordinator_client, content, name="deso.gpkg", crs="3006")
    assert response.status_code == 302


def test_an_sqlite_file_that_is_no_geopackage_is_refused(coordinator_client):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (x)")
    response = upload(coordinator_client, db.serialize(), name="x.gpkg")
    assert response.status_code == 400
    assert "not a GeoPackage" in errors_of(response)


# --- Coordinate systems ----------------------------------------------------------------------


def test_an_unknown_system_is_asked_for_next_to_its_field(coordinator_client):
    content = geojson(feature("Vårby gård", [square(660000, 6568000, 3000)]), crs=None)
    response = upload(coordinator_client, content)
    assert response.status_code == 400
    page = errors_of(response)
    assert 'class="error-summary"' in page and 'href="#id_crs"' in page
    assert "does not say which coordinate system" in page
    assert upload(coordinator_client, content, crs="3006").status_code == 302


def test_longitudes_and_latitudes_without_a_crs_member_are_wgs_84(coordinator_client):
    ring = [[17.88, 59.26], [17.89, 59.26], [17.89, 59.27], [17.88, 59.27], [17.88, 59.26]]
    response = upload(coordinator_client, geojson(feature("Centrum", [ring]), crs=None))
    assert response.status_code == 302


def test_a_system_the_portal_does_not_know_is_refused(coordinator_client):
    crs = {"type": "name", "properties": {"name": "EPSG:999999"}}
    response = upload(coordinator_client, geojson(feature("A", [square(0, 0, 1)]), crs=crs))
    assert response.status_code == 400
    assert "coordinate system this portal does not know" in errors_of(response)


def test_a_wrong_projection_lands_outside_sweden_and_is_refused(coordinator_client):
    # RT90 coordinates (Vårby gård is near 1 618 000, 6 575 000) declared as SWEREF 99 TM.
    content = geojson(feature("Vårby gård", [square(1618000, 6575000, 3000)]))
    response = upload(coordinator_client, content)
    assert response.status_code == 400
    assert "lies outside Sweden" in errors_of(response)
    assert "is the coordinate system right?" in errors_of(response)
    # The same numbers in RT90, as the coordinator says: inside Sweden.
    no_crs = geojson(feature("Vårby gård", [square(1618000, 6575000, 3000)]), crs=None)
    assert upload(coordinator_client, no_crs, crs="3021").status_code == 302


def test_projected_numbers_declared_as_wgs_84_are_refused(coordinator_client):
    crs = {"type": "name", "properties": {"name": "EPSG:4326"}}
    content = geojson(feature("Vårby gård", [square(660000, 6568000, 3000)]), crs=crs)
    response = upload(coordinator_client, content)
    assert response.status_code == 400
    assert "outside the world" in errors_of(response)


# --- Invalid geometries ----------------------------------------------------------------------


def test_a_self_intersecting_polygon_is_refused_with_its_name(coordinator_client):
    bow_tie = [
        [660000, 6568000],
        [661000, 6569000],
        [661000, 6568000],
        [660000, 6569000],
        [660000, 6568000],
    ]
    content = geojson(feature("Fine", [square(662000, 6568000, 500)]), feature("Fluga", [bow_tie]))
    response = upload(coordinator_client, content)
    assert response.status_code == 400
    rows = {row["name"]: row["errors"] for row in response.context["rows"]}
    assert rows["Fine"] == []
    assert "crosses itself" in rows["Fluga"][0]
    assert "1 of 2 areas have errors" in errors_of(response)
    assert not Area.objects.exists() and not ImportDraft.objects.exists()


@pytest.mark.parametrize(
    ("rings", "reason"),
    [
        (
            [[[660000, 6568000], [661000, 6568000], [661000, 6569000], [660000, 6569000]]],
            "not closed",
        ),
        ([[[660000, 6568000], [661000, 6568000], [660000, 6568000]]], "at least four positions"),
    ],
)
def test_unclosed_rings_and_too_few_points_are_refused(coordinator_client, rings, reason):
    response = upload(coordinator_client, geojson(feature("Trasig", rings)))
    assert response.status_code == 400
    assert reason in errors_of(response)
    assert response.context["rows"][0]["name"] == "Trasig"


def test_a_point_is_not_an_area(coordinator_client):
    point = {
        "type": "Feature",
        "properties": {"namn": "P"},
        "geometry": {"type": "Point", "coordinates": [660000, 6568000]},
    }
    response = upload(coordinator_client, geojson(point))
    assert response.status_code == 400
    assert "Polygon" in errors_of(response)


# --- Names and parents -----------------------------------------------------------------------


def test_an_unknown_parent_is_refused(coordinator_client):
    content = geojson(feature("Centrum", [square(661000, 6569000, 600)], over="Atlantis"))
    response = upload(coordinator_client, content, parent_property="over")
    assert response.status_code == 400
    assert "Its parent “Atlantis” is neither in the file nor in the partnership." in errors_of(
        response
    )


def test_parents_that_form_a_circle_are_refused(coordinator_client):
    content = geojson(
        feature("A", [square(660000, 6568000, 500)], over="B"),
        feature("B", [square(661000, 6568000, 500)], over="A"),
    )
    response = upload(coordinator_client, content, parent_property="over")
    assert response.status_code == 400
    assert "form a circle" in errors_of(response)


def test_a_parent_property_the_features_lack_is_refused_next_to_its_field(coordinator_client):
    content = geojson(feature("A", [square(660000, 6568000, 500)]))
    response = upload(coordinator_client, content, parent_property="förälder")
    assert response.status_code == 400
    assert 'href="#id_parent_property"' in errors_of(response)
    assert "Their properties: namn." in errors_of(response)


def test_duplicate_names_in_the_file_and_in_the_partnership_are_refused(coordinator_client):
    factories.AreaFactory(name="Vårberg")
    content = geojson(
        feature("Centrum", [square(660000, 6568000, 500)]),
        feature("centrum", [square(661000, 6568000, 500)]),
        feature("VÅRBERG", [square(662000, 6568000, 500)]),
    )
    response = upload(coordinator_client, content)
    assert response.status_code == 400
    rows = response.context["rows"]
    assert "used by more than one area" in rows[0]["errors"][0]
    assert "used by more than one area" in rows[1]["errors"][0]
    assert "already has an area named “Vårberg”" in rows[2]["errors"][0]
    assert Area.objects.count() == 1


def test_a_missing_name_property_lists_the_properties(coordinator_client):
    content = geojson(
        {
            "type": "Feature",
            "properties": {"kod": "1"},
            "geometry": {"type": "Polygon", "coordinates": [square(660000, 6568000, 500)]},
        }
    )
    response = upload(coordinator_client, content)
    assert response.status_code == 400
    assert "Which property holds the areas' names? Their properties: kod." in errors_of(response)
    assert upload(coordinator_client, content, name_property="kod").status_code == 302


# --- Files -----------------------------------------------------------------------------------


def test_an_empty_file_is_refused(coordinator_client):
    response = upload(coordinator_client, b"  \n")
    assert response.status_code == 400
    assert "The file is empty." in errors_of(response)


def test_a_file_not_in_utf_8_is_refused(coordinator_client):
    text = '{"type": "FeatureCollection", "name": "Vårby gård", "features": []}'
    response = upload(coordinator_client, text.encode("latin-1"))
    assert response.status_code == 400
    assert "not in the UTF-8 encoding" in errors_of(response)


def test_a_file_that_is_not_geojson_is_refused(coordinator_client):
    response = upload(coordinator_client, b"namn;typ\nA;B\n", name="areas.csv")
    assert response.status_code == 400
    assert "neither a GeoPackage nor GeoJSON" in errors_of(response)


def test_a_file_over_the_size_cap_is_refused(coordinator_client):
    content = b" " * area_import.MAX_BYTES + geojson(feature("A", [square(660000, 6568000, 500)]))
    response = upload(coordinator_client, content)
    assert response.status_code == 400
    assert "The file is larger than 8 MB" in errors_of(response)


def test_more_features_than_the_cap_are_refused(coordinator_client, monkeypatch):
    monkeypatch.setattr(area_import, "MAX_FEATURES", 2)
    squares = [feature(f"A{n}", [square(660000 + 1000 * n, 6568000, 500)]) for n in range(3)]
    response = upload(coordinator_client, geojson(*squares))
    assert response.status_code == 400
    assert "more than 2 features; import at most 2 at a time" in errors_of(response)
    gpkg = geopackage(
        [
            (f"A{n}", None, shapely.to_wkb(shapely.Polygon(square(660000, 6568000, 500))))
            for n in range(5)
        ]
    )
    response = upload(coordinator_client, gpkg, name="deso.gpkg")
    assert "more than 2 features" in errors_of(response)


def test_a_geopackage_whose_table_is_a_slow_view_is_stopped(coordinator_client, monkeypatch):
    """A features "table" may be a view written to run for hours: reading stops in time."""
    monkeypatch.setattr(area_import, "GPKG_SECONDS", 0.5)
    db = sqlite3.connect(":memory:")
    db.deserialize(geopackage([]))
    db.executescript(
        """
        DROP TABLE deso;
        CREATE VIEW deso AS
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1e12)
            SELECT x AS fid, NULL AS geom, 'x' AS desonamn, NULL AS parent FROM c WHERE x = 1e12;
        """
    )
    started = time.monotonic()
    response = upload(coordinator_client, db.serialize(), name="deso.gpkg")
    assert time.monotonic() - started < 30
    assert response.status_code == 400
    assert "The GeoPackage cannot be read (interrupted)" in errors_of(response)


def test_the_upload_form_sent_empty_shows_the_error_summary(coordinator_client):
    response = coordinator_client.post(en("coordinator:imports:areas"), {})
    assert response.status_code == 400
    page = errors_of(response)
    assert 'class="error-summary"' in page and 'href="#id_file"' in page
    assert "<title>Error: " in page


# --- Who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["resident", "member", "org_admin", "outsider", "coordinator_without_mfa"]
)
def test_only_a_coordinator_with_the_second_factor_may_import(client, request, role):
    login_as(client, request, role)
    content = geojson(feature("A", [square(660000, 6568000, 500)]))
    for response in (client.get(en("coordinator:imports:areas")), upload(client, content)):
        # Anonymous: to the login; without the second factor: to set it up; others: refused.
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response.url.startswith((en("account_login"), en("mfa_activate_totp")))
    assert not ImportDraft.objects.exists() and not Area.objects.exists()


def test_a_draft_is_its_uploaders_and_expires(coordinator_client, client):
    upload(coordinator_client, geojson(feature("A", [square(660000, 6568000, 500)])))
    draft = ImportDraft.objects.get()
    other = factories.UserFactory(is_coordinator=True)
    from django.test import Client

    other_client = login_with_second_factor(Client(), other)
    assert (
        other_client.get(
            en("coordinator:imports:area_preview", public_id=draft.public_id)
        ).status_code
        == 404
    )
    assert (
        other_client.post(
            en("coordinator:imports:area_confirm", public_id=draft.public_id)
        ).status_code
        == 404
    )
    ImportDraft.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert (
        coordinator_client.get(
            en("coordinator:imports:area_preview", public_id=draft.public_id)
        ).status_code
        == 404
    )
    assert not Area.objects.exists()


def test_the_confirmation_checks_the_file_again(coordinator_client):
    upload(coordinator_client, geojson(feature("Centrum", [square(660000, 6568000, 500)])))
    draft = ImportDraft.objects.get()
    factories.AreaFactory(name="Centrum")  # someone added it in the meantime
    response = coordinator_client.post(
        en("coordinator:imports:area_confirm", public_id=draft.public_id)
    )
    assert response.status_code == 302
    assert Area.objects.count() == 1
