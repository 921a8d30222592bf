"""Hostile-input suite (issue 20): generated (hypothesis) and hand-made hostile cases over every entry point.

Entry points: the checkpoint loader, the training config (load_config + the training commands), the `deepfake-detect` CLI,
the Python API (Detector.predict_*), `deepfake-evaluate`, `deepfake-export` / `-bench` / `-ensemble`, folder input and
manifests, the web app's upload paths (the page's, which keeps uploads visible and deletes the scoring copy, and the REST
endpoint POST /api/score, which must answer an HTTP error status with a JSON error). Every case must end in a clear error (a `BadInputError`/`ConfigError` or one line on
stderr naming the file or key, with the documented exit status) or a sane result: no traceback, no score from a damaged
checkpoint, no nonsensical config accepted, no upload left behind.

`python tests/hostile_suite.py` runs it and prints the number of cases per entry point (HOSTILE_COUNTS=<file> writes them).
"""
from __future__ import annotations
import contextlib, io, json, math, os, tempfile, warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from hypothesis import HealthCheck, Phase, assume, given, settings, strategies as st

from deepfake_nb.config import ConfigError, RULES, default_config, load_config, validate_config
from deepfake_nb.data.io import BadInputError

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / 'samples'
N = int(os.environ.get('HOSTILE_EXAMPLES', 25))
HYP = settings(max_examples=N, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
CASES: Counter = Counter()


def record(entry: str, n: int = 1) -> None:
    "Count `n` hostile cases tried at `entry`."
    CASES[entry] += n


@pytest.fixture(scope='session', autouse=True)
def _counts():
    yield
    dest = os.environ.get('HOSTILE_COUNTS')
    if dest: Path(dest).write_text(json.dumps(dict(sorted(CASES.items())), indent=1))


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    from deepfake_nb.testing import make_tiny_checkpoints
    torch.set_num_threads(1)
    return make_tiny_checkpoints(tmp_path_factory.mktemp('tiny'))


@pytest.fixture(scope='module')
def det(tiny):
    from deepfake_nb.infer.detector import Detector
    return Detector.from_pretrained(tiny['audio'], tiny['image'])


def _clear(msg: str, name: str) -> None:
    "One line, starting with the file/key, no traceback."
    assert msg.startswith(str(name)), (name, msg)
    assert '\n' not in msg.strip() and 'Traceback' not in msg, msg


def call(main, argv):
    "(exit status, stdout, stderr) of an entry point's main(argv), in this process."
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try: code = main([str(a) for a in argv])
        except SystemExit as e: code = e.code if isinstance(e.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def _one_error_line(err: str, must_name: str | None = None) -> None:
    "stderr holds no traceback, and its error line names `must_name` when given."
    assert 'Traceback' not in err, err[-2000:]
    if must_name is not None:
        line = next((l for l in err.splitlines() if 'error' in l), '')
        assert str(must_name) in line, (must_name, err[-600:])


# --- checkpoint loader --------------------------------------------------------------------------------------------

def _rewrite(src: Path, dst: Path, meta: dict | None = None, tensors=None) -> Path:
    "A copy of checkpoint `src` with some metadata fields (JSON values) and/or tensors replaced."
    from safetensors import safe_open
    from safetensors.torch import save_file
    with safe_open(str(src), framework='pt') as f: raw, ts = dict(f.metadata()), {k: f.get_tensor(k) for k in f.keys()}
    for k, v in (meta or {}).items(): raw[k] = v if isinstance(v, str) else json.dumps(v)
    if tensors: ts = tensors(ts)
    save_file(ts, str(dst), metadata=raw)
    return dst


def _scores_sanely(path: Path, modality: str) -> None:
    "A checkpoint that loads must score finitely, with a threshold in (0, 1) and the packaged input limits."
    from deepfake_nb.infer.detector import Branch
    b = Branch(path, modality)
    assert 0 < b.threshold < 1
    assert b.cfg.data.max_audio_seconds == default_config()['data']['max_audio_seconds']
    x = np.random.default_rng(0).standard_normal((1, int(b.cfg.audio.sample_rate * b.cfg.audio.clip_seconds))).astype(np.float32) * 0.1 if modality == 'audio' \
        else np.random.default_rng(0).random((1, 3, b.cfg.image.image_size, b.cfg.image.image_size)).astype(np.float32)
    p = b.score_windows(x)
    assert math.isfinite(p) and 0 <= p <= 1


BAD_THRESHOLDS = [5.0, -1.0, float('nan'), float('inf'), 0.0, 1.0, 'x', [0.5], True]
BAD_CALIBRATIONS = [{'method': 'temperature', 'temperature': t} for t in (0.0, -1.0, float('nan'), float('inf'), 'hot', None)] + \
    [{'method': 'bayes_logistic', 'a': float('nan'), 'b': 0.0}, {'method': 'bayes_logistic', 'a': 1.0, 'b': float('inf')},
     {'method': 'bayes_logistic', 'a': 1.0, 'b': 0.0, 'cov': [[float('nan'), 0], [0, 1]]}, {'method': 'bayes_logistic', 'a': 1.0, 'b': 0.0, 'cov': [1, 2, 3]},
     {'method': 'magic'}, {'method': 'temperature'}, 'temperature', [1, 2], 3.0]


def test_checkpoint_damaged_decision_values(tiny, tmp_path):
    "Thresholds outside (0, 1), NaN, wrong types; calibrators with bad parameters: refused naming the file, never scored."
    for i, t in enumerate(BAD_THRESHOLDS):
        p = _rewrite(tiny['audio'], tmp_path / f'thr{i}.safetensors', {'operating_point': {'threshold': t}})
        with pytest.raises(BadInputError) as e: _scores_sanely(p, 'audio')
        _clear(str(e.value), p); assert 'threshold' in str(e.value)
        record('checkpoint loader')
    for i, c in enumerate(BAD_CALIBRATIONS):
        p = _rewrite(tiny['audio'], tmp_path / f'cal{i}.safetensors', {'calibration': c})
        with pytest.raises(BadInputError) as e: _scores_sanely(p, 'audio')
        _clear(str(e.value), p); assert 'calibration' in str(e.value)
        record('checkpoint loader')


def test_checkpoint_nan_weights_and_metadata_junk(tiny, tmp_path):
    "NaN/inf weights; corrupt JSON; configs that are not mappings; a huge stored model; untrusted encoders; input limits from the file."
    for m in ('audio', 'image'):
        for bad in (float('nan'), float('inf')):
            def poison(ts):
                k = next(k for k, v in sorted(ts.items()) if v.is_floating_point() and v.numel())
                ts[k] = ts[k].clone(); ts[k].view(-1)[0] = bad; return ts
            p = _rewrite(tiny[m], tmp_path / f'nan_{m}.safetensors', tensors=poison)
            with pytest.raises(BadInputError, match='non-finite') as e: _scores_sanely(p, m)
            _clear(str(e.value), p); record('checkpoint loader')
    junk = {'config': '{not json', 'calibration': '[[[[', 'operating_point': 'NaN-ish', 'metrics': '[1, 2]'}
    for k, v in junk.items():
        p = _rewrite(tiny['audio'], tmp_path / f'junk_{k}.safetensors', {k: v})
        with pytest.raises(BadInputError) as e: _scores_sanely(p, 'audio')
        _clear(str(e.value), p); record('checkpoint loader')
    for cfgv in ([], 'x', 3, {'audio_model': 5}, {'data': []}, {'audio_model': {'channels': [-1]}}, {'audio': {'sample_rate': 0}},
                 {'audio_model': {'arch': 'nonexistent'}}, {'audio_model': {'members': [5]}}):
        p = _rewrite(tiny['audio'], tmp_path / 'cfg.safetensors', {'config': cfgv if not isinstance(cfgv, dict) else {**json.loads(_meta(tiny['audio'])['config']), **cfgv}})
        with pytest.raises(BadInputError) as e: _scores_sanely(p, 'audio')
        _clear(str(e.value), p); record('checkpoint loader')
    full = json.loads(_meta(tiny['image'])['config'])
    full['image_model'] = {**full['image_model'], 'arch': 'dual', 'vit_dim': 4096, 'vit_depth': 64, 'vit_heads': 16}
    p = _rewrite(tiny['image'], tmp_path / 'huge.safetensors', {'config': full})
    with pytest.raises(BadInputError, match='more than the') as e: _scores_sanely(p, 'image')
    _clear(str(e.value), p); record('checkpoint loader')
    for enc in ('/tmp/custom_code_model', 'evil/remote-model', 'https://example.com/x', ''):
        c = json.loads(_meta(tiny['audio'])['config']); c['audio_model'] = {**c['audio_model'], 'ssl_encoder': enc}
        p = _rewrite(tiny['audio'], tmp_path / 'enc.safetensors', {'config': c})
        with pytest.raises(BadInputError, match='trusted encoder') as e: _scores_sanely(p, 'audio')
        _clear(str(e.value), p); record('checkpoint loader')
    c = json.loads(_meta(tiny['audio'])['config']); c['data'] = {**c['data'], 'max_audio_seconds': 1e12, 'max_image_pixels': 10**12}
    p = _rewrite(tiny['audio'], tmp_path / 'limits.safetensors', {'config': c})
    _scores_sanely(p, 'audio'); record('checkpoint loader')  # loads, but with the packaged limits (checked inside)


def _meta(path) -> dict:
    from safetensors import safe_open
    with safe_open(str(path), framework='pt') as f: return dict(f.metadata())


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
                      st.text(max_size=12), st.lists(st.integers(-5, 5), max_size=3))


@HYP
@given(thr=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none()),
       temp=st.floats(allow_nan=True, allow_infinity=True), section=st.sampled_from(['audio', 'audio_model', 'data', 'train', 'calibration']),
       key_value=st.tuples(st.integers(0, 40), json_leaf))
