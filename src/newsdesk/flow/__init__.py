"""Flow: how work moves through the domain apps (ingest, refresh, add, import, the processing steps,
the Huey tasks and the run-until-idle loops, status).

The only layer that calls across domain apps for a piece of work: faces (pages, API, reader-app
protocols, CLI) call into it; it calls the domain apps, runtime and pipeline below.
"""
