"""`claimbot` on the command line: ingest, claims (table and the JSON contract), stats, and user errors.

Calls main() in-process (spaCy loads once per process); two tests run the real entry points in a subprocess.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SAMPLES_JSONL = SAMPLES / "articles.jsonl"
SAMPLE_TXT = SAMPLES / "grid-record.txt"
SAMPLE_HTML = SAMPLES / "riverside-floods.html"
N_JSONL = sum(1 for line in SAMPLES_JSONL.read_text(encoding="utf-8").splitlines() if line.strip())

CLAIM_KEYS = {"id", "speaker", "statement", "figures", "said_on", "topic", "sources", "first_seen"}
FIGURE_KEYS = {"value", "low", "high", "unit", "qualifier", "text"}
SOURCE_KEYS = {"document", "outlet", "url", "published", "sentence"}
SUMMARY = re.compile(
    r"^(\d+) articles? read \((\d+) already stored\), (\d+) new claims?, (\d+) claims? gained"
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No CLAIMBOT_* settings from the developer's shell, and no stray claimbot.json in the repo."""
    for name in ("CLAIMBOT_DB", "CLAIMBOT_ADMINS", "CLAIMBOT_DIGEST_TIME", "CLAIMBOT_TZ"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    """A store with every sample article; tests only read it. `nlp` warms the cached model first."""
    db = tmp_path_factory.mktemp("cli") / "claims.json"
    assert main(["--db", str(db), "ingest", str(SAMPLES)]) == 0
    return db


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def json_claims(capsys: pytest.CaptureFixture[str], db: Path) -> list[dict[str, Any]]:
    code, out, err = run(capsys, "--db", db, "claims", "--json")
    assert (code, err) == (0, "")
    return [json.loads(line) for line in out.splitlines()]


# --- ingest ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paths", "articles"),
    [
        ([SAMPLES], N_JSONL + 2),
        ([SAMPLES_JSONL], N_JSONL),
        ([SAMPLE_TXT], 1),
        ([SAMPLE_HTML], 1),
        ([SAMPLE_TXT, SAMPLE_HTML], 2),
    ],
    ids=["dir", "jsonl", "txt", "html", "txt+html"],
)
def test_ingest_prints_a_summary_and_a_second_run_finds_everything_stored(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, nlp: Language, paths: list[Path], articles: int
) -> None:
    db = tmp_path / "claims.json"
    code, out, err = run(capsys, "--db", db, "ingest", *paths)
    assert (code, err) == (0, "")
    m = SUMMARY.match(out)
    assert m, out
    assert (int(m[1]), int(m[2])) == (articles, 0) and int(m[3]) > 0

    code, out, _ = run(capsys, "--db", db, "ingest", *paths)
    assert code == 0
    read = "1 article" if articles == 1 else f"{articles} articles"
    assert out.startswith(f"{read} read ({articles} already stored), 0 new claims, 0 claims")


def test_a_bad_jsonl_line_is_a_warning_naming_the_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, nlp: Language
) -> None:
    lines = SAMPLES_JSONL.read_text(encoding="utf-8").splitlines()[:2]
    path = tmp_path / "mixed.jsonl"
    path.write_text(f'{lines[0]}\n{{"id": "torn", "text": "The minister\n{lines[1]}\n', encoding="utf-8")
    code, out, err = run(capsys, "--db", tmp_path / "claims.json", "ingest", path)
    assert code == 0
    assert f"{path}:2:" in err and "warning" in err
    assert out.startswith("2 articles read") and "1 problem reported above" in out


def test_txt_metadata_flags_are_stored_in_the_sources(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, nlp: Language
) -> None:
    txt = tmp_path / "power-peak.txt"
    shutil.copy(SAMPLE_TXT, txt)
    db = tmp_path / "claims.json"
    url = "https://example-outlet.test/power-peak"
    code, _, _ = run(
        capsys,
        "--db",
        db,
        "ingest",
        txt,
        "--outlet",
        "Grid Weekly",
        "--url",
        url,
        "--published",
        "2024-08-15",
    )
    assert code == 0
    sources = [s for c in json_claims(capsys, db) for s in c["sources"]]
    assert sources
    assert {(s["document"], s["outlet"], s["url"], s["published"]) for s in sources} == {
        ("power-peak", "Grid Weekly", url, "2024-08-15")
    }


# --- claims and stats -----------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_day(value: object) -> bool:
    return value is None or (isinstance(value, str) and date.fromisoformat(value).isoformat() == value)


