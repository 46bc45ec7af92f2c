"""The coding commands: code, demo, quotes, eval; bad input never ends in a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tacitus.cli import main

TEXT = "Chinese troops attacked Indian positions near the border on Tuesday."


def run(*args: str, stdin: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin)


def jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_code_text_file(coder, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT)
    result = run("code", str(path), "--published", "2021-11-17")
    assert result.exit_code == 0, result.output
    (event,) = jsonl(result.stdout)
    assert event["event"] == "ASSAULT" and event["date"] == "2021-11-16"
    assert event["article_id"] == "a"


def test_code_directory_and_jsonl_keep_article_order(coder, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "1.txt").write_text("Brazil condemned Venezuela.")
    (folder / "2.txt").write_text("Peru praised Chile.")
    result = run("code", str(folder))
    assert [e["article_id"] for e in jsonl(result.stdout)] == ["1", "2"]
    feed = tmp_path / "a.jsonl"
    feed.write_text(
        "\n".join(
            json.dumps({"id": i, "text": t}) for i, t in [("x", TEXT), ("y", "Peru praised Chile.")]
        )
    )
    assert [e["article_id"] for e in jsonl(run("code", str(feed)).stdout)] == ["x", "y"]


def test_code_stdin_text_and_jsonl(coder) -> None:
    assert jsonl(run("code", "-", stdin=TEXT).stdout)[0]["event"] == "ASSAULT"
    record = json.dumps({"id": "s1", "text": TEXT, "published": "2021-11-17"})
    assert jsonl(run("code", "-", stdin=record + "\n").stdout)[0]["article_id"] == "s1"


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_other_formats(coder, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    result = run("code", "-", "--format", fmt, "--out", str(out), stdin=TEXT)
    assert result.exit_code == 0, result.output
    body = out.read_text()
    if fmt == "json":
        assert json.loads(body)[0]["event"] == "ASSAULT"
    elif fmt == "csv":
        header, row = body.splitlines()[:2]
        assert (
            header.startswith("id,article_id,date,date_precision,source_country")
            and "ASSAULT" in row
        )
    else:
        assert "ASSAULT" in body


def test_bad_inputs_are_reported_and_the_rest_coded(coder, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "latin1.txt").write_bytes(
        "Chinese troops attacked Indian positions. Caf\xe9".encode("latin-1")
    )
    (tmp_path / "page.txt").write_text(
        "<html><body><script>alert(1)</script><p>" + TEXT + "</p></body></html>"
    )
    (tmp_path / "german.txt").write_text(
        "Die Regierung hat am Dienstag in Berlin eine Erklärung abgegeben, in der sie " * 6
    )
    (tmp_path / "bad.jsonl").write_text('{"id": "ok", "text": "Peru praised Chile."}\n{broken\n')
    result = run("code", str(tmp_path))
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    assert "empty" in result.stderr and "binary" in result.stderr and "bad.jsonl:2" in result.stderr
    assert "not English" in result.stderr or "English" in result.stderr
    ids = {e["article_id"] for e in jsonl(result.stdout)}
    assert {"ok", "latin1", "page"} <= ids


def test_huge_single_line_is_truncated_with_a_message(coder, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text((TEXT + " ") * 80_000)  # about 5.4 MB on one line
    result = run("code", str(path))
    assert result.exit_code == 0
    assert "coded the first" in result.stderr
    assert jsonl(result.stdout)


def test_nothing_readable_exits_nonzero(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = run("code", str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    assert "no such file" in result.stderr and "Traceback" not in result.output


def test_bad_published_date_is_a_usage_error() -> None:
    result = run("code", "-", "--published", "yesterday", stdin=TEXT)
    assert result.exit_code == 2 and "2021-11-17" in result.output


def test_bad_pattern_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("version: '1'\npatterns:\n  - {id: x, verb: [smite], cameo: '190', wat: 1}\n")
    result = run("code", "-", "--patterns", str(bad), stdin=TEXT)
    assert result.exit_code == 1 and "wat" in result.output and "Traceback" not in result.output


def test_demo(coder) -> None:
    result = run("demo")
    assert result.exit_code == 0
    assert "CONSULT" in result.stdout and "AZE" in result.stdout


def test_quotes_command(coder) -> None:
    text = '"We will not accept any foreign bases on our soil," the Kyrgyz president said.'
    (quote,) = jsonl(run("quotes", "-", "--published", "2020-05-01", stdin=text).stdout)
    assert quote["speaker"]["code"] == "KGZ" and quote["text"].startswith("We will not accept")


def test_eval_on_a_small_gold_file(coder, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"id": "g1", "event": "FIGHT", "text": "Chinese troops attacked Indian positions.", "date": "2000-01-01",
         "source": [{"code": "CHN"}], "target": [{"code": "IND"}]},
        {"id": "g2", "event": "DISAPPROVE", "text": "Brazil condemned Venezuela.", "date": "2000-01-01",
         "source": [{"code": "BRA"}], "target": [{"code": "VEN"}]},
        {"id": "g3", "event": "DEMAND", "text": "The weather was fine in Oslo.", "date": "2000-01-01",
         "source": [{"code": "NOR"}], "target": None},
    ]  # fmt: skip
    gold.write_text("\n".join(json.dumps(r) for r in rows))
    result = run("eval", str(gold), "--json")
    report = json.loads(result.stdout)
    assert report["type_recall"] == pytest.approx(2 / 3, abs=0.01)
    assert report["full_match"] == pytest.approx(2 / 3, abs=0.01)
    assert report["per_type_recall"]["REQUEST"] == {"hit": 0, "total": 1}
    errors = run("eval", str(gold), "--errors").stdout
    assert "[g3]" in errors and "coded: nothing" in errors


def test_every_command_has_help() -> None:
    for name, command in main.commands.items():
        assert command.help, name
        assert run(name, "--help").exit_code == 0


def test_directory_walk_skips_hidden_and_outside_links(coder, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "config").write_text("Brazil condemned Venezuela.")
    secret = tmp_path / "secret.txt"
    secret.write_text("Peru praised Chile.")
    (folder / "link.txt").symlink_to(secret)
    (folder / "real.txt").write_text("Chinese troops attacked Indian positions.")
    ids = {e["article_id"] for e in jsonl(run("code", str(folder)).stdout)}
    assert ids == {"real"}