def test_checkpoint_metadata_fuzz(tiny, thr, temp, section, key_value):
    "Generated metadata: either a BadInputError naming the file, or a checkpoint that scores sanely; damaged values never score."
    c = json.loads(_meta(tiny['audio'])['config'])
    keys = sorted(c[section]); k = keys[key_value[0] % len(keys)]
    c[section] = {**c[section], k: key_value[1]}
    with tempfile.TemporaryDirectory() as d:
        p = _rewrite(tiny['audio'], Path(d) / 'f.safetensors', {'operating_point': {'threshold': thr}, 'calibration': {'method': 'temperature', 'temperature': temp}, 'config': c})
        damaged = (thr is not None and not (math.isfinite(thr) and 0 < thr < 1)) or not (math.isfinite(temp) and 0.01 <= temp <= 100)
        try: _scores_sanely(p, 'audio'); ok = True
        except BadInputError as e: _clear(str(e), p); ok = False
        assert not (ok and damaged), (thr, temp)
    record('checkpoint loader')


@HYP
@given(data=st.binary(min_size=0, max_size=600), cut=st.floats(0, 1))
def test_checkpoint_bytes_fuzz(tiny, data, cut):
    "Random bytes and damaged headers: always a BadInputError naming the file."
    from deepfake_nb.checkpoint import load_checkpoint
    b = Path(tiny['audio']).read_bytes()
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / 'c.safetensors'
        p.write_bytes(b[:8] + data + b[8 + len(data):] if cut < 0.5 else data)
        try: load_checkpoint(p)
        except BadInputError as e: _clear(str(e), p)
    record('checkpoint loader')


