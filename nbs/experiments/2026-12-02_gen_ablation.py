# Issue 18 lab, step 3: linear-probe ablation on the cached features (runs/gen/feat_*.npz).
# Probe = standardise on the training fold, closed-form ridge regression on +-1 labels (class-balanced weights), score = w.x.
# Selection figures only: wide val, dev val, and leave-one-source-out (LOSO) over the training sources (dev train + wide
# train), where the held-out source's clean crops are scored by a probe fitted on the other sources (their clean crops
# + their augmented copies / SBI / fingerprint negatives). No test split is read here.
import json, sys, numpy as np
from sklearn.metrics import roc_curve, roc_auc_score
C = np.load('runs/gen/crops.npz')
y, split, dset, src = C['y'], C['split'], C['set'], C['src']
N = len(y)
def load(kind, var):
    try: f = np.load(f'runs/gen/feat_{kind}_{var}.npz')
    except FileNotFoundError: return None
    return f['idx'], f['X']
NPIX = 2*2*(1 + 1 + 4 + 1) + 2   # own pixel-relation features at the front of feat_pix (the rest = ImageStatsDetector statistics)
def cols(kind, X):
    if kind == 'pixrel': return X[:, :NPIX]
    if kind == 'stats': return X[:, NPIX:]
    if kind == 'efffinal': return X[:, -1280:]
    if kind == 'efflow': return X[:, :-1280]
    return X
BASE = {'pixrel': 'pix', 'stats': 'pix', 'efffinal': 'eff', 'efflow': 'eff'}
def confounds() -> np.ndarray:
    "The per-split confounds of the wide README as features: brightness, log Laplacian variance (sharpness), log face-box width."
    import cv2
    g = C['nat'].astype(np.float32).mean(3)
    lap = np.array([cv2.Laplacian(a, cv2.CV_32F).var() for a in g])
    return np.stack([C['big'].reshape(N, -1).mean(1), np.log(lap + 1), np.log(C['face_px'])], 1)
def feats(kinds, var):
    parts = []
    for k in kinds:
        if k == 'conf':
            if var != 'clean': return None
            parts.append((np.arange(N), confounds())); continue
        r = load(BASE.get(k, k), var)
        if r is None: return None
        parts.append((r[0], cols(k, r[1])))
    assert all((p[0] == parts[0][0]).all() for p in parts)
    return parts[0][0], np.concatenate([p[1] for p in parts], 1)
def eer(yt, s):
    fpr, tpr, _ = roc_curve(yt, s); fnr = 1 - tpr; i = np.argmin(np.abs(fnr - fpr)); return float((fpr[i] + fnr[i])/2)
def sums(X, t):
    "Per-class sufficient statistics (Gram matrix, sum, count) of the rows X with labels t."
    X = X.astype(np.float64)
    return {c: (X[t == c].T @ X[t == c], X[t == c].sum(0), int((t == c).sum())) for c in (0, 1)}
def solve(S, lam):
    "Class-balanced ridge probe on standardised features from per-class statistics S -> scorer."
    n = S[0][2] + S[1][2]; mu = (S[0][1] + S[1][1])/n
    sd = np.sqrt(np.maximum((np.diag(S[0][0]) + np.diag(S[1][0]))/n - mu**2, 0)) + 1e-6
    A = lam*n*np.eye(len(mu)); b = np.zeros(len(mu))
    for c, sign in ((0, -1.0), (1, 1.0)):
        G, sx, k = S[c]; w = 0.5*n/max(1, k)
        A += w*(G - np.outer(mu, sx) - np.outer(sx, mu) + k*np.outer(mu, mu))/np.outer(sd, sd)
        b += w*sign*(sx - k*mu)/sd
    wv = np.linalg.solve(A, b); return lambda Xn: ((Xn - mu)/sd) @ wv
