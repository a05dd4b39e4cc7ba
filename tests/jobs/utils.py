"""Test helpers for any module that runs background jobs (import from here, not from conftest)."""

from __future__ import annotations

import signal

from django.core.management import call_command


def run_worker(*args: str) -> None:
    """Run the real worker (``jobs_worker`` = django-tasks-db's db_worker) until the queue is empty.

    Tests that call it must be ``django_db(transaction=True)``: the worker closes its
    connection between tasks (``close_old_connections``), which on PostgreSQL ends a test
    transaction. The worker installs SIGINT/SIGTERM handlers; pytest's are put back afterwards.
    """
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("jobs_worker", "--batch", "--no-reload", "--no-startup-delay", *args, verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
