# Issue 18 lab, fifth pass (nbs/experiments/image.ipynb): the second pass's ridge probe and LOSO
# (nbs/experiments/2026-12-02_gen_ablation.py) on the SPAM features of 2026-12-07_spam_features.py.
#   python nbs/experiments/2026-12-07_spam_lab.py [LAMBDA ...]          (run from the repository root)
import sys, importlib.util
spec = importlib.util.spec_from_file_location('abl', 'nbs/experiments/2026-12-02_gen_ablation.py')
A = importlib.util.module_from_spec(spec); spec.loader.exec_module(A)
grid = [(('spam',), ()), (('spam',), ('aug',)), (('spam',), ('sbi',)), (('spam',), ('fp',)), (('spam',), ('aug', 'sbi', 'fp')),
        (('spamrgb',), ()), (('spamfull',), ()), (('spamfull',), ('aug',)), (('spam', 'spamfull'), ())]
for kinds, extras in grid:
    for lam in [float(v) for v in sys.argv[1:]] or [1.0]:
        r = A.run(kinds, extras, True, lam)
        name = '+'.join(kinds) + (' | ' + '+'.join(extras) if extras else '') + f' | lam {lam:g}'
        if r is None: print(f'{name:<42} (features missing)'); continue
        print(f"{name:<42} wide val AUC {r['wide_val'][0]:.3f} EER {r['wide_val'][1]:.3f} adj {r['wide_val_adj']:.3f} | dev val AUC {r['dev_val'][0]:.3f} EER {r['dev_val'][1]:.3f} | LOSO pooled {r['loso_pooled']:.3f} mixed {r['loso_mixed_mean']:.3f}", flush=True)
