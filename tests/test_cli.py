"""End-to-end tests of `deepfake-detect` / `python detect.py`, batch files, shards and video.

The tests use tiny randomly initialised checkpoints (`--audio-checkpoint` / `--image-checkpoint`) so they do not
depend on the quality (or presence) of the bundled weights; one test checks the bundled weights when they exist.
"""
import json, os, shutil, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT/'samples'
REQUIRED = {'input', 'modality', 'prediction', 'score', 'real_below', 'fake_above', 'confidence', 'time_ms', 'error', 'reason', 'explanation'}
MEDIA = ('.flac', '.mp3', '.jpg', '.png')
N_SAMPLES = sum(f.suffix in MEDIA for f in SAMPLES.iterdir())
NOSCOPE = {'audio_noscope_tones.flac': 'no speech found', 'image_noscope_testpattern.png': 'no face found'}
ENV = {**os.environ, 'PYTHONWARNINGS': 'ignore', 'OMP_NUM_THREADS': '1'}


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    "Tiny random audio and image checkpoints, plus the CLI arguments that select them."
    from deepfake_nb.testing import make_tiny_checkpoints
    d = tmp_path_factory.mktemp('tiny')
    ck = make_tiny_checkpoints(d)
    return ck, ['--audio-checkpoint', str(ck['audio']), '--image-checkpoint', str(ck['image'])]


def run(args, cwd=ROOT, script=None, env=None):
    """Run `deepfake-detect` with `args` and return (returncode, stdout, stderr).

    By default it calls `detect_main` in this process (fast: torch is imported once); `script='detect.py'` or
    `script='console'` runs `python detect.py` / the installed `deepfake-detect` in a fresh process instead."""
    args = [str(a) for a in args]
    if script is None:
        import contextlib, io
        from deepfake_nb.cli import detect_main
        out, err = io.StringIO(), io.StringIO()
        old = os.getcwd(); os.chdir(cwd)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try: code = detect_main(args)
                except SystemExit as e: code = e.code
        finally: os.chdir(old)
        return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())
    exe = shutil.which('deepfake-detect') if script == 'console' else None
    cmd = [exe] if exe else [sys.executable, 'detect.py']
    return subprocess.run(cmd + args, cwd=cwd, capture_output=True, text=True, env={**ENV, **(env or {})}, timeout=600)


def json_lines(out: str) -> list:
    rows = [json.loads(l) for l in out.splitlines() if l.strip()]
    for r in rows: assert REQUIRED <= set(r), r
    return rows


def test_samples_folder_json(tiny):
    "A folder of samples gives one JSON object per file, with the required keys and sane values."
    _, ck = tiny
    p = run(['samples/', '--json', '--quiet'] + ck)
    assert p.returncode == 0, p.stderr
    rows = json_lines(p.stdout)
    files = sorted(f.name for f in SAMPLES.iterdir() if f.suffix in MEDIA)
    assert sorted(Path(r['input']).name for r in rows) == files
    for r in rows:
        assert r['error'] is None
        assert r['modality'] == ('audio' if r['input'].endswith(('.flac', '.mp3')) else 'image')
        assert r['time_ms'] > 0
        name = Path(r['input']).name
        if name in NOSCOPE:  # out of scope: no verdict, and why
            assert (r['prediction'], r['reason'], r['score'], r['confidence']) == ('abstain', NOSCOPE[name], None, None), r
            continue
        assert r['prediction'] in ('real', 'uncertain', 'fake') and 0 <= r['score'] <= 1
        assert r['real_below'] <= 0.5 <= r['fake_above']
        want = 'fake' if r['score'] >= r['fake_above'] else ('real' if r['score'] < r['real_below'] else 'uncertain')
        assert r['prediction'] == want, r
        if want == 'uncertain': assert r['confidence'] is None
        else: assert r['confidence'] >= 0.5 and r['confidence'] == pytest.approx(r['score'] if want == 'fake' else 1 - r['score'], abs=1e-5)
    assert 'Traceback' not in p.stderr


