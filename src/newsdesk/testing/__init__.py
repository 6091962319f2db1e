"""Test and benchmark helpers that run for real: a loopback HTTP server with hostile behaviours."""

from newsdesk.testing.loopback import ConcurrencyGauge, LoopbackServer, respond

__all__ = ["ConcurrencyGauge", "LoopbackServer", "respond"]
