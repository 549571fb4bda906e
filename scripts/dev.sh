#!/usr/bin/env bash
# One entry point for a fresh Debian machine with Python 3.11:
#   bash scripts/dev.sh demo   install, then start `agent-app --demo`
#   bash scripts/dev.sh test   install, then run ruff, mypy and the whole test suite
# It installs the Debian packages Qt needs (CJK fonts, xcb/EGL libraries) when they are missing,
# creates .venv and installs the project into it; repeated runs skip what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
case "$mode" in
  demo|test) ;;
  *) echo "usage: bash scripts/dev.sh demo|test" >&2; exit 2 ;;
esac

# What PySide6-Essentials loads on Linux, the xcb platform plugin's extras, and a CJK font.
debs=(fonts-noto-cjk fontconfig libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0
      libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0 libx11-xcb1 libxcb-cursor0
      libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
      libxcb-shape0 libxcb-xinerama0 libxcb-xkb1)
if [ "$mode" = test ]; then
  debs+=(postgresql)  # the server tests run against SQLite and a throwaway PostgreSQL cluster
  # The installer test builds the bundle (PyInstaller reads binaries with objdump) and the .deb,
  # whose Depends are looked up for every library the bundle links against, Wayland's too.
  debs+=(binutils libwayland-client0 libwayland-cursor0)
fi
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if ! "$python" -c 'import ensurepip' 2>/dev/null; then
  debs+=(python3-venv)
fi
# The installer test's bundle carries the shared libpython, which Debian's own interpreter
# leaves to a package of its own.
if [ "$mode" = test ] && [ "$("$python" -c 'import sys; print(sys.base_prefix)')" = /usr ]; then
  debs+=("libpython$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')")
fi

install_debs() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "not a Debian-based system: please install the equivalents of: ${missing[*]}" >&2
    return 0
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

if command -v dpkg-query >/dev/null; then
  install_debs "${debs[@]}"
fi

"$python" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"Python 3.11 or newer is needed, found {sys.version.split()[0]}")
PY

# Reinstall only when the dependency list changed.
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if [ "$mode" = demo ]; then
  if [ "$(uname -s)" = Linux ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "no display found: start the demo from a desktop session (or set DISPLAY)" >&2
    exit 1
  fi
  exec .venv/bin/agent-app --demo
fi

export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check agent_app central_api tests benchmarks scripts
# The strictly typed packages: [tool.mypy] in pyproject.toml.
.venv/bin/mypy
set +e
.venv/bin/python -m pytest "${@:2}"
status=$?
set -e
if [ $status -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit $status
