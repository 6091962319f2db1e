"""Scripts that drive third-party reader-app client libraries (PyPI) against the site. They run in
their own virtual environment (.venv-clients, made by `make test`), never imported by the tests:
`python <script> <server URL> <login> <password> <command…>` prints one JSON object."""
