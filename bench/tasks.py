"""A task for the fault test (scripts/fault_test.py): one that runs long enough to be killed."""

import time

from django.tasks import task


@task
def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return f"slept {seconds} s"
