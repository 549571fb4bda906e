"""Build the Debian package from the PyInstaller bundle:

    python scripts/build_deb.py dist/hotline-agent --out dist [--server-url URL]

Installs the bundle under /opt/hotline-agent, `agent-app` on the PATH, a desktop entry with the
icon and the Chinese name, and the machine-wide /etc/agent-app/config.toml (a conffile: an
upgrade keeps what IT wrote there). The user's local database lives in their own data folder,
which the package never touches; the new version migrates it at its first start.

Depends: the packages of the system libraries the bundle's binaries link against (looked up
with objdump, ldconfig and dpkg on the build machine), the Qt runtime packages the client
names when one is missing (agent_app/qt_check.py), a CJK font, and libc6 at least as new as
the newest glibc symbol version the binaries use.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent_app import __version__  # noqa: E402
from agent_app.qt_check import LIBRARY_PACKAGES  # noqa: E402

PACKAGE = "hotline-agent"
INSTALL_DIR = Path("opt") / PACKAGE
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Loaded with dlopen, so no binary names them: TLS for requests and Qt, and the CJK font.
RUNTIME_PACKAGES = {"libssl3", "fonts-noto-cjk", "fontconfig"}
# Qt's own plugins may name libraries of optional desktop integrations; the client works
# without them, so they are recommended rather than required.
OPTIONAL_LIBRARIES = {"libgtk-3.so.0", "libgdk-3.so.0"}

DESKTOP_ENTRY = """\
[Desktop Entry]
Type=Application
Name=12345热线坐席
Name[zh_CN]=12345热线坐席
Name[en]=12345 Hotline Agent
GenericName=Hotline agent desktop
GenericName[zh_CN]=热线坐席客户端
Comment=Take and follow up 12345 government service hotline appeals
Comment[zh_CN]=12345政务服务便民热线受理、派单、督办与回访
Exec=/usr/bin/agent-app
Icon=hotline-agent
Terminal=false
Categories=Office;
StartupWMClass=agent-app
"""

CONFIG_TEMPLATE = """\
# 12345热线坐席 — settings for every user of this computer (TOML).
# A user's own settings (in their profile) override these; the package keeps this file as
# edited on upgrades.
#
# Address of the central server:
{server_line}
#
# PEM file of the certificate authority that signed the server's certificate, when it is not
# in the system's trust store:
# ca_bundle = "/usr/local/share/ca-certificates/centre-ca.crt"
"""


def elf_files(bundle: Path) -> list[Path]:
    found = []
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def needed_libraries(binaries: list[Path]) -> tuple[set[str], str]:
    """Sonames the binaries need, and the newest GLIBC_x.y symbol version among them."""
    needed: set[str] = set()
    newest = (2, 0)
    for chunk in range(0, len(binaries), 200):
        batch = [str(b) for b in binaries[chunk:chunk + 200]]
        headers = subprocess.run(["objdump", "-p", *batch], capture_output=True, text=True,
                                 check=True).stdout
        needed.update(re.findall(r"^\s+NEEDED\s+(\S+)", headers, re.MULTILINE))
        for major, minor in re.findall(r"\bGLIBC_(\d+)\.(\d+)", headers):
            newest = max(newest, (int(major), int(minor)))
    return needed, f"{newest[0]}.{newest[1]}"


def system_library_paths() -> dict[str, Path]:
    """soname → path for this machine's architecture, from the dynamic linker's cache."""
    listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True,
                             check=True).stdout
    paths: dict[str, Path] = {}
    for line in listing.splitlines()[1:]:
        described, _, target = line.strip().partition(" => ")
        soname, _, flags = described.partition(" (")
        if target and _this_architecture(flags):
            paths.setdefault(soname, Path(target))
    return paths


def _this_architecture(flags: str) -> bool:
    # ldconfig -p lists other architectures' libraries too: "(libc6)" for i386 beside
    # "(libc6,x86-64)".
    return "x86-64" in flags if os.uname().machine == "x86_64" else True


def owning_packages(paths: list[Path]) -> dict[Path, str]:
    """The Debian package holding each path, in one dpkg query; merged-/usr systems record
    either spelling (/lib/… or /usr/lib/…)."""
    spellings: dict[str, Path] = {}
    for path in paths:
        text = str(path)
        for spelling in (text, str(path.resolve()), "/usr" + text,
                         text.removeprefix("/usr")):
            spellings.setdefault(spelling, path)
    # dpkg -S answers "package[, package]: path" for each spelling it knows, and complains
    # about the others on stderr.
    listing = subprocess.run(["dpkg", "-S", *spellings], capture_output=True, text=True).stdout
    owners: dict[Path, str] = {}
    for line in listing.splitlines():
        packages, _, spelling = line.partition(": ")
        if spelling in spellings:
            owners.setdefault(spellings[spelling], packages.split(",")[0].split(":")[0].strip())
    return owners


def depends(bundle: Path) -> tuple[list[str], list[str]]:
    """(Depends, Recommends) for the bundle."""
    binaries = elf_files(bundle)
    inside = {b.name for b in binaries} | {p.name for p in bundle.rglob("*") if p.is_symlink()}
    needed, glibc = needed_libraries(binaries)
    system = system_library_paths()
    required: set[str] = set(RUNTIME_PACKAGES) | set(LIBRARY_PACKAGES.values())
    recommended: set[str] = set()
    unresolved: list[str] = []
    outside = sorted(needed - inside)
    owners = owning_packages([system[soname] for soname in outside if soname in system])
    for soname in outside:
        package = owners.get(system[soname]) if soname in system else None
        if package is None:
            if soname not in OPTIONAL_LIBRARIES:
                unresolved.append(soname)
            continue
        (recommended if soname in OPTIONAL_LIBRARIES else required).add(package)
    if unresolved:
        raise SystemExit("no Debian package found on this machine for: "
                         + ", ".join(unresolved) + " (install them, then build again)")
    required.discard("libc6")
    return [f"libc6 (>= {glibc})", *sorted(required)], sorted(recommended - required)


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()


def _link_or_copy(source: str, target: str) -> None:
    # The bundle is large; hard links spare copying it when both are on one file system.
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def stage(bundle: Path, root: Path, server_url: str | None) -> None:
    shutil.copytree(bundle, root / INSTALL_DIR, symlinks=True, copy_function=_link_or_copy)
    icons = bundle / "_internal" / "resources" / "icons"  # rendered by build.spec
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    # Relative, so the package also runs from a throwaway root unpacked with dpkg -x.
    (bin_dir / "agent-app").symlink_to(Path("..", "..", INSTALL_DIR, "agent-app"))
    share = root / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    (share / "applications" / f"{PACKAGE}.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
    hicolor = share / "icons" / "hicolor"
    for size in ICON_SIZES:
        folder = hicolor / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        shutil.copyfile(icons / f"hotline-agent-{size}.png", folder / f"{PACKAGE}.png")
    (hicolor / "scalable" / "apps").mkdir(parents=True)
    shutil.copyfile(icons / "hotline-agent.svg", hicolor / "scalable" / "apps" / f"{PACKAGE}.svg")
    config = root / "etc" / "agent-app" / "config.toml"
    config.parent.mkdir(parents=True)
    server_line = (f'server_url = "{server_url}"' if server_url
                   else '# server_url = "https://12345.example.gov.cn"')
    config.write_text(CONFIG_TEMPLATE.format(server_line=server_line), encoding="utf-8")
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            executable = path.is_dir() or os.access(path, os.X_OK)
            path.chmod(0o755 if executable else 0o644)


def control(bundle: Path, root: Path) -> str:
    required, recommended = depends(bundle)
    installed_kb = sum(p.lstat().st_size for p in root.rglob("*") if not p.is_dir()) // 1024
    lines = [
        f"Package: {PACKAGE}",
        f"Version: {__version__}",
        f"Architecture: {architecture()}",
        "Maintainer: 12345 Hotline IT <it@hotline12345.invalid>",
        f"Installed-Size: {installed_kb}",
        "Section: misc",
        "Priority: optional",
        f"Depends: {', '.join(required)}",
    ]
    if recommended:
        lines.append(f"Recommends: {', '.join(recommended)}")
    lines += [
        "Description: 12345 government service hotline agent desktop (12345热线坐席)",
        " Operators take citizens' appeals, find knowledge-base answers and follow tickets",
        " through dispatch, reply, supervision and callback; it keeps working offline on a",
        " local cache and syncs with the centre's server. The server address and CA bundle",
        " for all users are set in /etc/agent-app/config.toml.",
    ]
    return "\n".join(lines) + "\n"


def build(bundle: Path, out_dir: Path, *, server_url: str | None = None,
          compression: str = "xz", compression_level: int = 6) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{PACKAGE}_{__version__}_{architecture()}.deb"
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        root = Path(tmp) / "root"
        stage(bundle, root, server_url)
        debian = root / "DEBIAN"
        debian.mkdir()
        (debian / "control").write_text(control(bundle, root), encoding="utf-8")
        (debian / "conffiles").write_text("/etc/agent-app/config.toml\n", encoding="utf-8")
        for name in ("control", "conffiles"):
            (debian / name).chmod(0o644)
        debian.chmod(0o755)
        subprocess.run(["dpkg-deb", "--root-owner-group", f"-z{compression_level}",
                        f"-Z{compression}",
                        f"--threads-max={os.cpu_count() or 1}",
                        "--build", str(root), str(target)], check=True,
                       stdout=subprocess.DEVNULL)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="the PyInstaller folder (dist/hotline-agent)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--server-url", help="write this server address into the config file")
    parser.add_argument("--compression", choices=["xz", "gzip"], default="xz")
    parser.add_argument("--compression-level", type=int, default=6, choices=range(0, 10))
    args = parser.parse_args()
    if not (args.bundle / "agent-app").is_file():
        parser.error(f"{args.bundle} holds no agent-app: build the bundle first")
    print(build(args.bundle, args.out, server_url=args.server_url,
                compression=args.compression, compression_level=args.compression_level))


if __name__ == "__main__":
    main()