# --- training config -----------------------------------------------------------------------------------------------

def _nested(key: str, v) -> dict:
    "{'a': {'b': v}} for key 'a.b'."
    out = v
    for part in reversed(key.split('.')): out = {part: out}
    return out


def _nonsense(key: str, default):
    "Values of the right type that make no sense for `key` (from its rule), plus NaN/inf."
    out = []
    if isinstance(default, bool): return out
    if isinstance(default, (int, float)):
        out += [-1, -10**9, 10**15] + ([float('nan'), float('inf')] if isinstance(default, float) else [])
        if not RULES[key][0](0): out.append(0 if isinstance(default, int) else 0.0)
        if isinstance(default, float) and not RULES[key][0](1.5): out.append(1.5)
    elif isinstance(default, str): out += [''] if not RULES[key][0]('') else []
    elif isinstance(default, list) and default and isinstance(default[0], (int, float)): out += [[-1] * len(default), [0] * len(default)]
    return [v for v in out if not RULES[key][0](v)]


def test_config_nonsense_refused_by_key(tmp_path):
    "Every ruled key, set to each nonsensical value, in a YAML file: ConfigError naming the file and the key."
    defaults = default_config(); n = 0
    for key in RULES:
        dv = defaults
        for part in key.split('.'): dv = dv[part]
        for v in _nonsense(key, dv):
            user = _nested(key, v)
            p = tmp_path / 'c.yaml'; p.write_text(yaml.safe_dump(user))
            with pytest.raises(ConfigError) as e: load_config(p)
            assert f"'{key}'" in str(e.value) and str(e.value).startswith(str(p)), (key, v, str(e.value))
            n += 1
    record('training config', n)
    assert n > 80


YAML_BOMBS = ['a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
              'train: &t {epochs: 3}\nunused: *t\n', '[' * 5000 + ']' * 5000, 'train:\n  epochs: !!python/object/apply:os.system ["true"]\n',
              '\x00\x01\x02binary', 'train: [1, 2', '- just\n- a list\n', '42', 'train: {epochs: 1e400}\n', 'data: {root: null}\n',
              'train: {epochs: .nan}\n', 'train: {lr: .inf}\n', 'audio_model: {channels: [a, b]}\n', 'train: {epochs: "3"}\n', 'data:\n  root: 5\n']


def test_config_hostile_yaml(tmp_path):
    "Anchor/alias bombs (even in an unused key), deep nesting, python tags, junk, wrong types: ConfigError naming the file."
    for i, text in enumerate(YAML_BOMBS):
        p = tmp_path / f'b{i}.yaml'; p.write_text(text)
        with pytest.raises(ConfigError) as e: load_config(p)
        _clear(str(e.value), p); record('training config')
    big = tmp_path / 'big.yaml'; big.write_text('# pad\n' * 300000)
    with pytest.raises(ConfigError, match='larger than'): load_config(big)
    record('training config')


@HYP
@given(idx=st.integers(0, 10**6), value=json_leaf)
def test_config_fuzz(idx, value, tmp_path_factory):
    "A random key set to a random value: refused naming the key, or accepted only if it passes the rules."
    from deepfake_nb.config import _leaves
    keys = [k for k, _ in _leaves(default_config())]
    key = keys[idx % len(keys)]
    user, parts = _nested(key, value), key.split('.')
    try: cfg = load_config(overrides=user)
    except ConfigError as e: assert key in str(e), (key, value, str(e))
    else:
        validate_config(cfg)
        v = cfg
        for part in parts: v = v[part]
        if isinstance(v, float): assert math.isfinite(v)
    record('training config')


def test_max_minutes_float():
    assert load_config(overrides={'train': {'max_minutes': 0.5}}).train.max_minutes == 0.5
    record('training config')


def _train_layout(root: Path, one_class: bool = False, empty_val: bool = False) -> Path:
    import soundfile as sf
    rng = np.random.default_rng(0)
    for split in ('train', 'val'):
        for label in (('real',) if one_class else ('real', 'fake')):
            d = root / 'audio' / split / label; d.mkdir(parents=True, exist_ok=True)
            if empty_val and split == 'val': continue
            for i in range(2): sf.write(d / f'{i}.wav', (0.1 * rng.standard_normal(8000)).astype(np.float32), 16000)
    return root


