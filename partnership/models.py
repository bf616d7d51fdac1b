"""The partnership core: the shared vocabulary every app uses, and the abstract bases.

Areas, themes and target groups are data, not code: a new partnership edits them in the
admin. Nothing here imports an app (see docs/architecture.md).
"""

import pghistory
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from partnership.geometry import normalized_boundary

WEEKDAY_NUMBERS = [1, 2, 3, 4, 5, 6, 7]


class Weekday(models.IntegerChoices):
    """ISO weekday numbers, as PostgreSQL's ``extract(isodow ...)`` returns them."""

    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PARTNERS = "partners", _("Partners only")


class LocatedModel(models.Model):
    """An optional WGS84 point; both coordinates or neither, each within range."""

    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="%(app_label)s_%(class)s_point_complete",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="%(app_label)s_%(class)s_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="%(app_label)s_%(class)s_longitude_range",
            ),
        ]

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class VersionedModel(models.Model):
    """A row people edit through forms. ``version`` counts its changes: a form carries the
    version it was loaded at, and a save on top of a newer one is refused (no lost updates).
    Every change goes through :meth:`save_new_version`, so no service bumps it by hand."""

    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def save_new_version(self, *fields: str) -> None:
        """Save the changed ``fields`` (every field when none are named) as a new version.
        The caller holds the row locked (``select_for_update``)."""
        self.version += 1
        self.save(update_fields=[*fields, "version", "updated_at"] if fields else None)


class ArchivableModel(VersionedModel):
    """A row nobody deletes from the UI: archiving hides it from every list and page except
    its editors', who can restore it as it was. Both are new versions, kept in history."""

    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def set_archived(self, archived: bool, *, actor) -> bool:
        """Archive (or restore) the row, recorded in history as the actor's change; False
        when it already was. Call it inside a transaction: it locks the row first."""
        locked = type(self)._default_manager.select_for_update().get(pk=self.pk)
        if locked.is_archived == archived:
            return False
        with pghistory.context(user=actor.pk):
            locked.archived_at = timezone.now() if archived else None
            locked.save_new_version("archived_at")
        self.archived_at, self.version = locked.archived_at, locked.version
        return True


class AreaQuerySet(models.QuerySet):
    """The area tree, read in one recursive query each: "in an area" always includes the
    areas within it; "same or nested" adds the areas around it."""

    def with_descendants(self, area: "Area") -> "AreaQuerySet":
        """The area and every area below it."""
        descendants = models.expressions.RawSQL(_DESCENDANTS_SQL, [area.pk])  # noqa: S611 (constant)
        return self.filter(pk__in=descendants)

    def nested_ids(self, area_ids) -> list[int]:
        """The given areas with their ancestors and descendants ("same or nested"), as ids.

        Fetched on its own rather than as a subquery: with the ids as a literal list the
        planner knows how many rows they cover (a leaf area: a few hundred initiatives, the
        root: all) and picks its plan by that; measured on 100,000 initiatives, 23 → 11 ms
        for a leaf area, 162 → 125 for the root."""
        area_ids = list(area_ids)
        with connection.cursor() as cursor:
            cursor.execute(_NESTED_SQL, [area_ids, area_ids])
            return [row[0] for row in cursor.fetchall()]


_DESCENDANTS_SQL = """
    WITH RECURSIVE tree(id) AS (
        SELECT id FROM partnership_area WHERE id = %s
        UNION ALL
        SELECT child.id FROM partnership_area child JOIN tree ON child.parent_id = tree.id
    )
    SELECT id FROM tree
"""
_NESTED_SQL = """
    WITH RECURSIVE up(id, parent_id) AS (
        SELECT id, parent_id FROM partnership_area WHERE id = ANY(%s)
        UNION
        SELECT a.id, a.parent_id FROM partnership_area a JOIN up ON a.id = up.parent_id
    ), down(id) AS (
        SELECT id FROM partnership_area WHERE id = ANY(%s)
        UNION
        SELECT a.id FROM partnership_area a JOIN down ON a.parent_id = down.id
    )
    SELECT id FROM up UNION SELECT id FROM down
"""


class Area(LocatedModel):
    """A place the partnership works in; areas nest (Vårby gård > Vårby gård centrum)."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    boundary = models.JSONField(
        _("boundary"),
        null=True,
        blank=True,
        help_text=_("A GeoJSON Polygon or MultiPolygon geometry, WGS84 coordinates."),
    )

    objects = AreaQuerySet.as_manager()

    class Meta(LocatedModel.Meta):
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]
        constraints = [
            *LocatedModel.Meta.constraints,
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="area_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Every way in (the admin, the demo loader, a script) stores a checked boundary in
        # RFC 7946 order and precision: the API and areas.geojson read it as it is.
        self.boundary = normalized_boundary(self.boundary)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        try:
            self.boundary = normalized_boundary(self.boundary)
        except ValidationError as error:
            raise ValidationError({"boundary": error.messages}) from error


class VocabularyTerm(models.Model):
    """A term of the shared vocabulary, named in Swedish and English."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name_sv"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, Swedish when there is no English name."""
        if (get_language() or "sv").startswith("en") and self.name_en:
            return self.name_en
        return self.name_sv

    @property
    def description(self) -> str:
        if (get_language() or "sv").startswith("en") and self.description_en:
            return self.description_en
        return self.description_sv


class Theme(VocabularyTerm):
    """What an initiative or problem is about: lighting, night walks, littering …"""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class TargetGroup(VocabularyTerm):
    """Who an initiative is for: young people, parents, residents, shop owners …"""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class Generation(models.Model):
    """The generation of everything public pages show (``partnership/page_cache.py``).

    Not written by Python: a statement-level trigger on every table of the portal's apps
    replaces a row's ``token`` in the same transaction as the write. Each writing transaction
    takes a row nobody else holds (``SKIP LOCKED``) or adds one, so the rows number at most
    the writers that were ever at work at once, and no write ever waits here. The page cache
    keys pages by a hash of all tokens: a committed write changes it for every worker."""

    token = models.UUIDField()
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("generation of the public pages")
        verbose_name_plural = _("generations of the public pages")

    def __str__(self) -> str:
        return f"{self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
