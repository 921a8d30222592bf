"""The web app's REST endpoint `POST /api/score` on a live `deepfake-webapp` (no browser needed): a refused request gets an
HTTP error status and a JSON body naming the file and the problem, a scored one 200 and the result; the upload folder
holds nothing beyond the examples' cached copies after every request, also after 50 uploads."""
from __future__ import annotations
from pathlib import Path

import httpx
import numpy as np
import pytest

from _webapp_server import SAMPLES, files_in, running_webapp, wait_clean

CLIP = SAMPLES / 'audio_dev_fake_a02ce9932c69d_00.flac'
FACE = SAMPLES / 'image_dev_real_i01eaa6e49e5d.jpg'


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    with running_webapp(tmp_path_factory.mktemp('webapp_api'), '--no-explain') as s: yield s


def _post(url: str, **files) -> httpx.Response:
    return httpx.post(f'{url}/api/score', files={k: (n, b) for k, (n, b) in files.items()}, timeout=120)


# (what is sent, expected status, text the error must contain); the server runs with --max-file-size 5
REFUSALS = {
    'too large (6 MB, limit 5 MB)': (dict(audio=('big.flac', b'\0' * (6 * 1024 * 1024))), 413, 'limited to 5 MB'),
    'wrong type for the field': (dict(audio=('notes.txt', b'hello')), 415, 'notes.txt: not an accepted audio type'),
    'image sent as audio': (dict(audio=(FACE.name, FACE.read_bytes())), 415, 'not an accepted audio type'),
    'unreadable audio': (dict(audio=('x.flac', np.random.default_rng(0).bytes(20_000))), 400, 'x.flac: not a readable audio file'),
    'unreadable image': (dict(image=('y.png', b'not a picture')), 400, 'y.png: '),
    'empty file': (dict(image=('e.jpg', b'')), 400, 'e.jpg: empty file'),
    'unknown field': (dict(file=('a.flac', CLIP.read_bytes())), 400, "unknown field 'file'"),
    'video with a clip': (dict(video=('v.mp4', b'x' * 100), audio=(CLIP.name, CLIP.read_bytes())), 400, 'on its own'),
}


@pytest.mark.parametrize('case', list(REFUSALS))
def test_refused_requests_get_error_statuses(server, case):
    url, uploads, _, baseline = server
    files, status, text = REFUSALS[case]
    r = _post(url, **files)
    assert r.status_code == status, (case, r.status_code, r.text[:300])
    body = r.json()
    assert body['status'] == status and text in body['error'], (case, body)
    assert str(uploads) not in r.text and 'Traceback' not in r.text
    assert wait_clean(uploads, baseline, 5) == []


def test_other_refusals(server):
    url, uploads, _, baseline = server
    assert httpx.post(f'{url}/api/score', json={'audio': 'x'}, timeout=30).status_code == 415             # not multipart
    assert httpx.post(f'{url}/api/score', data={'audio': 'just text'}, timeout=30).status_code in (400, 415)  # form field, not a file
    r = httpx.post(f'{url}/api/score', files={}, data={}, timeout=30)
    assert r.status_code in (400, 415), r.text
    r = httpx.post(f'{url}/api/score', content=b'--xx\r\nbroken', headers={'content-type': 'multipart/form-data; boundary=xx'}, timeout=30)
    assert r.status_code == 400, r.text
    assert httpx.get(f'{url}/api/score', timeout=30).status_code == 405
    assert wait_clean(uploads, baseline, 5) == []


def test_scored_requests(server):
    url, uploads, _, baseline = server
    r = _post(url, audio=(CLIP.name, CLIP.read_bytes()))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body['input'] == CLIP.name and body['prediction'] in ('real', 'uncertain', 'fake') and 0 <= body['score'] <= 1
    r = _post(url, audio=(CLIP.name, CLIP.read_bytes()), image=(FACE.name, FACE.read_bytes()))
    assert r.status_code == 200 and r.json()['modality'] == 'multimodal' and r.json()['fused_score'] is not None, r.text
    tones = SAMPLES / 'audio_noscope_tones.flac'
    r = _post(url, audio=(tones.name, tones.read_bytes()))
    assert r.status_code == 200 and r.json()['prediction'] == 'abstain' and r.json()['reason'] == 'no speech found', r.text
    assert str(uploads) not in r.text
    assert wait_clean(uploads, baseline, 5) == []


def test_fifty_uploads_leave_nothing_behind(server):
    "50 requests (good, junk, empty, wrong kind, too large) through the endpoint: the upload folder is as it was after each."
    url, uploads, _, baseline = server
    rng = np.random.default_rng(1)
    good_a, good_i = CLIP.read_bytes(), FACE.read_bytes()
    seen = set()
    for i in range(50):
        kind = ['audio', 'image', 'video', 'audio', 'image'][i % 5]
        data = [good_a, good_i, rng.bytes(300), b'', b'text' * 10][i % 5] if i % 7 else b'\0' * (5 * 1024 * 1024 + 10)
        ext = {'audio': 'wav', 'image': 'png', 'video': 'mp4'}[kind]
        r = _post(url, **{kind: (f'up{i}.{ext}', data)})
        seen.add(r.status_code)
        assert r.status_code in (200, 400, 413, 415), (i, r.status_code, r.text[:200])
        assert files_in(uploads) - baseline == set(), (i, sorted(files_in(uploads) - baseline))
    assert {200, 400, 413} <= seen, seen
