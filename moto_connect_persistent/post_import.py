"""Post-import hooks: run a function on a module each time it is imported (and at once if it is).

How the plugin changes moto's route tables without importing moto itself (see
:mod:`.registration`), the mechanism instrumentation libraries use. A finder at the front of
``sys.meta_path`` answers only for module names that have a hook: it finds the real
spec through the other finders and wraps its loader, so the module executes as usual and the
hook runs on it just after. Every other import costs one dict lookup.

Written here rather than taken from ``wrapt.when_imported`` because importing wrapt 2 imports
asyncio, about 50 ms: more than the whole budget of a plugin pytest loads on every run. (For
the same reason the finder and loader are plain classes: ``importlib.abc`` costs 15 ms.)
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

Hook = Callable[[ModuleType], None]

_hooks: dict[str, list[Hook]] = {}
_lock = threading.RLock()


def when_imported(name: str, hook: Hook) -> None:
    """Call ``hook(module)`` whenever module ``name`` is imported, now too if it already is.

    A module imported afresh (dropped from ``sys.modules`` and imported again, as pytester
    does between runs, or reloaded) is a new table: the hook runs on it again, so hooks must
    be idempotent.
    """
    with _lock:
        _hooks.setdefault(name, []).append(hook)
        if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
            sys.meta_path.insert(0, _Finder())
        module = sys.modules.get(name)
        if module is None or getattr(getattr(module, "__spec__", None), "_initializing", False):
            return  # the finder calls it when the import finishes
    hook(module)


def _run_hooks(module: ModuleType) -> None:
    with _lock:
        hooks = list(_hooks.get(module.__name__, ()))
    for hook in hooks:
        hook(module)


class _Finder:
    """Finds nothing itself: hands back the real spec of a watched module, loader wrapped."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in _hooks:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec: ModuleSpec | None = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _HookedLoader(spec.loader)  # type: ignore[assignment]
                return spec
        return None


class _HookedLoader:
    """The real loader, then the module's hooks."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self.loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The module shows its real loader, as if imported without us (source lookups etc.).
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        _run_hooks(module)