def test_training_entry_points_refuse(tmp_path):
    "`deepfake-train --modality audio|image` and `deepfake-train-multimodal` with bad configs and data: exit 2, one error line naming the key or folder, no traceback."
    from deepfake_nb.cli import train_main as train
    train_audio = lambda argv: train(['--modality', 'audio', *argv])
    train_image = lambda argv: train(['--modality', 'image', *argv])
    from deepfake_nb.cli import train_multimodal_main as train_mm
    cfgs = {'neg_epochs.yaml': 'train: {epochs: -1}\n', 'zero_bs.yaml': 'train: {batch_size: 0}\n', 'lr.yaml': 'train: {lr: 0}\n',
            'rate.yaml': 'augment: {audio: {codec_p: 1.5}}\n', 'split.yaml': 'data: {val_split: ""}\n', 'same.yaml': 'data: {val_split: train}\n',
            'type.yaml': 'train: {epochs: many}\n', 'sect.yaml': 'train: 5\n', 'alias.yaml': 'x: &a 1\ny: *a\n', 'list.yaml': '[1, 2]\n'}
    for name, text in cfgs.items():
        p = tmp_path / name; p.write_text(text)
        for main in (train_audio, train_image, train_mm):
            code, out, err = call(main, ['--config', p, '--out', tmp_path / 'run'] if main is not train_mm else ['--config', p])
            assert code == 2, (name, code, err[-800:]); _one_error_line(err, p.name); record('training entry points')
    good = tmp_path / 'good.yaml'; good.write_text('train: {epochs: 1, threads: 1}\ndata: {num_workers: 0}\n')
    datas = {'missing': tmp_path / 'nope', 'empty': tmp_path / 'emptydir', 'one_class': _train_layout(tmp_path / 'one', one_class=True),
             'empty_val': _train_layout(tmp_path / 'ev', empty_val=True), 'a_file': good}
    (tmp_path / 'emptydir').mkdir()
    for kind, data in datas.items():
        for main in (train_audio, train_image):
            code, out, err = call(main, ['--config', good, '--data', data, '--out', tmp_path / f'run_{kind}', '--no-resume'])
            assert code == 2, (kind, code, err[-800:]); _one_error_line(err, data.name); record('training entry points')
    for argv in (['--epochs', '-3'], ['--epochs', '0'], ['--max-minutes', 'nan'], ['--max-minutes', '-1'], ['--seed', '-5'], ['--epochs', 'x']):
        code, out, err = call(train_audio, ['--config', good, '--data', tmp_path / 'nope', *argv])
        assert code == 2 and 'Traceback' not in err, (argv, code, err[-800:]); record('training entry points')
    code, out, err = call(train_audio, ['--config', good, '--data', tmp_path / 'nope', '--max-minutes', '0.5'])
    assert code == 2 and 'nope' in err and 'max_minutes' not in err, err  # a float budget is accepted (fails on the data, not the budget)
    record('training entry points')


# --- deepfake-detect -------------------------------------------------------------------------------------------------

def _detect(argv):
    from deepfake_nb.cli import detect_main
    return call(detect_main, argv)


def test_detect_argument_ranges(tiny):
    ck = ['--audio-checkpoint', tiny['audio'], '--image-checkpoint', tiny['image']]
    a = SAMPLES / 'audio_dev_real_a01b1a2010118_00.flac'
    for bad in (['--threshold', 'nan'], ['--threshold', '7'], ['--threshold', '0'], ['--threshold', '1'], ['--threshold', '-0.1'], ['--threshold', 'inf'],
                ['--frames', '0'], ['--frames', '-4'], ['--batch-size', '0'], ['--workers', '-1'], ['--threads', '-2'], ['--device', 'tpu'],
                ['--shard', '3/2', '--out', '/tmp/x.csv'], ['--merge', 'x.csv'], []):
        code, out, err = _detect([a, *ck, *bad] if bad else [])
        assert code == 2 and 'Traceback' not in err, (bad, code, err); record('deepfake-detect')
    code, out, err = _detect([a, *ck, '--threshold', '0.3', '--json', '--quiet'])
    assert code == 0 and json.loads(out)['fake_above'] == 0.3; record('deepfake-detect')


def test_detect_folder_hazards(tiny, tmp_path):
    "Dangling links, link loops, FIFOs, unreadable and empty files in a folder: error rows, counted; an empty folder: exit 1 with a message."
    ck = ['--audio-checkpoint', tiny['audio'], '--image-checkpoint', tiny['image']]
    d = tmp_path / 'in'; d.mkdir()
    (d / 'good.flac').write_bytes((SAMPLES / 'audio_dev_real_a01b1a2010118_00.flac').read_bytes())
    os.symlink(tmp_path / 'gone.wav', d / 'dangling.wav')
    os.symlink(d / 'loop.wav', d / 'loop.wav')
    os.symlink(d, d / 'subloop')                      # a folder loop
    os.mkfifo(d / 'pipe.wav')
    (d / 'empty.png').write_bytes(b'')
    (d / 'locked.jpg').write_bytes(b'x' * 100); os.chmod(d / 'locked.jpg', 0)
    from deepfake_nb.infer.batch import expand_inputs
    found = expand_inputs([d])
    names = {Path(p).name for p in found}
    assert {'good.flac', 'dangling.wav', 'loop.wav', 'pipe.wav', 'empty.png', 'locked.jpg'} <= names, names
    assert len(found) == len(set(found)) == 6, found   # the folder loop is walked once
    for extra in ([], ['--out', tmp_path / 'o.csv', '--workers', '0']):
        code, out, err = _detect([d, *ck, '--json', '--quiet', *extra])
        assert code == 0 and 'Traceback' not in err, err
        rows = [json.loads(l) for l in out.splitlines()]
        assert len(rows) == 6 and sum(r['error'] is not None for r in rows) == 5, rows
        for r in rows:
            if r['error']: _clear(r['error'], r['input'])
        record('folder input', 6)
    (tmp_path / 'void').mkdir()
    code, out, err = _detect([tmp_path / 'void', *ck])
    assert code == 1 and 'void' in err and 'no audio, image or video' in err, (code, err); record('folder input')
    code, out, err = _detect([tmp_path / 'void', *ck, '--out', tmp_path / 'v.csv', '--workers', '0'])
    assert code == 1, (code, err); record('folder input')


