"""Indexes for counting public initiatives and for the sitemap's pages of ids (issue 16)."""

import django.db.models.expressions
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0011_operational_goal"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                condition=models.Q(("archived_at__isnull", True), ("visibility", "public")),
                fields=["lead_organization"],
                include=("status", "ends_on"),
                name="initiative_public_lead_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                django.db.models.expressions.CombinedExpression(
                    models.F("id"), "/", models.Value(1000)
                ),
                models.F("id"),
                condition=models.Q(("archived_at__isnull", True), ("visibility", "public")),
                include=("lead_organization", "slug", "updated_at"),
                name="initiative_public_sitemap_idx",
            ),
        ),
    ]
