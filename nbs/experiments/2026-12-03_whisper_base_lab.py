# Lab 2026-12-03 (issue 17): Whisper base vs tiny.en on the cache of 2026-12-03_whisper_base_cache.py (/tmp/whisper_base).
# Members as the package fits them (EncoderStatsDetector / StatsClassifier): standardisation + L2 logistic regression on the
# pooled statistics of the chosen hidden states, a clip's logit = mean over its clean evaluation windows.
# Selection by wide val, dev val and leave-one-source-out CV over the 24 training sources of both sets; no test split is read.
#   PYTHONPATH=. python nbs/experiments/2026-12-03_whisper_base_lab.py [--loso] SYSTEM ...   (SYSTEM: see SYSTEMS; A+B = mean of two)
import sys, warnings
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
warnings.filterwarnings('ignore')
C_DIR = '/tmp/whisper_base'
D = {'tiny': 384, 'base': 512}

def load(name, split): return dict(np.load(f'{C_DIR}/{name}_{split}.npz'))
def eer(y, s):
    fpr, tpr, _ = roc_curve(y, s); fnr = 1 - tpr; i = np.nanargmin(np.abs(fnr - fpr)); return float((fpr[i] + fnr[i]) / 2)
def metr(y, s): return eer(y, s), float(roc_auc_score(y, s))
def cols(enc, states): return np.concatenate([np.arange(l * 2 * D[enc], (l + 1) * 2 * D[enc]) for l in states])

class Member:
    "Standardisation + L2 logistic regression, as `StatsClassifier` with kernel linear."
    def __init__(self, C=0.01): self.C = C
    def fit(self, X, y):
        X = X.astype(np.float64); self.mu, self.sd = X.mean(0), X.std(0).clip(1e-6)
        self.m = LogisticRegression(C=self.C, max_iter=5000).fit((X - self.mu) / self.sd, y); return self
    def logit(self, X):   # X [n, W, F] with NaN windows -> mean logit over the windows
        n, W, Fd = X.shape; flat = X.reshape(-1, Fd).astype(np.float64); ok = ~np.isnan(flat[:, 0])
        out = np.full(len(flat), np.nan); out[ok] = self.m.decision_function((flat[ok] - self.mu) / self.sd)
        return np.nanmean(out.reshape(n, W), 1)

class System:
    "One member: encoder, hidden states, training windows (aug and/or clean), C."
    def __init__(self, enc, states, kinds=('aug',), C=0.01): self.enc, self.cols, self.kinds, self.C = enc, cols(enc, states), kinds, C
    def rows(self, d):
        X, y, it = [], [], []; n = len(d['labels'])
        for k in self.kinds:
            A = d[f'{k}_{self.enc}']
            if k == 'clean':
                W = A.shape[1]; flat = A.reshape(-1, A.shape[2]); ok = ~np.isnan(flat[:, 0].astype(np.float32))
                X.append(flat[ok]); y.append(np.repeat(d['labels'], W)[ok]); it.append(np.repeat(np.arange(n), W)[ok])
            else:
                for p in range(len(A)): X.append(A[p]); y.append(d['labels']); it.append(np.arange(n))
        return np.concatenate(X)[:, self.cols], np.concatenate(y), np.concatenate(it)
    def train_data(self, tr):
        parts = [self.rows(tr[n]) + (tr[n]['source'],) for n in ('dev', 'wide')]
        return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), np.concatenate([p[3][p[2]] for p in parts]))
    def evalX(self, d): return d[f'clean_{self.enc}'][..., self.cols]
    def val_logits(self, tr, va):
        X, y, _ = self.train_data(tr); m = Member(self.C).fit(X, y)
        return {n: m.logit(self.evalX(va[n])) for n in ('dev', 'wide')}
    def loso_logits(self, tr):
        "Out-of-fold logits of every train clip (dev then wide), its source held out of the fit."
        X, y, src = self.train_data(tr)
        E = np.concatenate([self.evalX(tr[n]) for n in ('dev', 'wide')]).astype(np.float32)
        S = np.concatenate([tr[n]['source'] for n in ('dev', 'wide')]); out = np.full(len(S), np.nan)
        for s in np.unique(S):
            keep = src != s; out[S == s] = Member(self.C).fit(X[keep], y[keep]).logit(E[S == s])
        return out

