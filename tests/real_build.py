"""The real knowledge base, built once per test session in a process of its own.

The build (site and PDFs: a minute and a half of CPU time) starts with the session's first test
when a selected test needs it (`real_project`), so that it runs while the tests that do not need
it run; those that do wait for it. The tests that need it run last (conftest.py orders them).
Under pytest-xdist every worker waits for the same build: the first to start it wins.

`python -m tests.real_build FOLDER SOURCE [--no-pdf]` is that process: it copies the data, content
and theme of SOURCE (the repository) to FOLDER/kb, builds it strictly, and writes FOLDER/result
("ok", or what went wrong).

The reports are most of the build's CPU time (the build alone: 87 s cold, 32 s with every report
reused), and most changes leave them
as they were. The build starts from the reports the last session's build rendered, kept in
SOURCE/build/tests-pdf-cache (git ignores build/), through the cache every build uses
(generator/print/pdfcache.py): a report is reused only when its print HTML, stylesheet, fonts,
WeasyPrint's and its libraries' versions and our rendering code are the same bytes. A clean
checkout renders every report.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

from generator.model.settings import Project

REPO = Path(__file__).resolve().parent.parent
COPIED = ("mkdocs.yml", "site.yaml", "data", "content", "overrides")
OK = "ok"

PUBLIC_URL = "https://kunnskap-org.github.io/kunnskapsbase/"
REPOSITORY = "https://github.com/kunnskap-org/kunnskapsbase"
"""Where the real site is published in the tests, as the Pages workflow gives it (KB_SITE_URL,
KB_REPO_URL): canonical and hreflang links, the sitemap, edit links and absolute citation
addresses are built as on the public site. (A build without them: tests/test_site_config.py.)"""

SHARED_PDF_CACHE = Path("build") / "tests-pdf-cache"
"""Under SOURCE: the reports of the last session's real build, by their cache keys."""

_started: list[subprocess.Popen[bytes]] = []
"""The builds this process started."""


def start(shared: Path, source: Path = REPO, with_pdf: bool = True) -> None:
    """Start the build of `source` under `shared`, unless some process of this session already has.

    The build process holds an exclusive lock on FOLDER/lock from before the folder exists under
    its name until it ends, so a test that waits for it blocks on the lock, never on a timer."""
    folder = shared / "real"
    if folder.exists():
        return
    claim = Path(tempfile.mkdtemp(prefix="real-", dir=shared))
    lock = os.open(claim / "lock", os.O_CREAT | os.O_RDWR)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            claim.rename(folder)  # atomic, and fails onto a folder with files: one process wins
        except OSError:
            shutil.rmtree(claim)
            return
        with (folder / "build.log").open("wb") as log:
            command = [sys.executable, "-m", "tests.real_build", str(folder), str(source), *(["--no-pdf"] * (not with_pdf))]
            # The child inherits the locked descriptor: the lock lasts as long as the child.
            _started.append(subprocess.Popen(command, cwd=REPO, stdout=log, stderr=log, pass_fds=(lock,)))
    finally:
        os.close(lock)


def wait(shared: Path) -> Project:
    """The built project, once the build process has ended; the test fails if the build did."""
    import pytest

    folder = shared / "real"
    lock = os.open(folder / "lock", os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_SH)  # blocks until the build process has ended
    finally:
        os.close(lock)
    result = folder / "result"
    outcome = result.read_text(encoding="utf-8") if result.exists() else "the build process ended without a result"
    if outcome != OK:
        log = (folder / "build.log").read_text(encoding="utf-8", errors="replace")[-5000:]
        pytest.fail(f"the real knowledge base did not build: {outcome}\n{log}", pytrace=False)
    return Project(folder / "kb")


def finish() -> None:
    """At the end of the session: the builds this process started have ended (another worker may
    still be waiting for one, so it is never cut short)."""
    while _started:
        _started.pop().wait()


def build(folder: Path, source: Path, with_pdf: bool) -> str:
    from generator.model.errors import DataError
    from generator.pipeline.build import build_site
    from generator.print import pdf

    root = folder / "kb"
    root.mkdir()
    for name in COPIED:
        if (source / name).is_dir():
            shutil.copytree(source / name, root / name)
        elif (source / name).exists():
            shutil.copy(source / name, root / name)
    os.environ.update({"KB_SITE_URL": PUBLIC_URL, "KB_REPO_URL": REPOSITORY})  # this process only
    project = Project(root)
    shared = source / SHARED_PDF_CACHE
    if with_pdf and shared.is_dir():
        shutil.copytree(shared, pdf.cache_dir(project))
    try:
        build_site(project, strict=True, with_pdf=with_pdf)
    except DataError as error:
        return "\n".join(str(problem) for problem in error.report.problems)
    if with_pdf:
        share(pdf.cache_dir(project), shared)
    return OK


def share(cache: Path, shared: Path) -> None:
    """Put a copy of `cache` (a build's, holding the reports it used) in place of `shared`, whole:
    copied beside it, then renamed. When another session puts its own there at the same time, one
    of the two stays."""
    shared.parent.mkdir(parents=True, exist_ok=True)
    copy = Path(tempfile.mkdtemp(prefix=f"{shared.name}.", dir=shared.parent))
    old = copy.with_name(copy.name + ".old")
    try:
        shutil.copytree(cache, copy, dirs_exist_ok=True)
        if shared.exists():
            shared.rename(old)
        copy.rename(shared)
    except OSError:
        pass  # another session's copy got there first: it is as good
    finally:
        shutil.rmtree(copy, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def main(folder: Path, source: Path, with_pdf: bool) -> None:
    try:
        outcome = build(folder, source, with_pdf)
    except BaseException:
        outcome = traceback.format_exc()
    written = folder / "result.part"
    written.write_text(outcome, encoding="utf-8")
    written.replace(folder / "result")  # whole, or not there: a waiting test never reads half of it


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), "--no-pdf" not in sys.argv[3:])
