"""The sitemap of the public pages (``/sitemap.xml``), in Swedish and English.

Initiatives come from ``Initiative.objects.public()`` and organisations from
``Organization.objects.approved()``: nothing partners-only, archived, pending or suspended
is ever listed. Django splits a sitemap over 50,000 addresses into numbered pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from initiatives.models import Initiative
from stakeholders.models import Organization


class _Bilingual(Sitemap):
    i18n = True
    languages = ["sv", "en"]
    alternates = True
    x_default = True


class PagesSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "initiatives:list",
            "stakeholders:list",
            "public_problems",  # "Ni sa, vi gjorde"
            "open_data",
            "accessibility",
            "privacy",
        ]

    def location(self, item):
        return reverse(item)


class InitiativeSitemap(_Bilingual):
    changefreq = "weekly"
    # Each address is listed twice (Swedish and English) with alternates: 5,000 initiatives
    # (about 3 MB) per page keeps one page quick to build.
    limit = 5_000

    def items(self):
        return Initiative.objects.public().only("slug", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("initiatives:detail", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class OrganizationSitemap(_Bilingual):
    changefreq = "monthly"
    limit = 5_000

    def items(self):
        return Organization.objects.approved().only("slug", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("stakeholders:detail", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "initiatives": InitiativeSitemap,
    "organizations": OrganizationSitemap,
}