def test_manifest_repeats_and_contradictions(tmp_path):
    from deepfake_nb.data.datasets import find_items
    (tmp_path / 'a.wav').write_bytes(b'')
    m = tmp_path / 'm.csv'
    m.write_text('path,label\na.wav,real\na.wav,real\nb.wav,fake\n')
    with pytest.warns(UserWarning, match='1 repeated row'): items = find_items(m, 'audio')
    assert len(items) == 2
    m.write_text('path,label\na.wav,real\nb.wav,fake\na.wav,fake\n')
    with pytest.raises(BadInputError, match='line 4: a.wav is labelled fake here and real on line 2') as e: find_items(m, 'audio')
    _clear(str(e.value), m)
    m.write_text('path,label\n,real\n')
    with pytest.raises(BadInputError, match='empty'): find_items(m, 'audio')
    record('folder input', 3)


@HYP
@given(argv=st.lists(st.one_of(st.sampled_from(['--threshold', '--frames', '--batch-size', '--workers', '--shard', '--json', '--audio', '--image',
                                                '--video', '--quiet', '--threads', '--precision', '--int8', 'nan', '-1', '0', '7', '1/0', 'x.wav', '/dev/null']),
                               st.text(max_size=8)), max_size=6))
def test_detect_random_argv(tiny, argv):
    "Random argument lists: an exit status of the contract (0/1/2) and never a traceback."
    assume(not any(a in ('--onnx', '--help', '-h') or a.startswith('--h') or a.startswith('--merge') or a.startswith('--out') or a.startswith('--o') for a in argv))
    code, out, err = _detect(['--audio-checkpoint', tiny['audio'], '--image-checkpoint', tiny['image'], '--quiet', *argv])
    assert code in (0, 1, 2) and 'Traceback' not in err, (argv, code, err[-1500:])
    record('deepfake-detect')


# --- Python API ------------------------------------------------------------------------------------------------------

ODD_ARRAYS = [np.zeros(0, np.float32), np.array(np.nan), np.full(16000, np.nan, np.float32), np.full(16000, np.inf), np.zeros((2, 3, 4, 5)),
              np.ones((16000, 40)), np.array(['a', 'b']), np.array([1 + 2j] * 8000), np.array([object()] * 3), np.zeros(1), np.zeros((0, 3)),
              np.full(16000, 1e38, np.float32), np.arange(16000, dtype=np.int64), np.zeros(16000, bool), [1, 2, 3], 'not/a/file.wav', None, 5]


def test_api_odd_inputs(det):
    "predict_audio / predict_image / predict with odd arrays and objects: a Result (error or finite score), never an exception."
    from deepfake_nb.infer.results import Result
    for x in ODD_ARRAYS:
        pa, pi = (lambda v: det.predict_audio(v, errors='result')), (lambda v: det.predict_image(v, errors='result'))
        for fn in (pa, pi, lambda v: det.predict(audio=v, errors='result'), lambda v: det.predict(image=v, errors='result')):
            if x is None and fn not in (pa, pi):
                with pytest.raises(ValueError, match='predict needs'): fn(x)   # no input at all: a usage error of the API
                continue
            try: r = fn(x)
            except TypeError as e:   # a list is not one input: a TypeError that points to predict_batch
                assert isinstance(x, list) and 'predict_batch' in str(e), (x, e); record('Python API'); continue
            assert isinstance(r, Result)
            assert (r.error is not None) or (r.prediction == 'abstain' and r.reason) or (r.score is not None and math.isfinite(r.score) and 0 <= r.score <= 1), r
            if r.error:
                assert 'Traceback' not in r.error and '\n' not in r.error
                if fn in (pa, pi):   # the same input without errors='result' raises BadInputError with that message
                    with pytest.raises(BadInputError): (det.predict_audio if fn is pa else det.predict_image)(x)
            record('Python API')


@HYP
@given(shape=st.lists(st.integers(0, 9000), min_size=0, max_size=3), fill=st.floats(allow_nan=True, allow_infinity=True),
       dtype=st.sampled_from(['float32', 'float64', 'int16', 'uint8', 'float16']), sr=st.one_of(st.none(), st.integers(-10, 200000)))
def test_api_audio_array_fuzz(det, shape, fill, dtype, sr):
    from deepfake_nb.infer.results import Result
    assume(int(np.prod(shape)) <= 40000)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        x = np.full(shape, fill).astype(dtype) if math.isfinite(fill) or dtype.startswith('float') else np.zeros(shape, dtype)
    r = det.predict_audio(x, sample_rate=sr, errors='result') if sr is not None else det.predict_audio(x, errors='result')
    assert isinstance(r, Result) and ((r.error is not None) or (r.prediction == 'abstain' and r.reason) or (r.score is not None and math.isfinite(r.score)))
    record('Python API')


@HYP
@given(h=st.integers(0, 300), w=st.integers(0, 300), c=st.sampled_from([1, 2, 3, 4, 5]), dtype=st.sampled_from(['uint8', 'float32', 'float64', 'int32']),
       fill=st.floats(allow_nan=True, allow_infinity=True))
