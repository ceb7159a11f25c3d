"""svgog build: every input format, malformed input, incremental builds, parallel output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ROOT, png_size

from svgog.cli import main


def build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", *args], catch_exceptions=False)
    return result.exit_code, result.output


def manifest(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "manifest.json").read_text())["images"]


def test_json_array(tmp_path: Path) -> None:
    (tmp_path / "posts.json").write_text(
        json.dumps([{"slug": "a", "title": "First", "author": "Ana"}, {"slug": "b", "title": "Second", "date": 2026}])
    )
    code, output = build("blog", str(tmp_path / "posts.json"), "-o", str(tmp_path / "out"), "-j", "1")
    assert code == 0, output
    assert "rendered 2, skipped 0, failed 0" in output and "images/s" in output
    images = manifest(tmp_path / "out")
    assert set(images) == {"a.png", "b.png"}
    assert images["a.png"]["source"].endswith("posts.json[0]") and images["a.png"]["width"] == 1200
    assert png_size((tmp_path / "out" / "a.png").read_bytes()) == (1200, 630)
    assert images["a.png"]["bytes"] == (tmp_path / "out" / "a.png").stat().st_size


def test_csv_with_a_short_row_and_mapping(tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("slug,headline,writer\nok,Fine row,Ana\nshort,Missing a column\nalso,Another,Bo\n")
    code, output = build(
        "blog", str(tmp_path / "rows.csv"), "-o", str(tmp_path / "out"), "--map", "headline=title",
        "--map", "writer=author", "-j", "1",
    )  # fmt: skip
    assert code == 1
    assert f"error: {tmp_path / 'rows.csv'}:3: row has no value for column 'writer'" in output
    assert set(manifest(tmp_path / "out")) == {"ok.png", "also.png"}


def test_json_lines_with_a_bad_line_and_a_too_long_field(tmp_path: Path) -> None:
    lines = [
        json.dumps({"slug": "one", "title": "One"}),
        "{broken",
        json.dumps({"slug": "long", "title": "x" * 2000}),
        json.dumps({"slug": "two", "title": "Two"}),
    ]
    (tmp_path / "posts.jsonl").write_text("\n".join(lines))
    code, output = build("blog", str(tmp_path / "posts.jsonl"), "-o", str(tmp_path / "out"), "-j", "1")
    assert code == 1
    assert f"{tmp_path / 'posts.jsonl'}:2: invalid JSON" in output
    assert f"{tmp_path / 'posts.jsonl'}:3: template 'blog', field 'title': value is 2000 characters long" in output
    assert set(manifest(tmp_path / "out")) == {"one.png", "two.png"}


def test_malformed_json_file_names_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('[\n  {"title": "a"},\n  {"title": }\n]')
    code, output = build("blog", str(tmp_path / "bad.json"), "-o", str(tmp_path / "out"))
    assert code == 1 and f"{tmp_path / 'bad.json'}:3:" in output and "invalid JSON" in output


def test_markdown_front_matter(tmp_path: Path) -> None:
    content = tmp_path / "content" / "posts"
    content.mkdir(parents=True)
    (content / "hello-world.md").write_text(
        "---\ntitle: Hello world\nauthor: Ana\ndate: 2026-11-25\ntags: [svg, og]\ndraft: false\n---\nBody.\n"
    )
    (content / "no-front-matter.md").write_text("# Just a heading\n")
    (content / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    code, output = build("blog", str(tmp_path / "content"), "-o", str(tmp_path / "out"), "--name", "og/{slug}.png")
    assert code == 1
    assert f"{content / 'no-front-matter.md'}:1: no front matter" in output
    assert "broken.md" in output and "invalid front matter" in output
    images = manifest(tmp_path / "out")
    # The content tree's folders carry over to the images.
    assert list(images) == ["og/posts/hello-world.png"]
    assert (tmp_path / "out" / "og" / "posts" / "hello-world.png").is_file()


def test_names_cannot_leave_the_output_directory(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps([{"slug": "../../etc/x", "title": "t"}, {"title": "u", "slug": "ok"}]))
    code, output = build("blog", str(tmp_path / "p.json"), "-o", str(tmp_path / "out"), "--name", "../{slug}.png")
    assert code == 1 and "leaves the output directory" in output
    assert not list(tmp_path.glob("*.png"))


def test_duplicate_output_names_are_reported(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps([{"slug": "same", "title": "a"}, {"slug": "same", "title": "b"}]))
    code, output = build("blog", str(tmp_path / "p.json"), "-o", str(tmp_path / "out"))
    assert code == 1 and "is already made from" in output


def test_incremental_builds(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copy(ROOT / "templates_svg" / "blog.svg", templates / "blog.svg")
    records = [{"slug": f"post-{i}", "title": f"Post number {i}"} for i in range(5)]
    data = tmp_path / "posts.json"
    data.write_text(json.dumps(records))
    out = str(tmp_path / "out")
    args = ["blog", str(data), "-o", out, "-t", str(templates), "-j", "1"]
    assert "rendered 5, skipped 0" in build(*args)[1]
    assert "rendered 0, skipped 5" in build(*args)[1]
    records[2]["title"] = "Post number two, edited"
    data.write_text(json.dumps(records))
    assert "rendered 1, skipped 4" in build(*args)[1]
    (tmp_path / "out" / "post-3.png").unlink()
    assert "rendered 1, skipped 4" in build(*args)[1]
    blog = templates / "blog.svg"
    blog.write_text(blog.read_text().replace("</svg>", "<!-- edited --></svg>"))
    assert "rendered 5, skipped 0" in build(*args)[1]
    assert "rendered 5, skipped 0" in build(*args, "--force")[1]


def test_parallel_output_is_identical_to_serial(tmp_path: Path) -> None:
    records = [{"slug": f"p{i}", "title": f"Parallel title {i} with a few words to wrap"} for i in range(8)]
    (tmp_path / "p.json").write_text(json.dumps(records))
    one, two = tmp_path / "one", tmp_path / "two"
    assert build("blog", str(tmp_path / "p.json"), "-o", str(one), "-j", "1")[0] == 0
    assert build("blog", str(tmp_path / "p.json"), "-o", str(two), "-j", "2")[0] == 0
    for i in range(8):
        assert (one / f"p{i}.png").read_bytes() == (two / f"p{i}.png").read_bytes()
    assert manifest(one) == manifest(two)


def test_two_hundred_records(tmp_path: Path) -> None:
    records = [{"slug": f"r{i}", "title": f"Record {i}: a title of a typical length for a blog post"} for i in range(200)]
    (tmp_path / "many.json").write_text(json.dumps(records))
    code, output = build("minimal", str(tmp_path / "many.json"), "-o", str(tmp_path / "out"), "-j", "2", "--format", "jpg")
    assert code == 0, output
    assert "rendered 200, skipped 0, failed 0" in output and "images/s" in output
    assert len(list((tmp_path / "out").glob("*.jpg"))) == 200


def test_render_with_data_and_format(tmp_path: Path) -> None:
    (tmp_path / "record.json").write_text(json.dumps({"title": "From a file", "author": "Ana"}))
    out = tmp_path / "card.bin"
    result = CliRunner().invoke(
        main, ["render", "blog", "--data", str(tmp_path / "record.json"), "-s", "author=Bo", "--format", "webp", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"RIFF"
    (tmp_path / "bad.json").write_text("[1]")
    bad = CliRunner().invoke(main, ["render", "blog", "--data", str(tmp_path / "bad.json"), "-o", str(out)])
    assert bad.exit_code == 2 and "expected a JSON object" in bad.output


@pytest.mark.parametrize("pattern", ["{slug}.png", "cards/{slug}-{author}.png"])
def test_name_patterns(tmp_path: Path, pattern: str) -> None:
    (tmp_path / "p.json").write_text(json.dumps([{"slug": "Hello World", "title": "t", "author": "Ana María"}]))
    assert build("blog", str(tmp_path / "p.json"), "-o", str(tmp_path / "out"), "--name", pattern)[0] == 0
    expected = {"{slug}.png": "hello-world.png", "cards/{slug}-{author}.png": "cards/hello-world-ana-maria.png"}[pattern]
    assert list(manifest(tmp_path / "out")) == [expected]


# -- static site generators: titles from headings, {hash} names, several templates, entities ----------


def page(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def json_hash(tmp_path: Path, title: str, template: str = "blog") -> str:
    """The content hash of a JSON record with just this title: equal hashes, equal fields."""
    data = tmp_path / f"probe-{len(list(tmp_path.glob('probe-*')))}.json"
    data.write_text(json.dumps([{"slug": "probe", "title": title}]))
    out = data.with_suffix("")
    assert build(template, str(data), "-o", str(out), "-j", "1")[0] == 0
    return manifest(out)["probe.png"]["hash"]


def test_title_from_the_first_heading(tmp_path: Path) -> None:
    content = tmp_path / "content"
    page(content / "untitled.md", "---\nauthor: Ana\n---\n```\n# a comment in code\n```\nIntro.\n\n# Using `grep` *well* {#grep}\n\n# Later\n")
    page(content / "titled.md", "---\ntitle: From front matter\n---\n# From the heading\n")
    page(content / "nothing.md", "---\nauthor: Bo\n---\nNo heading at all.\n")
    code, output = build("minimal", str(content), "-o", str(tmp_path / "out"), "-j", "1")
    assert code == 1 and "nothing.md:1" in output and "'title'" in output  # a title is still required
    images = manifest(tmp_path / "out")
    assert set(images) == {"untitled.png", "titled.png"}
    assert images["untitled.png"]["hash"] == json_hash(tmp_path, "Using grep well", "minimal")
    assert images["titled.png"]["hash"] == json_hash(tmp_path, "From front matter", "minimal")


def test_toml_front_matter(tmp_path: Path) -> None:
    page(tmp_path / "content" / "posts" / "hugo.md", '+++\ntitle = "Hugo page"\ndate = 2026-01-02\n+++\nBody.\n')
    code, output = build("blog", str(tmp_path / "content"), "-o", str(tmp_path / "out"), "-j", "1")
    assert code == 0, output
    assert list(manifest(tmp_path / "out")) == ["posts/hugo.png"]


def test_hash_names_and_incremental_builds(tmp_path: Path) -> None:
    content = tmp_path / "content"
    first = page(content / "first.md", "---\ntitle: First post\n---\n")
    second = page(content / "second.md", "---\ntitle: Second post\n---\n")
    out = tmp_path / "out"
    args = ["blog", str(content), "-o", str(out), "--name", "{slug}-{hash}.png", "-j", "1"]
    assert "rendered 2, skipped 0" in build(*args)[1]
    images = manifest(out)
    old = next(name for name in images if name.startswith("first-"))
    entry = images[old]
    # The name carries the first 12 hex digits of the hash the manifest records in full.
    assert old == f"first-{entry['hash'][:12]}.png" and len(entry["hash"]) == 32
    assert entry["source"] == f"{first}:1" and entry["page"] == first.as_posix()
    pages = json.loads((out / "manifest.json").read_text())["pages"]
    assert pages[first.as_posix()] == {"blog": old}
    assert "rendered 0, skipped 2" in build(*args)[1]

    first.write_text("---\ntitle: First post, edited\n---\n")
    code, output = build(*args)
    assert code == 0 and "rendered 1, skipped 1, failed 0, deleted 1 stale" in output
    images = manifest(out)
    new = next(name for name in images if name.startswith("first-"))
    assert new != old and old not in images and not (out / old).exists()
    assert (out / new).is_file() and images[new]["hash"].startswith(new[6:18])
    assert len(list(out.glob("*.png"))) == 2

    # A page that fails keeps its last card on disk; a file no manifest listed is never touched.
    kept = next(name for name in images if name.startswith("second-"))
    (out / "mine.png").write_bytes(b"not svgog's")
    second.write_text("---\ntitle: " + "x" * 2000 + "\n---\n")
    assert build(*args)[0] == 1
    assert (out / kept).is_file() and (out / "mine.png").is_file()


def test_several_templates_in_one_run(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps([{"slug": "a", "title": "One record, two cards"}]))
    out = tmp_path / "out"
    code, output = build(
        "--template", "blog", "--template", "square", str(tmp_path / "p.json"), "-o", str(out),
        "--set", "author=Ana", "-j", "1",
    )  # fmt: skip
    assert code == 0, output  # author is a blog field and not a square one: square does without it
    assert "rendered 2, skipped 0" in output
    images = manifest(out)
    assert set(images) == {"blog/a.png", "square/a.png"}
    assert png_size((out / "blog" / "a.png").read_bytes()) == (1200, 630)
    assert png_size((out / "square" / "a.png").read_bytes()) == (1080, 1080)
    assert images["square/a.png"]["template"] == "square"
    assert json.loads((out / "manifest.json").read_text())["templates"] == ["blog", "square"]
    again = ["--template", "blog", "--template", "square", str(tmp_path / "p.json"), "-o", str(out), "-j", "1"]
    assert "rendered 0, skipped 2" in build(*again, "--set", "author=Ana")[1]
    code, output = build(*again, "--name", "{slug}-{template}.{format}")
    assert code == 0 and set(manifest(out)) == {"a-blog.png", "a-square.png"}
    code, output = build(*again, "--name", "{slug}.png")
    assert code != 0 and "has no {template}" in output
    code, output = build(*again, "--set", "nonsense=1")
    assert code == 1 and "nonsense" in output  # a field no template has is still an error


def test_html_entities_in_front_matter_and_headings(tmp_path: Path) -> None:
    content = tmp_path / "content"
    page(content / "front.md", '---\ntitle: "I&sup2;C &amp; SPI"\n---\n')
    page(content / "heading.md", "---\ndraft: false\n---\n# Tips &amp; tricks&#8230; AT&T &copy 2026\n")
    decoded, literal = tmp_path / "decoded", tmp_path / "literal"
    assert build("blog", str(content), "-o", str(decoded), "-j", "1")[0] == 0
    assert build("blog", str(content), "-o", str(literal), "-j", "1", "--no-decode-entities")[0] == 0
    assert manifest(decoded)["front.png"]["hash"] == json_hash(tmp_path, "I²C & SPI")
    # Only references that end with ';' are decoded: '&copy 2026' stays as written.
    assert manifest(decoded)["heading.png"]["hash"] == json_hash(tmp_path, "Tips & tricks… AT&T &copy 2026")
    assert manifest(literal)["front.png"]["hash"] == json_hash(tmp_path, "I&sup2;C &amp; SPI")
    # JSON records are data, not HTML: never decoded.
    (tmp_path / "p.json").write_text(json.dumps([{"slug": "j", "title": "I&sup2;C"}]))
    assert build("blog", str(tmp_path / "p.json"), "-o", str(tmp_path / "j"), "-j", "1")[0] == 0
    assert manifest(tmp_path / "j")["j.png"]["hash"] == json_hash(tmp_path, "I&sup2;C")


def test_manifest_elsewhere(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps([{"slug": "a", "title": "A"}]))
    out, data = tmp_path / "static" / "og", tmp_path / "data" / "og.json"
    args = ["blog", str(tmp_path / "p.json"), "-o", str(out), "--manifest", str(data), "-j", "1"]
    assert "rendered 1, skipped 0" in build(*args)[1]
    assert not (out / "manifest.json").exists()
    assert list(json.loads(data.read_text())["images"]) == ["a.png"]
    assert "rendered 0, skipped 1" in build(*args)[1]
    (tmp_path / "file.txt").write_text("")
    code, output = build("blog", str(tmp_path / "p.json"), "-o", str(out), "--manifest", str(tmp_path / "file.txt" / "og.json"))
    assert code == 1 and "cannot write to" in output and "file.txt" in output  # before any rendering
