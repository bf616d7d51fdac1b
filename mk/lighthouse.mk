# make lighthouse [N=100000] [LIGHTHOUSE_RUNS=3]
#
# Lighthouse 12.2.3 (mobile preset, Debian's Chromium) on every public page kind — home, the
# initiatives' map and list, an initiative, the directory, an organisation, "Ni sa, vi gjorde",
# a problem's page, the resident report form, what residents say, the accessibility, privacy
# and open-data pages and the login — against gunicorn with production settings (DEBUG off,
# collectstatic, whitenoise), with the demo data AND with N scale initiatives (100,000 unless
# given). Each page runs LIGHTHOUSE_RUNS times; one table prints, per data set and page, the
# median performance score (and every run's), accessibility, the JavaScript the page loads,
# the metrics behind the score and the audits that failed. Targets (issue 14): accessibility
# 100, performance >= 95, no JavaScript without a map, <= 200 KB compressed with one.
#
# The demo partnership lives in a database of its own (`partnership_lighthouse`); the scale
# data in `partnership_lighthouse_<N>`, seeded once (`seed_scale`, about 10 minutes and 1.6 GB
# at 100,000) and reused. LIGHTHOUSE_DATABASE_URL / LIGHTHOUSE_SCALE_DATABASE_URL name other
# databases instead. Lighthouse is installed from npm into LIGHTHOUSE_CACHE, outside the
# repository (no package.json or lock file here); Node 20 runs 12.x (13.x needs Node 22).
LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE_CACHE ?= $(HOME)/.cache/partnership-portal/lighthouse-$(LIGHTHOUSE_VERSION)
LIGHTHOUSE_BIN := $(LIGHTHOUSE_CACHE)/node_modules/.bin/lighthouse
LIGHTHOUSE_PORT ?= 8110
LIGHTHOUSE_RUNS ?= 3
LIGHTHOUSE_N = $(if $(filter command line,$(origin N)),$(N),100000)
LIGHTHOUSE_ENV = DEBUG=False SECRET_KEY=lighthouse-only-not-a-secret-0123456789-abcdefghijklmnop \
	MFA_ENCRYPTION_KEY=lighthouse-only-not-a-secret ALLOWED_HOSTS=127.0.0.1,localhost \
	SITE_URL=http://127.0.0.1:$(LIGHTHOUSE_PORT) MAP_TILE_URL=

.PHONY: lighthouse lighthouse-install

lighthouse: venv messages chromium lighthouse-install
	@export $(LIGHTHOUSE_ENV) && \
	demo_url="$${LIGHTHOUSE_DATABASE_URL:-$$(PARTNERSHIP_DB_NAME=partnership_lighthouse $(PY) scripts/devdb.py)}" && \
	scale_url="$${LIGHTHOUSE_SCALE_DATABASE_URL:-$$(PARTNERSHIP_DB_NAME=partnership_lighthouse_$(LIGHTHOUSE_N) $(PY) scripts/devdb.py)}" && \
	DATABASE_URL="$$demo_url" $(MANAGE) migrate --no-input -v 0 && \
	DATABASE_URL="$$demo_url" $(MANAGE) load_demo --allow-production >/dev/null && \
	DATABASE_URL="$$demo_url" $(MANAGE) shell -v 0 -c "from django.core.cache import cache; cache.clear()" && \
	DATABASE_URL="$$scale_url" $(MANAGE) migrate --no-input -v 0 && \
	count=$$(DATABASE_URL="$$scale_url" $(MANAGE) shell -v 0 -c "from initiatives.models import Initiative; print(Initiative.objects.count())" | tail -1) && \
	{ [ "$$count" -ge "$(LIGHTHOUSE_N)" ] || DATABASE_URL="$$scale_url" $(MANAGE) seed_scale --initiatives $(LIGHTHOUSE_N); } && \
	DATABASE_URL="$$scale_url" $(MANAGE) shell -v 0 -c "from django.core.cache import cache; cache.clear()" && \
	DATABASE_URL="$$demo_url" $(MANAGE) collectstatic --no-input -v 0 && \
	$(PY) scripts/lighthouse.py --lighthouse $(LIGHTHOUSE_BIN) --port $(LIGHTHOUSE_PORT) \
		--runs $(LIGHTHOUSE_RUNS) --database "demo=$$demo_url" --database "$(LIGHTHOUSE_N)=$$scale_url"

lighthouse-install:
	@command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory apt PACKAGES=npm
	@test -x $(LIGHTHOUSE_BIN) || { mkdir -p $(LIGHTHOUSE_CACHE) && \
		npm install --prefix $(LIGHTHOUSE_CACHE) --no-save --no-package-lock --no-audit --no-fund \
		--loglevel=error lighthouse@$(LIGHTHOUSE_VERSION); }
