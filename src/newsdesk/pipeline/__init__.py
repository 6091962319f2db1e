"""The framework-free pipeline core: plain functions and dataclasses, no Django import.

One module per step of the data flow: fetch/ (polite fetching), charset (bytes to text), feeds /
jsonfeed / opml / discovery (what a source publishes), urls (canonical identity), extract and sanitize
(clean article), duplicates (exact and near copies), embeddings and vectorindex (meaning), features,
stories and related (story clustering, related articles), schedule (when to fetch again), text/ and
ai/ (language analysis and the reader-facing AI).
"""
