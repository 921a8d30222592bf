"""Fault tolerance: a training run that crashes after its first epoch and is resumed ends exactly like an uninterrupted run.

Augmentation (RawBoost, codec, low-pass, gain, padding) and vocoder negatives are on, so the test also checks that every
random draw of the data pipeline is reproducible and restored on resume."""
import csv, os, subprocess, sys
from pathlib import Path
import numpy as np
import torch
from safetensors.torch import load_file
from _toy_train import toy_layout, toy_config

ATOL = 1e-6  # stated tolerance; on one CPU thread the runs are in fact bit-identical

def _train_here(cfg: Path, out: Path) -> int:
    "Run the CLI in this process (cheaper than a subprocess: torch is already imported)."
    from deepfake_nb.cli import train_main as main
    return main(['--modality', 'audio', '--config', str(cfg), '--out', str(out)])

def _train(cfg: Path, out: Path, fail_after: int | None = None) -> subprocess.CompletedProcess:
    "Run the CLI in a subprocess (needed to crash it)."
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'PYTHONUNBUFFERED': '1'}
    cmd = [sys.executable, '-m', 'deepfake_nb.cli', 'train'] if fail_after is None else [sys.executable, str(Path(__file__).parent/'_crash_after.py'), str(fail_after)]
    return subprocess.run(cmd + ['--modality', 'audio', '--config', str(cfg), '--out', str(out)],
                          env=env, capture_output=True, text=True, timeout=300)

def _rows(path: Path) -> list[dict]:
    with open(path) as f: return [{k: v for k, v in r.items() if k != 'seconds'} for r in csv.DictReader(f)]

def test_crash_and_resume_matches_uninterrupted(tmp_path, capsys):
    root = toy_layout(tmp_path/'data')
    cfg = toy_config(root, tmp_path/'tiny.yaml', augment=True, epochs=3)
    a, b = tmp_path/'straight', tmp_path/'crashed'
    assert _train_here(cfg, a) == 0
    # first attempt dies abruptly (killed by tests/_crash_after.py) right after epoch 1's checkpoint
    rb1 = _train(cfg, b, fail_after=1)
    assert rb1.returncode == 17, (rb1.returncode, rb1.stderr[-3000:])
    assert (b/'last.pt').exists() and not (b/'model.safetensors').exists()
    assert not [p for p in b.iterdir() if p.name.endswith('.tmp')]          # atomic writes leave no temporaries
    st = torch.load(b/'last.pt', weights_only=True)
    assert st['epoch'] == 0 and len(st['history']) == 1
    # second attempt resumes from last.pt and finishes
    capsys.readouterr()
    assert _train_here(cfg, b) == 0
    assert 'resuming from' in capsys.readouterr().out
    # same final weights (last epoch and selected best), same per-epoch metrics
    la, lb = torch.load(a/'last.pt', weights_only=True), torch.load(b/'last.pt', weights_only=True)
    assert la['epoch'] == lb['epoch'] == 2
    assert la['model'].keys() == lb['model'].keys()
    for k in la['model']: torch.testing.assert_close(lb['model'][k], la['model'][k], atol=ATOL, rtol=0)
    ma, mb = load_file(str(a/'model.safetensors')), load_file(str(b/'model.safetensors'))
    for k in ma: torch.testing.assert_close(mb[k], ma[k], atol=ATOL, rtol=0)
    ra_rows, rb_rows = _rows(a/'metrics.csv'), _rows(b/'metrics.csv')
    assert len(ra_rows) == len(rb_rows) == 3
    for x, y in zip(ra_rows, rb_rows):
        assert x.keys() == y.keys()
        for k in x: np.testing.assert_allclose(float(y[k]), float(x[k]), atol=ATOL, rtol=0, err_msg=k)
    # training did something: the loss changed between epochs
    assert la['history'][-1]['train_loss'] != la['history'][0]['train_loss']

def test_bad_state_file_is_refused(tmp_path, capsys):
    "A last.pt that is not a weights-only torch file stops the run with a one-line error, not a traceback or unpickling."
    root = toy_layout(tmp_path/'data', n=2)
    cfg = toy_config(root, tmp_path/'tiny.yaml', epochs=1)
    out = tmp_path/'run'; out.mkdir()
    (out/'last.pt').write_bytes(b'not a torch file at all')
    assert _train_here(cfg, out) == 2
    err = capsys.readouterr().err
    assert 'last.pt: not a readable training state' in err and 'Traceback' not in err
