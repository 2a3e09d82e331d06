"""Small static-site trees for tests, shaped like the public sites Newsroom was tried on
(docs/SITES.md): the same layouts and keys, with text of our own.

Each function writes a tree under `root` and returns the folder to open.
"""

from __future__ import annotations

from pathlib import Path


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def hugo_basic(root: Path) -> Path:
    """Like gohugoio/hugoBasicExample: TOML and YAML front matter, one language, a headless bundle."""
    site = root / "basic"
    write(site, "config.toml", 'baseURL = "https://example.org/"\ntitle = "質量週報"\nlanguageCode = "zh-tw"\n')
    write(site, "content/_index.md", '+++\nauthor = "編輯部"\n+++\n')
    write(
        site,
        "content/about.md",
        '+++\ntitle = "關於本刊"\ndescription = "本刊的宗旨"\ndate = "2019-02-28"\n'
        'aliases = ["about-us", "/contact"]\nauthor = "編輯部"\n+++\n\n本刊報道質量工作。\n',
    )
    write(site, "content/archives.md", "---\ndate: 2019-05-28\ntype: section\nlayout: archives\n---\n")
    write(site, "content/post/_index.md", '+++\ntitle = "文章"\naliases = ["posts"]\n+++\n')
    write(
        site,
        "content/post/quality-month.md",
        "---\nauthor: 姚大偉\ntitle: 質量月活動\ndate: 2019-03-11\ndescription: 全國質量月的安排\n"
        "categories: [活動, 質量]\nseries: [質量月]\ntags: [年度]\naliases: [old-quality-month]\n---\n\n"
        "九月是全國質量月。\n<!--more-->\n各地開展活動。\n",
    )
    write(
        site,
        "content/post/forum.md",
        '{\n  "title": "座談會紀要",\n  "date": "2019-03-09",\n  "authors": ["甲", "乙"]\n}\n\n座談會在北京舉行。\n',
    )
    write(site, "content/homepage/index.md", "---\nheadless: true\n---\n")
    write(site, "content/homepage/work.md", "---\ntitle: 工作\n---\n\n首頁的一塊。\n")
    return site


def stack_like(root: Path) -> Path:
    """Like CaiJimmy/hugo-theme-stack's demo: languages by file name, leaf bundles with pictures,
    config in config/_default/."""
    site = root / "stack"
    write(site, "config/_default/hugo.toml", 'title = "Stack 示範"\ndefaultContentLanguage = "en"\n')
    write(
        site,
        "config/_default/languages.toml",
        '[en]\nlabel = "English"\nweight = 1\n[zh]\nlabel = "简体中文"\nweight = 2\n'
        '[zh-hant-tw]\nlabel = "正體中文"\nweight = 3\n[ja]\nlabel = "日本語"\nweight = 4\n',
    )
    write(site, "content/_index.md", "---\nmenu:\n    main:\n        weight: -100\n---")
    bundle = "content/post/quality gallery"
    write(
        site,
        f"{bundle}/index.md",
        "---\ntitle: Quality gallery\ndate: 2024-01-26\nslug: quality-gallery\ncategories:\n    - Photos\n"
        "resources:\n    - src: forum.jpg\n      title: The forum hall\n---\n\nPictures from the forum.\n",
    )
    write(
        site,
        f"{bundle}/index.zh.md",
        "---\ntitle: 质量相册\ndate: 2024-01-26\nslug: quality-gallery\ndescription: 座谈会的照片\n---\n\n"
        "这里是座谈会的照片。软件质量也在其中。\n",
    )
    write(
        site,
        f"{bundle}/index.zh-hant-tw.md",
        "---\ntitle: 質量相簿\ndate: 2024-01-26\nslug: quality-gallery\n---\n\n這裡是座談會的相片。\n",
    )
    write(
        site,
        f"{bundle}/index.ja.md",
        "---\ntitle: 品質アルバム\ndate: 2024-01-26\nslug: quality-gallery\n---\n\n千葉で書き込むテストの写真です。\n",
    )
    (site / bundle / "forum.jpg").write_bytes(b"\xff\xd8\xff")
    (site / bundle / "street.png").write_bytes(b"\x89PNG")
    write(site, f"{bundle}/notes.md", "---\ntitle: Not a page\n---\n\nA resource of the bundle.\n")
    write(site, "content/post/plain.md", "---\ntitle: Plain post\ndate: 2020-01-01\n---\n\nOnly English.\n")
    write(site, "content/page/search/index.md", '---\ntitle: "Search"\nlayout: "search"\n---')
    write(site, "content/page/search/index.zh.md", '---\ntitle: "搜索"\nlayout: "search"\n---')
    return site


