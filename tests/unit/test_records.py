"""The core's records behave as the stdlib's dataclasses they replace (tui/core/records.py).

Each check declares the same class both ways and compares what they do.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from tui.core import records
from tui.core.records import FrozenInstanceError, field, fields, record, replace


def _pair(frozen: bool = False, slots: bool = False):
    """The same class as a record and as a dataclass."""

    def declare(decorate, field):
        class Story:
            id: str
            title: str = "無題"
            tags: tuple[str, ...] = ()
            notes: list[str] = field(default_factory=list)
            row: int = field(default=0, compare=False, repr=False)

            def shout(self) -> str:
                return self.title + "！"

        return decorate(frozen=frozen, slots=slots)(Story)

    return declare(record, records.field), declare(dataclasses.dataclass, dataclasses.field)


@pytest.mark.parametrize(("frozen", "slots"), [(False, False), (True, False), (True, True)])
def test_a_record_inits_prints_and_compares_as_the_dataclass(frozen, slots):
    ours, theirs = _pair(frozen, slots)
    for made in (ours, theirs):
        made.__qualname__ = "Story"
    a, b = ours("a/1", "質量"), theirs("a/1", "質量")
    assert repr(a) == repr(b) == "Story(id='a/1', title='質量', tags=(), notes=[])"
    assert ours("x") == ours("x", "無題", (), [], row=5)  # row: not compared
    assert ours("x") != ours("y") and ours("x") != theirs("x")  # another class: not equal
    assert ours("x").notes is not ours("x").notes  # a new list each
    assert ours(id="z", tags=("一",)).shout() == "無題！"
    assert [f.name for f in fields(ours)] == [f.name for f in dataclasses.fields(theirs)]
    with pytest.raises(TypeError):
        ours()  # id has no default
    with pytest.raises(TypeError):
        ours("x", nonsense=1)


def test_a_frozen_record_refuses_changes_and_hashes_as_the_dataclass():
    ours, theirs = _pair(frozen=True)
    story = ours("a/1", tags=("一",), notes=[])
    with pytest.raises(FrozenInstanceError):
        story.title = "改"
    with pytest.raises(AttributeError):  # (FrozenInstanceError is one, as the stdlib's is)
        del story.id
    story2 = ours("a/1", tags=("一",), row=9)
    story2 = replace(story2, notes=[])
    assert story == story2
    frozen_tuple = ours("a/1", tags=("一",), notes=())
    assert hash(frozen_tuple) == hash(ours("a/1", tags=("一",), notes=(), row=3))


def test_a_mutable_record_is_not_hashable_and_takes_changes():
    ours, _ = _pair()
    story = ours("a/1")
    story.title = "改"
    assert story.title == "改"
    with pytest.raises(TypeError):
        hash(story)


def test_slots_are_the_fields_in_order_and_there_is_no_dict():
    ours, theirs = _pair(frozen=True, slots=True)
    assert ours.__slots__ == theirs.__slots__ == ("id", "title", "tags", "notes", "row")
    assert not hasattr(ours("x"), "__dict__")
    assert ours("x").title == "無題"  # the default, though no class attribute holds it


@pytest.mark.parametrize(("frozen", "slots"), [(False, False), (True, False), (True, True)])
def test_records_pickle_and_copy(frozen, slots):
    story = _Pickled[(frozen, slots)]("a/1", "獨角獸", ("一", "二"), ["注"], row=4)
    for again in (pickle.loads(pickle.dumps(story)), copy.copy(story), copy.deepcopy(story)):
        assert again == story and again.row == 4 and type(again) is type(story)


def _module_level(frozen: bool, slots: bool) -> type:
    """The record side of `_pair`, found by pickle under its own name in this module."""
    made = _pair(frozen, slots)[0]
    made.__name__ = made.__qualname__ = f"_Story_{frozen}_{slots}"
    globals()[made.__name__] = made
    return made


_Pickled = {options: _module_level(*options) for options in ((False, False), (True, False), (True, True))}


def test_replace_builds_again_so_post_init_runs():
    @record
    class Counted:
        items: list = field(default_factory=list)

        def __post_init__(self):
            self.count = len(self.items)

    counted = replace(Counted([1, 2]), items=[1, 2, 3])
    assert counted.count == 3
    with pytest.raises(TypeError):
        replace(counted, nonsense=1)


def test_declarations_dataclasses_refuse_are_refused():
    with pytest.raises(ValueError):

        @record
        class Shared:
            items: list = []  # noqa: RUF012 - the point: one list for every instance

    with pytest.raises(TypeError):

        @record
        class Misordered:
            title: str = ""
            id: str

    with pytest.raises(TypeError):
        fields(object())


def test_a_class_variable_and_a_method_are_not_fields():
    from typing import ClassVar

    @record(frozen=True)
    class Kind:
        names: ClassVar[tuple[str, ...]] = ("a",)
        id: str

        def upper(self) -> str:
            return self.id.upper()

    assert [f.name for f in fields(Kind)] == ["id"] and Kind("x").upper() == "X" and Kind.names == ("a",)


def test_the_generated_methods_names_clash_with_no_field():
    @record(frozen=True, slots=True)
    class Odd:
        self: int
        other: int = 0
        name: str = ""
        value: str = ""
        state: tuple = ()
        items: list = field(default_factory=list)

    odd = Odd(1, 2, "n", "v", ("s",))
    assert odd == copy.copy(odd) and odd.items == [] and "self=1" in repr(odd)


def test_hashing_follows_the_dataclass_rules():
    @record
    class Keyed:
        id: str

        def __hash__(self):
            return 7

    @record(frozen=True)
    class Unhashable:
        id: str
        __hash__ = None

    assert hash(Keyed("a")) == 7
    with pytest.raises(TypeError):
        hash(Unhashable("a"))


def test_a_records_own_methods_stay_and_a_cycle_prints():
    @record(frozen=True, slots=True)
    class Custom:
        id: str

        def __getstate__(self):
            return ("custom", self.id)

        def __setstate__(self, state):
            object.__setattr__(self, "id", state[1])

    assert Custom("a").__getstate__() == ("custom", "a") and copy.copy(Custom("a")) == Custom("a")

    @record
    class Node:
        kids: list = field(default_factory=list)

    node = Node()
    node.kids.append(node)
    assert repr(node).endswith(".Node(kids=[...])")


def test_what_dataclasses_refuse_records_refuse_too():
    @record
    class Mutable:
        id: str = ""

    with pytest.raises(ValueError):  # an unhashable default: shared by every instance

        @record
        class Holder:
            inner: Mutable = Mutable()

    with pytest.raises(TypeError):

        @record(frozen=True)
        class FrozenChild(Mutable):
            more: str = ""

    with pytest.raises(TypeError):

        @record
        class Unannotated:
            items = field(default_factory=list)

    with pytest.raises(TypeError):

        @record(frozen=True)
        class Guarded:
            id: str

            def __setattr__(self, name, value):
                pass

    @record(frozen=True)
    class Point:
        x: int
        y: int = 0

    match Point(1, 2):
        case Point(x, y):
            assert (x, y) == (1, 2)
    with pytest.raises(FrozenInstanceError, match="cannot delete"):
        del Point(1).x
