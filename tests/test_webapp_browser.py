"""End-to-end test of the web app in a real headless browser.

Starts `deepfake-webapp` (the console script, as a user would) on a free local port with tiny random checkpoints,
drives Debian's Chromium through Playwright, uploads a sample clip, a sample face, a clip + face pair and a corrupt
file, and reads the outcome off the page. Also checks that uploads are deleted after scoring and that the page makes
no request outside the local server (the test machine has no internet).
"""
from __future__ import annotations
import os, re, shutil, signal, subprocess, sys, time, urllib.request
from pathlib import Path

import numpy as np
import pytest

from deepfake_nb.webapp import CHROMIUM, free_port, score_in_browser

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / 'samples'
CLIP = SAMPLES / 'audio_dev_fake_a02ce9932c69d_00.flac'
FACE = SAMPLES / 'image_dev_real_i01eaa6e49e5d.jpg'

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f'{CHROMIUM} not found: install Debian chromium (apt-get install -y chromium); .ci/run does')


def _command() -> list[str]:
    "The installed console script, or the same entry point through this interpreter."
    exe = shutil.which('deepfake-webapp')
    return [exe] if exe else [sys.executable, '-c', 'from deepfake_nb.webapp import main; main()']


def _wait_up(url: str, proc: subprocess.Popen, log: Path, timeout_s: float = 240.0) -> None:
    "Poll `url` until the server answers; fail with the server log if it dies or never answers."
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if proc.poll() is not None: pytest.fail(f'deepfake-webapp exited with {proc.returncode}:\n{log.read_text()[-3000:]}')
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200: return
        except OSError: time.sleep(1.0)
    pytest.fail(f'deepfake-webapp did not answer within {timeout_s:.0f} s:\n{log.read_text()[-3000:]}')


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    "A running `deepfake-webapp` with tiny random checkpoints; yields (url, upload_dir, log)."
    from deepfake_nb.testing import make_tiny_checkpoints
    tmp = tmp_path_factory.mktemp('webapp')
    ck = make_tiny_checkpoints(tmp / 'ckpt')
    # the image model's operating point puts every score in the uncertain band, so the page shows that outcome too
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file
    with safe_open(str(ck['image']), framework='pt') as f: meta = dict(f.metadata())
    meta['operating_point'] = '{"threshold": 0.5, "real_below": 0.0, "fake_above": 0.9999, "split": "test"}'
    save_file(load_file(str(ck['image'])), str(ck['image']), metadata=meta)
    uploads, log = tmp / 'uploads', tmp / 'server.log'
    port = free_port()
    env = {**os.environ, 'GRADIO_ANALYTICS_ENABLED': 'False', 'NO_PROXY': '127.0.0.1,localhost', 'no_proxy': '127.0.0.1,localhost'}
    env.pop('GRADIO_TEMP_DIR', None)
    with open(log, 'w') as f:
        proc = subprocess.Popen(_command() + ['--port', str(port), '--max-file-size', '5', '--audio-checkpoint', str(ck['audio']),
                                              '--image-checkpoint', str(ck['image']), '--upload-dir', str(uploads)],
                                stdout=f, stderr=subprocess.STDOUT, env=env, cwd=tmp, start_new_session=True)
    url = f'http://127.0.0.1:{port}'
    try:
        _wait_up(url, proc, log)
        yield url, uploads, log
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try: proc.wait(30)
            except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL); proc.wait()


def _leftovers(upload_dir: Path) -> list[Path]:
    "Files with content still in the upload folder (gradio leaves empty multipart temp files, which hold no data)."
    return [p for p in upload_dir.rglob('*') if p.is_file() and p.stat().st_size > 0]


def _check_verdict(out: dict) -> float:
    "Assert the page shows a verdict and a score in [0, 1]; return the score."
    assert out['error'] is None, out['text']
    assert out['verdict'] in ('REAL', 'UNCERTAIN', 'FAKE'), out['text']
    score = float(out['score'])
    assert 0.0 <= score <= 1.0
    lo = float(re.search(r'real below\s+([0-9.]+)', out['text']).group(1))
    hi = float(re.search(r'fake at or above\s+([0-9.]+)', out['text']).group(1))
    want = 'FAKE' if score >= hi else ('REAL' if score < lo else 'UNCERTAIN')
    assert out['verdict'] == want, out['text']   # the verdict follows the two thresholds it shows
    if want == 'UNCERTAIN': assert out['confidence'] == '—'
    else: assert re.fullmatch(r'\d{1,3}%', out['confidence']) and int(out['confidence'][:-1]) >= 50
    assert out['external'] == [], f'the page requested outside resources: {out["external"]}'
    assert 'Traceback' not in out['page_text']
    return score


def test_server_binds_localhost_only(server):
    url, _, log = server
    assert url.startswith('http://127.0.0.1:')
    assert 'serving on http://127.0.0.1:' in log.read_text()


# screenshots of each outcome: into nbs/images (committed) with DEEPFAKE_NB_SCREENSHOTS=1, else a temporary folder (a test run leaves the tree clean)
SHOTS = ROOT / 'nbs' / 'images' if os.environ.get('DEEPFAKE_NB_SCREENSHOTS') == '1' else Path(__import__('tempfile').mkdtemp(prefix='webapp-shots-'))


