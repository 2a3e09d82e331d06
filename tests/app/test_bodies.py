"""Static-site bodies in the reader: tables fit the pane, article links are followed
with L, and a hostile body is parsed in a worker without holding up keys."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len

from tests.app.conftest import reader_text, started
from tests.conftest import write_article
from tui.cli import build_app
from tui.ui.screens.links import LinksScreen
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.reader import SETTING_NOTE, Reader

TABLE_BODY = (
    "會議議程如下：\n\n"
    "| 時間 | 议程 | 主持人 |\n"
    "|:--|:--|--:|\n"
    "| 上午九時 | 國務院副總理王岐山在北京主持召開質量工作座談會，听取企业代表意见 | 王岐山 |\n"
    "| 下午 | 分組討論 | 支樹平 |\n\n"
    '{{% notice tip "小貼士" %}}\n會議全程直播。\n{{% /notice %}}\n\n'
    '詳見[質檢總局的方案]({{< ref "/activities/plan.md" >}})。[^1]\n\n'
    "[^1]: 資料來源：新華社。\n"
)


async def wait_for_body(app, pilot) -> None:
    """Bounded polling until the reader has its body (parsed in a worker for long ones)."""
    reader = app.screen.query_one(Reader)
    for _ in range(600):
        await pilot.pause(0.05)
        if not reader.body_pending:
            return
    raise AssertionError("the body never arrived")


async def test_a_table_fits_the_pane_at_every_width(tmp_path: Path):
    write_article(tmp_path, "news/agenda.md", title="會議議程", body=TABLE_BODY)
    app = build_app(["--content", str(tmp_path), "--open", "news/agenda"])
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        for size in [(120, 40), (80, 30), (60, 30), (40, 30)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            reader = app.screen.query_one(Reader)
            width = reader.scrollable_content_region.width
            text = reader_text(app)
            assert "時間" in text and " | " in text and "-+-" in text, text
            for y in range(reader.scrollable_content_region.height):
                strip = reader.render_line(y)
                assert cell_len(strip.text) == strip.cell_length == width
        # Nothing raw: no shortcode markers, no footnote syntax, a labelled quote and numbered note.
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        text = reader_text(app)
        assert "{{" not in text and "[^1]" not in text and "| 小貼士" in text and "[1] 資料來源" in text


async def test_l_follows_a_ref_link_to_the_article(tmp_path: Path):
    write_article(tmp_path, "news/agenda.md", title="會議議程", body=TABLE_BODY, date="2010-09-28")
    write_article(tmp_path, "activities/plan.md", title="質檢總局發布方案", body="方案全文。", date="2010-01-20")
    app = build_app(["--content", str(tmp_path), "--open", "news/agenda"])
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        reader = app.screen.query_one(Reader)
        assert reader.article.id == "news/agenda"
        reader.focus()
        await pilot.press("L")
        assert isinstance(app.screen, LinksScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert reader.article.id == "activities/plan" and "方案全文。" in reader_text(app)


async def test_a_ref_to_a_missing_article_says_so(tmp_path: Path):
    write_article(tmp_path, "news/agenda.md", title="會議議程", body='見{{< ref "no/such.md" >}}。')
    app = build_app(["--content", str(tmp_path), "--open", "news/agenda"])
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        app.screen.query_one(Reader).focus()
        await pilot.press("L", "enter")
        await pilot.pause()
        assert any("No article no/such" in str(n.message) for n in app._notifications)


async def test_a_300000_bracket_body_opens_and_keys_still_move_the_list(tmp_path: Path):
    write_article(tmp_path, "news/a.md", title="括號", body="[" * 300_000, date="2010-09-28")
    write_article(tmp_path, "news/b.md", title="正常文章", body="質量是基礎，安全是底線。", date="2010-09-27")
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("tab")  # the article list: its highlighted row previews in the reader
        reader = app.screen.query_one(Reader)
        assert reader.article.title == "括號"
        await pilot.press("down", "up", "down")  # keys are taken while bodies are parsed
        assert app.screen.query_one(ArticleList).current.title == "正常文章"
        await wait_for_body(app, pilot)
        assert "質量是基礎" in reader_text(app)  # a late result for an earlier article is dropped
        await pilot.press("up")
        await wait_for_body(app, pilot)
        assert reader.article.title == "括號" and "[[[[[[[[" in reader_text(app)


async def test_a_long_body_is_parsed_in_a_worker_and_a_stale_result_is_dropped(tmp_path: Path):
    write_article(tmp_path, "news/a.md", title="長文", body="正文。", date="2010-09-28")
    app = build_app(["--content", str(tmp_path), "--open", "news/a"])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        reader = app.screen.query_one(Reader)
        article = reader.article
        long_body = "質量是基礎，安全是底線。\n\n" * 5_000
        reader.show_article(article, long_body)
        # At once: the header and a note, the body still being parsed off the UI thread.
        assert reader.body_pending and SETTING_NOTE in reader_text(app) and "長文" in reader_text(app)
        reader.show_article(article, "[" * 300_000)  # opened again before the first parse ended
        await wait_for_body(app, pilot)
        assert "[[[[[[[[" in reader_text(app) and "質量是基礎" not in reader_text(app)


async def test_a_blank_line_parts_a_list_from_what_follows(tmp_path: Path):
    write_article(tmp_path, "news/a.md", title="清單", body="- 質量\n- 安全\n\n$$\nE=mc^2\n$$\n\n正文。")
    app = build_app(["--content", str(tmp_path), "--open", "news/a"])
    async with app.run_test(size=(80, 20)) as pilot:
        await started(app, pilot)
        lines = reader_text(app).split("\n")
        start = lines.index("- 質量")
        assert lines[start : start + 6] == ["- 質量", "- 安全", "", "  E=mc^2", "", "正文。"]
