"""The partnership's first categories of observations, after the EST method's: the
coordinator renames, adds and retires them on the portal."""

from django.db import migrations

CATEGORIES = [
    ("nedskrapning", "Nedskräpning", "Littering"),
    ("skadegorelse", "Skadegörelse", "Vandalism"),
    ("klotter", "Klotter", "Graffiti"),
    ("brand", "Brand/anlagd brand", "Fire/arson"),
    ("otrygghet", "Otrygghet/oro", "Feeling unsafe/concern"),
    ("ungdomar-i-grupp", "Ungdomar i grupp", "Young people in groups"),
    ("narkotika", "Narkotikahandel/-bruk", "Drug dealing/use"),
    ("hot-vald", "Hot/våld", "Threats/violence"),
    ("trafik", "Trafik", "Traffic"),
    ("belysning", "Belysning ur funktion", "Lighting out of order"),
    ("ovrigt", "Övrigt", "Other"),
]


def add_categories(apps, schema_editor):
    category = apps.get_model("observations", "ObservationCategory")
    for position, (slug, name_sv, name_en) in enumerate(CATEGORIES, start=1):
        category.objects.get_or_create(
            slug=slug, defaults={"name_sv": name_sv, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("observations", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
