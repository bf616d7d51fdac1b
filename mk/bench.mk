# make bench [N=100000] [BENCH_ARGS='--duration 10 --only insatser']
#
# The portal under load (wrk) against a reference view (bench/), production settings, on a
# database of its own: `partnership_bench_<N>` (or BENCH_DATABASE_URL), seeded with N scale
# initiatives by `manage.py bench_http --initiatives N` and reused while it holds N. Prints
# one table (README, "Benchmarks"). N comes from the Makefile (10000 by default).
BENCH_ENV = DEBUG=False SECRET_KEY=bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
	MFA_ENCRYPTION_KEY=bench-only-not-a-secret ALLOWED_HOSTS=127.0.0.1,localhost \
	SITE_URL=http://127.0.0.1:8101

.PHONY: bench wrk

bench: venv messages wrk
	@export DATABASE_URL="$${BENCH_DATABASE_URL:-$$(PARTNERSHIP_DB_NAME=partnership_bench_$(N) $(PY) scripts/devdb.py)}" && \
	export $(BENCH_ENV) && \
	$(MANAGE) migrate --no-input -v 0 && \
	$(MANAGE) collectstatic --no-input -v 0 && \
	$(MANAGE) bench_http --initiatives $(N) $(BENCH_ARGS)

wrk:
	@command -v wrk >/dev/null 2>&1 || $(MAKE) --no-print-directory apt PACKAGES=wrk