def test_detect_py_script(tiny):
    "`python detect.py` at the repository root and the installed `deepfake-detect` script, in fresh processes."
    _, ck = tiny
    for script in ('detect.py', 'console'):
        p = run([SAMPLES/'audio_dev_real_a01b1a2010118_00.flac', '--json'] + ck, script=script)
        assert p.returncode == 0, p.stderr
        (row,) = json_lines(p.stdout)
        assert row['modality'] == 'audio' and row['error'] is None


def test_human_output(tiny):
    "Without --json: one readable verdict per input, with the calibrated confidence and the timing."
    _, ck = tiny
    p = run([SAMPLES/'image_dev_fake_i054d6a964bc3.jpg'] + ck)
    assert p.returncode == 0, p.stderr
    assert 'image_dev_fake_i054d6a964bc3.jpg [image]' in p.stdout and 'confidence' in p.stdout and ' ms' in p.stdout


def test_corrupt_file_gives_error_object(tiny, tmp_path):
    "A corrupt file is an error object (no traceback); the other inputs are still scored; exit status 0."
    _, ck = tiny
    bad = tmp_path/'corrupt.flac'; bad.write_bytes(b'\x00\x01garbage' * 50)
    bad_img = tmp_path/'corrupt.jpg'; bad_img.write_bytes(b'\xff\xd8\xff\xe0 truncated')
    p = run([SAMPLES/'audio_dev_fake_a02ce9932c69d_00.flac', bad, bad_img, SAMPLES/'image_dev_real_i01eaa6e49e5d.jpg', '--json'] + ck)
    assert p.returncode == 0, p.stderr
    assert 'Traceback' not in p.stderr + p.stdout
    rows = json_lines(p.stdout)
    assert [r['error'] is None for r in rows] == [True, False, False, True]
    assert rows[1]['error'].startswith(str(bad)) and rows[1]['prediction'] is None
    assert rows[2]['error'].startswith(str(bad_img))
    h = run([bad] + ck)  # the human-readable error line names the path once
    assert h.stdout.count(str(bad)) == 1 and h.stdout.startswith('ERROR ' + str(bad)), h.stdout


def test_all_inputs_fail_exit_1(tiny, tmp_path):
    "The exit status is 1 only when every input failed."
    _, ck = tiny
    bad = tmp_path/'x.wav'; bad.write_bytes(b'nope')
    p = run([bad, tmp_path/'missing.flac', '--json'] + ck)
    assert p.returncode == 1
    assert all(r['error'] for r in json_lines(p.stdout))


def test_multimodal_pair(tiny):
    "--audio x --image y gives one multimodal verdict with both scores, the fused score and the inconsistency."
    _, ck = tiny
    p = run(['--audio', SAMPLES/'audio_dev_real_a01b1ba9dd379_00.flac', '--image', SAMPLES/'image_dev_real_i02adaa3422a9.jpg', '--json'] + ck)
    assert p.returncode == 0, p.stderr
    (r,) = json_lines(p.stdout)
    assert r['modality'] == 'multimodal' and r['error'] is None
    for k in ('audio_score', 'image_score', 'fused_score', 'inconsistency'): assert r[k] is not None and 0 <= r[k] <= 1
    assert r['score'] == r['fused_score']
    assert r['explanation'].startswith(f"the voice scored {r['audio_score']:.2f} fake, the face {r['image_score']:.2f}"), r['explanation']
    assert set(r['drivers']) == {'audio', 'image', 'inconsistency'} and r['drivers']['inconsistency']['value'] == pytest.approx(r['inconsistency'], abs=1e-5)
    h = run(['--audio', SAMPLES/'audio_dev_real_a01b1a2010118_00.flac', '--image', SAMPLES/'image_dev_real_i02adaa3422a9.jpg'] + ck)
    assert '    why: the voice scored' in h.stdout, h.stdout
    # a pair whose image has no face: the voice alone decides, and the result says so
    (r,) = json_lines(run(['--audio', SAMPLES/'audio_dev_real_a01b1a2010118_00.flac', '--image', SAMPLES/'image_noscope_testpattern.png', '--json'] + ck).stdout)
    assert r['image_score'] is None and r['score'] == r['audio_score'] and any('voice alone' in n for n in r['notes']), r


