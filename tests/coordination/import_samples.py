"""Files for the onboarding imports, made in the test (no binary is committed), and the
import pages they lead to — for the HTML check and the 360 px sweep, which visit every kind
of page: the upload pages sent back with errors and each import's preview."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from partnership.models import Area, Theme


def square(x, y, size):
    return [[x, y], [x, y + size], [x + size, y + size], [x + size, y], [x, y]]


def areas_geojson(*names, bow_tie: bool = False) -> bytes:
    """Squares in SWEREF 99 TM (EPSG:3006) near Huddinge, one per name; with ``bow_tie``
    the last crosses itself."""
    features = []
    for n, name in enumerate(names):
        ring = square(660000 + 2000 * n, 6568000, 1000)
        if bow_tie and n == len(names) - 1:
            ring = [ring[0], ring[2], ring[1], ring[3], ring[0]]
        features.append(
            {
                "type": "Feature",
                "properties": {"namn": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:3006"}},
        "features": features,
    }
    return json.dumps(document).encode()


def directory_csvs(organization: str = "Importföreningen") -> tuple[bytes, bytes]:
    """An organisations file and an initiatives file naming the first area and theme."""
    area = Area.objects.order_by("name").first()
    theme = Theme.objects.order_by("position").first()
    organizations = f"namn;typ\n{organization};Förening\n"
    initiatives = (
        "titel;sammanfattning;ansvarig organisation;teman;områden;startdatum;tider\n"
        f"Läxhjälp;Hjälp med läxor.;{organization};{theme.name_sv};{area.name};2026-01-01;"
        "tis 15:00–17:00\n"
    )
    return organizations.encode(), initiatives.encode()


def import_pages(client, language: str = "en") -> dict[str, tuple[str, str]]:
    """As the coordinator ``client``: {description: (path, html)} of the upload pages with
    errors and the two previews."""
    pages = {}
    with translation.override(language):
        areas = reverse("coordinator:imports:areas")
        directory = reverse("coordinator:imports:directory")
    bad = client.post(
        areas, {"file": SimpleUploadedFile("a.geojson", areas_geojson("Ett", "Två", bow_tie=True))}
    )
    pages["coordinator area import with errors"] = (areas, bad.content.decode())
    good = client.post(
        areas, {"file": SimpleUploadedFile("a.geojson", areas_geojson("Importområde"))}
    )
    pages["coordinator area import preview"] = (good.url, client.get(good.url).content.decode())
    organizations, initiatives = directory_csvs()
    bad = client.post(
        directory,
        {
            "status": "approved",
            "initiatives": SimpleUploadedFile("i.csv", initiatives.replace(b"tis", b"tisdag kv")),
        },
    )
    pages["coordinator directory import with errors"] = (directory, bad.content.decode())
    good = client.post(
        directory,
        {
            "status": "pending",
            "organizations": SimpleUploadedFile("o.csv", organizations),
            "initiatives": SimpleUploadedFile("i.csv", initiatives),
        },
    )
    pages["coordinator directory import preview"] = (
        good.url,
        client.get(good.url).content.decode(),
    )
    return pages
