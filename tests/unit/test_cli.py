"""The quick-lookup commands, run through main() as the shell would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CONFIG
from tui.cli import main

WANG_ID = "meetings/wang-qishan-quality-forum"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--config", str(SAMPLE_CONFIG), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_prints_the_front_page_newest_first(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    lines = [line for line in out.splitlines()[1:] if line.strip()]
    assert [line.split()[0] for line in lines] == ["2010-09-27", "2010-01-20", "-"]
    assert "王岐山在質量工作座談會上指出" in lines[0] and WANG_ID in lines[0]


def test_list_a_section_as_json_in_simplified(capsys):
    code, out, _ = run(capsys, "list", "meetings", "--json", "--script", "simplified")
    records = json.loads(out)
    assert code == 0 and [r["id"] for r in records] == [WANG_ID]
    assert records[0]["title"] == "王岐山在质量工作座谈会上指出"
    assert records[0]["section_label"] == "会议" and records[0]["date"] == "2010-09-27"


def test_list_limit_and_empty_and_unknown_sections(capsys):
    code, out, _ = run(capsys, "list", "--json", "--limit", "1")
    assert code == 0 and len(json.loads(out)) == 1
    code, _, err = run(capsys, "list", "photos")
    assert code == 1 and "no articles" in err
    code, _, err = run(capsys, "list", "sports")
    assert code == 2 and "no section 'sports'" in err


@pytest.mark.parametrize("command", [["list"], ["list", "--json"], ["search", "質量"]])
def test_a_limit_is_a_count(capsys, command):
    # A negative one was cut twice from `list` (every article but the last 2N), and meant no hits to `search`.
    with pytest.raises(SystemExit) as exited:
        run(capsys, *command, "--limit", "-1")
    out, err = capsys.readouterr()
    assert exited.value.code == 2 and not out and "'-1' is not a count" in err
    code, out, _ = run(capsys, *command, "--limit", "0")
    assert code in (0, 1) and "王岐山" not in out


def test_options_work_after_the_command_too(capsys):
    code = main(["list", "meetings", "--config", str(SAMPLE_CONFIG), "--script", "traditional"])
    assert code == 0 and "王岐山" in capsys.readouterr().out


def test_show_prints_the_article(capsys):
    code, out, _ = run(capsys, "show", WANG_ID)
    assert code == 0
    for part in (
        "王岐山在質量工作座談會上指出",
        "質量是基礎",
        "2010-09-27",
        "新華社記者 姚大偉 攝",
        "黨中央、國務院有關部門",
    ):
        assert part in out


def test_show_in_taiwan_script_and_as_json(capsys):
    code, out, _ = run(capsys, "show", "statements/wei-chuanzhong-quality-mechanism", "--json", "--script", "taiwan")
    record = json.loads(out)
    assert code == 0 and "資訊化技術" in record["body"]  # Taiwan phrasing: 信息 -> 資訊


def test_show_unknown_id_exits_1(capsys):
    code, _, err = run(capsys, "show", "no/such")
    assert code == 1 and "no/such" in err


def test_output_carries_no_escape_sequences_from_content(tmp_path: Path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.md").write_text(
        '+++\ntitle = "\\u001b]52;c;aGk=\\u0007標題\\u001b[2J"\n+++\n正文\x1b]0;pwned\x07。\x9b31m[@click=app.quit]x[/]\n',
        encoding="utf-8",
    )
    code = main(["--content", str(tmp_path), "show", "a/x"])
    out = capsys.readouterr().out
    assert code == 0 and "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    assert "標題" in out and "[@click=app.quit]x[/]" in out


def test_bad_config_exits_2_with_file_and_line(tmp_path: Path, capsys):
    bad = tmp_path / "config.toml"
    bad.write_text('[newsroom]\ncontent_dir = "."\ncolour = "red"\n', encoding="utf-8")
    assert main(["--config", str(bad), "list"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3" in err and "newsroom.colour" in err and "Traceback" not in err


def test_app_refuses_a_non_terminal(capsys):
    assert main(["--config", str(SAMPLE_CONFIG)]) == 2  # pytest captures stdout: not a tty
    assert "newsroom list" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help(flag, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([flag])
    assert exit_info.value.code == 0 and "newsroom" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "meant"),
    [
        (["--cont", "content", "list"], "--content"),  # argparse alone: "invalid choice: 'content'"
        (["list", "--lim", "3"], "--limit"),
        (["--con=x", "search", "質量"], "--config or --content"),
        (["--kio"], "--kiosk"),  # the app's options too
        (["serve", "ssh", "--po", "2222"], "--port"),
    ],
)
def test_a_shortened_option_is_refused_with_the_name_meant(argv, meant, capsys):
    """Options are spelled out (the walk a lookup begins first reads them by their whole names)."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--config", str(SAMPLE_CONFIG), *argv])
    assert exit_info.value.code == 2
    assert f"did you mean {meant}?" in capsys.readouterr().err


def test_words_after_a_double_dash_are_a_searchs_even_if_they_look_like_options(capsys):
    assert main(["--config", str(SAMPLE_CONFIG), "search", "--", "--cont"]) in (0, 1)
    assert "did you mean" not in capsys.readouterr().err