def test_api_image_array_fuzz(det, h, w, c, dtype, fill):
    from deepfake_nb.infer.results import Result
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        x = np.full((h, w, c), fill).astype(dtype) if math.isfinite(fill) or dtype.startswith('float') else np.zeros((h, w, c), dtype)
    r = det.predict_image(x, errors='result')
    assert isinstance(r, Result) and ((r.error is not None) or (r.prediction == 'abstain' and r.reason) or (r.score is not None and math.isfinite(r.score)))
    record('Python API')


# --- evaluate / export / bench / ensemble -------------------------------------------------------------------------------

def test_evaluate_hostile_options(tiny, tmp_path):
    from deepfake_nb.cli import evaluate_main as main
    from deepfake_nb.testing import make_tiny_layout
    root = make_tiny_layout(tmp_path / 'data', n=1, splits=('test',), broken=False)
    ck = tmp_path / 'nanthr.safetensors'; _rewrite(tiny['audio'], ck, {'operating_point': {'threshold': float('nan')}})
    base = ['--modality', 'audio', '--out', tmp_path / 'e', '--device', 'cpu', '--no-progress']
    cases = [(['--data', tmp_path / 'nope', '--checkpoint', tiny['audio']], 'nope'), (['--data', tmp_path, '--checkpoint', tiny['audio']], None),
             (['--data', root, '--checkpoint', ck], ck.name), (['--data', root, '--checkpoint', tmp_path], None),
             (['--data', root, '--checkpoint', tiny['audio'], '--threshold', 'nan'], None), (['--data', root, '--checkpoint', tiny['audio'], '--threshold', '7'], None),
             (['--data', root, '--checkpoint', tiny['audio'], '--batch-size', '0'], None), (['--data', root, '--checkpoint', tiny['audio'], '--split', 'nosuch'], None),
             (['--data', root, '--checkpoint', tiny['image']], tiny['image'].name), (['--data', root / 'audio', '--checkpoint', tiny['audio'], '--limit', '-1'], None),
             (['--data', root, '--checkpoint', tiny['audio'], '--asv-scores', tmp_path / 'none.txt'], None)]
    for argv, name in cases:
        code, out, err = call(main, base + argv)
        assert code == 2, (argv, code, err[-1500:]); _one_error_line(err, name); record('deepfake-evaluate')


def test_export_bench_ensemble_hostile(tiny, tmp_path):
    from deepfake_nb.cli import ensemble_main as ens
    from deepfake_nb.cli import export_main as export
    from deepfake_nb.cli import bench_main
    bad = [_rewrite(tiny['audio'], tmp_path / 'nan.safetensors', {'operating_point': {'threshold': 5.0}}), tmp_path / 'missing.safetensors',
           Path(tmp_path / 'junk.safetensors')]
    bad[2].write_bytes(b'junk' * 50)
    for ck in bad:
        code, out, err = call(export, ['--audio-checkpoint', ck, '--modality', 'audio', '--out', tmp_path / 'x', '--no-int8'])
        assert code == 2, (code, err); _one_error_line(err, ck.name); record('deepfake-export')
        code, out, err = call(bench_main, ['--audio-checkpoint', ck, '--modality', 'audio', '--runtimes', 'torch fp32', '--quick', '--no-memory', '--clip-seconds', '0'])
        assert code in (1, 2) and 'Traceback' not in err and ck.name in err, (code, err); record('deepfake-bench')
        code, out, err = call(ens, [ck, tiny['audio'], '--out', tmp_path / 'e.safetensors'])
        assert code == 2, (code, err); _one_error_line(err, ck.name); record('deepfake-ensemble')
    for argv in (['--opset', '-1', '--modality', 'audio', '--audio-checkpoint', tiny['audio'], '--out', tmp_path / 'y', '--no-int8'], ['--modality', 'video']):
        code, out, err = call(export, argv); assert code in (1, 2) and 'Traceback' not in err, err; record('deepfake-export')
    code, out, err = call(ens, [tiny['audio'], tiny['image'], '--out', tmp_path / 'e.safetensors'])
    assert code == 2 and 'Traceback' not in err, err; record('deepfake-ensemble')
    code, out, err = call(ens, [tiny['audio'], '--out', tmp_path / 'e.safetensors', '--data', tmp_path / 'nope'])
    assert code == 2 and 'Traceback' not in err, err; record('deepfake-ensemble')


def test_onnx_export_bound_to_checkpoint(tiny, tmp_path):
    "An --onnx-dir export is used only with the checkpoint it was made from (digest in <modality>.json), and only unmodified."
    pytest.importorskip('onnxruntime')
    from deepfake_nb.export import export_checkpoint
    from deepfake_nb.infer.detector import Detector
    out = tmp_path / 'onnx'
    export_checkpoint(tiny['audio'], out, int8=False)
    a = str(SAMPLES / 'audio_dev_real_a01b1a2010118_00.flac')
    r = Detector.from_pretrained(tiny['audio'], onnx=True, onnx_dir=out).predict_audio(a, errors='result')
    assert r.error is None, r.error
    other = tmp_path / 'other.safetensors'
    from deepfake_nb.testing import make_tiny_checkpoints
    other = make_tiny_checkpoints(tmp_path / 'o', ['audio'], seed=3)['audio']
    r = Detector.from_pretrained(other, onnx=True, onnx_dir=out).predict_audio(a, errors='result')
    assert r.error and 'exported from another checkpoint' in r.error and 'audio.onnx' in r.error, r.error
    (out / 'audio.onnx').write_bytes((out / 'audio.onnx').read_bytes() + b'\0')
    r = Detector.from_pretrained(tiny['audio'], onnx=True, onnx_dir=out).predict_audio(a, errors='result')
    assert r.error and 'does not match the digest' in r.error, r.error
    (out / 'audio.json').unlink()
    r = Detector.from_pretrained(tiny['audio'], onnx=True, onnx_dir=out).predict_audio(a, errors='result')
    assert r.error and 'no export record' in r.error, r.error
    record('deepfake-detect', 4)


