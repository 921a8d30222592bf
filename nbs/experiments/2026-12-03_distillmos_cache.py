# Lab 2026-12-03 (issue 17): does a speech-quality model distilled from XLS-R (PyPI `distillmos` 0.9.1, MIT, weights in the
# wheel; needs `xls-r-sqa`) add what Whisper base misses on unseen sources? Feature cache on the windows of
# 2026-12-03_whisper_base_cache.py (configs/audio_whisper.yaml: 2 s windows, trim, RMS normalisation; up to 3 clean
# evaluation windows per clip, and for training clips ONE augmented window with the bundle's default augmentation, not three:
# distillmos costs about 96 ms per 2 s window on one thread, 3x Whisper base).
# Per window: Whisper base hidden states' mean and std (7 x 2 x 512), and distillmos's projection + 7 transformer layers'
# mean and std over the window (8 x 2 x 200) plus its MOS, float16. The sinusoidal positions are sliced to the window
# (the model pads to 7.68 s). Run from the repository root:
#   pip install --no-deps distillmos==0.9.1 xls-r-sqa==0.1.0
#   PYTHONPATH=. python nbs/experiments/2026-12-03_distillmos_cache.py {dev|wide}      (cache in /tmp/dmos)
import sys, time
from pathlib import Path
import numpy as np, torch
torch.set_num_threads(1)
import distillmos
from xls_r_sqa.transformer_wrapper import PositionalEncoding
from deepfake_nb.config import load_config
from deepfake_nb.data.datasets import find_items, AudioDataset
from deepfake_nb.augment.audio import AudioAugment
from deepfake_nb.train.recipe import _Reseeded
from deepfake_nb.models.encoders import build_encoder, EncoderStatsDetector
PositionalEncoding.forward = lambda self, x: x + self.pe[:, :x.shape[1]]

OUT = Path('/tmp/dmos'); OUT.mkdir(exist_ok=True)
cfg = load_config('configs/audio_whisper.yaml')
base = EncoderStatsDetector(build_encoder('pypi:whisper-base')).eval()
dm = distillmos.ConvTransformerSQAModel().eval()
grab = []
for mod in [dm.transformer_pool_attn.transformer.linear_proj, *dm.transformer_pool_attn.transformer.transformer_encoder.layers]:
    mod.register_forward_hook(lambda m, i, o: grab.append(o))
DIMS = {'base': 7 * 2 * 512, 'dmos': 8 * 2 * 200 + 1}

def dmos_feats(x: torch.Tensor) -> np.ndarray:
    "distillmos per-layer mean/std over each window of x [W, T], and its MOS."
    grab.clear(); x = x / (x.abs().amax(1, keepdim=True) + 1e-8)
    mos = dm.transformer_pool_attn(dm.cnn(x).permute(0, 2, 1)).reshape(-1, 1)
    st = [torch.cat([h.mean(1), h.std(1)], 1) for h in grab]
    return torch.cat(st + [mos], 1).numpy().astype(np.float16)

def feats(x):
    with torch.no_grad(): return {'base': base.statistics(x).numpy().astype(np.float16), 'dmos': dmos_feats(x)}

name = sys.argv[1]; root = {'dev': '../shared/data', 'wide': '../shared/data/wide'}[name]
for split in ['val', 'train']:
    out = OUT/f'{name}_{split}.npz'
    if out.exists(): continue
    t0 = time.time(); torch.manual_seed(0)
    items = find_items(root, 'audio', split)
    ds = AudioDataset(items, cfg, train=False); n = len(ds)
    res = {f'clean_{k}': np.full((n, 3, d), np.nan, np.float16) for k, d in DIMS.items()}
    nwin = np.zeros(n, int)
    for i in range(n):
        x, _ = ds[i]; x = x[~torch.isnan(x[:, 0])]; nwin[i] = len(x)
        for k, v in feats(x).items(): res[f'clean_{k}'][i, :len(x)] = v
    res.update(nwin=nwin, labels=np.asarray(ds.labels), ids=np.array([Path(it.path).stem for it in ds.items]),
               source=np.array([str(it.source) for it in ds.items]), system=np.array([str(it.system) for it in ds.items]))
    print(name, split, 'clean', f'{time.time()-t0:.0f}s', flush=True)
    if split == 'train':
        tr = AudioDataset(items, cfg, train=True, augment=_Reseeded(AudioAugment(cfg)))
        A = {k: np.zeros((1, n, d), np.float16) for k, d in DIMS.items()}
        for i in range(n):
            x, _ = tr[i]
            for k, v in feats(x.reshape(1, -1)).items(): A[k][0, i] = v[0]
        print(name, split, 'aug', f'{time.time()-t0:.0f}s', flush=True)
        res.update({f'aug_{k}': a for k, a in A.items()})
    np.savez(out, **res)
    print(out, n, f'{time.time()-t0:.0f}s', flush=True)
