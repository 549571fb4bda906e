"""Build the fcitx input-context plugin for exactly the Qt of this interpreter's PySide6:

    python scripts/build_fcitx_plugin.py [--out DIR] [--work DIR] [--mirror URI]

PySide6's wheel carries only Qt's compose and ibus input-context plugins, and a distribution's
fcitx plugin is built for the distribution's Qt, so it refuses to load into the wheel's
(private-API symbols). The plugin needs Qt's private headers, moc and qdbusxml2cpp of exactly
the wheel's Qt version. Debian ships them (qt6-base-dev, qt6-base-private-dev,
qt6-base-dev-tools) for the Qt versions of its suites: this script looks through the suites for
the wheel's version and builds fcitx-qt5's Qt 6 plugin (the orig tarball of Debian's source
package fcitx-qt5, from which Debian builds fcitx-frontend-qt6) against those headers and the
wheel's own Qt libraries. The plugin speaks fcitx's D-Bus protocol: fcitx 4.2 serves it, and
fcitx 5 through its fcitx4 frontend.

Nothing is installed system-wide: apt runs with a configuration of its own in the work folder
(the Debian mirror is the one this machine's apt uses), packages are unpacked with dpkg-deb -x,
and Debian's tools, built for a newer glibc than the build machine may have, run under the
glibc unpacked beside them.

Writes DIR/Qt-<version>/platforminputcontexts/libfcitxplatforminputcontextplugin-qt6.so and
DIR/Qt-<version>/fcitx-plugin.json (what it was built from); a second run with the same inputs
does nothing. Exits 3 when Debian ships no headers for this Qt version (it names the versions it
has: pin PySide6-Essentials to one of them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_NAME = "libfcitxplatforminputcontextplugin-qt6.so"
# Suites by their aliases, so the list stays right as Debian releases move on.
SUITES = ("oldstable", "stable", "stable-backports", "testing", "unstable", "experimental")
SOURCE_SUITES = ("stable", "unstable")
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
# What Debian's moc and qdbusxml2cpp need beyond the wheel's QtCore and QtDBus, from the
# suite the headers come from (they are built against that suite's glibc and libstdc++).
TOOL_RUNTIME = ("libc6", "libstdc++6", "libgcc-s1", "libpcre2-16-0", "libzstd1")
# The D-Bus interfaces the plugin's proxies are generated from, and the names they get.
DBUS_INTERFACES = {
    "org.fcitx.Fcitx.InputContext.xml": "inputcontextproxy",
    "org.fcitx.Fcitx.InputContext1.xml": "inputcontext1proxy",
    "org.fcitx.Fcitx.InputMethod.xml": "inputmethodproxy",
    "org.fcitx.Fcitx.InputMethod1.xml": "inputmethod1proxy",
}
PLUGIN_SOURCES = ("fcitxinputcontextproxy", "fcitxqtdbustypes", "fcitxwatcher",
                  "qfcitxplatforminputcontext", "main", "qtkey")
MOC_HEADERS = ("fcitxinputcontextproxy", "fcitxwatcher", "qfcitxplatforminputcontext", "main")


class NoMatchingQtError(Exception):
    """Debian has no headers for this Qt version."""


@dataclass(frozen=True)
class Wheel:
    version: str  # Qt's, e.g. "6.11.2"
    lib: Path  # PySide6/Qt/lib


@dataclass(frozen=True)
class DebianQt:
    version: str  # the package version, e.g. "6.11.2+dfsg-7"
    suite: str


def this_wheel() -> Wheel:
    from PySide6 import QtCore

    return Wheel(QtCore.qVersion(), Path(QtCore.__file__).resolve().parent / "Qt" / "lib")


def system_mirror() -> str:
    """The Debian archive this machine's apt uses (not the security archive)."""
    texts = []
    for path in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob(
            "*"))]:
        if path.suffix in {".list", ".sources"} or path.name == "sources.list":
            try:
                texts.append(path.read_text(encoding="utf-8"))
            except OSError:
                continue
    for text in texts:
        uris = re.findall(r"^\s*URIs:\s*(\S+)", text, re.MULTILINE)
        uris += re.findall(r"^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+", text, re.MULTILINE)
        for uri in uris:
            if uri.rstrip("/").endswith("/debian"):
                return uri.rstrip("/")
    raise SystemExit("no Debian archive found in this machine's apt sources: give --mirror URI")


