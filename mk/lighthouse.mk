# make lighthouse [N=100000]
#
# Lighthouse 12.2.3 (mobile preset, Debian's Chromium) on every public page kind — home, the
# initiatives' map and list, an initiative, the directory, an organisation, "Ni sa, vi gjorde",
# a problem's page and the resident report form — against gunicorn with production settings
# (DEBUG off, collectstatic, whitenoise), printing performance and accessibility scores and
# the JavaScript each page loads. Targets (issue 14): accessibility 100, performance >= 95.
#
# Without N: the demo partnership, in a database of its own (`partnership_lighthouse`).
# With N: N scale initiatives (`seed_scale`) in `partnership_lighthouse_<N>`, seeded once
# and reused; LIGHTHOUSE_DATABASE_URL names another database instead.
# Lighthouse is installed from npm into LIGHTHOUSE_CACHE, outside the repository (no
# package.json or lock file here); Node 20 runs 12.x (13.x needs Node 22).
LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE_CACHE ?= $(HOME)/.cache/partnership-portal/lighthouse-$(LIGHTHOUSE_VERSION)
LIGHTHOUSE_BIN := $(LIGHTHOUSE_CACHE)/node_modules/.bin/lighthouse
LIGHTHOUSE_PORT ?= 8110
LIGHTHOUSE_ENV = DEBUG=False SECRET_KEY=lighthouse-only-not-a-secret-0123456789-abcdefghijklmnop \
	MFA_ENCRYPTION_KEY=lighthouse-only-not-a-secret ALLOWED_HOSTS=127.0.0.1,localhost \
	SITE_URL=http://127.0.0.1:$(LIGHTHOUSE_PORT) MAP_TILE_URL=

.PHONY: lighthouse lighthouse-install

lighthouse: venv messages chromium lighthouse-install
	@db_name=partnership_lighthouse$(if $(filter command line,$(origin N)),_$(N)); \
	export DATABASE_URL="$${LIGHTHOUSE_DATABASE_URL:-$$(PARTNERSHIP_DB_NAME=$$db_name $(PY) scripts/devdb.py)}" && \
	export $(LIGHTHOUSE_ENV) && \
	$(MANAGE) migrate --no-input -v 0 && \
	$(MANAGE) collectstatic --no-input -v 0 && \
	$(if $(filter command line,$(origin N)), \
		count=$$($(MANAGE) shell -v 0 -c "from initiatives.models import Initiative; print(Initiative.objects.count())" | tail -1) && \
		{ [ "$$count" -ge "$(N)" ] || $(MANAGE) seed_scale --initiatives $(N); } &&, \
		$(MANAGE) load_demo --allow-production >/dev/null &&) \
	$(MANAGE) shell -v 0 -c "from django.core.cache import cache; cache.clear()" && \
	$(PY) scripts/lighthouse.py --lighthouse $(LIGHTHOUSE_BIN) --port $(LIGHTHOUSE_PORT)

lighthouse-install:
	@command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory apt PACKAGES=npm
	@test -x $(LIGHTHOUSE_BIN) || { mkdir -p $(LIGHTHOUSE_CACHE) && \
		npm install --prefix $(LIGHTHOUSE_CACHE) --no-save --no-package-lock --no-audit --no-fund \
		--loglevel=error lighthouse@$(LIGHTHOUSE_VERSION); }
