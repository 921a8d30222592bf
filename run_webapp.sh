#!/usr/bin/env bash
# Start the deepfake_nb web page, on this computer only: http://127.0.0.1:7860 (Ctrl+C stops it).
# Any option is passed to deepfake-webapp, e.g.
#   ./run_webapp.sh --port 8000 --max-file-size 20
#   ./run_webapp.sh --audio-checkpoint runs/audio/best.safetensors
#   ./run_webapp.sh --host 0.0.0.0        # expose the page to your network (think twice)
# Run `deepfake-webapp --help` for every option. Needs the package installed: pip install -e .
set -euo pipefail
cd "$(dirname "$0")"
export GRADIO_ANALYTICS_ENABLED=False
if command -v deepfake-webapp >/dev/null 2>&1; then exec deepfake-webapp "$@"; fi
PY=$(command -v python3 || command -v python || true)
if [ -z "$PY" ]; then echo "run_webapp.sh: python not found" >&2; exit 1; fi
if ! "$PY" -c "import deepfake_nb.webapp" >/dev/null 2>&1; then
  echo "run_webapp.sh: deepfake_nb is not installed; run 'pip install -e .' in $(pwd) first" >&2; exit 1
fi
exec "$PY" -c "from deepfake_nb.cli import webapp_main; webapp_main()" "$@"
