"""Records: the core's value classes, declared as dataclasses are, for a fifth of the start-up.

A quick lookup defines some twenty of them before it answers. The stdlib's dataclasses imports
inspect (~8 ms) and compiles six functions a class (~0.5 ms each): 15 ms of a 70 ms lookup
at 10,000 articles (issue 12). `record` compiles __init__ alone (~0.1 ms a class) and gives
what the core uses of dataclasses, with the same behaviour: fields with defaults or default
factories, `compare=False` and `repr=False`, frozen instances, slots, `__post_init__`,
`fields()` and `replace()`. The UI, which imports dataclasses with Textual anyway, keeps them.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from reprlib import recursive_repr  # (loaded already: collections imports it)
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import dataclass_transform  # (Python 3.11: a no-op stands in below)
else:

    def dataclass_transform(**_):
        return lambda decorator: decorator


_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "MISSING"})()
# __init__'s own names begin so: a field's cannot (in a class body Python mangles a name that
# begins with two underscores and does not end with them).
_OURS = "__record_"


class FrozenInstanceError(AttributeError):
    """A field of a frozen record was assigned or deleted."""


class Field:
    __slots__ = ("compare", "default", "default_factory", "name", "repr")

    init = True  # (every field is an argument of __init__, as stored.py's builder counts on)

    def __init__(
        self, default: Any = _MISSING, default_factory: Any = _MISSING, compare: bool = True, repr: bool = True
    ):
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("a field takes a default or a default factory, not both")
        self.name = ""
        self.default, self.default_factory, self.compare, self.repr = default, default_factory, compare, repr

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r})"


def field(*, default: Any = _MISSING, default_factory: Any = _MISSING, compare: bool = True, repr: bool = True) -> Any:
    return Field(default, default_factory, compare, repr)


def fields(record: Any) -> tuple[Field, ...]:
    """The fields of a record class or instance, in order."""
    try:
        return record.__record_fields__
    except AttributeError:
        raise TypeError(f"not a record: {record!r}") from None


def replace(record: Any, /, **changes: Any) -> Any:
    """A new record like this one, with these fields changed (built by its class, like
    `dataclasses.replace`, so `__post_init__` runs again)."""
    for each in fields(record):
        if each.name not in changes:
            changes[each.name] = getattr(record, each.name)
    return record.__class__(**changes)


@dataclass_transform(field_specifiers=(field, Field))
def record(cls: type | None = None, /, *, frozen: bool = False, slots: bool = False) -> Any:
    """`@dataclass`, `@dataclass(frozen=True)` or `@dataclass(frozen=True, slots=True)`."""

    def make(cls: type) -> type:
        return _build(cls, frozen, slots)

    return make if cls is None else make(cls)


def _own_fields(cls: type) -> list[Field]:
    annotations = cls.__dict__.get("__annotations__", {})
    for name, value in cls.__dict__.items():
        if isinstance(value, Field) and name not in annotations:
            raise TypeError(f"{cls.__name__}.{name} is a field but has no type annotation")
    found = []
    for name, annotation in annotations.items():
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, _MISSING)
        each = value if isinstance(value, Field) else Field(default=value)
        if each.default is not _MISSING and type(each.default).__hash__ is None:
            raise ValueError(f"mutable default {type(each.default).__name__} for {name}: use default_factory")
        each.name = name
        found.append(each)
    return found


def _build(cls: type, frozen: bool, slots: bool) -> type:
    inherited: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        if hasattr(base, "__record_fields__"):
            if base.__dict__.get("__record_frozen__", frozen) != frozen:
                raise TypeError(f"{cls.__name__}: a frozen record and a mutable one cannot inherit from each other")
            inherited.update((each.name, each) for each in base.__record_fields__)
    if frozen and ("__setattr__" in cls.__dict__ or "__delattr__" in cls.__dict__):
        raise TypeError(f"{cls.__name__} is frozen: it cannot define __setattr__ or __delattr__")
    own = _own_fields(cls)
    every = tuple({**inherited, **{each.name: each for each in own}}.values())
    for each in own:  # class attributes: the plain defaults stay, as with dataclasses; Field objects go
        if isinstance(cls.__dict__.get(each.name), Field):
            if each.default is _MISSING:
                delattr(cls, each.name)
            else:
                setattr(cls, each.name, each.default)
    # dataclasses' rule: an explicit __hash__ stays; else frozen records hash by their fields,
    # and mutable ones cannot be hashed (None: set by Python where __eq__ is defined alone).
    own_hash = cls.__dict__.get("__hash__", _MISSING)
    explicit_hash = not (own_hash is _MISSING or (own_hash is None and "__eq__" in cls.__dict__))
    if slots:
        cls = _with_slots(cls, every)
    cls.__record_fields__ = every
    cls.__record_frozen__ = frozen
    if "__match_args__" not in cls.__dict__:
        cls.__match_args__ = tuple(each.name for each in every)
    methods = _methods(cls, every, frozen, slots, explicit_hash)
    for name, method in methods.items():
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, recursive_repr()(method) if name == "__repr__" else method)
    if not frozen and not explicit_hash:
        cls.__hash__ = None  # type: ignore[assignment]
    return cls


def _values(names: list[str]) -> Callable[[Any], tuple]:
    """A function giving these attributes of an object as a tuple (at C speed)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda record: (one(record),)
    return lambda record: ()


