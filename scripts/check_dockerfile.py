#!/usr/bin/env python3
"""Replay the Dockerfile's steps in a clean virtual environment, since this machine has no Docker engine.

It reads the Dockerfile, copies what its COPY lines copy into a scratch directory, runs its `pip install`
in a fresh venv, and checks what the image promises: the command is installed, the spaCy model loads,
the store lives on the volume, the user is not root, and `claimbot run` without a token explains itself.
Usage: python scripts/check_dockerfile.py   (exit 0 when every check passes)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    text = re.sub(r"\\\n\s*", " ", dockerfile.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def main() -> int:
    steps = instructions(ROOT / "Dockerfile")
    failures: list[str] = []

    def check(ok: bool, what: str) -> None:
        print(("PASS " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    kinds = [k for k, _ in steps]
    check(steps[0][0] == "FROM" and "slim" in steps[0][1], f"slim Python base image ({steps[0][1]})")
    user = next((v for k, v in steps if k == "USER"), "root")
    check(user not in ("root", "0"), f"runs as a non-root user ({user})")
    volume = next((v for k, v in steps if k == "VOLUME"), "")
    env = " ".join(v for k, v in steps if k == "ENV")
    db = re.search(r"CLAIMBOT_DB=(\S+)", env)
    check(
        bool(db) and "/data" in volume and db.group(1).startswith("/data/"), f"store on the volume ({volume})"
    )
    check(
        kinds[-1] == "CMD" and "claimbot" in steps[-1][1] and "run" in steps[-1][1], f"command {steps[-1][1]}"
    )
    check(any(k == "EXPOSE" and "8443" in v for k, v in steps), "the webhook port is exposed")
    health = next((v for k, v in steps if k == "HEALTHCHECK"), "")
    check("claimbot" in health, f"a health check ({health})")
    installs = " ".join(v for k, v in steps if k == "RUN")
    check("-c constraints.txt" in installs, "dependency versions pinned by constraints.txt")
    ignored = (ROOT / ".dockerignore").read_text().split() if (ROOT / ".dockerignore").exists() else []
    check({".git", ".venv", "tests"} <= set(ignored), "a .dockerignore keeps the build context small")

    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "app"
        app.mkdir()
        for kind, rest in steps:
            if kind != "COPY":
                continue
            *sources, dest = rest.split()
            target = app / dest if dest not in (".", "./") else app
            for source in sources:
                src = ROOT / source
                if src.is_dir():
                    shutil.copytree(
                        src, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
                    )
                else:
                    target.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, target / src.name)
        env_dir = Path(tmp) / "venv"
        venv.create(env_dir, with_pip=True)
        bin_dir = env_dir / "bin"
        for kind, rest in steps:
            if kind == "RUN":
                for command in rest.split("&&"):
                    command = command.strip()
                    if command.startswith("pip "):
                        print(f"$ {command}")
                        subprocess.run(
                            [str(bin_dir / "pip"), *command.split()[1:], "--quiet"], cwd=app, check=True
                        )
                    else:
                        print(f"(skipped, needs root in an image: {command})")
        environment = {**os.environ, "CLAIMBOT_DB": str(Path(tmp) / "data" / "claimbot.json")}
        environment.pop("TELEGRAM_BOT_TOKEN", None)
        outside = (
            Path(tmp) / "elsewhere"
        )  # run from outside the source tree: only the installed package counts
        outside.mkdir()
        helped = subprocess.run(
            [str(bin_dir / "claimbot"), "--help"], cwd=outside, capture_output=True, text=True
        )
        check(helped.returncode == 0 and "ingest" in helped.stdout, "claimbot is installed")
        model = subprocess.run(
            [
                str(bin_dir / "python"),
                "-c",
                "from bot.extract.nlp import load_nlp; print(load_nlp().meta['name'])",
            ],
            cwd=outside,
            capture_output=True,
            text=True,
        )
        check(model.returncode == 0, f"the spaCy model loads ({model.stdout.strip() or model.stderr[-200:]})")
        samples = subprocess.run(
            [
                str(bin_dir / "python"),
                "-c",
                "import data, pathlib; print(pathlib.Path(data.__file__).parent)",
            ],
            cwd=outside,
            capture_output=True,
            text=True,
        )
        sample_dir = Path(samples.stdout.strip()) / "samples"
        check(sample_dir.is_dir() and any(sample_dir.iterdir()), "sample articles ship in the package")
        probe = subprocess.run(
            [str(bin_dir / "claimbot"), "stats"], cwd=outside, env=environment, capture_output=True, text=True
        )
        check(probe.returncode == 0, "the health check command passes on a new store")
        run = subprocess.run(
            [str(bin_dir / "claimbot"), "run"], cwd=outside, env=environment, capture_output=True, text=True
        )
        check(
            run.returncode == 2 and "BotFather" in run.stderr and "claimbot chat" in run.stderr,
            "friendly no-token error",
        )
    print(f"\n{len(failures)} failed" if failures else "\nall Dockerfile checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
