"""Records: the core's value classes, declared as dataclasses are, for a fifth of the start-up.

A quick lookup defines some twenty of them before it answers. The stdlib's dataclasses imports
inspect (~8 ms) and compiles six functions a class (~0.5 ms each): 15 ms of a 70 ms lookup
at 10,000 articles (issue 12). `record` compiles one block of source a class and gives what
the core uses of dataclasses, with the same behaviour: fields with defaults or default
factories, `compare=False` and `repr=False`, frozen instances, slots, `__post_init__`,
`fields()` and `replace()`. The UI, which imports dataclasses with Textual anyway, keeps them.
"""

from __future__ import annotations

from typing import Any, dataclass_transform  # (typing: loaded by every lookup already, with Rich)

_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "MISSING"})()


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
    found = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, _MISSING)
        each = value if isinstance(value, Field) else Field(default=value)
        if type(each.default) in (list, dict, set):
            raise ValueError(f"mutable default {type(each.default).__name__} for {name}: use default_factory")
        each.name = name
        found.append(each)
    return found


def _build(cls: type, frozen: bool, slots: bool) -> type:
    inherited = {
        each.name: each for base in reversed(cls.__mro__[1:]) for each in getattr(base, "__record_fields__", ())
    }
    own = _own_fields(cls)
    every = tuple({**inherited, **{each.name: each for each in own}}.values())
    for each in own:  # class attributes: the plain defaults stay, as with dataclasses; Field objects go
        if isinstance(cls.__dict__.get(each.name), Field):
            if each.default is _MISSING:
                delattr(cls, each.name)
            else:
                setattr(cls, each.name, each.default)
    if slots:
        cls = _with_slots(cls, every)
    cls.__record_fields__ = every
    names = [each.name for each in every]
    space: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__, "_cls": cls, "_names": frozenset(names)}
    space["FrozenInstanceError"] = FrozenInstanceError
    source = [_init_source(cls, every, frozen, space)]
    if "__repr__" not in cls.__dict__:
        shown = ", ".join(f"{each.name}={{self.{each.name}!r}}" for each in every if each.repr)
        source.append(f"def __repr__(self):\n return f'{{self.__class__.__qualname__}}({shown})'")
    compared = "".join(f"self.{each.name}," for each in every if each.compare)
    if "__eq__" not in cls.__dict__:
        other = compared.replace("self.", "other.")
        source.append(
            f"def __eq__(self, other):\n if other.__class__ is self.__class__:\n  return ({compared}) == ({other})\n"
            " return NotImplemented"
        )
    if frozen:
        for verb, call in (("setattr", "name, value"), ("delattr", "name")):
            source.append(
                f"def __{verb}__(self, {call}):\n if type(self) is _cls or name in _names:\n"
                f"  raise FrozenInstanceError(f'cannot assign to field {{name!r}}')\n super(_cls, self).__{verb}__({call})"
            )
        if "__hash__" not in cls.__dict__ or cls.__dict__["__hash__"] is None:
            source.append(f"def __hash__(self):\n return hash(({compared}))")
    elif "__eq__" not in cls.__dict__:
        cls.__hash__ = None  # (mutable and compared by value, as a dataclass: not hashable)
    if slots and frozen:  # (pickle and copy restore slots by setattr, which frozen refuses)
        values = "".join(f"self.{name}," for name in names)
        source.append(f"def __getstate__(self):\n return ({values})")
        source.append(
            f"def __setstate__(self, state):\n for name, value in zip({tuple(names)!r}, state):\n  _set(self, name, value)"
        )
    exec("\n".join(source), space)  # noqa: S102 - our own source, from the class's field names
    for name in (
        "__init__",
        "__repr__",
        "__eq__",
        "__setattr__",
        "__delattr__",
        "__hash__",
        "__getstate__",
        "__setstate__",
    ):
        if name in space:
            method = space[name]
            method.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, method)
    return cls


def _init_source(cls: type, every: tuple[Field, ...], frozen: bool, space: dict) -> str:
    parameters, body = [], []
    for each in every:
        value = each.name
        if each.default_factory is not _MISSING:
            space[f"_factory_{each.name}"] = each.default_factory
            parameters.append(f"{each.name}=_MISSING")
            value = f"_factory_{each.name}() if {each.name} is _MISSING else {each.name}"
        elif each.default is not _MISSING:
            space[f"_default_{each.name}"] = each.default
            parameters.append(f"{each.name}=_default_{each.name}")
        else:
            if parameters and parameters[-1].find("=") > 0:
                raise TypeError(f"{cls.__name__}: field {each.name} without a default follows one with")
            parameters.append(each.name)
        body.append(f"_set(self, {each.name!r}, {value})" if frozen else f"self.{each.name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    return f"def __init__(self, {', '.join(parameters)}):\n " + "\n ".join(body or ["pass"])


def _with_slots(cls: type, every: tuple[Field, ...]) -> type:
    """The class made again with a slot for each field (slots are fixed when a class is made)."""
    namespace = dict(cls.__dict__)
    for name in (each.name for each in every):
        namespace.pop(name, None)  # (a default left as a class attribute would shadow its slot)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    inherited = {name for base in cls.__mro__[1:] for name in getattr(base, "__slots__", ())}
    namespace["__slots__"] = tuple(each.name for each in every if each.name not in inherited)
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__
    return made
