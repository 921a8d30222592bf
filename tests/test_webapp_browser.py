"""End-to-end test of the web app in a real headless browser.

Starts `deepfake-webapp` (the console script, as a user would) on a free local port with tiny random checkpoints,
drives Debian's Chromium through Playwright, uploads a sample clip into the audio player, a sample face into the image
preview, a clip + face pair, a video and a corrupt file, clicks the examples row, and reads the outcome off the page:
the verdict, the pictures of the given modalities only, and the uploads still shown after Score. Also checks that the
server deletes every upload once the page is closed (the scoring copies at once), keeps the examples' files, and that
the page makes no request outside the local server (the test machine has no internet).
"""
from __future__ import annotations
import os, re, signal, subprocess, tempfile
from pathlib import Path

import numpy as np
import pytest

from deepfake_nb.webapp import CHROMIUM, EXAMPLES, SCORING, free_port, score_in_browser
from _webapp_server import ROOT, SAMPLES, command, files_in, running_webapp, wait_clean, wait_up

CLIP = SAMPLES / 'audio_dev_fake_a02ce9932c69d_00.flac'
FACE = SAMPLES / 'image_dev_real_i01eaa6e49e5d.jpg'

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f'{CHROMIUM} not found: install Debian chromium (apt-get install -y chromium); .ci/run does')


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    "A running `deepfake-webapp` with tiny random checkpoints; yields (url, upload_dir, log, baseline files)."
    with running_webapp(tmp_path_factory.mktemp('webapp')) as s: yield s


def _clean_after(server) -> None:
    "Once the browser is closed, nothing but the examples' cached copies is left, and those are all still there."
    _, uploads, _, baseline = server
    assert wait_clean(uploads, baseline) == []
    assert all(p.exists() for p in baseline)
    assert not any(p.is_file() for p in (uploads / SCORING).rglob('*'))


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
    url, _, log, baseline = server
    assert url.startswith('http://127.0.0.1:')
    assert 'serving on http://127.0.0.1:' in log.read_text() and '/api/score' in log.read_text()
    assert len(baseline) == len({f for _, a, i in EXAMPLES for f in (a, i) if f})   # the examples' files, cached once each


# screenshots of each outcome: into nbs/images (committed) with DEEPFAKE_NB_SCREENSHOTS=1, else a temporary folder (a test run leaves the tree clean)
SHOTS = ROOT / 'nbs' / 'images' if os.environ.get('DEEPFAKE_NB_SCREENSHOTS') == '1' else Path(tempfile.mkdtemp(prefix='webapp-shots-'))


def test_page_says_what_is_kept_where(server):
    out = score_in_browser(server[0], audio=CLIP, screenshot=SHOTS / 'webapp_voice_verdict.png')
    _check_verdict(out)
    assert 'deleted as soon as it is scored' in out['page_text'] and 'close or reload the page' in out['page_text']
    assert out['kept'] == ['audio'] and out['panels'] == ['audio']   # the clip stays in its player; only the voice picture
    assert out['verdict'] in ('REAL', 'FAKE')  # the audio model's operating point is the single threshold 0.5
    assert CLIP.name in out['text'] and 'audio score' in out['text']
    _clean_after(server)


def test_image_upload_shows_verdict(server):
    out = score_in_browser(server[0], image=FACE, screenshot=SHOTS / 'webapp_face_uncertain.png')
    _check_verdict(out)
    assert out['verdict'] == 'UNCERTAIN'  # the image model's band covers [0, 0.9999)
    assert FACE.name in out['text'] and out['kept'] == ['image'] and out['panels'] == ['face']
    _clean_after(server)


def test_audio_and_image_are_fused(server):
    out = score_in_browser(server[0], audio=CLIP, image=FACE, screenshot=SHOTS / 'webapp_pair_explained.png')
    _check_verdict(out)
    assert 'What drove it: the voice scored' in out['text'], out['text']
    fused = re.search(r'fused score\s+([0-9.]+)', out['text'])
    inc = re.search(r'inconsistency\s+([0-9.]+)', out['text'])
    assert fused and inc, out['text']
    assert float(fused.group(1)) == pytest.approx(float(out['score']), abs=1e-3)
    assert out['kept'] == ['audio', 'image'] and out['panels'] == ['audio', 'face']
    _clean_after(server)


def test_video_upload_shows_verdict(server, tmp_path):
    from deepfake_nb.testing import make_test_video
    video = make_test_video(tmp_path / 'talk.mp4', FACE, CLIP, seconds=2.0)
    out = score_in_browser(server[0], video=video)
    _check_verdict(out)
    assert 'talk.mp4' in out['text'] and re.search(r'fused score\s+[0-9.]+', out['text']), out['text']
    assert out['kept'] == ['video']
    _clean_after(server)