def test_claims_json_follows_the_contract(capsys: pytest.CaptureFixture[str], sample_db: Path) -> None:
    code, out, err = run(capsys, "--db", sample_db, "claims", "--json")
    assert (code, err) == (0, "")
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and all(isinstance(r, dict) for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert set(row) >= CLAIM_KEYS, row
        assert isinstance(row["speaker"], str) and row["speaker"]
        assert isinstance(row["statement"], str) and row["statement"]
        assert _is_day(row["said_on"])
        assert row["topic"] is None or isinstance(row["topic"], str)
        assert datetime.fromisoformat(row["first_seen"]).tzinfo is not None
        assert row["sources"]
        for source in row["sources"]:
            assert set(source) >= SOURCE_KEYS, source
            assert isinstance(source["document"], str) and isinstance(source["sentence"], str)
            assert _is_day(source["published"])
        for figure in row["figures"]:
            assert set(figure) >= FIGURE_KEYS, figure
            assert isinstance(figure["text"], str) and figure["text"]
            numbers = [figure[k] for k in ("value", "low", "high") if figure[k] is not None]
            assert numbers and all(_is_number(n) for n in numbers), figure
    assert any(r["figures"] for r in rows)


def test_claims_table_is_readable(capsys: pytest.CaptureFixture[str], sample_db: Path) -> None:
    rows = json_claims(capsys, sample_db)
    code, out, err = run(capsys, "--db", sample_db, "claims")
    assert (code, err) == (0, "")
    assert out.rstrip().endswith(f"{len(rows)} claims")
    assert out.count("reported by: ") == len(rows)
    for row in rows:
        assert row["speaker"] in out and row["statement"] in out
    assert "{" not in out.splitlines()[0]


def test_claims_speaker_filter(capsys: pytest.CaptureFixture[str], sample_db: Path) -> None:
    rows = json_claims(capsys, sample_db)
    name = max((r["speaker"] for r in rows), key=lambda s: sum(r["speaker"] == s for r in rows))
    part = name.split()[-1].lower()
    code, out, _ = run(capsys, "--db", sample_db, "claims", "--json", "--speaker", part)
    assert code == 0
    picked = [json.loads(line) for line in out.splitlines()]
    assert picked and all(part in r["speaker"].lower() for r in picked)
    assert len(picked) == sum(part in r["speaker"].lower() for r in rows)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["claims"], "No claims stored yet"),
        (["claims", "--json"], ""),
        (["stats"], "claims: 0 (0 sources, 0 with figures)"),
    ],
)
def test_an_empty_store_is_not_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], expected: str
) -> None:
    db = tmp_path / "nothing-yet.json"
    code, out, err = run(capsys, "--db", db, *argv)
    assert (code, err) == (0, "")
    assert expected in out if expected else out == ""
    assert not db.exists()


def test_stats(capsys: pytest.CaptureFixture[str], sample_db: Path) -> None:
    rows = json_claims(capsys, sample_db)
    code, out, err = run(capsys, "--db", sample_db, "stats")
    assert (code, err) == (0, "")
    sources = sum(len(r["sources"]) for r in rows)
    with_figures = sum(bool(r["figures"]) for r in rows)
    assert f"store: {sample_db}" in out
    assert f"claims: {len(rows)} ({sources} sources, {with_figures} with figures)" in out
    assert f"articles: {N_JSONL + 2}" in out
    assert re.search(r"^speakers: [1-9]\d*$", out, re.M)


# --- errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--bogus", "stats"],
        ["stats", "--verbose"],
        ["claims", "--jsno"],
        ["ingest"],
        ["ingest", "x.txt", "--published", "yesterday"],
        ["frobnicate"],
        [],
    ],
)
def test_bad_arguments_are_refused_by_argparse(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "usage: claimbot" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["ingest", "{tmp}/missing.txt"], "missing.txt"),
        (["ingest", str(SAMPLE_TXT), "{tmp}/missing.jsonl"], "missing.jsonl"),
        (["ingest", "{tmp}/notes.pdf"], "notes.pdf"),
        (["ingest", str(SAMPLES), "--published", "2024-01-02"], "--published"),
        (["ingest", str(SAMPLE_TXT), str(SAMPLE_HTML), "--url", "https://example-outlet.test/a"], "--url"),
        (["ingest", "{tmp}/missing.txt", "--outlet", "Some Outlet"], "missing.txt"),
    ],
)
def test_user_errors_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], names: str
) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    db = tmp_path / "claims.json"
    code, _out, err = run(capsys, "--db", db, *(a.replace("{tmp}", str(tmp_path)) for a in argv))
    assert code == 2
    assert err.startswith("claimbot: error: ") and names in err, err
    assert "Traceback" not in err
    assert not db.exists()


def test_outlet_with_a_directory_says_it_needs_one_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--db", tmp_path / "c.json", "ingest", SAMPLES, "--outlet", "Some Outlet")
    assert code == 2
    assert "single article file" in err


