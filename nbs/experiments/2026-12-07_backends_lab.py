# Lab 2026-12-07 (issue 17, fourth pass): other back-ends on the bundled Whisper base features (states 1-2, mean + std over 2 s
# windows): one-class models of the real speech only (a fake of an unseen generator need not look like the training fakes, only
# unlike real speech; Zhang et al. 2021, "One-class learning towards synthetic voice spoofing detection"), shrinkage LDA, and
# the bundled logistic regression with every training source weighing the same.
# On the cache of `2026-12-03_whisper_base_cache.py {dev|wide} 3 base,resem /tmp/resem` (the Resemblyzer lab's: 2 s windows,
# up to 3 clean evaluation windows per clip, 3 augmented windows per training clip); a clip's logit = mean over its clean windows.
# Selection by wide val, dev val and leave-one-source-out CV over the 24 training sources; no test split is read.
#   PYTHONPATH=. python nbs/experiments/2026-12-07_backends_lab.py [--loso] SYSTEM ...   (A+B = mean of two members' z-scored logits)
import sys, importlib.util
import numpy as np
from sklearn.covariance import LedoitWolf
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import LogisticRegression
spec = importlib.util.spec_from_file_location('rz', 'nbs/experiments/2026-12-07_resem_lab.py')
rz = importlib.util.module_from_spec(spec); sys.argv, argv = sys.argv[:1], sys.argv; spec.loader.exec_module(rz); sys.argv = argv
wb = rz.dm.wb
rz.COLS.update({('base', i): np.arange(i * 1024, (i + 1) * 1024) for i in range(7)})   # state i of Whisper base: its mean and std

class Standardised:
    "Per-column standardisation on the training windows, then `_fit` / `_score`; a clip's logit = mean over its windows."
    def fit(self, X, y, src):
        X = X.astype(np.float64); self.mu, self.sd = X.mean(0), X.std(0).clip(1e-6)
        self._fit((X - self.mu) / self.sd, y, src); return self
    def logit(self, X):
        n, W, F = X.shape; flat = X.reshape(-1, F).astype(np.float64); ok = ~np.isnan(flat[:, 0])
        out = np.full(len(flat), np.nan); out[ok] = self._score((flat[ok] - self.mu) / self.sd)
        return np.nanmean(out.reshape(n, W), 1)

class OneClass(Standardised):
    "Gaussian of the real windows (PCA to k dimensions, Ledoit-Wolf covariance); logit = Mahalanobis distance to it."
    def __init__(self, k=64): self.k = k
    def _fit(self, X, y, src):
        self.pca = PCA(self.k, random_state=0).fit(X[y == 0]); self.cov = LedoitWolf().fit(self.pca.transform(X[y == 0]))
    def _score(self, X): return np.sqrt(self.cov.mahalanobis(self.pca.transform(X)))

class LDA(Standardised):
    "Shrinkage LDA (Ledoit-Wolf), the two classes with one shared covariance."
    def _fit(self, X, y, src): self.m = LinearDiscriminantAnalysis(solver='lsqr', shrinkage='auto').fit(X, y)
    def _score(self, X): return self.m.decision_function(X)

class Balanced(Standardised):
    "The bundled L2 logistic regression with sample weights 1 / n(source, class)^p, so that large sources do not decide the fit."
    def __init__(self, C=0.01, p=1.0): self.C, self.p = C, p
    def _fit(self, X, y, src):
        key = np.char.add(src.astype(str), y.astype(str)); u, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
        w = cnt[inv].astype(np.float64) ** -self.p; w *= len(w) / w.sum()
        self.m = LogisticRegression(C=self.C, max_iter=5000).fit(X, y, sample_weight=w)
    def _score(self, X): return self.m.decision_function(X)

class System(rz.System):
    "A member of `make()` on the chosen columns."
    def __init__(self, parts, make, kinds=('aug',)): super().__init__(parts, kinds); self.make = make
    def val_logits(self, tr, va):
        X, y, src = self.train_data(tr); m = self.make().fit(X, y, src)
        return {n: m.logit(self.evalX(va[n])) for n in ('dev', 'wide')}
    def loso_logits(self, tr):
        X, y, src = self.train_data(tr)
        E = np.concatenate([self.evalX(tr[n]) for n in ('dev', 'wide')]).astype(np.float32)
        S = np.concatenate([tr[n]['source'] for n in ('dev', 'wide')]); out = np.full(len(S), np.nan)
        for s in np.unique(S):
            keep = src != s; out[S == s] = self.make().fit(X[keep], y[keep], src[keep]).logit(E[S == s])
        return out

B12 = rz.B12
SYSTEMS = {
    'lr_12': System(B12, lambda: Balanced(p=0.0)),   # = the bundled member (configs/audio_whisper.yaml)
    'bal_12': System(B12, lambda: Balanced(p=1.0)), 'bal05_12': System(B12, lambda: Balanced(p=0.5)),
    'lda_12': System(B12, LDA),
    'oc16_12': System(B12, lambda: OneClass(16)), 'oc64_12': System(B12, lambda: OneClass(64)), 'oc256_12': System(B12, lambda: OneClass(256)),
    'oc64_0': System([('base', 0)], lambda: OneClass(64)), 'oc64_all': System([('base', i) for i in range(7)], lambda: OneClass(64)),
}

# Whisper dynamics (fourth pass, cache `2026-12-03_whisper_base_cache.py {dev|wide} 3 dyn /tmp/dyn`, the same windows): per state
# 0-3 the mean, the std and the std of the frame-to-frame difference of the hidden states (TTS and vocoders are smoother or
# more regular in time than speech; deltas are what made LFCC work in ASVspoof). Systems named dyn_* read that cache.
DCOL = {'m': 0, 's': 512, 'd': 1024}
class DynSystem(System):
    "A member on statistics `stats` (letters of DCOL) of the Whisper base states `states`, from the dynamics cache."
    def __init__(self, states, stats, make=lambda: Balanced(p=0.0)): super().__init__([], make); self.states, self.stats = states, stats
    def pick(self, d, kind): return np.concatenate([d[f'{kind}_dyn'][..., i * 1536 + DCOL[c]:i * 1536 + DCOL[c] + 512] for i in self.states for c in self.stats], -1)
SYSTEMS.update({f'dyn_{st}_{"".join(map(str, ss))}': DynSystem(ss, st) for st in ('ms', 'msd', 'd', 'md') for ss in ([1, 2], [0, 1, 2], [1, 2, 3], [0, 1, 2, 3], [1], [2])})
SYSTEMS['dyn_msd_12_c003'] = DynSystem([1, 2], 'msd', lambda: Balanced(C=0.003, p=0.0))
SYSTEMS['dyn_msd_12_c03'] = DynSystem([1, 2], 'msd', lambda: Balanced(C=0.03, p=0.0))

if __name__ == '__main__':
    if any(a.startswith('dyn_') for a in sys.argv[1:]): wb.C_DIR = '/tmp/dyn'
    wb.main(SYSTEMS, sys.argv[1:], standardise=True)
