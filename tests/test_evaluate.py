"End-to-end test of `python -m deepfake_nb.cli evaluate` on a tiny generated seed layout with tiny random-init checkpoints."
import csv, json, os, subprocess, sys
from pathlib import Path

import pytest
import torch

from deepfake_nb.config import load_config
from deepfake_nb.checkpoint import build_model, save_checkpoint
from deepfake_nb.testing import make_tiny_layout

REPO = Path(__file__).resolve().parents[1]
TINY = {
    'audio': {'audio': {'clip_seconds': 1.0},
              'audio_model': {'sinc_filters': 4, 'channels': [4, 4, 4, 4], 'gru_hidden': 0, 'embed_dim': 8, 'n_mels': 16, 'n_ffts': [256]}},
    'image': {'image': {'image_size': 32, 'face_detector': 'dlib'},
              'image_model': {'patch_size': 8, 'vit_dim': 16, 'vit_depth': 1, 'vit_heads': 2, 'freq_channels': [4, 4, 4], 'embed_dim': 8}},
}
KEYS = ['accuracy', 'precision', 'recall', 'f1', 'auc', 'eer', 'eer_threshold', 'far', 'frr', 'ece', 'n_real', 'n_fake',
        'ece_uncalibrated', 'n_errors', 'latency_ms_per_sample', 'peak_memory_mib']


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    return make_tiny_layout(tmp_path_factory.mktemp('data'), n=3)


def _checkpoint(tmp_path, modality):
    if modality == 'image': pytest.importorskip('deepfake_nb.models.image')
    cfg = load_config(overrides=TINY[modality])
    torch.manual_seed(0)
    return save_checkpoint(tmp_path/f'{modality}.safetensors', build_model(modality, cfg), cfg, modality,
                           calibration={'method': 'temperature', 'temperature': 1.5},
                           operating_point={'threshold': 0.5, 'split': 'val'})


def _run(*args):
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    return subprocess.run([sys.executable, '-m', 'deepfake_nb.cli', 'evaluate', *map(str, args), '--threads', '1', '--no-progress'],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=600)


@pytest.mark.parametrize('modality', ['audio', 'image'])
def test_evaluate_end_to_end(tmp_path, data, modality):
    ck = _checkpoint(tmp_path, modality)
    outs = []
    for k in (1, 2):
        out = tmp_path/f'run{k}'
        r = _run('--modality', modality, '--data', data, '--out', out, '--checkpoint', ck, '--split', 'test')
        assert r.returncode == 0, r.stderr[-2000:]
        outs.append(out)
    out = outs[0]
    for f in ('scores.csv', 'metrics.json', 'roc.png', 'det.png', 'hist.png', 'reliability.png', 'confusion.png'):
        assert (out/f).is_file() and (out/f).stat().st_size > 0, f
    rows = list(csv.DictReader(open(out/'scores.csv')))
    assert {'path', 'label', 'score', 'logit', 'error'} <= set(rows[0])
    assert len(rows) == 7  # 3 real + 3 fake + 1 broken file
    bad = [r for r in rows if r['error']]
    assert len(bad) == 1 and 'broken' in bad[0]['error'] and bad[0]['score'] == ''
    good = [r for r in rows if not r['error']]
    assert {r['label'] for r in good} == {'real', 'fake'}
    assert all(0 <= float(r['score']) <= 1 for r in good)
    m = json.loads((out/'metrics.json').read_text())
    for k in KEYS: assert k in m, k
    assert (m['n_real'], m['n_fake'], m['n_errors']) == (3, 3, 1)
    # two runs give identical per-file scores
    assert (outs[0]/'scores.csv').read_text() == (outs[1]/'scores.csv').read_text()


def test_evaluate_bad_checkpoint(tmp_path, data):
    r = _run('--modality', 'audio', '--data', data, '--out', tmp_path/'o', '--checkpoint', tmp_path/'missing.safetensors')
    assert r.returncode == 2
    assert 'missing.safetensors' in r.stderr and 'Traceback' not in r.stderr
