"""The read API and the analyst's page (FastAPI, Jinja2): another entry point beside the CLI, over the same queries."""
