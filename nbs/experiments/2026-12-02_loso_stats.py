# Leave-one-source-out CV over the training sources (dev + wide train splits) of the closed-form statistics member:
# features computed once (112 px native crops, no augmentation), then one RBF-SVM / logistic fit per held-out source.
# With the argument `aug` (2026-12-03) the fits use the training views of configs/image_stats.yaml (its augmentation:
# JPEG on half the crops) and the held-out source is scored on its clean crops.
import sys, json, numpy as np, torch
from sklearn.svm import SVC
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline
from sklearn.metrics import roc_auc_score
from deepfake_nb.config import load_config
from deepfake_nb.train.recipe import split_dataset
from deepfake_nb.models.image import ImageStatsDetector
torch.set_num_threads(1)
cfg = load_config('configs/image_stats.yaml', overrides={'data': {'root': '../shared/data', 'extra_roots': ['../shared/data/wide']}})
aug = sys.argv[1:] == ['aug']
det = ImageStatsDetector.from_config(cfg)

def features(train: bool) -> tuple:
    "Statistics, labels and sources of the training split's crops (augmented views if `train`)."
    ds, X = split_dataset('image', cfg, 'train', train=train), []
    with torch.no_grad():
        for i in range(0, len(ds), 64):
            xb = torch.stack([ds[j][0] for j in range(i, min(i + 64, len(ds)))]); X.append(det.statistics(xb).numpy())
    return np.concatenate(X), np.array([int(l) for l in ds.labels]), np.array([it.source for it in ds.items])

X, y, src = features(False)
Xfit, yfit, srcfit = features(True) if aug else (X, y, src)
tag = '_aug' if aug else ''
np.savez(f'runs/loso_stats_feats{tag}.npz', X=X, y=y, src=src, Xfit=Xfit)
out = {}
for name, mk in {'stats rbf C=3': lambda: make_pipeline(StandardScaler(), SVC(C=3, probability=True)),
                 'stats logistic C=1': lambda: make_pipeline(StandardScaler(), LogisticRegression(C=1, max_iter=2000))}.items():
    oof = np.zeros(len(y)); rows = []
    for s in np.unique(src):
        te, fit = src == s, srcfit != s
        if len(np.unique(yfit[fit])) < 2: continue
        m = mk().fit(Xfit[fit], yfit[fit]); oof[te] = m.predict_proba(X[te])[:, 1]
        rows.append((s, int(te.sum()), int(y[te].sum()), float(((oof[te] > 0.5) == y[te]).mean())))
    out[name] = dict(pooled_auc=float(roc_auc_score(y, oof)), fake_caught=float((oof[y == 1] > 0.5).mean()),
                     real_flagged=float((oof[y == 0] > 0.5).mean()), per_source=rows)
    print(name, 'LOSO pooled AUC %.3f  fakes caught %.3f  reals flagged %.3f' % (out[name]['pooled_auc'], out[name]['fake_caught'], out[name]['real_flagged']))
    for r in rows: print('   %-60s n=%4d fakes=%4d acc@0.5=%.3f' % r)
json.dump(out, open(f'runs/loso_stats{tag}.json', 'w'), indent=1)
