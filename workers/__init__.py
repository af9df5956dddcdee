"""Wiring: the Celery app, tasks, beat schedule and the `govreports` CLI.

Imports flow from here to `scrapers` and `pipelines`, never back.
"""
