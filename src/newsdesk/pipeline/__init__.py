"""The framework-free pipeline core: plain functions and dataclasses, no Django import.

One module per step of the data flow: http (polite fetching), feeds / jsonfeed / opml /
discovery (what a source publishes), urls (canonical identity), extract and sanitize
(clean article), duplicates (exact and near copies), schedule (when to fetch again).
"""
