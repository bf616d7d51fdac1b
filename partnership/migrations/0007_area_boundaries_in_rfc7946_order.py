"""Issue 17: area boundaries stored before ``Area.save`` normalised them are put in RFC 7946
order and precision (exterior rings counter-clockwise, holes clockwise, six decimals). A
boundary that is not a valid Polygon or MultiPolygon is kept as it is: the admin refuses it
at the next save, with the reason."""

from django.core.exceptions import ValidationError
from django.db import migrations

from partnership.geometry import normalized_boundary


def normalise(apps, schema_editor):
    Area = apps.get_model("partnership", "Area")
    for area in Area.objects.filter(boundary__isnull=False).only("pk", "boundary"):
        try:
            boundary = normalized_boundary(area.boundary)
        except ValidationError:
            continue
        if boundary != area.boundary:
            Area.objects.filter(pk=area.pk).update(boundary=boundary)


class Migration(migrations.Migration):
    dependencies = [("partnership", "0006_problems_move_to_their_app")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
