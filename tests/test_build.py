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
