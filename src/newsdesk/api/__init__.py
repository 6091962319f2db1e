"""The JSON API (django-ninja, mounted at /api/) and the feeds we publish (Atom, RSS 2.0, JSON Feed)."""
