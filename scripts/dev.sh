#!/usr/bin/env bash
# The project's single entry point for a fresh Debian machine (run as root) and for CI.
#
#   bash scripts/dev.sh install   system packages + .venv with the package and its extras
#   bash scripts/dev.sh run       install, then the app on 127.0.0.1:8501 over the samples
#   bash scripts/dev.sh test      install, then linters, type checks and the whole test suite
#
# The Dockerfile runs the same 'install' step, so CI exercises what the image does.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${WORKBENCH_VENV:-$ROOT/.venv}"

# Debian packages: Tesseract with the Persian, Arabic, English and orientation models; fonts
# with Persian glyphs (the samples and any re-typesetting use them); FriBiDi, which Pillow's
# right-to-left layout loads at run time. ExifTool is the reference the metadata tests compare
# against (not a run-time dependency); Chromium is the browser the app's end-to-end test drives.
APT_PACKAGES=(
  tesseract-ocr tesseract-ocr-fas tesseract-ocr-ara tesseract-ocr-eng tesseract-ocr-osd
  fonts-farsiweb fonts-noto-core libfribidi0 libraqm0 libimage-exiftool-perl chromium
  # Faces of the independent forensic corpus (benchmarks/corpus_pages.py), none used by samples.
  fonts-hosny-amiri fonts-sil-scheherazade fonts-sil-lateef fonts-kacst
)

log() { printf '==> %s\n' "$*" >&2; }

need_python_venv() {
  ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1
}

install_system() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  if need_python_venv; then
    missing+=(python3 python3-venv python3-pip)
  fi
  if [ "${#missing[@]}" -eq 0 ]; then
    log "system packages already installed"
    return
  fi
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "missing system packages: ${missing[*]}"
    log "install them as root with apt-get (this script does so when run as root on Debian)"
    exit 1
  fi
  log "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV"
    python3 -m venv "$VENV"
  fi
  local version
  version="$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  if ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    log "Python $version in $VENV is too old; the workbench needs 3.11 or newer"
    exit 1
  fi
  log "installing the workbench and its extras into $VENV (Python $version)"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[app,dev,reader,meaning]"
  # The editable install imports the workbench from this tree; where PYTHONDONTWRITEBYTECODE
  # is set (the Docker image) or the tree is read-only, Python compiled its ~130 modules
  # again in every process (0.25-0.3 s of CPU per `workbench check`). Compiled once here.
  "$VENV/bin/python" -m compileall -q workbench checks || echo "sources not byte-compiled" >&2
  # ParisaOCR's Persian line recognizer (Apache-2.0) ships inside its wheel; the workbench
  # runs it with the CPU torch of the 'reader' extra, so the wheel's own dependencies
  # (Kraken, torchvision, a GPU build of torch) are not installed.
  "$VENV/bin/python" -m pip install -q --no-deps "parisaocr==0.7.2"
  # Its network exported once to ONNX: the reader then runs on ONNX Runtime without importing
  # torch (seconds per analysis). Skipped when the export is up to date.
  # A failed export leaves the reader on torch (slower to load), not the install broken.
  "$VENV/bin/python" -m workbench.imaging.recognition.line_onnx \
    || echo "ONNX export of the line recognizer failed: the second reader will use torch" >&2
}

install() {
  install_system
  install_python
}

run_main() {
  install
  # The app over the samples, on the embedded SQLite store (default: the per-user data folder;
  # WORKBENCH_STORE chooses another). It serves at once; samples not yet in the store are
  # analysed in the background.
  exec "$VENV/bin/workbench" app --samples samples --port "${WORKBENCH_PORT:-8501}"
}

run_tests() {
  install
  log "ruff"
  "$VENV/bin/ruff" check .
  "$VENV/bin/ruff" format --check workbench checks tests
  log "mypy"
  "$VENV/bin/mypy"
  log "pytest"
  "$VENV/bin/python" -m pytest "$@"
}

case "${1:-}" in
  install) install ;;
  run) run_main ;;
  test) shift; run_tests "$@" ;;
  *) echo "usage: bash scripts/dev.sh install|run|test [pytest args]" >&2; exit 2 ;;
esac