def test_check_through_the_cli(tmp_path: Path, capsys):
    assert main(["--config", str(SAMPLE_CONFIG), "check"]) == 0
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.md").write_text("+++\ntitle = 1\n+++\n發(fā)展\n", encoding="utf-8")
    assert main(["check", "--content", str(tmp_path)]) == 1
    assert "a/x.md:2: error" in capsys.readouterr().out


def test_import_through_the_cli(tmp_path: Path, capsys):
    from tests.conftest import SEED_PAGE

    code = main(
        [
            "--config",
            str(SAMPLE_CONFIG),
            "import",
            str(SEED_PAGE),
            "--section",
            "meetings",
            "--out",
            str(tmp_path),
            "--year",
            "2010",
        ]
    )
    assert code == 1  # the mis-decoded ??梢哉f is flagged, not guessed
    written = sorted(p.name for p in (tmp_path / "meetings").iterdir())
    assert written == ["seed-page-1.md", "seed-page-2.md", "seed-page-3.md"]
    assert "77 romanization repair" in capsys.readouterr().out


def test_search_prints_ranked_hits(capsys):
    code, out, _ = run(capsys, "search", "质量", "--limit", "2")
    assert code == 0
    assert out.splitlines()[0].startswith(" 1. 王岐山在質量工作座談會上指出")
    assert "meetings/wang-qishan-quality-forum" in out and " 3. " not in out


def test_search_json_exclusions_sections_and_script(capsys):
    code, out, _ = run(capsys, "search", "質量", "-魏傳忠", "--json", "--script", "simplified")
    hits = json.loads(out)
    assert code == 0 and [h["id"] for h in hits] == [WANG_ID, "activities/aqsiq-quality-mechanism-plan"]
    assert hits[0]["title"] == "王岐山在质量工作座谈会上指出" and "质量" in hits[0]["snippet"]
    code, out, _ = run(capsys, "search", "質量", "--section", "statements", "--json")
    assert [h["id"] for h in json.loads(out)] == ["statements/wei-chuanzhong-quality-mechanism"]


def test_search_exit_status(capsys):
    code, _, err = run(capsys, "search", "nothing-like-this")
    assert code == 1 and "no matches" in err
    code, _, err = run(capsys, "search")
    assert code == 2


def test_search_output_is_plain_when_piped(capsys):
    code, out, _ = run(capsys, "search", "質量")
    assert code == 0 and "\x1b" not in out


# -- pinyin search (Search without a Chinese keyboard) --------------------------------


def test_search_by_pinyin_prints_why_each_hit_matched(capsys):
    code, out, _ = run(capsys, "search", "zhiliang")
    assert code == 0
    assert out.splitlines()[0].startswith(" 1. 王岐山在質量工作座談會上指出")
    assert " 3. " in out and "質量 zhìliàng" in out


def test_search_by_pinyin_json_has_a_pinyin_field(capsys):
    code, out, _ = run(capsys, "search", "zhiliang", "--json", "--script", "simplified")
    hits = json.loads(out)
    assert code == 0 and len(hits) == 3 and hits[0]["id"] == WANG_ID
    assert all(hit["pinyin"].startswith("质量 zhìliàng") for hit in hits)  # in the display script
    code, out, _ = run(capsys, "search", "質量", "--json")
    assert all(hit["pinyin"] == "" for hit in json.loads(out))  # a plain match says nothing


def test_search_by_initials_and_mixed_with_chinese(capsys):
    code, out, _ = run(capsys, "search", "wqs", "--json")
    assert code == 0 and [hit["id"] for hit in json.loads(out)] == [WANG_ID]
    code, out, _ = run(capsys, "search", "zhiliang", "魏傳忠", "--json")
    assert code == 0 and [hit["id"] for hit in json.loads(out)] == ["statements/wei-chuanzhong-quality-mechanism"]


def test_python_m_tui_is_the_same_command():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "tui", "--config", str(SAMPLE_CONFIG), "list", "meetings"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "王岐山在質量工作座談會上指出" in done.stdout


def test_the_command_exits_with_everything_out_of_the_collectors_sight():
    # The interpreter's last collection at exit walked every object a lookup made, for nothing.
    import subprocess
    import sys

    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
        f"sys.argv = ['newsroom', '--config', {str(SAMPLE_CONFIG)!r}, 'list', 'meetings']\n"
        "from tui.launch import run\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "王岐山在質量工作座談會上指出" in done.stdout
    assert done.stdout.rstrip().endswith("frozen True")


def test_list_unread_leaves_out_what_the_app_read(capsys):
    from tui.core.config import load
    from tui.core.reading import ReadingState, reading_dir

    state = ReadingState.open(reading_dir(load(SAMPLE_CONFIG).content_dir))
    state.set_read([WANG_ID])
    state.flush()
    code, out, _ = run(capsys, "list", "--unread", "--json")
    ids = [record["id"] for record in json.loads(out)]
    assert code == 0 and WANG_ID not in ids and len(ids) == 2
    code, out, err = run(capsys, "list", "meetings", "--unread")
    assert code == 1 and out == "" and "no unread articles in section 'meetings'" in err
    code, out, _ = run(capsys, "list", "meetings")  # without --unread: everything
    assert code == 0 and WANG_ID in out