def test_out_of_scope_inputs_abstain(server):
    "An image without a face and a clip without speech: ABSTAIN with the reason, no score, no confidence, no picture."
    for kw, reason, shot in ((dict(image=SAMPLES / 'image_noscope_testpattern.png'), 'no face found', 'webapp_abstain_noface.png'),
                             (dict(audio=SAMPLES / 'audio_noscope_tones.flac'), 'no speech found', 'webapp_abstain_nospeech.png')):
        out = score_in_browser(server[0], **kw, screenshot=SHOTS / shot)
        assert out['verdict'] == 'ABSTAIN' and out['score'] is None and out['confidence'] is None, out['text']
        assert reason in out['text'] and out['external'] == [] and out['panels'] == []
        _clean_after(server)


def test_examples_row(server):
    "The row lists the bundled samples; clicking one fills the boxes, Score scores it, and the example's file is kept for others."
    labels = [l for l, *_ in EXAMPLES]
    out = score_in_browser(server[0], example='fake voice (dev test)', screenshot=SHOTS / 'webapp_example_voice.png')
    assert out['examples'] == labels, out['examples']
    _check_verdict(out)
    assert CLIP.name in out['text'] and out['kept'] == ['audio']
    out = score_in_browser(server[0], example='colour bars: no face')
    assert out['verdict'] == 'ABSTAIN' and 'no face found' in out['text'] and out['kept'] == ['image']
    out = score_in_browser(server[0], example='voice + face pair (both fake)')
    _check_verdict(out)
    assert 'What drove it' in out['text'] and out['kept'] == ['audio', 'image'] and out['panels'] == ['audio', 'face']
    _clean_after(server)


def test_corrupt_file_shows_readable_error(server, tmp_path):
    url, uploads, _, _ = server
    bad = tmp_path / 'x.flac'
    bad.write_bytes(np.random.default_rng(0).bytes(20_000))
    out = score_in_browser(url, audio=bad)
    assert out['verdict'] is None
    assert out['error'] is not None and out['error'].startswith('x.flac: '), out['text']
    assert 'not a readable audio file' in out['error']
    assert 'Traceback' not in out['page_text'] and str(uploads) not in out['page_text']   # no traceback, no server paths
    _clean_after(server)


def test_gradio_upload_over_size_limit_is_refused(server):
    import httpx
    url, uploads, _, baseline = server
    big = b'\0' * (6 * 1024 * 1024)             # the server runs with --max-file-size 5 (MB)
    r = httpx.post(f'{url}/gradio_api/upload', files={'files': ('big.flac', big)}, timeout=60)
    assert r.status_code == 413, (r.status_code, r.text[:200])
    ok = httpx.post(f'{url}/gradio_api/upload', files={'files': ('small.flac', b'\0' * 1000)}, timeout=60)
    assert ok.status_code == 200                 # the limit, not the endpoint, refused the big one
    for p in ok.json(): Path(p).unlink()         # not scored through the page, so remove it here
    assert wait_clean(uploads, baseline, 5) == []


def test_default_upload_folder_is_private_and_removed_on_exit(tmp_path):
    "Without --upload-dir the server makes a private temporary folder and removes it when it is stopped (SIGTERM)."
    from deepfake_nb.testing import make_tiny_checkpoints
    ck = make_tiny_checkpoints(tmp_path / 'ckpt', modalities=('audio',))
    port, log = free_port(), tmp_path / 'server.log'
    env = {k: v for k, v in os.environ.items() if k != 'GRADIO_TEMP_DIR'}
    with open(log, 'w') as f:
        proc = subprocess.Popen(command() + ['--port', str(port), '--audio-checkpoint', str(ck['audio']), '--no-explain', '--no-examples'],
                                stdout=f, stderr=subprocess.STDOUT, env=env, cwd=tmp_path, start_new_session=True)
    try:
        wait_up(f'http://127.0.0.1:{port}', proc, log)
        m = re.search(r'MB in (\S+): scoring copies deleted once scored', log.read_text())
        assert m, log.read_text()
        folder = Path(m.group(1))
        assert folder.is_dir() and (folder.stat().st_mode & 0o077) == 0     # readable by this user only
        out = score_in_browser(f'http://127.0.0.1:{port}', audio=CLIP)
        _check_verdict(out)
        assert out['examples'] == []
        assert wait_clean(folder, set()) == []
        proc.send_signal(signal.SIGTERM); proc.wait(60)
        assert not folder.exists()
    finally:
        if proc.poll() is None: os.killpg(proc.pid, signal.SIGKILL); proc.wait()