# --- web app upload path ------------------------------------------------------------------------------------------------

def test_webapp_uploads_never_left_behind(det, tmp_path):
    "50 uploads (good, junk, empty, wrong kind) through the page's upload path: each is deleted after scoring or on error."
    from deepfake_nb.webapp import score_and_discard, prune_uploads
    up = tmp_path / 'uploads'; up.mkdir()
    rng = np.random.default_rng(0)
    good_a, good_i = (SAMPLES / 'audio_dev_real_a01b1a2010118_00.flac').read_bytes(), (SAMPLES / 'image_dev_real_i01eaa6e49e5d.jpg').read_bytes()
    for i in range(50):
        sub = up / f'{i:02d}'; sub.mkdir()
        kind = ['audio', 'image', 'video'][i % 3]
        data = [good_a, good_i, rng.bytes(500), b'', b'text' * 10][i % 5] if kind != 'video' else rng.bytes(300)
        f = sub / f'up{i}.{ {"audio": "wav", "image": "png", "video": "mp4"}[kind] }'; f.write_bytes(data)
        out = score_and_discard(det, **{'audio': None, 'image': None, 'video': None, kind: str(f)}, upload_dir=up, explain=False)
        assert isinstance(out, tuple) and len(out) == 3 and 'Traceback' not in out[0]
        assert not f.exists()
        record('web app uploads')
    assert not any(up.rglob('*')), list(up.rglob('*'))
    stale = up / 'stale.wav'; stale.write_bytes(b'x' * 1000); os.utime(stale, (0, 0))
    assert prune_uploads(up) == 1 and not stale.exists(); record('web app uploads')
    big = [up / f'b{i}.bin' for i in range(3)]
    for b in big: b.write_bytes(b'\0' * 400_000)
    assert prune_uploads(up, max_mb=0.5) == 2 and sum(b.exists() for b in big) == 1; record('web app uploads')


def test_webapp_page_path_keeps_uploads_and_deletes_scoring_copies(det, tmp_path):
    "50 uploads through the page's path (uploads stay visible after Score): the scoring folder is empty after each, the examples survive, and ending the session leaves the folder as it was."
    from deepfake_nb.webapp import SCORING, UploadLedger, score_and_discard
    up = tmp_path / 'uploads'; up.mkdir()
    example = up / 'ex' / 'audio_noscope_tones.flac'; example.parent.mkdir(); example.write_bytes((SAMPLES / 'audio_noscope_tones.flac').read_bytes())
    os.utime(example, (0, 0))                                  # an example copy is old (copy2 keeps the sample's mtime): still never pruned
    ledger = UploadLedger(up, keep={example})
    rng = np.random.default_rng(2)
    good_a, good_i = (SAMPLES / 'audio_dev_real_a01b1a2010118_00.flac').read_bytes(), (SAMPLES / 'image_dev_real_i01eaa6e49e5d.jpg').read_bytes()
    for i in range(50):
        kind = ['audio', 'image', 'video'][i % 3]
        data = [good_a, good_i, rng.bytes(500), b'', b'text' * 10][i % 5] if kind != 'video' else rng.bytes(300)
        if i % 10 == 9: f, kind = example, 'audio'              # an example scored like an upload
        else:
            f = up / f'{i:02d}' / f'up{i}.{ {"audio": "wav", "image": "png", "video": "mp4"}[kind] }'; f.parent.mkdir(); f.write_bytes(data)
        ledger.add('session', f)
        out = score_and_discard(det, **{'audio': None, 'image': None, 'video': None, kind: str(f)}, upload_dir=up, explain=False,
                                keep_uploads=True, keep=ledger.keep())
        assert isinstance(out, tuple) and len(out) == 3 and 'Traceback' not in out[0] and str(up) not in out[0]
        assert f.exists() and not any(p.is_file() for p in (up / SCORING).rglob('*'))
        record('web app page path')
    ledger.release('session')
    assert sorted(p for p in up.rglob('*') if p.is_file()) == [example]; record('web app page path')


# --- web app REST endpoint (POST /api/score) ----------------------------------------------------------------------------

@pytest.fixture(scope='module')
def rest(det, tmp_path_factory):
    "A test client over the app's REST routes (limit 0.5 MB) and its upload folder."
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from deepfake_nb.webapp import api_routes
    up = tmp_path_factory.mktemp('rest_uploads')
    return TestClient(FastAPI(routes=api_routes(det, up, max_file_size_mb=0.5))), up


def _rest_ok(r, up, allowed) -> None:
    "The answer has an allowed status and a JSON body (an error naming the problem unless 200); the upload folder is empty."
    assert r.status_code in allowed, (r.status_code, r.text[:300])
    body = r.json()
    if r.status_code != 200: assert body['status'] == r.status_code and body['error'] and '\n' not in body['error'], body
    assert 'Traceback' not in r.text and str(up) not in r.text
    assert not any(p.is_file() for p in up.rglob('*')), sorted(up.rglob('*'))


