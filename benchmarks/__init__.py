"""Side-by-side quality and speed benchmarks for newsdesk (run as ``python -m benchmarks.<name>``)."""
