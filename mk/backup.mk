# make backup [FILE=backups/….dump]   pg_dump of the database the other targets use
# make restore FILE=backups/….dump    replaces that database's contents with the dump
#
# Custom format (pg_dump -Fc); history, sessions and the cache table included. The database
# is DATABASE_URL's, else the one scripts/devdb.py finds (README, "Backups").
# scripts/backup.py says what is and is not in a dump.
BACKUP_FILE = backups/partnership-$(shell date +%Y%m%d-%H%M%S).dump

.PHONY: backup restore

backup: venv
	@$(WITH_DB) $(PY) scripts/backup.py dump "$(or $(FILE),$(BACKUP_FILE))"

restore: venv
	@test -n "$(FILE)" || { echo "Which dump? make restore FILE=backups/….dump" >&2; exit 1; }
	@$(WITH_DB) $(PY) scripts/backup.py restore "$(FILE)"
