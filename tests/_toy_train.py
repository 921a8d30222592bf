"Shared helpers of the training tests: a miniature audio data set in the seed layout and a tiny, fast config."
from __future__ import annotations
from pathlib import Path
import numpy as np
import soundfile as sf
import yaml

def toy_layout(root: Path, n: int = 6, seconds: float = 1.0, sr: int = 16000) -> Path:
    "Write <root>/audio/{train,val}/{real,fake}/*.wav: reals = noise, fakes = noise + a tone."
    rng = np.random.default_rng(0)
    for split in ('train', 'val'):
        for label in ('real', 'fake'):
            d = root/'audio'/split/label; d.mkdir(parents=True, exist_ok=True)
            for i in range(n):
                t = np.arange(int(sr*seconds))/sr
                w = 0.1*rng.standard_normal(len(t)) + (0.3*np.sin(2*np.pi*(600 + 100*i)*t) if label == 'fake' else 0)
                sf.write(d/f'{split}_{label}_{i}.wav', w.astype(np.float32), sr)
    return root

def toy_config(root: Path, path: Path, augment: bool = False, **train) -> Path:
    "Write a tiny YAML config over `root` (a real AudioDetector with channels [4, 4], no GRU, 4 sinc filters); augmentation off unless `augment`."
    c = {'seed': 7, 'device': 'cpu',
         'data': {'root': str(root), 'num_workers': 0},
         'audio': {'clip_seconds': 0.5, 'eval_windows': 2, 'trim_silence': False},
         'audio_model': {'sinc_filters': 4, 'sinc_kernel': 31, 'wave_channels': [4], 'n_mels': 16, 'n_ffts': [256],
                         'channels': [4, 4], 'gru_hidden': 0, 'embed_dim': 8, 'dropout': 0.1},
         'augment': {'audio': {'gain_db': 0.0, 'rawboost_p': 0.0, 'codec_p': 0.0, 'bandlimit_p': 0.0,
                               'specaugment_p': 0.0, 'pad_seconds': 0.0}},
         'train': {'epochs': 3, 'batch_size': 4, 'lr': 0.01, 'threads': 1, 'patience': 10, **train},
         'calibration': {'method': 'temperature'}}
    if augment:  # the default augmentation plus vocoder negatives from 30% of the reals
        c['augment']['audio'] = {'real_negatives': 0.3}
    path.write_text(yaml.safe_dump(c))
    return path