def _methods(cls: type, every: tuple[Field, ...], frozen: bool, slots: bool, explicit_hash: bool) -> dict[str, Any]:
    """The methods the class does not define itself. Only __init__ is compiled (the rest work
    from the field names as they are): compiling is what a class costs."""
    names = [each.name for each in every]
    key = _values([each.name for each in every if each.compare])
    shown = [each.name for each in every if each.repr]

    def __repr__(self) -> str:
        return f"{self.__class__.__qualname__}({', '.join(f'{name}={getattr(self, name)!r}' for name in shown)})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    methods: dict[str, Any] = {"__init__": _init(cls, every, frozen), "__repr__": __repr__, "__eq__": __eq__}
    if frozen:
        protected = frozenset(names)

        def __setattr__(self, name: str, value: Any) -> None:
            if type(self) is cls or name in protected:
                raise FrozenInstanceError(f"cannot assign to field {name!r}")
            super(cls, self).__setattr__(name, value)

        def __delattr__(self, name: str) -> None:
            if type(self) is cls or name in protected:
                raise FrozenInstanceError(f"cannot delete field {name!r}")
            super(cls, self).__delattr__(name)

        methods.update(__setattr__=__setattr__, __delattr__=__delattr__)
        if not explicit_hash:
            methods["__hash__"] = lambda self: hash(key(self))
    if slots and frozen:  # (pickle and copy restore slots by setattr, which frozen refuses)
        state = _values(names)

        def __setstate__(self, values: tuple) -> None:
            for name, value in zip(names, values):
                object.__setattr__(self, name, value)

        methods.update(__getstate__=lambda self: state(self), __setstate__=__setstate__)
    return {name: method for name, method in methods.items() if name not in cls.__dict__ or name == "__hash__"}


def _init(cls: type, every: tuple[Field, ...], frozen: bool) -> Callable:
    """__init__, compiled for the class: it runs once an instance, so it is spelled out."""
    space: dict[str, Any] = {f"{_OURS}MISSING": _MISSING, f"{_OURS}set": object.__setattr__}
    exec(_init_source(cls, every, frozen, space), space)  # noqa: S102 - our own source, from the field names
    return space["__init__"]


def _init_source(cls: type, every: tuple[Field, ...], frozen: bool, space: dict) -> str:
    parameters, body = [], []
    for each in every:
        name, value = each.name, each.name
        if each.default_factory is not _MISSING:
            space[f"{_OURS}factory_{name}"] = each.default_factory
            parameters.append(f"{name}={_OURS}MISSING")
            value = f"{_OURS}factory_{name}() if {name} is {_OURS}MISSING else {name}"
        elif each.default is not _MISSING:
            space[f"{_OURS}default_{name}"] = each.default
            parameters.append(f"{name}={_OURS}default_{name}")
        else:
            if parameters and "=" in parameters[-1]:
                raise TypeError(f"{cls.__name__}: field {name} without a default follows one with")
            parameters.append(name)
        me = f"{_OURS}self"
        body.append(f"{_OURS}set({me}, {name!r}, {value})" if frozen else f"{me}.{name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append(f"{_OURS}self.__post_init__()")
    return f"def __init__({_OURS}self, {', '.join(parameters)}):\n " + "\n ".join(body or ["pass"])


def _with_slots(cls: type, every: tuple[Field, ...]) -> type:
    """The class made again with a slot for each field (slots are fixed when a class is made)."""
    namespace = dict(cls.__dict__)
    for name in (each.name for each in every):
        namespace.pop(name, None)  # (a default left as a class attribute would shadow its slot)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    inherited = set()
    for base in cls.__mro__[1:]:
        slots = base.__dict__.get("__slots__", ())
        inherited.update((slots,) if isinstance(slots, str) else slots)
    namespace["__slots__"] = tuple(each.name for each in every if each.name not in inherited)
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__
    return made
