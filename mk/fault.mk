# make fault-test: the faults the portal survives (scripts/fault_test.py), on a throwaway
# PostgreSQL cluster it creates in a temporary directory (FAULT_PG_PORT, 5440) — never the
# machine's shared server: the database stopped for 10 s under load, the task worker killed
# mid-task. Prints the error window and the recovery time; fails when an expectation fails.
.PHONY: fault-test

fault-test: venv messages wrk
	@$(PY) scripts/fault_test.py
