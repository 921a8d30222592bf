"""Start `deepfake-webapp` (the console script, as a user would) on a free local port with tiny random checkpoints, for the
browser test and the REST endpoint test."""
from __future__ import annotations
import os, shutil, signal, subprocess, sys, time, urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / 'samples'


def command() -> list[str]:
    "The installed console script, or the same entry point through this interpreter."
    exe = shutil.which('deepfake-webapp')
    if exe and 'deepfake_nb.cli' not in Path(exe).read_text(errors='ignore'): exe = None   # installed before the entry points moved to deepfake_nb.cli
    return [exe] if exe else [sys.executable, '-c', 'from deepfake_nb.cli import webapp_main; webapp_main()']


def wait_up(url: str, proc: subprocess.Popen, log: Path, timeout_s: float = 240.0) -> None:
    "Poll `url` until the server answers; fail with the server log if it dies or never answers."
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if proc.poll() is not None: pytest.fail(f'deepfake-webapp exited with {proc.returncode}:\n{log.read_text()[-3000:]}')
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200: return
        except OSError: time.sleep(1.0)
    pytest.fail(f'deepfake-webapp did not answer within {timeout_s:.0f} s:\n{log.read_text()[-3000:]}')


def files_in(folder: Path) -> set[Path]:
    "Files with content in `folder` (gradio leaves empty multipart temp files, which hold no data)."
    return {p for p in folder.rglob('*') if p.is_file() and p.stat().st_size > 0}


def wait_clean(folder: Path, baseline: set, timeout_s: float = 30.0) -> list[Path]:
    "Wait until `folder` holds nothing beyond `baseline` (a closed page's uploads go when the server sees it close); the rest."
    t0 = time.monotonic()
    while True:
        left = sorted(files_in(folder) - baseline)
        if not left or time.monotonic() - t0 > timeout_s: return left
        time.sleep(0.5)


@contextmanager
def running_webapp(tmp: Path, *extra: str):
    "A running `deepfake-webapp` with tiny random checkpoints; yields (url, upload_dir, log, baseline files)."
    from deepfake_nb.testing import make_tiny_checkpoints
    ck = make_tiny_checkpoints(tmp / 'ckpt')
    # the image model's operating point puts every score in the uncertain band, so the page shows that outcome too
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file
    with safe_open(str(ck['image']), framework='pt') as f: meta = dict(f.metadata())
    meta['operating_point'] = '{"threshold": 0.5, "real_below": 0.0, "fake_above": 0.9999, "split": "test"}'
    save_file(load_file(str(ck['image'])), str(ck['image']), metadata=meta)
    uploads, log = tmp / 'uploads', tmp / 'server.log'
    from deepfake_nb.webapp import free_port
    port = free_port()
    env = {**os.environ, 'GRADIO_ANALYTICS_ENABLED': 'False', 'NO_PROXY': '127.0.0.1,localhost', 'no_proxy': '127.0.0.1,localhost'}
    env.pop('GRADIO_TEMP_DIR', None)
    with open(log, 'w') as f:
        proc = subprocess.Popen(command() + ['--port', str(port), '--max-file-size', '5', '--audio-checkpoint', str(ck['audio']),
                                             '--image-checkpoint', str(ck['image']), '--upload-dir', str(uploads),
                                             '--examples', str(SAMPLES), *extra],
                                stdout=f, stderr=subprocess.STDOUT, env=env, cwd=tmp, start_new_session=True)
    url = f'http://127.0.0.1:{port}'
    try:
        wait_up(url, proc, log)
        yield url, uploads, log, files_in(uploads)   # the baseline: the examples' cached copies, kept while the server runs
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try: proc.wait(30)
            except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL); proc.wait()
