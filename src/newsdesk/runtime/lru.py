"""A bounded, thread-safe map that forgets what was used least recently: what a process keeps between
requests or tasks (pages and their answers before Django, readers' states, rendered buttons, story
members' features) without growing without end."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V, *, unless: Callable[[V], bool] | None = None) -> None:
        """Keep `value` under `key`, unless the value held there now passes `unless` (checked under the
        same lock: "a newer one came first")."""
        with self._lock:
            held = self._items.get(key)
            if held is not None and unless is not None and unless(held):
                return
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def pop(self, key: K) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