@pytest.mark.parametrize(
    "command", [["stats"], ["claims"], ["claims", "--json"], ["ingest", str(SAMPLE_TXT)]]
)
@pytest.mark.parametrize("content", [b'{"claims": {"1": {"id": "c1"', b"[1, 2, 3]", b"\xff\xfe not text"])
def test_a_corrupt_db_is_named_and_left_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str], content: bytes
) -> None:
    db = tmp_path / "broken.json"
    db.write_bytes(content)
    code, _out, err = run(capsys, "--db", db, *command)
    assert code == 2
    assert err.startswith("claimbot: error: ") and str(db) in err, err
    assert db.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".broken")] == []


# --- the real entry points ------------------------------------------------------------------------------


def test_python_dash_m_bot_runs(sample_db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(sample_db), "stats"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert "claims: " in proc.stdout


def test_the_claimbot_script_runs(sample_db: Path) -> None:
    script = Path(sys.executable).parent / "claimbot"
    if not script.exists():
        pytest.skip("the claimbot entry point is not installed in this environment")
    proc = subprocess.run(
        [str(script), "--db", str(sample_db), "claims", "--json"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rows and set(rows[0]) >= CLAIM_KEYS

    proc = subprocess.run([str(script), "--db", str(sample_db), "nope"], capture_output=True, text=True)
    assert proc.returncode == 2 and "usage: claimbot" in proc.stderr


# --- ask and chat -----------------------------------------------------------------------------------------


def test_ask_json_reads_questions_from_stdin_one_answer_a_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "claims.json"
    assert main(["--db", str(db), "ingest", str(SAMPLES / "articles.jsonl")]) == 0
    capsys.readouterr()
    questions = "what did zelensky say about north korean losses\nwhat did putin say about kursk\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(questions))
    assert main(["--db", str(db), "ask", "--json", "-"]) == 0
    answers = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(answers) == 2
    assert set(answers[0]) >= {"question", "speaker", "topic", "claims", "reply"}
    assert answers[0]["speaker"] == "Volodymyr Zelensky" and answers[0]["claims"]
    assert "<b>" in answers[0]["reply"]
    assert answers[1]["claims"] == [] and "putin" in answers[1]["reply"].lower()


def test_ask_prints_readable_text_and_chat_answers_at_a_prompt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "claims.json"
    assert main(["--db", str(db), "ingest", str(SAMPLES / "articles.jsonl")]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "ask", "syrskyi on russian losses"]) == 0
    text = capsys.readouterr().out
    assert "Syrskyi" in text and "38,000" in text and "<b>" not in text
    monkeypatch.setattr("sys.stdin", io.StringIO("kirby\nwhat did nobody say about nothing\n\n"))
    assert main(["--db", str(db), "chat"]) == 0
    out = capsys.readouterr().out
    assert "Kirby" in out and "no claims" in out.lower()


def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", "-L", TMUX_SOCKET, *args], capture_output=True, text=True, check=True
    ).stdout


TMUX_SOCKET = f"claimbot-test-{os.getpid()}"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
def test_chat_in_a_real_terminal_understands_the_bots_commands_and_more(tmp_path: Path) -> None:
    db = tmp_path / "claims.json"
    assert main(["--db", str(db), "ingest", str(SAMPLES / "articles.jsonl")]) == 0
    claimbot = Path(sys.executable).with_name("claimbot")
    command = f"{claimbot} --db {db} chat"
    _tmux("new-session", "-d", "-s", "chat", "-x", "120", "-y", "60", command)

    def screen_after(keys: str, expect: str) -> str:
        _tmux("send-keys", "-t", "chat", keys, "Enter")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            shown = _tmux("capture-pane", "-p", "-t", "chat", "-S", "-200")
            if expect in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{expect!r} never appeared after {keys!r}:\n{shown}")

    try:
        screen_after("/help", "/chart QUESTION")
        screen_after("/latest", "Latest claims")
        answered = screen_after("zelensky", "more")
        assert answered.count("“") >= 5
        _tmux("send-keys", "-t", "chat", "more", "Enter")
        time.sleep(1)
        after = _tmux("capture-pane", "-p", "-t", "chat", "-S", "-400")
        assert after.count("“") > answered.count("“")  # the next claims of the same answer
        screen_after("/nonsense", "I don't know /nonsense")
    finally:
        subprocess.run(["tmux", "-L", TMUX_SOCKET, "kill-server"], capture_output=True)


def test_a_long_ingest_shows_progress_only_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "claims.json"
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert main(["--db", str(db), "ingest", str(SAMPLES / "articles.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "\rreading articles: 1/" in err and "(100%)\n" in err
    monkeypatch.setattr("sys.stderr.isatty", lambda: False, raising=False)
    assert main(["--db", str(tmp_path / "other.json"), "ingest", str(SAMPLES / "articles.jsonl")]) == 0
    assert "reading articles" not in capsys.readouterr().err
