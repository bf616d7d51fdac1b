from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Development only: the demo partnership (``load_demo``, its content in
    ``data/demo.toml``), scale data (``seed_scale``) and the benchmarks (``bench_*``). Nothing
    in the portal imports this package (an import-linter contract); it is installed so that
    its commands run, and ``load_demo`` refuses to run with ``DEBUG`` off."""

    name = "partnership.demo"
    label = "demo"
    verbose_name = _("Demo and benchmarks")