def test_video(tiny, tmp_path):
    "A clip built from a sample face and a sample speech clip: faces across frames + audio track, fused."
    from deepfake_nb.testing import make_test_video
    clip = make_test_video(tmp_path/'clip.mp4', SAMPLES/'image_dev_real_i01eaa6e49e5d.jpg', SAMPLES/'audio_dev_fake_a02ce9932c69d_00.flac')
    _, ck = tiny
    p = run(['--video', clip, '--json', '--frames', '8'] + ck)
    assert p.returncode == 0, p.stderr
    (r,) = json_lines(p.stdout)
    assert r['modality'] == 'video' and r['error'] is None, r
    assert r['audio_score'] is not None and r['image_score'] is not None and r['fused_score'] is not None
    assert 1 <= r['n_frames'] <= 8
    # the same clip as a positional input is recognised as a video
    p2 = run([clip, '--json', '--frames', '8'] + ck)
    assert json_lines(p2.stdout)[0]['modality'] == 'video'


def test_batch_csv_with_error_rows(tiny, tmp_path):
    "Batch mode (--out) writes one row per input, error rows included, through DataLoader workers."
    from deepfake_nb.infer.results import read_results
    _, ck = tiny
    bad = tmp_path/'broken.jpg'; bad.write_bytes(b'not an image')
    lst = tmp_path/'list.txt'; lst.write_text(f'{SAMPLES}\n{bad}\n')
    out = tmp_path/'scores.csv'
    p = run(['--list', lst, '--out', out, '--workers', '2'] + ck)
    assert p.returncode == 0, p.stderr
    rows = read_results(out)
    assert len(rows) == N_SAMPLES + 1
    errs = [r for r in rows if r['error']]
    assert len(errs) == 1 and errs[0]['input'] == str(bad)
    assert all(r['prediction'] in ('real', 'uncertain', 'fake', 'abstain') for r in rows if not r['error'])
    assert {Path(r['input']).name: r['reason'] for r in rows if r['prediction'] == 'abstain'} == NOSCOPE
    assert f'{len(NOSCOPE)} abstained' in p.stderr and '1 errors' in p.stderr, p.stderr  # counted apart in the summary


def test_text_file_is_not_a_path_list_by_default(tiny, tmp_path):
    "A .txt given as an input is an unsupported file (no silent reading as paths); --list reads it."
    _, ck = tiny
    lst = tmp_path/'notes.txt'; lst.write_text(f'{SAMPLES/"image_dev_real_i01eaa6e49e5d.jpg"}\n')
    p = run([lst, '--json'] + ck)
    assert p.returncode == 1 and 'unsupported file type' in json_lines(p.stdout)[0]['error'] and '--list' in p.stdout
    p = run(['--list', lst, '--json'] + ck)
    assert p.returncode == 0 and json_lines(p.stdout)[0]['input'].endswith('image_dev_real_i01eaa6e49e5d.jpg')


def test_center_crop_option_marks_the_verdict(tiny):
    "--no-face center_crop judges a face-less image from its centre and says so; the default abstains."
    _, ck = tiny
    f = SAMPLES/'image_noscope_testpattern.png'
    (r,) = json_lines(run([f, '--json'] + ck).stdout)
    assert r['prediction'] == 'abstain' and r['reason'] == 'no face found'
    (r,) = json_lines(run([f, '--json', '--no-face', 'center_crop'] + ck).stdout)
    assert r['prediction'] in ('real', 'uncertain', 'fake') and r['face_found'] is False and any('no face found' in n for n in r['notes'])


