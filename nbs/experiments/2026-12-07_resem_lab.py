# Lab 2026-12-07 (issue 17): does a speaker encoder that ships offline add to Whisper base what transfers to unseen sources?
# Resemblyzer 0.1.4 (PyPI, Apache-2.0: a GE2E 3-layer LSTM speaker encoder, weights inside the wheel), on the cache of
# `2026-12-03_whisper_base_cache.py {dev|wide} 3 base,resem /tmp/resem` (the Whisper base lab's windows: 2 s, up to 3 clean
# evaluation windows per clip, 3 augmented windows per training clip). Resemblyzer columns: 0-511 the mean and std over the
# window of its last LSTM layer's outputs ('lstm'), 512-767 its L2-normed embedding ('emb').
# Members as in 2026-12-03_whisper_base_lab.py (standardisation + L2 logistic regression, a clip's logit = mean over its clean
# windows); selection by wide val, dev val and leave-one-source-out CV over the 24 training sources; no test split is read.
#   PYTHONPATH=. python nbs/experiments/2026-12-07_resem_lab.py [--loso] SYSTEM ...   (A+B = mean of two members' z-scored logits)
import sys, importlib.util
import numpy as np
spec = importlib.util.spec_from_file_location('dm', 'nbs/experiments/2026-12-03_distillmos_lab.py')
dm = importlib.util.module_from_spec(spec); sys.argv, argv = sys.argv[:1], sys.argv; spec.loader.exec_module(dm); sys.argv = argv
dm.wb.C_DIR = '/tmp/resem'
COLS = {('base', 1): np.arange(1024, 2048), ('base', 2): np.arange(2048, 3072), ('resem', 'lstm'): np.arange(0, 512), ('resem', 'emb'): np.arange(512, 768)}

class System(dm.System):
    "A member on columns of both caches: parts = [(enc, part)] with part a key of COLS."
    def pick(self, d, kind): return np.concatenate([d[f'{kind}_{enc}'][..., COLS[(enc, p)]] for enc, p in self.parts], -1)

B12 = [('base', 1), ('base', 2)]
SYSTEMS = {
    'base_12': System(B12), 'resem_lstm': System([('resem', 'lstm')]), 'resem_emb': System([('resem', 'emb')]),
    'resem_all': System([('resem', 'lstm'), ('resem', 'emb')]), 'resem_all_c1': System([('resem', 'lstm'), ('resem', 'emb')], C=1.0),
    'base_12+resem_all_cat': System(B12 + [('resem', 'lstm'), ('resem', 'emb')]), 'base_12+resem_emb_cat': System(B12 + [('resem', 'emb')]),
}

if __name__ == '__main__': dm.wb.main(SYSTEMS, sys.argv[1:], standardise=True)