def test_webapp_rest_refusals(rest):
    "Hand-made hostile requests to POST /api/score: each gets its error status and a JSON error, and leaves nothing behind."
    client, up = rest
    clip = (SAMPLES / 'audio_dev_fake_a02ce9932c69d_00.flac').read_bytes()
    face = (SAMPLES / 'image_dev_real_i01eaa6e49e5d.jpg').read_bytes()
    rng = np.random.default_rng(3)
    files = lambda **kw: client.post('/api/score', files=list(kw.items()) if not isinstance(kw.get('_'), list) else kw['_'])
    cases = [
        (dict(audio=('big.flac', b'\0' * 600_000)), {413}),
        (dict(image=('big.png', rng.bytes(700_000))), {413}),
        (dict(audio=('notes.txt', b'hello')), {415}),
        (dict(audio=('clip', clip)), {415}),                                  # no extension
        (dict(image=('face.jpg.exe', face)), {415}),
        (dict(video=('v.flac', clip)), {415}),
        (dict(audio=('face.jpg', face)), {415}),
        (dict(audio=('x.flac', rng.bytes(5000))), {400}),
        (dict(audio=('x.mp3', rng.bytes(5000))), {400}),
        (dict(audio=('x.wav', b'RIFF' + rng.bytes(100))), {400}),
        (dict(image=('y.png', b'\x89PNG\r\n\x1a\n' + rng.bytes(200))), {400}),
        (dict(image=('y.jpg', b'\xff\xd8\xff' + rng.bytes(200))), {400}),
        (dict(video=('v.mp4', rng.bytes(2000))), {400}),
        (dict(image=('e.jpg', b'')), {400}),
        (dict(file=('a.flac', clip)), {400}),                                 # unknown field
        (dict(video=('v.mp4', b'x' * 100), image=('f.jpg', face)), {400}),
        (dict(audio=('../../etc/passwd.flac', rng.bytes(3000))), {400}),      # path in the name: stays in its folder
        (dict(audio=('..', clip)), {415}),
        (dict(audio=('a\x00b.flac', rng.bytes(3000))), {400}),
        (dict(audio=('x' * 400 + '.flac', rng.bytes(3000))), {400}),
        (dict(audio=(CLIP_NAME := 'clip.flac', clip)), {200}),
        (dict(audio=('tones.flac', (SAMPLES / 'audio_noscope_tones.flac').read_bytes())), {200}),
    ]
    for kw, allowed in cases:
        _rest_ok(files(**kw), up, allowed); record('web app REST endpoint')
    # repeated field, text field, non-multipart bodies, bad boundary, a lying Content-Length, GET
    _rest_ok(client.post('/api/score', files=[('audio', ('a.flac', clip)), ('audio', ('b.flac', clip))]), up, {400}); record('web app REST endpoint')
    _rest_ok(client.post('/api/score', data={'audio': 'text'}, files={'image': ('f.png', b'x')}), up, {400}); record('web app REST endpoint')
    for body, ctype in ((b'{}', 'application/json'), (b'audio=x', 'application/x-www-form-urlencoded'), (b'', ''), (clip, 'audio/flac')):
        _rest_ok(client.post('/api/score', content=body, headers={'content-type': ctype} if ctype else {}), up, {415}); record('web app REST endpoint')
    for ctype in ('multipart/form-data', 'multipart/form-data; boundary=zz'):
        _rest_ok(client.post('/api/score', content=b'--zz\r\ngarbage', headers={'content-type': ctype}), up, {400}); record('web app REST endpoint')
    _rest_ok(client.post('/api/score', content=b'--zz--\r\n', headers={'content-type': 'multipart/form-data; boundary=zz'}), up, {400}); record('web app REST endpoint')
    _rest_ok(client.post('/api/score', content=b'x', headers={'content-type': 'multipart/form-data; boundary=zz', 'content-length': str(10**10)}), up, {413})
    record('web app REST endpoint')
    _rest_ok(client.post('/api/score', content=b'x', headers={'content-type': 'multipart/form-data; boundary=zz', 'content-length': 'many'}), up, {400})
    record('web app REST endpoint')
    assert client.get('/api/score').status_code == 405; record('web app REST endpoint')


@HYP
@given(data=st.binary(max_size=4000), name=st.text(max_size=60), field=st.sampled_from(['audio', 'image', 'video', 'x']))
def test_webapp_rest_random_uploads(rest, data, name, field):
    "Generated uploads (random bytes, random names, any field): an allowed status with JSON, nothing left behind."
    client, up = rest
    r = client.post('/api/score', files={field: (name, data)})
    _rest_ok(r, up, {200, 400, 415})
    record('web app REST endpoint')


def test_webapp_rest_fifty_uploads_leave_nothing(rest):
    "50 uploads (good, junk, empty, wrong kind, too large) through the endpoint: the folder is empty after each."
    client, up = rest
    rng = np.random.default_rng(4)
    good_a, good_i = (SAMPLES / 'audio_dev_real_a01b1a2010118_00.flac').read_bytes(), (SAMPLES / 'image_dev_real_i01eaa6e49e5d.jpg').read_bytes()
    for i in range(50):
        kind = ['audio', 'image', 'video'][i % 3]
        data = [good_a, good_i, rng.bytes(500), b'', b'\0' * 600_000][i % 5] if kind != 'video' else rng.bytes(300)
        r = client.post('/api/score', files={kind: (f'up{i}.{ {"audio": "wav", "image": "png", "video": "mp4"}[kind] }', data)})
        _rest_ok(r, up, {200, 400, 413, 415})
        record('web app REST endpoint')
