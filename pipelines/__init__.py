"""Pure processing steps: clean, numbers, metrics, store.

Nothing here speaks HTTP or knows Celery; every step is a function from data to data.
"""
