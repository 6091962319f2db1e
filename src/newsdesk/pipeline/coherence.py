"""How well a story's members hang together, from the matrix of their pairwise join margins.

`margins[i][j]` is how far members i and j clear (positive) or miss (negative) the bar for joining each
other, on the clusterer's scale (`StoryClusterer.pair_margin`). `partition` answers which groups of
members are one event each, by average-link agglomeration: the two groups whose members clear the bar
best *on average* are joined first, and joining stops once the best pair of groups misses it by more than
`tolerance` on average. Average link is what stops chaining: a group grows only with members that match
the group as a whole, not just one of its members (a budget report, then a feud report that shares a
minister with it, then a campaign report that shares the feud's MPs…).

Framework-free and deterministic (ties go to the lower index).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["partition"]


def partition(margins: np.ndarray, tolerance: float, linked: Sequence[Sequence[int]] = ()) -> list[list[int]]:
    """Members grouped into events, largest group first (ties: the group with the lowest index first).
    `linked`: index groups that must stay together (an article and its near-duplicate)."""
    n = margins.shape[0]
    if margins.shape != (n, n):
        raise ValueError("margins must be a square matrix")
    owner = list(range(n))
    for group in linked:
        for i in group[1:]:
            _relabel(owner, owner[i], owner[group[0]])
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(owner[i], []).append(i)
    current = sorted(groups.values())
    # Sum of margins between every pair of groups; the average is sum / (|a|·|b|).
    sums = np.array([[margins[np.ix_(a, b)].sum() for b in current] for a in current], dtype=np.float64)
    sizes = np.array([len(g) for g in current], dtype=np.float64)
    alive = list(range(len(current)))
    while len(alive) > 1:
        sub = sums[np.ix_(alive, alive)] / np.outer(sizes[alive], sizes[alive])
        np.fill_diagonal(sub, -np.inf)
        flat = int(np.argmax(sub))
        x, y = divmod(flat, len(alive))
        if sub[x, y] < -tolerance:
            break
        a, b = alive[min(x, y)], alive[max(x, y)]
        current[a] = sorted(current[a] + current[b])
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        sizes[a] += sizes[b]
        alive.remove(b)
    return sorted((current[i] for i in alive), key=lambda g: (-len(g), g[0]))


def _relabel(owner: list[int], old: int, new: int) -> None:
    for k, v in enumerate(owner):
        if v == old:
            owner[k] = new