def test_shards_and_merge_keep_the_row_set(tiny, tmp_path):
    "Shards 0/3, 1/3, 2/3 are disjoint; merged they hold exactly the rows of an unsharded run."
    from deepfake_nb.infer.results import read_results
    _, ck = tiny
    bad = tmp_path/'broken.flac'; bad.write_bytes(b'nope' * 10)
    full = tmp_path/'full.jsonl'
    assert run([SAMPLES, bad, '--out', full, '--workers', '0', '--quiet'] + ck).returncode == 0
    parts = []
    for i in range(3):
        part = tmp_path/f'part{i}.csv'
        p = run([SAMPLES, bad, '--out', part, '--shard', f'{i}/3', '--workers', '0', '--quiet'] + ck)
        assert p.returncode == 0, p.stderr
        parts.append(part)
    sets = [{r['input'] for r in read_results(f)} for f in parts]
    assert sum(len(s) for s in sets) == len(set().union(*sets)) == N_SAMPLES + 1
    merged = tmp_path/'merged.csv'
    p = run(['--merge', *parts, '--out', merged])
    assert p.returncode == 0, p.stderr
    m, f = read_results(merged), {r['input']: r for r in read_results(full)}
    assert sorted(r['input'] for r in m) == sorted(f) and len(m) == len(f)
    for r in m:
        assert r['error'] == f[r['input']]['error']
        if not r['error']: assert r['score'] == pytest.approx(f[r['input']]['score'], abs=1e-5)


def test_torchrun_env_shard(tiny, tmp_path):
    "--shard auto reads RANK/WORLD_SIZE (as set by torchrun)."
    from deepfake_nb.infer.batch import shard_paths, expand_inputs
    _, ck = tiny
    out = tmp_path/'r1.jsonl'
    p = run(['samples', '--out', out, '--shard', 'auto', '--workers', '0', '--quiet'] + ck, script='detect.py', env={'RANK': '1', 'WORLD_SIZE': '2'})
    assert p.returncode == 0, p.stderr
    want = shard_paths(expand_inputs(['samples']), '1/2')
    assert [json.loads(l)['input'] for l in out.read_text().splitlines()] == want


def test_usage_errors():
    "No input, or a bad option, is a usage error (status 2) with a message, not a traceback."
    p = run([])
    assert p.returncode == 2 and 'nothing to score' in p.stderr
    p = run(['samples', '--precision', 'fp8'])
    assert p.returncode == 2 and 'Traceback' not in p.stderr
    p = run(['samples', '--audio-checkpoint', 'no/such/file.safetensors'])
    assert 'Traceback' not in p.stderr + p.stdout


def test_onnx_runtime_matches_torch(tiny, tmp_path, monkeypatch):
    "--onnx (exporting into a cache folder on first use) gives the PyTorch scores; --int8 stays close."
    _, ck = tiny
    monkeypatch.setenv('DEEPFAKE_NB_CACHE', str(tmp_path/'cache'))
    f = SAMPLES/'audio_dev_fake_a02ce9932c69d_00.flac'
    def score(extra):
        p = run([f, '--json'] + extra + ck)
        assert p.returncode == 0, p.stderr
        return json_lines(p.stdout)[0]['score']
    s_torch, s_onnx, s_int8 = score([]), score(['--onnx']), score(['--onnx', '--int8'])
    assert s_onnx == pytest.approx(s_torch, abs=1e-4)
    assert s_int8 == pytest.approx(s_torch, abs=0.05)
    assert list((tmp_path/'cache').rglob('audio.onnx'))


def test_bundled_weights_score_samples():
    "The bundled weights load and score samples/ (skipped when they are not bundled yet)."
    w = ROOT/'deepfake_nb'/'weights'
    if not ((w/'audio.safetensors').exists() and (w/'image.safetensors').exists()):
        pytest.skip('bundled weights deepfake_nb/weights/{audio,image}.safetensors are absent')
    p = run(['samples/', '--json', '--quiet'])
    assert p.returncode == 0, p.stderr
    rows = json_lines(p.stdout)
    assert len(rows) == N_SAMPLES and all(r['error'] is None for r in rows)
    assert all(r['fake_above'] is not None and 0 <= r['score'] <= 1 for r in rows if r['prediction'] != 'abstain')
    assert {Path(r['input']).name for r in rows if r['prediction'] == 'abstain'} == set(NOSCOPE)
