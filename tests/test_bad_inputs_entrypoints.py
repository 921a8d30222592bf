"""Bad-input suite across every entry point (issue 8): Detector API, CLI, evaluate, batch scorer (shards + merge), checkpoint
loaders (load_checkpoint, Detector, CLI, evaluate, training resume) and the web app's scoring function.

Every bad input must give a clear error that names the file (no traceback reaches the user), batch modes must keep going and
keep one row per input, and nothing inside a checkpoint may ever be executed (pickle payloads create a marker file if run).
The loader-level suite is tests/test_data_bad_inputs.py; both share the generators in tests/badfiles.py.
Set BAD_INPUT_COUNTS=<file> to write the number of cases tried per entry point, class and outcome (JSON); with `-s` the
table is also printed.
"""
import json, os, subprocess, sys, tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

from badfiles import (TEXT, VALID_AUDIO, VALID_IMAGE, faceless_png, nan_wav, one_pixel_png, one_sample_wav, pickle_pt,
                      plain_safetensors, png_header, ten_hour_wav, write, wrong_arch_checkpoint)
from deepfake_nb.data.io import BadInputError

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / 'samples'
ENV = {**os.environ, 'PYTHONWARNINGS': 'ignore', 'OMP_NUM_THREADS': '1'}
HYP = settings(max_examples=int(os.environ.get('BAD_INPUT_EXAMPLES', 15)), deadline=None, derandomize=False,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
AUDIO, IMAGE, VIDEO = ['wav', 'flac', 'mp3', 'ogg'], ['jpg', 'png', 'bmp', 'webp'], ['mp4', 'mkv']
CASES: Counter = Counter()  # (entry point, class of case, outcome) -> count


def record(entry: str, klass: str, outcome: str) -> None:
    "Count one bad-input case tried at `entry`."
    CASES[(entry, klass, outcome)] += 1


@pytest.fixture(scope='module', autouse=True)
def case_table():
    "After the module: write/print the per-entry-point case counts (when BAD_INPUT_COUNTS is set)."
    yield
    dest = os.environ.get('BAD_INPUT_COUNTS')
    if not dest: return
    rows = [dict(entry=e, klass=k, outcome=o, n=n) for (e, k, o), n in sorted(CASES.items())]
    Path(dest).write_text(json.dumps(rows, indent=1))
    lines = [f'| {r["entry"]} | {r["klass"]} | {r["n"]} | {r["outcome"]} |' for r in rows]
    print('\n| entry point | class of case | cases | handling |\n|---|---|---|---|\n' + '\n'.join(lines), file=sys.__stderr__)


# --- fixtures ---------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    "Tiny random-init checkpoints (audio, image, and an image one whose config says image.no_face = error)."
    from deepfake_nb.testing import make_tiny_checkpoints, tiny_config
    d = tmp_path_factory.mktemp('tiny')
    ck = make_tiny_checkpoints(d)
    strict = tiny_config(); strict.image.no_face = 'error'  # (tiny_config(overrides) only accepts keys of its tiny table)
    ck['image_noface_error'] = make_tiny_checkpoints(d / 'strict', ['image'], cfg=strict)['image']
    return ck


@pytest.fixture(scope='module')
def det(tiny):
    from deepfake_nb.infer.detector import Detector
    torch.set_num_threads(1)
    return Detector.from_pretrained(audio_checkpoint=tiny['audio'], image_checkpoint=tiny['image'])


def _video(d: Path) -> Path:
    "A valid 1 s MP4 (still face image + audio track)."
    from deepfake_nb.testing import make_test_video
    return make_test_video(d / 'good.mp4', SAMPLES / 'image_dev_real_i01eaa6e49e5d.jpg', SAMPLES / 'audio_dev_real_a01b1a2010118_00.flac',
                           seconds=1.0, fps=5, size=64)


@pytest.fixture(scope='module')
def media(tmp_path_factory):
    """The catalogue of bad media files: [(path, class, expectation)], expectation 'error' (must be refused), 'either'
    (refused, or scored if enough of it survives) or 'noface' (scored with the no-face fallback, and said so)."""
    d = tmp_path_factory.mktemp('media')
    rng = np.random.default_rng(8)
    good_mp4 = _video(d).read_bytes()
    out = []
    def add(name, data, klass, expect='error'):
        out.append((str(write(d, name, data)), klass, expect))
    for e in AUDIO + IMAGE + ['mp4']:
        add(f'random.{e}', rng.bytes(777), 'random bytes')
        add(f'zero.{e}', b'', 'zero-length file')
        add(f'text.{e}', TEXT, 'text file with a media extension')
    for e in AUDIO: add(f'cut.{e}', VALID_AUDIO[e][:len(VALID_AUDIO[e]) * 2 // 5], 'truncated file', 'either')
    for e in IMAGE: add(f'cut.{e}', VALID_IMAGE[e][:len(VALID_IMAGE[e]) * 2 // 5], 'truncated file', 'either')
    add('cut.mp4', good_mp4[:len(good_mp4) // 3], 'truncated file', 'either')
    add('head.flac', VALID_AUDIO['flac'][:60], 'truncated file')
    add('head.png', VALID_IMAGE['png'][:40], 'truncated file')
    add('tenhours.wav', ten_hour_wav(), 'header declaring 10 h / 30000x30000')
    add('huge.png', png_header(30000, 30000), 'header declaring 10 h / 30000x30000')
    add('nan.wav', nan_wav(), 'NaN/inf samples')
    add('inf.wav', nan_wav(float('inf')), 'NaN/inf samples')
    add('one.wav', one_sample_wav(), '1-sample clip')
    add('onepixel.png', one_pixel_png(), '1x1 image')
    add('noface.png', faceless_png(), 'image without a face', 'noface')
    out.append((str(d / 'missing.wav'), 'missing file / unknown type', 'error'))
    add('notes.xyz', b'abc', 'missing file / unknown type')
    return out


@pytest.fixture(scope='module')
def goods():
    "Valid inputs that must still be scored next to the bad ones."
    return [str(SAMPLES / 'audio_dev_real_a01b1a2010118_00.flac'), str(SAMPLES / 'image_dev_real_i01eaa6e49e5d.jpg')]


@pytest.fixture(scope='module')
def evil(tmp_path_factory, tiny):
    """Bad checkpoints [(path, class)] and the marker file their pickle payloads would create if ever unpickled."""
    d = tmp_path_factory.mktemp('evil')
    marker = d / 'PWNED'
    out = [(pickle_pt(d / 'payload_system.pt', marker, 'system'), 'pickle payload (.pt)'),
           (pickle_pt(d / 'payload_write.pt', marker, 'write'), 'pickle payload (.pt)'),
           (pickle_pt(d / 'payload_bare.pt', marker, 'system', style='pickle'), 'pickle payload (.pt)'),
           (pickle_pt(d / 'payload.safetensors', marker, 'write'), 'pickle payload (.pt)'),
           (wrong_arch_checkpoint(d / 'other_keys.safetensors', 'audio', 'keys'), 'wrong architecture'),
           (wrong_arch_checkpoint(d / 'other_shapes.safetensors', 'audio', 'shapes'), 'wrong architecture'),
           (Path(tiny['image']), 'wrong architecture'),  # an image checkpoint where an audio one is expected
           (plain_safetensors(d / 'plain.safetensors'), 'not a deepfake_nb checkpoint'),
           (write(d, 'random.safetensors', np.random.default_rng(1).bytes(4096)), 'random bytes'),
           (write(d, 'truncated.safetensors', Path(tiny['audio']).read_bytes()[:3000]), 'truncated file'),
           (write(d, 'zero.safetensors', b''), 'zero-length file'),
           (write(d, 'text.safetensors', TEXT), 'text file with a media extension'),
           (d / 'missing.safetensors', 'missing file / unknown type')]
    return [(str(p), k) for p, k in out], marker


def _control_payloads_are_live(paths: list, marker: Path) -> None:
    "The payloads really run when unpickled unsafely (so 'marker absent' elsewhere means something); the marker is removed after."
    import pickle, shutil
    for p in paths:
        with tempfile.TemporaryDirectory() as d:
            q = shutil.copy(p, Path(d) / 'x.pt')  # (torch.load hands *.safetensors names to safetensors)
            try: torch.load(q, weights_only=False)
            except Exception:
                with open(q, 'rb') as f: pickle.load(f)
        assert marker.exists(), f'{p}: the payload did not run under an unsafe load; the test would prove nothing'
        marker.unlink()


# --- checks ---------------------------------------------------------------------------------------

def _clear(msg: str, name: str) -> None:
    "A clear error: starts with the file's name, one line, no traceback or Python object reprs."
    assert msg.startswith(name), (name, msg)
    assert '\n' not in msg and 'Traceback' not in msg and ' object at 0x' not in msg, msg
    assert len(msg) > len(name) + 5, msg


def _check_result(r, name: str, expect: str) -> str:
    "A `Result` for a bad input: a clear error naming it, or (when allowed) a sane verdict. Returns the outcome."
    if r.error is not None:
        assert expect in ('error', 'either'), f'{name}: expected a verdict, got error {r.error}'
        _clear(r.error, name)
        assert r.score is None and r.prediction is None
        return 'clear error'
    assert expect != 'error', f'{name}: expected an error, got a verdict {r.to_dict()}'
    if r.prediction == 'abstain':  # out of scope (no speech / no face): no verdict, a reason
        assert r.score is None and r.confidence is None and r.reason in ('no speech found', 'no face found'), r.to_dict()
        if expect == 'noface': assert r.reason == 'no face found' and r.face_found is False
        return f'abstains: {r.reason}'
    assert expect != 'noface', f'{name}: an image without a face must abstain, got {r.to_dict()}'
    assert 0.0 <= r.score <= 1.0 and np.isfinite(r.score) and r.prediction in ('real', 'uncertain', 'fake')
    return 'scored (enough of the file survives)'


# --- Detector API ---------------------------------------------------------------------------------

def test_detector_catalogue(det, media):
    for path, klass, expect in media:
        r = det.predict_file(path, errors='result')
        record('Detector API', klass, _check_result(r, path, expect))
        if r.error is not None:  # a single-file call without errors='result' raises the same message
            with pytest.raises(BadInputError) as e: det.predict_file(path)
            assert str(e.value) == r.error


def test_detector_no_face_fallback_and_strict(det, tiny, media):
    "Default: a face-less image gets no verdict ('no face found'); no_face='center_crop' scores the centre and says so; image.no_face=error refuses it."
    from deepfake_nb.infer.detector import Detector
    path = next(p for p, k, _ in media if k == 'image without a face')
    r = det.predict_image(path)
    assert (r.error, r.prediction, r.reason, r.face_found) == (None, 'abstain', 'no face found', False)
    r = Detector.from_pretrained(audio_checkpoint=tiny['audio'], image_checkpoint=tiny['image'], no_face='center_crop').predict_image(path)
    assert r.error is None and r.face_found is False and 'no face found: center crop used' in r.notes and r.score is not None
    strict = Detector.from_pretrained(audio_checkpoint=tiny['audio'], image_checkpoint=tiny['image_noface_error'], no_face=None)
    r = strict.predict_image(path, errors='result')
    _clear(r.error, path); assert 'no face found' in r.error
    record('Detector API', 'image without a face', 'image.no_face=error: clear error')
    r = strict.predict_image(SAMPLES / 'image_dev_real_i01eaa6e49e5d.jpg')  # the control: a real face passes the strict setting
    assert r.error is None and r.face_found is True


@pytest.mark.parametrize('arr,what', [
    (np.array([], np.float32), 'no audio samples'), (np.full(16000, np.nan, np.float32), 'NaN or infinite'),
    (np.r_[np.zeros(8000), np.inf].astype(np.float32), 'NaN or infinite'), (np.array([0.5], np.float32), 'shorter than'),
    (np.zeros((2, 3, 4), np.float32), 'shape')])
def test_detector_audio_arrays(det, arr, what):
    r = det.predict_audio(arr, sample_rate=16000, errors='result')
    _clear(r.error, '<array>'); assert what in r.error
    with pytest.raises(BadInputError): det.predict_audio(arr, sample_rate=16000)
    record('Detector API', 'arrays (NaN/inf, empty, 1-sample, wrong shape)', 'clear error')


@pytest.mark.parametrize('arr,what', [
    (np.zeros((1, 1, 3), np.uint8), 'too small'), (np.zeros((0, 0, 3), np.uint8), 'shape'), (np.zeros(5, np.uint8), 'shape'),
    (np.full((64, 64, 3), np.nan, np.float32), 'NaN or infinite'), (np.r_[np.zeros((63, 64, 3)), np.full((1, 64, 3), np.inf)], 'NaN or infinite')])
def test_detector_image_arrays(det, arr, what):
    r = det.predict_image(arr, errors='result')
    _clear(r.error, '<image>'); assert what in r.error
    with pytest.raises(BadInputError): det.predict_image(arr)
    record('Detector API', 'arrays (NaN/inf, empty, 1-sample, wrong shape)', 'clear error')


def test_detector_pair_names_the_bad_half(det, media):
    good_a, good_i = SAMPLES / 'audio_dev_real_a01b1a2010118_00.flac', SAMPLES / 'image_dev_real_i01eaa6e49e5d.jpg'
    for path, klass, expect in media:
        if expect != 'error' or Path(path).suffix[1:] not in AUDIO + IMAGE: continue
        is_audio = Path(path).suffix[1:] in AUDIO
        r = det.predict(audio=path, image=good_i, errors='result') if is_audio else det.predict(audio=good_a, image=path, errors='result')
        assert r.error is not None and r.modality == 'multimodal'
        assert path in r.error and ('Traceback' not in r.error), r.error
        record('Detector API', klass, 'clear error (pair: names the bad half)')
    r = det.predict(audio=good_a, image=good_i)
    assert r.error is None and 0 <= r.fused_score <= 1


@HYP
@given(data=st.binary(max_size=3000), ext=st.sampled_from(AUDIO + IMAGE + VIDEO))
def test_detector_random_bytes(det, data, ext):
    with tempfile.TemporaryDirectory() as d:
        p = str(write(Path(d), f'r.{ext}', data))
        record('Detector API', 'random bytes (hypothesis)', _check_result(det.predict_file(p, errors='result'), p, 'either'))


@HYP
@given(ext=st.sampled_from(['wav', 'flac', 'mp3', 'jpg', 'png']), frac=st.floats(0.0, 0.999))
def test_detector_truncated(det, ext, frac):
    b = VALID_AUDIO.get(ext) or VALID_IMAGE[ext]
    with tempfile.TemporaryDirectory() as d:
        p = str(write(Path(d), f't.{ext}', b[:int(len(b) * frac)]))
        record('Detector API', 'truncated file (hypothesis)', _check_result(det.predict_file(p, errors='result'), p, 'either'))


def test_detector_bad_checkpoints(evil, goods):
    "Every bad checkpoint: a clear error naming the checkpoint on every predict call, and no payload ever runs."
    from deepfake_nb.infer.detector import Detector
    ckpts, marker = evil
    audio_file = next(g for g in goods if g.endswith('.flac'))
    for ck, klass in ckpts:
        det = Detector.from_pretrained(audio_checkpoint=ck, image_checkpoint=ck)
        rs = [det.predict_audio(audio_file, errors='result')] + ([] if ck.endswith('image.safetensors') else [det.predict_image(SAMPLES / 'image_dev_real_i01eaa6e49e5d.jpg', errors='result')])
        for r in rs:
            assert r.error is not None and r.error.startswith(ck), r.error
            _clear(r.error, ck)
        record('Detector API', f'checkpoint: {klass}', 'clear error naming the checkpoint; payload never runs')
    assert not marker.exists()


# --- batch scorer (predict_batch, shards, merge) ------------------------------------------------------

def test_batch_keeps_going_with_every_row(det, media, goods, tmp_path):
    from deepfake_nb.infer.results import read_results
    paths = [p for p, _, _ in media] + goods
    out = tmp_path / 'rows.jsonl'
    res = det.predict_batch(paths, out=out, workers=2, batch_size=4, progress=False)
    rows = read_results(out)
    assert sorted(r['input'] for r in rows) == sorted(r.input for r in res) == sorted(paths)
    by = {r['input']: r for r in rows}
    for g in goods: assert by[g]['error'] is None and (by[g]['prediction'] == 'abstain' or 0 <= by[g]['score'] <= 1)
    for path, klass, expect in media:
        r = by[path]
        if r['error'] is not None: _clear(r['error'], path); assert expect != 'noface'
        else: assert expect != 'error', r
        record('batch scorer', klass, 'error row, run goes on' if r['error'] else 'scored row')


def test_batch_with_bad_checkpoint_keeps_the_other_modality(evil, goods, tiny, tmp_path):
    from deepfake_nb.infer.detector import Detector
    ckpts, marker = evil
    for ck, klass in ckpts[:1]:  # a pickle payload (the other classes fail the same branch load, see test_detector_bad_checkpoints)
        d = Detector.from_pretrained(audio_checkpoint=ck, image_checkpoint=tiny['image'])
        res = d.predict_batch(goods, workers=0, progress=False)
        assert sorted(r.input for r in res) == goods
        for r in res:
            if r.modality == 'audio': _clear(r.error, r.input); assert 'audio model unavailable' in r.error and ck in r.error
            else: assert r.error is None and 0 <= r.score <= 1
        record('batch scorer', f'checkpoint: {klass}', 'audio rows = error naming the checkpoint; image rows scored')
    assert not marker.exists()


# --- CLI --------------------------------------------------------------------------------------------

def test_cli_bad_files_json(tiny, media, goods):
    "`python detect.py <bad and good files> --json`: one object per input, errors name the file, no traceback, rc 0."
    files = [p for p, _, _ in media] + goods
    cmd = [sys.executable, 'detect.py', *files, '--json', '--audio-checkpoint', str(tiny['audio']), '--image-checkpoint', str(tiny['image'])]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=ENV, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    assert 'Traceback' not in p.stderr and 'Traceback' not in p.stdout, p.stderr[-3000:]
    rows = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    assert [r['input'] for r in rows] == files
    by = {r['input']: r for r in rows}
    for g in goods: assert by[g]['error'] is None and (by[g]['prediction'] == 'abstain' or 0 <= by[g]['score'] <= 1)
    for path, klass, expect in media:
        r = by[path]
        if r['error'] is not None: _clear(r['error'], path); assert expect != 'noface'
        else:
            assert expect != 'error', r
            if expect == 'noface': assert r['face_found'] is False and (r['prediction'], r['reason']) == ('abstain', 'no face found'), r
        record('CLI', klass, 'JSON error object naming the file' if r['error'] else (f"abstains: {r['reason']}" if r['prediction'] == 'abstain' else 'scored'))
    n_err = sum(r['error'] is not None for r in rows)
    assert f'{len(rows)} inputs:' in p.stderr and f'{n_err} errors' in p.stderr


def test_cli_bad_checkpoints(evil, goods, capsys):
    "--checkpoint / --audio-checkpoint with each bad file: a one-line error naming it, exit 2 (or an error row, exit 1)."
    from deepfake_nb.cli import detect_main
    ckpts, marker = evil
    audio_file = next(g for g in goods if g.endswith('.flac'))
    for ck, klass in ckpts:
        capsys.readouterr()
        rc = detect_main([audio_file, '--json', '--checkpoint', ck])
        out, err = capsys.readouterr()
        if rc == 2: assert err.startswith(f'deepfake-detect: error: {ck}') and err.count('\n') == 1, err
        elif not ck.endswith('image.safetensors'):  # (a valid image checkpoint is rightly accepted as the image model)
            row = json.loads(out)  # metadata fine, weights wrong: found when the model loads, reported on the row
            assert rc == 1 and row['error'].startswith(ck) and 'architecture' in row['error'], (ck, rc, out, err)
        assert 'Traceback' not in err
        rc = detect_main([audio_file, '--json', '--audio-checkpoint', ck])
        out, err = capsys.readouterr()
        row = json.loads(out)
        assert rc == 1 and row['error'].startswith(ck), (rc, out, err)
        _clear(row['error'], ck)
        record('CLI', f'checkpoint: {klass}', '--checkpoint: exit 2 + one-line error; --audio-checkpoint: error row, exit 1')
    assert not marker.exists()


def test_cli_unreadable_list_file(tiny, tmp_path, capsys):
    "A .txt list of inputs that is binary junk: a one-line usage error naming it (exit 2), in single and batch mode."
    from deepfake_nb.cli import detect_main
    from deepfake_nb.infer.detector import Detector
    lst = write(tmp_path, 'inputs.txt', np.random.default_rng(3).bytes(3000))
    ck = ['--audio-checkpoint', str(tiny['audio']), '--image-checkpoint', str(tiny['image'])]
    for extra in ([], ['--out', str(tmp_path / 'o.csv'), '--workers', '0']):
        capsys.readouterr()
        assert detect_main(['--list', str(lst), '--json', '--quiet'] + ck + extra) == 2
        err = capsys.readouterr().err
        assert err.startswith(f'deepfake-detect: error: {lst}: ') and err.count('\n') == 1, err
        record('CLI', 'random bytes', 'list file (.txt) of junk: exit 2 + one-line error')
    with pytest.raises(BadInputError) as e: Detector.from_pretrained(tiny['audio'], tiny['image']).predict_batch(lst, workers=0, progress=False, lists=True)
    _clear(str(e.value), str(lst))
    record('batch scorer', 'random bytes', 'list file (.txt) of junk: BadInputError naming it')


def test_cli_shards_and_merge(tiny, media, goods, tmp_path, capsys):
    from deepfake_nb.cli import detect_main
    from deepfake_nb.infer.results import read_results
    one = {k: (p, k, e) for p, k, e in reversed(media)}.values()  # one file per class keeps this quick
    files = [p for p, _, _ in one] + goods
    ck = ['--audio-checkpoint', str(tiny['audio']), '--image-checkpoint', str(tiny['image'])]
    parts = [tmp_path / f's{i}.jsonl' for i in range(2)]
    for i, part in enumerate(parts):
        assert detect_main([*files, '--out', str(part), '--shard', f'{i}/2', '--workers', '0', '--quiet'] + ck) == 0
    assert detect_main(['--merge', *map(str, parts), '--out', str(tmp_path / 'all.csv'), '--quiet']) == 0
    rows = read_results(tmp_path / 'all.csv')
    assert sorted(r['input'] for r in rows) == sorted(set(files))
    for path, klass, expect in one:
        r = next(r for r in rows if r['input'] == path)
        if expect == 'error': assert r['error'].startswith(path)
        record('batch scorer', klass, ('error row' if r['error'] else 'scored row') + ' in its shard (deepfake-detect --out --shard i/2), kept by --merge')
    capsys.readouterr()


# --- evaluate -------------------------------------------------------------------------------------------

def _layout_with_bad_files(root: Path, media, modality: str) -> tuple[Path, dict]:
    "A tiny seed layout (test split) plus every bad file of `modality` placed under real/ and fake/; returns (root, {path: class})."
    from deepfake_nb.testing import make_tiny_layout
    make_tiny_layout(root, n=2, splits=('test',), broken=False)
    bad, exts = {}, AUDIO if modality == 'audio' else IMAGE
    for i, (path, klass, expect) in enumerate(media):
        if Path(path).suffix[1:] not in exts or not Path(path).exists(): continue
        dest = root / modality / 'test' / ('real', 'fake')[i % 2] / f'bad_{Path(path).name}'
        dest.write_bytes(Path(path).read_bytes())
        bad[str(dest)] = (klass, expect)
    return root, bad


def _check_eval_out(out: Path, bad: dict, entry: str) -> None:
    import pandas as pd
    df = pd.read_csv(out / 'scores.csv', keep_default_na=False)
    m = json.loads((out / 'metrics.json').read_text())
    rows = dict(zip(df.path, df.error))
    assert set(bad) <= set(rows)
    n_err = 0
    for path, (klass, expect) in bad.items():
        err = rows[path]
        if err: _clear(err, path); assert expect != 'noface'; n_err += 1
        else: assert expect != 'error', path
        record(entry, klass, 'error row, counted in metrics.json n_errors' if err else 'scored row')
    assert m['n_files'] == len(df) and m['n_errors'] == sum(bool(e) for e in df.error) == n_err
    assert m['n_real'] + m['n_fake'] == len(df) - n_err


def test_evaluate_cli_audio(tiny, media, tmp_path):
    "`python -m deepfake_nb.cli evaluate` over a layout holding the bad audio files: the run completes, bad files are error rows."
    root, bad = _layout_with_bad_files(tmp_path / 'data', media, 'audio')
    out = tmp_path / 'eval'
    p = subprocess.run([sys.executable, '-m', 'deepfake_nb.cli', 'evaluate', '--modality', 'audio', '--data', str(root), '--out', str(out),
                        '--checkpoint', str(tiny['audio']), '--device', 'cpu', '--no-progress', '--threads', '1'],
                       capture_output=True, text=True, env=ENV, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    assert 'Traceback' not in p.stderr + p.stdout
    _check_eval_out(out, bad, 'evaluate')


def test_evaluate_images(tiny, media, tmp_path, capsys):
    from deepfake_nb.cli import evaluate_main as main
    root, bad = _layout_with_bad_files(tmp_path / 'data', media, 'image')
    out = tmp_path / 'eval'
    assert main(['--modality', 'image', '--data', str(root), '--out', str(out), '--checkpoint', str(tiny['image']),
                 '--device', 'cpu', '--no-progress']) == 0, capsys.readouterr().err
    _check_eval_out(out, bad, 'evaluate')


def test_evaluate_junk_data_lists(tiny, tmp_path, capsys):
    "--data pointing at a junk manifest CSV or protocol file: exit 2 with a one-line error naming it."
    from deepfake_nb.cli import evaluate_main as main
    junk = np.random.default_rng(4).bytes(3000)
    cases = [write(tmp_path, 'manifest.csv', junk), write(tmp_path, 'protocol.txt', junk),
             write(tmp_path, 'labels.csv', b'path,label\nnope.wav,real\nx.flac,maybe\n'), write(tmp_path, 'empty.csv', b'')]
    for data in cases:
        capsys.readouterr()
        rc = main(['--modality', 'audio', '--data', str(data), '--out', str(tmp_path / 'e'), '--checkpoint', str(tiny['audio']),
                   '--device', 'cpu', '--no-progress'])
        err = capsys.readouterr().err
        assert rc == 2 and err.startswith(f'deepfake-evaluate: error: {data}') and err.count('\n') == 1, (rc, err)
        record('evaluate', 'random bytes' if data.read_bytes() == junk else 'zero-length file' if not data.stat().st_size else 'malformed manifest',
               '--data list/manifest: exit 2 + one-line error')


def test_evaluate_bad_checkpoints(evil, tmp_path, capsys):
    from deepfake_nb.cli import evaluate_main as main
    from deepfake_nb.testing import make_tiny_layout
    ckpts, marker = evil
    root = make_tiny_layout(tmp_path / 'data', n=1, splits=('test',), broken=False)
    for ck, klass in ckpts:
        capsys.readouterr()
        rc = main(['--modality', 'audio', '--data', str(root), '--out', str(tmp_path / 'e'), '--checkpoint', ck, '--device', 'cpu', '--no-progress'])
        err = capsys.readouterr().err
        assert rc == 2 and err.startswith(f'deepfake-evaluate: error: {ck}') and err.count('\n') == 1, (rc, err)
        record('evaluate', f'checkpoint: {klass}', 'exit 2 + one-line error naming it')
    assert not marker.exists()


# --- checkpoint loaders -----------------------------------------------------------------------------

def test_load_checkpoint_refuses_bad_files(evil):
    from deepfake_nb.checkpoint import checkpoint_meta, load_checkpoint
    ckpts, marker = evil
    for ck, klass in ckpts:
        with pytest.raises(BadInputError) as e: load_checkpoint(ck, modality='audio')
        _clear(str(e.value), ck)
        if not ck.endswith('image.safetensors') and 'wrong architecture' not in klass:
            with pytest.raises(BadInputError): checkpoint_meta(ck)
        record('checkpoint loaders', f'load_checkpoint: {klass}', 'BadInputError naming the file')
    assert not marker.exists()


def test_load_state_never_unpickles_code(evil):
    "Training resume state (torch.load weights_only=True): every payload is refused and never runs."
    from deepfake_nb.checkpoint import load_state
    ckpts, marker = evil
    payloads = [ck for ck, k in ckpts if k.startswith('pickle')]
    for ck in payloads:
        with pytest.raises(BadInputError, match='not a readable training state') as e: load_state(ck)
        _clear(str(e.value), ck)
        assert not marker.exists()
        record('checkpoint loaders', 'load_state: pickle payload (.pt)', 'BadInputError, payload never runs')
    _control_payloads_are_live(payloads, marker)


@HYP
@given(data=st.binary(max_size=4096), frac=st.floats(0.0, 0.999), truncate=st.booleans())
def test_load_checkpoint_fuzz(tiny, data, frac, truncate):
    "Random bytes, and truncations of a valid checkpoint: always a BadInputError naming the file."
    from deepfake_nb.checkpoint import load_checkpoint
    b = Path(tiny['audio']).read_bytes()
    with tempfile.TemporaryDirectory() as d:
        p = write(Path(d), 'c.safetensors', b[:int(len(b) * frac)] if truncate else data)
        with pytest.raises(BadInputError) as e: load_checkpoint(p)
        _clear(str(e.value), str(p))
    record('checkpoint loaders', 'load_checkpoint: truncated file (hypothesis)' if truncate else 'load_checkpoint: random bytes (hypothesis)',
           'BadInputError naming the file')


def test_train_resume_refuses_bad_last_pt(evil, tmp_path, capsys):
    "`deepfake-train --modality audio` resuming from a malicious or foreign last.pt: exit 2, one-line error, payload never runs."
    from _toy_train import toy_config, toy_layout
    from deepfake_nb.checkpoint import build_model, save_state
    from deepfake_nb.testing import tiny_config
    from deepfake_nb.cli import train_main as main
    ckpts, marker = evil
    root = toy_layout(tmp_path / 'data', n=2)
    cfg = toy_config(root, tmp_path / 'tiny.yaml', epochs=1)
    foreign = tmp_path / 'foreign.pt'  # a genuine training state of another architecture
    save_state(foreign, model=build_model('audio', tiny_config()).state_dict(), epoch=0)
    cases = [(ck, k) for ck, k in ckpts if k.startswith('pickle')][:2] + [(str(foreign), 'wrong architecture'),
                                                                           (next(c for c, k in ckpts if 'other_keys' in c), 'safetensors file as last.pt')]
    for src, klass in cases:
        out = tmp_path / f'run_{Path(src).stem}'; out.mkdir()
        (out / 'last.pt').write_bytes(Path(src).read_bytes())
        capsys.readouterr()
        assert main(['--modality', 'audio', '--config', str(cfg), '--out', str(out)]) == 2
        err = capsys.readouterr().err
        assert f'{out / "last.pt"}:' in err and 'Traceback' not in err, err
        assert not marker.exists()
        record('train resume (load_state)', klass, 'exit 2 + one-line error naming last.pt; payload never runs')


# --- web upload (the function the Gradio callback calls) ---------------------------------------------

def _slot(path: str) -> str:
    e = Path(path).suffix[1:]
    return 'audio' if e in AUDIO else 'image' if e in IMAGE else 'video' if e in VIDEO else 'image'


def _web_error(html: str) -> str:
    "The message inside the error box (None when the page shows a verdict)."
    import html as h, re
    m = re.search(r'<span id="error-message">(.*?)</span>', html)
    return h.unescape(m.group(1)) if m else None


def test_web_upload_catalogue(det, media):
    from deepfake_nb.webapp import score_uploads
    for path, klass, expect in media:
        out = score_uploads(det, **{_slot(path): path})
        assert isinstance(out, tuple) and len(out) == 3
        msg = _web_error(out[0])
        if msg is not None:
            assert expect != 'noface', msg
            _clear(msg, Path(path).name)  # upload paths are shown as the file's own name
            assert out[1] is None and out[2] is None
        else:
            assert expect != 'error', out[0][:300]
            assert 'id="verdict"' in out[0]
            if expect == 'noface': assert 'no face found' in out[0]
        record('web upload (score_uploads)', klass, 'error box naming the file, not raised' if msg else 'verdict shown')


def test_web_upload_pairs_and_checkpoints(det, media, evil):
    from deepfake_nb.infer.detector import Detector
    from deepfake_nb.webapp import warm_up, score_uploads
    good_a, good_i = str(SAMPLES / 'audio_dev_real_a01b1a2010118_00.flac'), str(SAMPLES / 'image_dev_real_i01eaa6e49e5d.jpg')
    bad_a = next(p for p, k, e in media if p.endswith('text.wav'))
    bad_i = next(p for p, k, e in media if p.endswith('huge.png'))
    assert _web_error(score_uploads(det, audio=bad_a, image=good_i)[0]).startswith('text.wav')
    assert _web_error(score_uploads(det, audio=good_a, image=bad_i)[0]).startswith('huge.png')
    assert 'Nothing to score' in _web_error(score_uploads(det)[0])
    assert _web_error(score_uploads(det, audio=good_a, video=good_a)[0])
    record('web upload (score_uploads)', 'pairs / empty / conflicting uploads', 'error box, not raised')
    ckpts, marker = evil
    for ck, klass in ckpts:
        d = Detector.from_pretrained(audio_checkpoint=ck, image_checkpoint=ck)
        for kw in (dict(audio=good_a),) + (() if ck.endswith('image.safetensors') else (dict(image=good_i),)):
            msg = _web_error(score_uploads(d, **kw)[0])
            assert msg and Path(ck).name in msg and 'Traceback' not in msg, msg
        problems = warm_up(Detector.from_pretrained(audio_checkpoint=ck, image_checkpoint=ck))  # what deepfake-webapp prints at start
        assert problems and problems[0].startswith('audio model unavailable: ' + ck), problems
        record('web upload (score_uploads)', f'checkpoint: {klass}', 'error box naming the checkpoint')
    assert not marker.exists()


@HYP
@given(data=st.binary(max_size=2000), ext=st.sampled_from(AUDIO + IMAGE + VIDEO))
def test_web_upload_random_bytes(det, data, ext):
    from deepfake_nb.webapp import score_uploads
    with tempfile.TemporaryDirectory() as d:
        p = str(write(Path(d), f'up.{ext}', data))
        msg = _web_error(score_uploads(det, **{_slot(p): p})[0])
        assert msg is None or msg.startswith('up.'), msg
        record('web upload (score_uploads)', 'random bytes (hypothesis)', 'error box' if msg else 'verdict shown')