def minus(S, H): return {c: (S[c][0] - H[c][0], S[c][1] - H[c][1], S[c][2] - H[c][2]) for c in (0, 1)}
def run(kinds, extras=(), wide=True, lam=1.0, loso=True):
    clean = feats(kinds, 'clean')
    if clean is None: return None
    Xc = clean[1]
    tr = (split == 'train') & ((dset == 'dev') | wide)
    ex = []
    for v in extras:
        r = feats(kinds, v)
        if r is None: return None
        lab = y[r[0]] if v.startswith('aug') else np.ones(len(r[0]), int)
        ex.append((r[0], r[1], lab))
    def pool(mask):
        Xs, ts = [Xc[mask]], [y[mask]]
        for idx, Xe, lab in ex:
            k = mask[idx]; Xs.append(Xe[k]); ts.append(lab[k])
        return np.concatenate(Xs), np.concatenate(ts)
    S = sums(*pool(tr)); f = solve(S, lam); s = f(Xc); res = {}
    for name, m in (('wide_val', (dset == 'wide') & (split == 'val')), ('dev_val', (dset == 'dev') & (split == 'val'))):
        res[name] = (float(roc_auc_score(y[m], s[m])), eer(y[m], s[m]))
    m = (dset == 'wide') & (split == 'val'); Q = np.c_[np.ones(m.sum()), CONF[m]]   # label-free: regress the score on the confounds
    res['wide_val_adj'] = float(roc_auc_score(y[m], s[m] - Q @ np.linalg.lstsq(Q, s[m], rcond=None)[0]))
    if loso:
        oof = np.full(N, np.nan); per = {}
        for so in np.unique(src[tr]):
            te = tr & (src == so)
            oof[te] = solve(minus(S, sums(*pool(te))), lam)(Xc[te])
            if len(np.unique(y[te])) == 2: per[so] = float(roc_auc_score(y[te], oof[te]))
        res['loso_pooled'] = float(roc_auc_score(y[tr], oof[tr])); res['loso_mixed_mean'] = float(np.mean(list(per.values()))); res['loso_per'] = per
        res['_oof'] = oof
    res['_score'] = s
    return res
CONF = confounds()
if __name__ == '__main__':
    out = {}
    W, D = True, False   # with / without the wide train split
    grid = [(('conf',), (), W), (('stats',), (), W), (('stats',), ('aug',), W), (('pixrel',), (), W), (('pixrel',), ('aug',), W), (('pixrel',), ('sbi', 'fp'), W)]
    for base in (('eff',), ('eff', 'pixrel'), ('effstd',)):
        grid += [(base, (), W), (base, (), D), (base, ('aug',), W), (base, ('aug',), D), (base, ('sbi',), W), (base, ('fp',), W),
                 (base, ('sbi', 'fp'), W), (base, ('aug', 'sbi'), W), (base, ('aug', 'fp'), W), (base, ('aug', 'sbi', 'fp'), W), (base, ('aug', 'sbi', 'fp'), D)]
    grid += [(('efffinal',), (), W), (('efflow',), (), W), (('efffinal',), ('aug',), W), (('efflow',), ('aug',), W)]
    lams = [float(v) for v in sys.argv[1:]] or [1.0]
    for kinds, extras, wide in grid:
        for lam in lams:
            r = run(kinds, extras, wide, lam)
            name = '+'.join(kinds) + (' | ' + '+'.join(extras) if extras else '') + ('' if wide else ' | dev only') + f' | lam {lam:g}'
            if r is None: print(f'{name:<50} (features missing)'); continue
            out[name] = {k: v for k, v in r.items() if not k.startswith('_')}
            print(f"{name:<50} wide val AUC {r['wide_val'][0]:.3f} EER {r['wide_val'][1]:.3f} adj {r['wide_val_adj']:.3f} | dev val AUC {r['dev_val'][0]:.3f} EER {r['dev_val'][1]:.3f} | LOSO pooled {r['loso_pooled']:.3f} mixed-src mean {r['loso_mixed_mean']:.3f}", flush=True)
    json.dump(out, open('runs/gen/ablation.json', 'w'), indent=1)

def cache_paths() -> list[str]:
    "File paths in the row order of runs/gen/crops.npz (the loop of 2026-12-02_gen_cache.py)."
    from deepfake_nb.data.datasets import find_items
    return [it.path for root in ('../shared/data', '../shared/data/wide') for sp in ('train', 'val', 'test') for it in find_items(root, 'image', sp)]
def with_bundle(r: dict, dirs=('runs/gen/bundle_wide_val', 'runs/gen/bundle_dev_val')) -> dict:
    "Wide val / dev val AUC and EER of the mean of the bundled detector's logit and the probe score, each divided by its std over both val splits (label-free)."
    import csv
    pos = {p: i for i, p in enumerate(cache_paths())}
    b = np.full(N, np.nan)
    for d in dirs:
        for row in csv.DictReader(open(f'{d}/scores.csv')): b[pos[row['path']]] = float(row['logit'])
    v = split == 'val'; s = r['_score']
    comb = b/np.nanstd(b[v]) + s/np.std(s[v]); out = {}
    for name, m in (('wide_val', (dset == 'wide') & v), ('dev_val', (dset == 'dev') & v)):
        out[name] = (float(roc_auc_score(y[m], comb[m])), eer(y[m], comb[m]))
        out['bundle_' + name] = (float(roc_auc_score(y[m], b[m])), eer(y[m], b[m]))
    return out