def gin_like(root: Path) -> Path:
    """Like gin-gonic/website: language folders declared in hugo.toml, docs written as branches."""
    site = root / "gin"
    languages = "".join(
        f'[languages.{tag}]\ntitle = "Site"\ncontentDir = "content/{tag}"\n' for tag in ("zh-cn", "zh-tw", "ja")
    )
    write(
        site,
        "hugo.toml",
        'title = "框架文檔"\ncontentDir = "content/en"\ndefaultContentLanguage = "en"\n'
        f'[languages]\n[languages.en]\ntitle = "Site"\nweight = 1\n{languages}',
    )
    texts = {
        "en": ("Documentation", "Introduction", "Quickstart", "Examples", "Upload files", "Single file"),
        "zh-cn": ("文档", "介绍", "快速入门", "示例", "上传文件", "单文件"),
        "zh-tw": ("文件", "介紹", "快速入門", "範例", "上傳檔案", "單一檔案"),
        "ja": ("ドキュメント", "はじめに", "クイックスタート", "例", "アップロード", "単一ファイル"),
    }
    for tag, (docs, intro, quick, examples, upload, single) in texts.items():
        base = f"content/{tag}/docs"
        write(site, f"{base}/_index.md", f'---\ntitle: "{docs}"\nweight: 20\n---\n\n{docs}。\n')
        write(site, f"{base}/introduction/_index.md", f'---\ntitle: "{intro}"\nweight: 1\n---\n\n{intro}：軟件。\n')
        write(site, f"{base}/quickstart/_index.md", f'---\ntitle: "{quick}"\nweight: 2\n---\n\n{quick}。\n')
        write(site, f"{base}/examples/_index.md", f'---\ntitle: "{examples}"\nweight: 6\n---\n\n{examples}。\n')
        write(site, f"{base}/examples/upload-file/_index.md", f'---\ntitle: "{upload}"\n---\n\n{upload}。\n')
        write(site, f"{base}/examples/upload-file/single-file.md", f'---\ntitle: "{single}"\n---\n\n{single}。\n')
        write(site, f"{base}/examples/ascii-json.md", '---\ntitle: "AsciiJSON"\n---\n\nJSON。\n')
        write(site, f"content/{tag}/blog/_index.md", '\n---\ntitle: "Blog"\n---\n')
        write(
            site,
            f"content/{tag}/blog/release.md",
            f'---\ntitle: "Release {tag}"\ndate: 2024-05-07\n---\n\nReleased.\n',
        )
    return site


def zola_docs(root: Path) -> Path:
    """Like getzola/zola's docs: TOML with a blank line first, sections sorted by weight, taxonomies."""
    site = root / "zola"
    write(
        site,
        "config.toml",
        'base_url = "https://example.org"\ntitle = "Zola 文檔"\ntaxonomies = [{name = "theme-tags"}]\n',
    )
    write(site, "content/documentation/_index.md", '+++\ntemplate = "documentation.html"\nredirect_to = "x"\n+++\n')
    write(
        site,
        "content/documentation/getting-started/_index.md",
        '+++\ntitle = "入門"\nweight = 1\nsort_by = "weight"\n+++\n',
    )
    write(site, "content/documentation/getting-started/overview.md", '+++\ntitle = "概覽"\nweight = 5\n+++\n\n概覽。\n')
    write(site, "content/documentation/getting-started/install.md", '+++\ntitle = "安裝"\nweight = 10\n+++\n\n安裝。\n')
    write(site, "content/documentation/content/_index.md", '+++\ntitle = "內容"\nweight = 2\nsort_by = "weight"\n+++\n')
    write(site, "content/documentation/content/page.md", '+++\ntitle = "頁面"\nweight = 30\n+++\n\n頁面。\n')
    write(site, "content/themes/_index.md", '+++\ntemplate = "themes.html"\nsort_by = "date"\n+++\n')
    write(
        site,
        "content/themes/ink/index.md",
        '\n+++\ntitle = "Ink"\ndescription = "A dark theme"\ndate = 2024-06-14T22:18:00Z\n'
        'updated = 2024-07-01\n\n[taxonomies]\ntheme-tags = ["dark", "blog"]\n\n[extra]\n'
        'repository = "https://example.org/ink"\n[extra.author]\nname = "Someone"\n+++\n\nA theme.\n',
    )
    return site


def book_like(root: Path) -> Path:
    """Like alex-shpak/hugo-book's exampleSite: hugo.toml and hugo.yaml, a content dir per language."""
    site = root / "book"
    languages = "".join(
        f"[languages.{tag}]\n  contentDir = 'content.{tag}'\n  weight = {weight}\n"
        for weight, tag in enumerate(("en", "zh", "he"), start=1)
    )
    write(site, "hugo.toml", f"title = 'Book'\n[languages]\n{languages}")
    write(site, "hugo.yaml", "title: Not this one\n")
    write(site, "content.en/_index.md", "---\ntitle: Introduction\n---\n\n# Book\n\nWelcome.\n")
    write(site, "content.en/docs/_index.md", "---\ntitle: Docs\nweight: 1\n---\n")
    write(site, "content.en/docs/start/_index.md", "---\nweight: 10\nbookFlatSection: true\n---\n\n# Getting started\n")
    write(site, "content.en/docs/start/intro.md", "---\ntitle: Intro\nweight: 10\n---\n\nHello.\n")
    write(site, "content.zh/_index.md", "---\ntitle: 介绍\n---\n\n# 书\n\n欢迎。\n")
    write(site, "content.zh/docs/_index.md", "")
    write(site, "content.he/docs/_index.md", "")
    (site / "README.md").write_text("# not content\n", encoding="utf-8")
    return site


def hexo_blog(root: Path) -> Path:
    """A Hexo blog: _config.yml, posts in source/_posts with Hexo dates, drafts elsewhere."""
    site = root / "hexo"
    write(site, "_config.yml", "title: 質量部落格\nlanguage: zh-TW\nsource_dir: source\n")
    write(
        site,
        "source/_posts/hello.md",
        "---\ntitle: 你好\ndate: 2013/7/13 20:46:25\nupdated: 2013-07-14 08:00:00\ntags: [問候]\n"
        "categories: [日常]\n---\n\n第一篇文章。\n",
    )
    write(site, "source/_posts/hidden.md", "---\ntitle: 未發佈\npublished: false\n---\n\n還沒好。\n")
    write(site, "source/_drafts/draft.md", "---\ntitle: 草稿\n---\n\n草稿。\n")
    write(site, "source/about/index.md", "---\ntitle: 關於\n---\n\n關於我。\n")
    return site
