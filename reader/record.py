"""Plain records: classes that compare, hash and print by their fields, as dataclasses do. No Textual.

A dataclass costs about half a millisecond to define (its methods are generated and compiled), and
some twenty are defined before the first headlines are shown; these two bases define those methods
once. A subclass annotates its fields in order (as a dataclass does), names them in ``__slots__`` too,
and writes ``__init__``.
"""

from __future__ import annotations

import inspect
from dataclasses import FrozenInstanceError
from operator import attrgetter
from typing import Any, ClassVar

#: Sets a field of a frozen record (in its ``__init__``).
set_field = object.__setattr__


class Record:
    """Equal to a record of the same class whose fields are equal; printed as ``Name(field=value, ...)``;
    mutable, so not hashable."""

    __slots__ = ()
    _hidden: ClassVar[tuple[str, ...]] = ()
    """Fields neither compared nor printed (a dataclass's ``compare=False, repr=False``)."""
    _all: ClassVar[tuple[str, ...]] = ()  # the fields, in order
    _shown: ClassVar[tuple[str, ...]] = ()  # those compared and printed
    _values: ClassVar[Any] = None  # a record's compared field values, as a tuple

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._all = cls._fields()
        cls._shown = names = tuple(name for name in cls._all if name not in cls._hidden)
        cls._values = attrgetter(*names) if len(names) > 1 else lambda record: tuple(getattr(record, n) for n in names)

    @classmethod
    def _fields(cls) -> tuple[str, ...]:
        """The fields, in the order they are annotated (each named in ``__slots__`` too)."""
        slots = cls.__dict__.get("__slots__", ())
        named = {slots} if isinstance(slots, str) else set(slots)
        fields = tuple(name for name in inspect.get_annotations(cls) if name in named)
        if len(fields) != len(named) or "__slots__" not in cls.__dict__:
            raise TypeError(f"{cls.__qualname__}: a record annotates each of its __slots__, and only those")
        return fields

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        values = self._values
        return bool(values(self) == values(other))

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
        return f"{type(self).__qualname__}({fields})"


class Frozen(Record):
    """A :class:`Record` whose fields cannot be changed (``__init__`` sets them with :data:`set_field`):
    hashable by its fields, and copied or pickled whole."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._values(self))

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._all)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self._all, state, strict=True):
            set_field(self, name, value)