# -- hostile input ---------------------------------------------------------------------


def test_a_thousand_letter_pinyin_query_answers(capsys):
    code, out, err = run(capsys, "search", "--", "a" * 1000)  # was a RecursionError
    assert code == 1 and "no matches" in err and "first 256 characters" in err
    code, out, err = run(capsys, "search", " ".join(["zhi"] * 400))
    assert code == 1 and "Traceback" not in err


def test_a_bad_date_alone_is_named(capsys):
    code, _, err = run(capsys, "search", "since:9999-99-99")
    assert code == 2 and "since:9999-99-99" in err and "not a date" in err


@pytest.mark.parametrize(
    "command",
    [
        ["search", "質量"],
        ["search", "--json", "沒有這個詞"],
        ["list"],
        ["show", WANG_ID],
        ["--help"],
        ["list", "--help"],
    ],
)
def test_a_closed_pipe_ends_a_lookup_quietly(command):
    """`newsroom search 質量 | head -2`: the reader closes the pipe early. The lookup ends
    with the status a command SIGPIPE killed has (141), and no traceback. Without
    PYTHONUNBUFFERED, as in a user's shell, the whole answer sits in the buffer until the
    last flush, which meets the closed pipe after the command has returned."""
    import os
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--config", str(SAMPLE_CONFIG), *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"},
    )
    process.stdout.close()  # before it writes a byte: every write meets a closed pipe
    error = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert error == ""


def newsroom_process(argv: list[str], buffered: bool, **popen) -> tuple[int, str]:
    """(exit status, stderr) of `newsroom ARGV` in a new process; `buffered`: without
    PYTHONUNBUFFERED, as in a user's shell (the answer is written at the last flush)."""
    import os
    import subprocess
    import sys

    env = dict(os.environ)
    env.pop("PYTHONUNBUFFERED", None)
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "tui", "--config", str(SAMPLE_CONFIG), *argv],
        stderr=subprocess.PIPE,
        env=env,
        timeout=60,
        **popen,
    )
    return done.returncode, done.stderr.decode()


@pytest.mark.parametrize("buffered", [True, False])
@pytest.mark.parametrize("command", [["list"], ["search", "質量"], ["show", WANG_ID], ["--help"]])
def test_output_that_cannot_be_written_is_an_error_not_a_traceback(command, buffered):
    # `newsroom list >/dev/full`: was "Exception ignored ... OSError" and status 120, or a traceback.
    with open("/dev/full", "wb") as full:
        code, error = newsroom_process(command, buffered, stdout=full)
    assert (code, error) == (1, "newsroom: error: cannot write the output: No space left on device\n")


@pytest.mark.parametrize("command", [["list"], ["--help"], ["list", "--help"], []])
def test_a_closed_standard_output_is_an_error_not_a_traceback(command):
    # `newsroom list >&-`: Python sets sys.stdout to None; was an AttributeError each time.
    import os
    import subprocess

    code, error = newsroom_process(command, True, stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert (code, error) == (2, "newsroom: error: standard output is closed: nowhere to print to\n")


def test_a_file_name_no_utf8_decodes_is_reported_not_a_crash(tmp_path, capsys):
    # A page saved with a GBK name: its name decodes with surrogates, which the index could not
    # store (UnicodeEncodeError from every lookup, found by hand).
    import os

    from tests.conftest import write_article

    write_article(tmp_path, "news/good.md", title="好名")
    fd = os.open(os.fsencode(tmp_path / "news") + "/壞".encode("gbk") + b".md", os.O_WRONLY | os.O_CREAT)
    os.write(fd, "---\ntitle: 壞名\n---\n內容\n".encode())
    os.close(fd)
    for _ in range(2):  # building the index, then reading it
        assert main(["--content", str(tmp_path), "list"]) == 0
        out, err = capsys.readouterr()
        assert "好名" in out and "壞名" not in out and "Traceback" not in err
    assert main(["--content", str(tmp_path), "search", "壞名"]) == 1
    assert main(["--content", str(tmp_path), "check"]) == 1
    out, err = capsys.readouterr()
    assert "the file name is not UTF-8: rename the file" in out + err


def test_a_content_dir_no_utf8_decodes_is_looked_up(tmp_path, capsys):
    # A newsroom under a folder named in GBK: storing its path in the index raised
    # UnicodeEncodeError from every lookup (found writing the head start's tests).
    import os

    from tests.conftest import write_article

    root = tmp_path / os.fsdecode("報社".encode("gbk"))
    write_article(root, "news/a.md", title="質量報導", body="獨角獸。")
    for argv in (["list"], ["list"], ["search", "獨角獸"], ["show", "news/a"]):
        assert main(["--content", str(root), *argv]) == 0
        assert "質量報導" in capsys.readouterr().out