class Apt:
    """apt-get and apt-cache with their own sources, lists and cache under `folder`."""

    def __init__(self, folder: Path, mirror: str, architecture: str) -> None:
        self.folder = folder
        for sub in ("lists/partial", "cache/archives/partial", "preferences.d"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        (folder / "status").touch()
        lines = [f"deb [signed-by={KEYRING}] {mirror} {suite} main" for suite in SUITES]
        lines += [f"deb-src [signed-by={KEYRING}] {mirror} {suite} main"
                  for suite in SOURCE_SUITES]
        (folder / "sources.list").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (folder / "apt.conf").write_text("\n".join([
            f'Dir::Etc::sourcelist "{folder / "sources.list"}";',
            'Dir::Etc::sourceparts "-";',
            f'Dir::Etc::preferencesparts "{folder / "preferences.d"}";',
            f'Dir::State::Lists "{folder / "lists"}";',
            f'Dir::State::status "{folder / "status"}";',
            f'Dir::Cache "{folder / "cache"}";',
            f'APT::Architecture "{architecture}";',
            'APT::Architectures { "' + architecture + '"; };',
            'APT::Sandbox::User "root";',
            'Acquire::Languages "none";',
            # A mirror that is a snapshot serves Release files past their Valid-Until (unstable's
            # and experimental's expire within days). Their signatures are still checked, and
            # the Qt version is matched exactly, so an old index cannot slip in another Qt.
            'Acquire::Check-Valid-Until "false";',
        ]) + "\n", encoding="utf-8")
        self.env = {**os.environ, "APT_CONFIG": str(folder / "apt.conf"),
                    "LC_ALL": "C.UTF-8"}

    def run(self, *command: str, cwd: Path | None = None, check: bool = True) -> str:
        result = subprocess.run(command, env=self.env, cwd=cwd, capture_output=True, text=True,
                                timeout=600)
        if check and result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def update(self) -> None:
        # One suite that cannot be read (experimental's Release file past its Valid-Until, say)
        # must not stop the others; a missing version is then said by matching_qt.
        self.run("apt-get", "update", "-qq", check=False)

    def qt_versions(self) -> list[DebianQt]:
        """Every qt6-base-private-dev the suites have, with the suite it is in."""
        found = []
        for line in self.run("apt-cache", "madison", "qt6-base-private-dev").splitlines():
            parts = [part.strip() for part in line.split("|")]
            if len(parts) == 3 and parts[2].endswith("Packages"):
                suite = parts[2].split()[-3].split("/")[0]
                found.append(DebianQt(parts[1], suite))
        return found

    def download(self, packages: list[str], into: Path) -> list[Path]:
        into.mkdir(parents=True, exist_ok=True)
        before = set(into.glob("*.deb"))
        self.run("apt-get", "download", "-qq", *packages, cwd=into)
        return sorted(set(into.glob("*.deb")) - before)

    def source_tarball(self, package: str, into: Path) -> Path:
        """The upstream tarball of a source package (its hash checked by apt's helper)."""
        into.mkdir(parents=True, exist_ok=True)
        listing = self.run("apt-get", "source", "--print-uris", "-qq", package)
        for uri, name, _size, digest in re.findall(r"'([^']+)' (\S+) (\d+) (\S+)", listing):
            if ".orig.tar." in name:
                target = into / name
                if not target.exists():
                    self.run("/usr/lib/apt/apt-helper", "download-file", uri, str(target),
                             digest)
                return target
        raise SystemExit(f"no upstream tarball listed for the source package {package}")


def upstream(debian_version: str) -> str:
    """6.11.2+dfsg-7 → 6.11.2."""
    return re.split(r"[+~-]", debian_version.split(":", 1)[-1], maxsplit=1)[0]


def matching_qt(found: list[DebianQt], version: str) -> DebianQt:
    matches = [qt for qt in found if upstream(qt.version) == version]
    if not matches:
        have = sorted({upstream(qt.version) for qt in found})
        raise NoMatchingQtError(
            f"Debian ships Qt private headers for {', '.join(have) or 'nothing'}, not for "
            f"this PySide6's Qt {version}: pin PySide6-Essentials to one of those versions to "
            f"build the fcitx plugin")
    return matches[0]


def unpack(debs: list[Path], root: Path) -> None:
    for deb in debs:
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True, timeout=300)