S = lambda *a: list(a)
SYSTEMS = {
    'tiny_012': System('tiny', S(0, 1, 2)),                       # = configs/audio_whisper.yaml (the bundled member)
    **{f'base_{i}': System('base', S(i)) for i in range(7)},       # one state at a time
    'base_012': System('base', S(0, 1, 2)), 'base_12': System('base', S(1, 2)), 'base_02': System('base', S(0, 2)), 'base_123': System('base', S(1, 2, 3)), 'base_0123': System('base', S(0, 1, 2, 3)),
    'base_1234': System('base', S(1, 2, 3, 4)), 'base_234': System('base', S(2, 3, 4)), 'base_all': System('base', S(0, 1, 2, 3, 4, 5, 6)),
    'base_012_c003': System('base', S(0, 1, 2), C=0.003), 'base_012_c03': System('base', S(0, 1, 2), C=0.03),
    'base_012_clean': System('base', S(0, 1, 2), ('clean',)), 'base_012_augclean': System('base', S(0, 1, 2), ('aug', 'clean')),
}

def summary(name, tr, va, lv, lo=None):
    "One table row: wide val EER/AUC, dev val EER/AUC, and (with LOSO) pooled LOSO EER/AUC and mean per-source accuracy at logit 0."
    we, wa = metr(va['wide']['labels'], lv['wide']); de, da = metr(va['dev']['labels'], lv['dev'])
    row = f'| {name} | {we:.3f} / {wa:.3f} | {de:.3f} / {da:.3f} |'
    if lo is not None:
        L = np.concatenate([tr[n]['labels'] for n in ('dev', 'wide')]); Sr = np.concatenate([tr[n]['source'] for n in ('dev', 'wide')])
        le, la = metr(L, lo); acc = np.mean([((lo[Sr == s] > 0) == L[Sr == s]).mean() for s in np.unique(Sr)])
        row += f' {le:.3f} / {la:.3f} | {acc:.2f} |'
    print(row, flush=True)

def main(systems: dict, args: list, standardise: bool = False) -> None:
    "One table row per system named in args (`--loso` adds LOSO; `A+B` = mean of saved members' logits, each divided by its std over the val clips with `standardise`)."
    do_loso = '--loso' in args; names = [a for a in args if a != '--loso'] or list(systems)
    tr = {n: load(n, 'train') for n in ('dev', 'wide')}; va = {n: load(n, 'val') for n in ('dev', 'wide')}
    print('| system | wide val EER / AUC | dev val EER / AUC |' + (' LOSO EER / AUC | LOSO mean source acc |' if do_loso else ''))
    print('|---|---|---|' + ('---|---|' if do_loso else ''))
    for n in names:
        if '+' in n and n not in systems:   # mean of members' logits, from their saved logits
            z = [np.load(f'{C_DIR}/logits_{m}.npz') for m in n.split('+')]
            sd = [np.nanstd(np.concatenate([a['dev'], a['wide']])) if standardise else 1.0 for a in z]
            lv = {k: np.mean([a[k] / s for a, s in zip(z, sd)], 0) for k in ('dev', 'wide')}
            lo = np.mean([a['loso'] / s for a, s in zip(z, sd)], 0) if do_loso else None
        else:
            s = systems[n]; lv = s.val_logits(tr, va); lo = s.loso_logits(tr) if do_loso else None
            np.savez(f'{C_DIR}/logits_{n}.npz', **lv, **({'loso': lo} if lo is not None else {}))
        summary(n, tr, va, lv, lo)

if __name__ == '__main__': main(SYSTEMS, sys.argv[1:])
