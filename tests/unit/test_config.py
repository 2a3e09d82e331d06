"""config.py: discovery order, validation, and errors that name file, line and key."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tui.core import config
from tui.core.config import ConfigError, SectionConfig


def write_config(directory: Path, text: str, name: str = "config.toml", content: str | None = "content") -> Path:
    """Write a config file (dedented) and, unless `content` is None, its content dir."""
    directory.mkdir(parents=True, exist_ok=True)
    if content is not None:
        (directory / content).mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load_error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        config.load(path)
    return info.value


def assert_error_names(error: ConfigError, path: Path, line: int, key: str | None) -> None:
    """The message a user sees names the file, the line and (when there is one) the key."""
    text = str(error)
    assert error.line == line
    assert f"{path}:{line}:" in text
    if key is not None:
        assert error.key == key
        assert key in text


# --- discovery -------------------------------------------------------------


@pytest.fixture
def empty_cwd(tmp_path, monkeypatch) -> Path:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def user_config(isolated_user_dirs: Path) -> Path:
    return isolated_user_dirs / "xdg_config_home" / "newsroom" / "config.toml"


def test_discover_prefers_an_explicit_path(empty_cwd, tmp_path, monkeypatch, isolated_user_dirs):
    explicit = write_config(tmp_path / "explicit", '[newsroom]\ncontent_dir = "content"\n')
    monkeypatch.setenv("NEWSROOM_CONFIG", str(write_config(tmp_path / "env", '[newsroom]\ncontent_dir = "content"\n')))
    write_config(empty_cwd, '[newsroom]\ncontent_dir = "content"\n')
    assert config.discover(explicit) == explicit
    assert config.discover(str(explicit)) == explicit


def test_discover_uses_newsroom_config_before_cwd(empty_cwd, tmp_path, monkeypatch):
    env = write_config(tmp_path / "env", '[newsroom]\ncontent_dir = "content"\n')
    write_config(empty_cwd, '[newsroom]\ncontent_dir = "content"\n')
    monkeypatch.setenv("NEWSROOM_CONFIG", str(env))
    assert config.discover() == env


def test_discover_uses_cwd_config_before_user_config(empty_cwd, isolated_user_dirs):
    write_config(user_config(isolated_user_dirs).parent, '[newsroom]\ncontent_dir = "content"\n')
    local = write_config(empty_cwd, '[newsroom]\ncontent_dir = "content"\n')
    assert config.discover().resolve() == local.resolve()


def test_discover_uses_user_config_dir_from_xdg_config_home(empty_cwd, isolated_user_dirs):
    expected = user_config(isolated_user_dirs)
    write_config(expected.parent, '[newsroom]\ncontent_dir = "content"\n')
    assert config.user_config_path() == expected
    assert config.discover() == expected


def test_discover_falls_back_to_the_bundled_sample(empty_cwd):
    found = config.discover()
    assert found == config.bundled_config_path()
    assert found.is_file()


def test_a_directory_named_config_toml_in_cwd_is_not_a_config(empty_cwd):
    (empty_cwd / "config.toml").mkdir()
    assert config.discover() == config.bundled_config_path()


def test_bundled_sample_loads():
    loaded = config.load(config.bundled_config_path())
    assert loaded.title == "質量新聞"
    assert loaded.content_dir.is_dir()
    assert [s.label for s in loaded.sections] == ["最新", "活動", "出訪", "會議", "論述", "圖片"]


# --- a good config -----------------------------------------------------------


def test_load_reads_every_table(tmp_path):
    path = write_config(
        tmp_path,
        """
        [newsroom]
        title = "質量新聞"
        content_dir = "content"
        script = "taiwan"

        [[sections]]
        id = "latest"
        label = "最新"
        front_page = true

        [[sections]]
        id = "meetings"
        label = "會議"

        [script]
        glossary = { "质量" = "品質" }
        glossary_file = "glossary.txt"

        [kiosk]
        enabled = true
        idle_seconds = 30
        rotate_seconds = 7.5
        exit_key = "ctrl+q"

        [keys]
        search = "ctrl+f"
    """,
    )
    loaded = config.load(path)
    assert loaded.path == path
    assert loaded.title == "質量新聞"
    assert loaded.script == "taiwan"
    assert loaded.sections == (SectionConfig("latest", "最新", True), SectionConfig("meetings", "會議", False))
    assert loaded.glossary == {"质量": "品質"}
    assert loaded.glossary_file == tmp_path.resolve() / "glossary.txt"
    assert loaded.kiosk.enabled is True
    assert loaded.kiosk.idle_seconds == 30
    assert loaded.kiosk.rotate_seconds == 7.5
    assert loaded.kiosk.exit_key == "ctrl+q"
    assert loaded.keys == {"search": "ctrl+f"}


def test_minimal_config_has_defaults(tmp_path):
    loaded = config.load(write_config(tmp_path, '[newsroom]\ncontent_dir = "content"\n'))
    assert loaded.sections == ()
    assert loaded.glossary == {}
    assert loaded.keys == {}
    assert loaded.kiosk.enabled is False


def test_unset_script_is_left_unset_for_the_locale_to_decide(tmp_path):
    loaded = config.load(write_config(tmp_path, '[newsroom]\ncontent_dir = "content"\n'))
    assert loaded.script is None


@pytest.mark.parametrize("script", config.SCRIPT_MODES)
def test_every_documented_script_is_accepted(tmp_path, script):
    path = write_config(tmp_path, f'[newsroom]\ncontent_dir = "content"\nscript = "{script}"\n')
    assert config.load(path).script == script


def test_content_dir_is_relative_to_the_config_file_not_cwd(tmp_path, monkeypatch):
    path = write_config(tmp_path / "site", '[newsroom]\ncontent_dir = "articles"\n', content="articles")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert config.load(path).content_dir.resolve() == (tmp_path / "site" / "articles").resolve()


def test_content_dir_relative_when_config_path_is_relative(tmp_path, monkeypatch):
    write_config(tmp_path / "site", '[newsroom]\ncontent_dir = "articles"\n', content="articles")
    monkeypatch.chdir(tmp_path)
    assert config.load(Path("site/config.toml")).content_dir.resolve() == (tmp_path / "site" / "articles").resolve()


def test_config_with_a_utf8_bom_loads(tmp_path):
    path = tmp_path / "config.toml"
    (tmp_path / "content").mkdir()
    path.write_bytes('\ufeff[newsroom]\ntitle = "質量新聞"\ncontent_dir = "content"\n'.encode())
    assert config.load(path).title == "質量新聞"


def test_for_content_dir_has_no_file_and_no_sections(tmp_path):
    loaded = config.for_content_dir(tmp_path)
    assert loaded.path is None
    assert loaded.content_dir == tmp_path
    assert loaded.sections == ()


def test_for_content_dir_rejects_a_missing_directory(tmp_path):
    with pytest.raises(ConfigError) as info:
        config.for_content_dir(tmp_path / "missing")
    assert "missing" in str(info.value)


# --- bad configs: file, line and key -------------------------------------------


def test_missing_file_is_a_config_error(tmp_path):
    path = tmp_path / "nope.toml"
    error = load_error(path)
    assert str(path) in str(error)
    assert "not found" in str(error)


def test_non_utf8_config_is_a_config_error(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes('[newsroom]\ntitle = "質量"\ncontent_dir = "content"\n'.encode("gbk"))
    error = load_error(path)
    assert str(path) in str(error)
    assert "UTF-8" in str(error)


def test_toml_syntax_error_names_the_line(tmp_path):
    path = write_config(
        tmp_path,
        """
        # 質量新聞
        [newsroom]
        content_dir = "content"
        title = "unterminated
    """,
    )
    error = load_error(path)
    assert_error_names(error, path, 4, None)
    assert "TOML" in str(error)


def test_toml_error_at_end_of_document_names_the_last_line(tmp_path):
    path = write_config(
        tmp_path,
        """
        [newsroom]
        content_dir = "content"
        title = ["unclosed",
    """,
    )
    assert_error_names(load_error(path), path, 3, None)


def test_duplicate_key_is_a_syntax_error_on_its_line(tmp_path):
    path = write_config(
        tmp_path,
        """
        [newsroom]
        content_dir = "content"
        title = "a"
        title = "b"
    """,
    )
    assert_error_names(load_error(path), path, 4, None)


def test_wrong_type_names_line_and_key(tmp_path):
    path = write_config(
        tmp_path,
        """
        [newsroom]
        content_dir = "content"

        title = 5
    """,
    )
    error = load_error(path)
    assert_error_names(error, path, 4, "newsroom.title")
    assert "string" in str(error)


def test_wrong_type_line_ignores_a_commented_out_key(tmp_path):
    path = write_config(
        tmp_path,
        """
        [newsroom]
        # title = "old"
        content_dir = "content"
        title = 1
    """,
    )
    assert_error_names(load_error(path), path, 4, "newsroom.title")


def test_unknown_key_names_line_and_key(tmp_path):
    path = write_config(
        tmp_path,
        """
        [newsroom]
        content_dir = "content"
        titel = "typo"
    """,
    )
    error = load_error(path)
    assert_error_names(error, path, 3, "newsroom.titel")
    assert "unknown key" in str(error)


def test_unknown_table_names_line_and_table(tmp_path):
    path = write_config(
        tmp_path,
        """
        [newsroom]
        content_dir = "content"

        [colours]
        accent = "red"
    """,
    )
    assert_error_names(load_error(path), path, 4, "colours")


def test_missing_content_dir_names_line_and_key(tmp_path):
    path = write_config(
        tmp_path,
        """
        # sample
        [newsroom]
        title = "t"
        content_dir = "no-such-folder"
    """,
        content=None,
    )
    error = load_error(path)
    assert_error_names(error, path, 4, "newsroom.content_dir")
    assert "no-such-folder" in str(error)


def test_content_dir_that_is_a_file_is_an_error(tmp_path):
    path = write_config(tmp_path, '[newsroom]\ncontent_dir = "content"\n', content=None)
    (tmp_path / "content").write_text("not a folder")
    assert_error_names(load_error(path), path, 2, "newsroom.content_dir")


def test_required_content_dir_missing_is_an_error(tmp_path):
    path = write_config(tmp_path, '# no content_dir\n[newsroom]\ntitle = "t"\n')
    error = load_error(path)
    assert error.key == "newsroom.content_dir"
    assert error.line == 2
    assert "missing" in str(error)


def test_missing_newsroom_table_is_an_error(tmp_path):
    path = write_config(tmp_path, "[kiosk]\nenabled = true\n")
    error = load_error(path)
    assert str(path) in str(error)
    assert "newsroom" in str(error)


def test_unknown_script_names_line_and_key(tmp_path):
    path = write_config(
        tmp_path,
        """
        [newsroom]
        content_dir = "content"


        script = "klingon"
    """,
    )
    error = load_error(path)
    assert_error_names(error, path, 5, "newsroom.script")
    assert "klingon" in str(error)


def test_duplicate_section_id_names_the_second(tmp_path):
    path = write_config(
        tmp_path,
        """
        [newsroom]
        content_dir = "content"

        [[sections]]
        id = "latest"
        label = "最新"

        [[sections]]
        label = "又一個"
        id = "latest"
    """,
    )
    error = load_error(path)
    assert_error_names(error, path, 10, "sections[1].id")
    assert "duplicate" in str(error)


def test_wrong_type_in_second_section_names_its_line(tmp_path):
    path = write_config(
        tmp_path,
        """
        [newsroom]
        content_dir = "content"
        [[sections]]
        id = "a"
        label = "A"
        front_page = "yes"
        [[sections]]
        id = "b"
        label = "B"
        front_page = "yes"
    """,
    )
    # The first section's bad value is reported first, on its own line.
    assert_error_names(load_error(path), path, 6, "sections[0].front_page")


def test_section_without_label_is_an_error(tmp_path):
    path = write_config(tmp_path, '[newsroom]\ncontent_dir = "content"\n[[sections]]\nid = "a"\n')
    error = load_error(path)
    assert error.key == "sections[0].label"
    assert error.line == 3


def test_empty_section_id_is_an_error(tmp_path):
    path = write_config(tmp_path, '[newsroom]\ncontent_dir = "content"\n[[sections]]\nid = "  "\nlabel = "x"\n')
    assert_error_names(load_error(path), path, 4, "sections[0].id")


def test_sections_as_a_plain_table_is_an_error(tmp_path):
    path = write_config(tmp_path, '[newsroom]\ncontent_dir = "content"\n[sections]\nid = "a"\nlabel = "A"\n')
    assert_error_names(load_error(path), path, 3, "sections")


def test_two_front_pages_names_the_line_of_the_second(tmp_path):
    path = write_config(
        tmp_path,
        """
        [newsroom]
        content_dir = "content"

        [[sections]]
        id = "latest"
        label = "最新"
        front_page = true

        [[sections]]
        id = "meetings"
        label = "會議"
        front_page = true
    """,
    )
    assert_error_names(load_error(path), path, 12, "sections[1].front_page")


def test_two_front_pages_is_an_error(tmp_path):
    path = write_config(
        tmp_path,
        """
        [newsroom]
        content_dir = "content"
        [[sections]]
        id = "a"
        label = "A"
        front_page = true
        [[sections]]
        id = "b"
        label = "B"
        front_page = true
    """,
    )
    error = load_error(path)
    assert str(path) in str(error)
    assert "front_page" in str(error)


def test_kiosk_number_rejects_a_boolean(tmp_path):
    path = write_config(tmp_path, '[newsroom]\ncontent_dir = "content"\n[kiosk]\nidle_seconds = true\n')
    assert_error_names(load_error(path), path, 4, "kiosk.idle_seconds")


def test_key_binding_must_be_a_string(tmp_path):
    path = write_config(tmp_path, '[newsroom]\ncontent_dir = "content"\n[keys]\nquit = 1\n')
    assert_error_names(load_error(path), path, 4, "keys.quit")


def test_glossary_value_must_be_a_string(tmp_path):
    path = write_config(tmp_path, '[newsroom]\ncontent_dir = "content"\n[script.glossary]\n"質量" = 1\n')
    assert_error_names(load_error(path), path, 4, "script.glossary.質量")


def test_glossary_inline_table_value_names_its_line(tmp_path):
    path = write_config(
        tmp_path,
        """
        [newsroom]
        content_dir = "content"
        [script]
        glossary = { "質量" = 1 }
    """,
    )
    assert_error_names(load_error(path), path, 4, "script.glossary.質量")


def test_unknown_top_level_key_names_its_line(tmp_path):
    path = write_config(
        tmp_path,
        """
        # 質量新聞
        title = "a key outside any table"
        [newsroom]
        content_dir = "content"
    """,
    )
    assert_error_names(load_error(path), path, 2, "title")


def test_config_error_str_is_one_line_with_file_line_key_and_reason(tmp_path):
    path = write_config(tmp_path, '[newsroom]\ncontent_dir = "content"\nscript = 3\n')
    text = str(load_error(path))
    assert "\n" not in text
    assert text.startswith(f"{path}:3:")
    assert "newsroom.script" in text
    assert "must be a string" in text


def test_an_unknown_binding_id_is_an_error_naming_the_line_and_the_known_ids(tmp_path):
    path = write_config(
        tmp_path, '[newsroom]\ncontent_dir = "content"\n[keys]\nsearch = "ctrl+f"\nprobelms = "ctrl+o"\n'
    )
    error = load_error(path)
    assert str(error).startswith(f"{path}:5: [keys] unknown binding id 'probelms' (known ids: quit, help,")
    assert "problems" in str(error) and "close_help" in str(error)


def test_the_cli_and_check_both_refuse_an_unknown_binding_id(tmp_path, capsys):
    import argparse

    from rich.console import Console

    from tui.cli import main
    from tui.commands import checker

    path = write_config(tmp_path, '[newsroom]\ncontent_dir = "content"\n[keys]\nprobelms = "ctrl+o"\n')
    assert main(["--config", str(path), "list"]) == 2
    assert f"newsroom: error: {path}:4: [keys] unknown binding id 'probelms'" in capsys.readouterr().err
    args = argparse.Namespace(config=str(path), content=None, json=False)
    assert checker.run(args, Console()) == 2
    assert "unknown binding id 'probelms'" in capsys.readouterr().err


def test_many_sections_are_located_in_one_pass(tmp_path, monkeypatch):
    # Finding a key's line once per key rescanned the file: 10,000 sections took minutes.
    from tui.core import toml

    sections = "".join(f'[[sections]]\nid = "s{n}"\nlabel = "第{n}版"\n' for n in range(2000))
    path = write_config(
        tmp_path, f'[newsroom]\ncontent_dir = "content"\n{sections}[[sections]]\nid = "s7"\nlabel = "重複"\n'
    )
    scans = []
    real = toml.KeyLines.__init__
    monkeypatch.setattr(toml.KeyLines, "__init__", lambda self, text: (scans.append(1), real(self, text))[1])
    assert_error_names(load_error(path), path, 2 + 3 * 2000 + 2, "sections[2000].id")
    assert len(scans) == 1


def test_key_lines_finds_tables_keys_and_quoted_keys():
    from tui.core.toml import KeyLines

    lines = KeyLines(
        'top = 1\n[script.glossary]\n"头发干了" = "頭髮乾了"\n[[sections]]\nid = "a"\n[[sections]]\n id = "b"\n'
    )
    assert lines.key("", "top") == 1
    assert lines.table("script.glossary") == 2 and lines.key("script.glossary", "头发干了") == 3
    assert lines.key("sections", "id", 0) == 5 and lines.key("sections", "id", 1) == 7
    assert lines.key("sections", "label", 1) == 6  # a missing key: its table's header
    assert lines.key("nowhere", "x") is None


def test_watch_is_true_or_false(tmp_path):
    (tmp_path / "content").mkdir()
    path = tmp_path / "config.toml"
    path.write_text('[newsroom]\ncontent_dir = "content"\n', encoding="utf-8")
    assert config.load(path).watch is True
    path.write_text('[newsroom]\ncontent_dir = "content"\nwatch = false\n', encoding="utf-8")
    assert config.load(path).watch is False
    path.write_text('[newsroom]\ncontent_dir = "content"\nwatch = "no"\n', encoding="utf-8")
    with pytest.raises(config.ConfigError) as error:
        config.load(path)
    assert str(error.value) == f"{path}:3: [newsroom.watch] must be true or false, not str"