def multiarch() -> str:
    return subprocess.run(["gcc", "-dumpmachine"], capture_output=True, text=True, check=True,
                          timeout=60).stdout.strip()


def build(wheel: Wheel, root: Path, source: Path, work: Path, plugin: Path) -> None:
    """Generate the D-Bus proxies and the moc files, compile and link the plugin."""
    triplet = multiarch()
    lib = root / "usr" / "lib" / triplet
    loader = next(lib.glob("ld-linux*.so*"))
    library_path = os.pathsep.join([str(lib), str(wheel.lib), f"/usr/lib/{triplet}", "/lib"])

    def tool(path: Path, *args: str, cwd: Path) -> None:
        subprocess.run([str(loader), "--library-path", library_path, str(path), *args],
                       cwd=cwd, check=True, timeout=300)

    include = root / "usr" / "include" / triplet / "qt6"
    version = wheel.version
    includes = [work, source, include]
    for module in ("QtCore", "QtGui", "QtDBus"):
        includes += [include / module, include / module / version,
                     include / module / version / module]
    includes.append(root / "usr" / "include")  # xkbcommon
    flags = ["-DQT_NO_KEYWORDS", "-DQT_NO_DEBUG", "-DQT_PLUGIN", "-DQT_CORE_LIB",
             "-DQT_GUI_LIB", "-DQT_DBUS_LIB", *(f"-I{path}" for path in includes)]
    qdbusxml2cpp = root / "usr" / "lib" / "qt6" / "bin" / "qdbusxml2cpp"
    moc = root / "usr" / "lib" / "qt6" / "libexec" / "moc"
    sources = [source / f"{name}.cpp" for name in PLUGIN_SOURCES]
    for xml, name in DBUS_INTERFACES.items():
        tool(qdbusxml2cpp, "-m", "-i", "fcitxqtdbustypes.h", "-p", name, str(source / xml),
             cwd=work)
        # qdbusxml2cpp's .cpp includes the moc output of its header under one of two names.
        generated = (work / f"{name}.cpp").read_text(encoding="utf-8")
        moc_name = f"moc_{name}.cpp" if f"moc_{name}.cpp" in generated else f"{name}.moc"
        tool(moc, *flags, f"{name}.h", "-o", moc_name, cwd=work)
        sources.append(work / f"{name}.cpp")
    for name in MOC_HEADERS:
        tool(moc, *flags, str(source / f"{name}.h"), "-o", f"moc_{name}.cpp", cwd=work)
        sources.append(work / f"moc_{name}.cpp")

    def compile_one(path: Path) -> Path:
        target = work / f"{path.stem}.o"
        subprocess.run(["g++", "-std=c++17", "-O2", "-fPIC", "-fvisibility=hidden",
                        "-fvisibility-inlines-hidden", "-w", *flags, "-c", str(path), "-o",
                        str(target)], check=True, timeout=600)
        return target

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        objects = list(pool.map(compile_one, sources))
    plugin.parent.mkdir(parents=True, exist_ok=True)
    # RUNPATH as the wheel's own plugins have it: plugins/<kind>/ → Qt/lib.
    subprocess.run(["g++", "-shared", "-o", str(plugin), *map(str, objects), f"-L{wheel.lib}",
                    "-l:libQt6DBus.so.6", "-l:libQt6Gui.so.6", "-l:libQt6Core.so.6",
                    "-l:libxkbcommon.so.0", "-Wl,--no-undefined", "-Wl,--as-needed",
                    "-Wl,-rpath,$ORIGIN/../../lib", f"-Wl,-rpath-link,{wheel.lib}", "-s"],
                   check=True, timeout=600)