def test_audio_upload_shows_verdict(server):
    url, uploads, _ = server
    out = score_in_browser(url, audio=CLIP, screenshot=SHOTS / 'webapp_voice_verdict.png')
    _check_verdict(out)
    assert out['verdict'] in ('REAL', 'FAKE')  # the audio model's operating point is the single threshold 0.5
    assert CLIP.name in out['text'] and 'audio score' in out['text']
    assert _leftovers(uploads) == []          # the upload (gradio's cache copy) is gone once scored


def test_image_upload_shows_verdict(server):
    url, uploads, _ = server
    out = score_in_browser(url, image=FACE, screenshot=SHOTS / 'webapp_face_uncertain.png')
    _check_verdict(out)
    assert out['verdict'] == 'UNCERTAIN'  # the image model's band covers [0, 0.9999)
    assert FACE.name in out['text']
    assert _leftovers(uploads) == []


def test_audio_and_image_are_fused(server):
    url, uploads, _ = server
    out = score_in_browser(url, audio=CLIP, image=FACE, screenshot=SHOTS / 'webapp_pair_explained.png')
    _check_verdict(out)
    assert 'What drove it: the voice scored' in out['text'], out['text']
    fused = re.search(r'fused score\s+([0-9.]+)', out['text'])
    inc = re.search(r'inconsistency\s+([0-9.]+)', out['text'])
    assert fused and inc, out['text']
    assert float(fused.group(1)) == pytest.approx(float(out['score']), abs=1e-3)
    assert _leftovers(uploads) == []


def test_video_upload_shows_verdict(server, tmp_path):
    from deepfake_nb.testing import make_test_video
    url, uploads, _ = server
    video = make_test_video(tmp_path / 'talk.mp4', FACE, CLIP, seconds=2.0)
    out = score_in_browser(url, video=video)
    _check_verdict(out)
    assert 'talk.mp4' in out['text'] and re.search(r'fused score\s+[0-9.]+', out['text']), out['text']
    assert _leftovers(uploads) == []


def test_out_of_scope_inputs_abstain(server):
    "An image without a face and a clip without speech: ABSTAIN with the reason, no score, no confidence."
    url, uploads, _ = server
    for kw, reason, shot in ((dict(image=SAMPLES / 'image_noscope_testpattern.png'), 'no face found', 'webapp_abstain_noface.png'),
                             (dict(audio=SAMPLES / 'audio_noscope_tones.flac'), 'no speech found', 'webapp_abstain_nospeech.png')):
        out = score_in_browser(url, **kw, screenshot=SHOTS / shot)
        assert out['verdict'] == 'ABSTAIN' and out['score'] is None and out['confidence'] is None, out['text']
        assert reason in out['text'] and out['external'] == []
        assert _leftovers(uploads) == []


def test_corrupt_file_shows_readable_error(server, tmp_path):
    url, uploads, _ = server
    bad = tmp_path / 'x.flac'
    bad.write_bytes(np.random.default_rng(0).bytes(20_000))
    out = score_in_browser(url, audio=bad)
    assert out['verdict'] is None
    assert out['error'] is not None and out['error'].startswith('x.flac: '), out['text']
    assert 'not a readable audio file' in out['error']
    assert 'Traceback' not in out['page_text'] and str(uploads) not in out['page_text']   # no traceback, no server paths
    assert _leftovers(uploads) == []


def test_upload_over_size_limit_is_refused(server):
    import httpx
    url, uploads, _ = server
    big = b'\0' * (6 * 1024 * 1024)             # the server runs with --max-file-size 5 (MB)
    r = httpx.post(f'{url}/gradio_api/upload', files={'files': ('big.flac', big)}, timeout=60)
    assert r.status_code == 413, (r.status_code, r.text[:200])
    ok = httpx.post(f'{url}/gradio_api/upload', files={'files': ('small.flac', b'\0' * 1000)}, timeout=60)
    assert ok.status_code == 200                 # the limit, not the endpoint, refused the big one
    for p in ok.json(): Path(p).unlink()         # not scored through the page, so remove it here
    assert _leftovers(uploads) == []


def test_default_upload_folder_is_private_and_removed_on_exit(tmp_path):
    "Without --upload-dir the server makes a private temporary folder and removes it when it is stopped (SIGTERM)."
    from deepfake_nb.testing import make_tiny_checkpoints
    ck = make_tiny_checkpoints(tmp_path / 'ckpt', modalities=('audio',))
    port, log = free_port(), tmp_path / 'server.log'
    env = {k: v for k, v in os.environ.items() if k != 'GRADIO_TEMP_DIR'}
    with open(log, 'w') as f:
        proc = subprocess.Popen(_command() + ['--port', str(port), '--audio-checkpoint', str(ck['audio']), '--no-explain'],
                                stdout=f, stderr=subprocess.STDOUT, env=env, cwd=tmp_path, start_new_session=True)
    try:
        _wait_up(f'http://127.0.0.1:{port}', proc, log)
        m = re.search(r'kept in (\S+) only while scored', log.read_text())
        assert m, log.read_text()
        folder = Path(m.group(1))
        assert folder.is_dir() and (folder.stat().st_mode & 0o077) == 0     # readable by this user only
        out = score_in_browser(f'http://127.0.0.1:{port}', audio=CLIP)
        _check_verdict(out)
        assert _leftovers(folder) == []
        proc.send_signal(signal.SIGTERM); proc.wait(60)
        assert not folder.exists()
    finally:
        if proc.poll() is None: os.killpg(proc.pid, signal.SIGKILL); proc.wait()
