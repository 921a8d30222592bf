# Lab 2026-12-03 (issue 17): distillmos features (XLS-R-distilled speech quality model) with and without Whisper base, on the
# cache of `2026-12-03_whisper_base_cache.py {dev|wide} 1 base,dmos /tmp/dmos` (same windows for both; ONE augmented window per training clip).
# Members as in 2026-12-03_whisper_base_lab.py: standardisation + L2 logistic regression on the chosen columns, fitted on the
# augmented training windows of both sets (or augmented + clean), a clip's logit = mean over its clean windows.
# Selection by wide val, dev val and leave-one-source-out CV over the 24 training sources; no test split is read.
#   PYTHONPATH=. python nbs/experiments/2026-12-03_distillmos_lab.py [--loso] SYSTEM ...   (A+B = mean of two members' logits)
import sys, importlib.util
import numpy as np
spec = importlib.util.spec_from_file_location('wb', 'nbs/experiments/2026-12-03_whisper_base_lab.py')
wb = importlib.util.module_from_spec(spec); spec.loader.exec_module(wb)
wb.C_DIR = '/tmp/dmos'
W = {'base': 512, 'dmos': 200}

class System(wb.System):
    "A member on columns of one or both caches: parts = [(enc, states)], 'mos' as a state of dmos = its MOS output."
    def __init__(self, parts, kinds=('aug',), C=0.01): self.parts, self.kinds, self.C = parts, kinds, C
    def pick(self, d, kind):
        out = []
        for enc, states in self.parts:
            A = d[f'{kind}_{enc}']
            c = np.concatenate([[A.shape[-1] - 1] if l == 'mos' else np.arange(l * 2 * W[enc], (l + 1) * 2 * W[enc]) for l in states])
            out.append(A[..., c])
        return np.concatenate(out, -1)
    def rows(self, d):
        X, y, it = [], [], []; n = len(d['labels'])
        for k in self.kinds:
            A = self.pick(d, k)
            if k == 'clean':
                Wn = A.shape[1]; flat = A.reshape(-1, A.shape[2]); ok = ~np.isnan(flat[:, 0].astype(np.float32))
                X.append(flat[ok]); y.append(np.repeat(d['labels'], Wn)[ok]); it.append(np.repeat(np.arange(n), Wn)[ok])
            else:
                for p in range(len(A)): X.append(A[p]); y.append(d['labels']); it.append(np.arange(n))
        return np.concatenate(X), np.concatenate(y), np.concatenate(it)
    def evalX(self, d): return self.pick(d, 'clean')

B12 = [('base', [1, 2])]; DM = lambda *l: [('dmos', list(l))]
SYSTEMS = {
    'base_12': System(B12), 'base_12_augclean': System(B12, ('aug', 'clean')),
    'dmos_mos': System(DM('mos')), 'dmos_all': System(DM(*range(8))), 'dmos_all_mos': System(DM(*range(8), 'mos')),
    'dmos_0': System(DM(0)), 'dmos_012': System(DM(0, 1, 2)), 'dmos_234': System(DM(2, 3, 4)), 'dmos_567': System(DM(5, 6, 7)),
    'dmos_all_augclean': System(DM(*range(8)), ('aug', 'clean')),
    'base_12+dmos_all_cat': System(B12 + DM(*range(8))), 'base_12+dmos_mos_cat': System(B12 + DM('mos')),
    'base_12+dmos_012_cat': System(B12 + DM(0, 1, 2)), 'base_12+dmos_all_cat_augclean': System(B12 + DM(*range(8)), ('aug', 'clean')),
    'base_12+dmos_all_cat_c003': System(B12 + DM(*range(8)), C=0.003), 'base_12+dmos_567_cat': System(B12 + DM(5, 6, 7)),
}

if __name__ == '__main__': wb.main(SYSTEMS, sys.argv[1:], standardise=True)