LOAD_CHECK = """
import sys
from PySide6.QtCore import QPluginLoader
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
loader = QPluginLoader(sys.argv[1])
if not loader.load():
    sys.exit(loader.errorString())
print(",".join(loader.metaData()["MetaData"]["Keys"]))
"""


def check_loads(plugin: Path) -> list[str]:
    """The plugin's keys, as this interpreter's Qt loads it (it refuses a wrong build)."""
    result = subprocess.run([sys.executable, "-c", LOAD_CHECK, str(plugin)], capture_output=True,
                            text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if result.returncode != 0:
        raise SystemExit(f"the built plugin does not load into this Qt: {result.stderr[-2000:]}")
    return result.stdout.strip().split(",")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "qt-plugins",
                        help="where Qt-<version>/platforminputcontexts/ is written")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "fcitx-plugin-work",
                        help="apt lists, downloads and object files (kept between runs)")
    parser.add_argument("--mirror", help="Debian archive URI (default: this machine's)")
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        print("the fcitx plugin is for Linux only", file=sys.stderr)
        return 2
    for needed in ("apt-get", "apt-cache", "dpkg-deb", "g++"):
        if not shutil.which(needed):
            print(f"{needed} is missing (Debian: apt-get install g++ dpkg apt)", file=sys.stderr)
            return 2
    wheel = this_wheel()
    out = args.out / f"Qt-{wheel.version}"
    plugin = out / "platforminputcontexts" / PLUGIN_NAME
    stamp_path = out / "fcitx-plugin.json"
    architecture = subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                                  text=True, check=True, timeout=60).stdout.strip()
    work = args.work.resolve()
    apt = Apt(work / "apt", args.mirror or system_mirror(), architecture)
    apt.update()
    try:
        qt = matching_qt(apt.qt_versions(), wheel.version)
    except NoMatchingQtError as exc:
        print(exc, file=sys.stderr)
        return 3
    tarball = apt.source_tarball("fcitx-qt5", work / "source")
    stamp = {"qt": wheel.version, "debian_qt6_base": qt.version, "suite": qt.suite,
             "fcitx_qt5": tarball.name, "architecture": architecture,
             "machine": platform.machine(), "plugin": str(plugin.relative_to(out))}
    if plugin.is_file() and stamp_path.is_file() and json.loads(
            stamp_path.read_text(encoding="utf-8")) == stamp:
        print(f"fcitx plugin for Qt {wheel.version} already built: {plugin}")
        return 0
    with tempfile.TemporaryDirectory(prefix="fcitx-plugin-", dir=work) as tmp:
        scratch = Path(tmp)
        debs = apt.download([f"{name}={qt.version}" for name in (
            "qt6-base-dev", "qt6-base-private-dev", "qt6-base-dev-tools")]
            # x11proto-dev: XF86keysym.h, which a machine without X11 headers lacks.
            + [f"{name}/{qt.suite}" for name in (*TOOL_RUNTIME, "libxkbcommon-dev",
                                                 "x11proto-dev")],
            scratch / "debs")
        root = scratch / "root"
        unpack(debs, root)
        with tarfile.open(tarball) as archive:
            archive.extractall(scratch / "source", filter="data")
        [top] = (scratch / "source").iterdir()
        objects = scratch / "objects"
        objects.mkdir()
        build(wheel, root, top / "qt5" / "platforminputcontext", objects, plugin)
    keys = check_loads(plugin)
    if "fcitx" not in keys:
        raise SystemExit(f"the built plugin answers to {keys}, not to fcitx")
    stamp_path.write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    print(f"fcitx plugin for Qt {wheel.version} (Debian qt6-base {qt.version}, {qt.suite}; "
          f"{tarball.name}): {plugin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
