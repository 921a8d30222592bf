# Lab 2026-12-08, part 3 (issue 17; nbs/experiments/audio.ipynb): which verdict-threshold rule, fitted on val only, catches more
# unseen-source fakes? Reads the per-file val scores of the bundled detector (calibrated P(fake), unchanged by the rule) and prints,
# for each rule, the thresholds and each val split's rates. The test splits are not read.
#   deepfake-evaluate --modality audio|image --data ../shared/data --split val --out /tmp/ev/dev_val --threads 1   (and --data ../shared/data/wide -> /tmp/ev/wide_val)
#   python nbs/experiments/2026-12-08_perroot_rule.py /tmp/ev/dev_val /tmp/ev/wide_val
import sys
import numpy as np, pandas as pd
from deepfake_nb.train.recipe import operating_point
dev, wide = (pd.read_csv(f'{d}/scores.csv') for d in sys.argv[1:3])
v = pd.concat([dev.assign(root='dev val'), wide.assign(root='wide val')]); v = v[v.error.isna()]
p, y, g = v.score.values, (v.label == 'fake').astype(int).values, v.root.values
print('| rule | real below | fake at or above | dev val: reals flagged / uncertain | dev val: fakes caught / called real | wide val: reals flagged / uncertain | wide val: fakes caught / called real |')
print('|---|---|---|---|---|---|---|')
for name, t, groups in (('pooled 5 % / 5 % (bundled until 2026-12-08)', .05, None), ('pooled 10 % / 10 %', .10, None),
                        ('per split 5 % / 5 %', .05, g), ('per split 10 % / 10 %', .10, g)):
    op = operating_point(p, y, miss_target=t, false_alarm_target=t, groups=groups); lo, hi = op['real_below'], op['fake_above']
    cells = []
    for k in ('dev val', 'wide val'):
        r, f = p[(g == k) & (y == 0)], p[(g == k) & (y == 1)]
        cells += [f'{(r >= hi).mean():.1%} / {((r >= lo) & (r < hi)).mean():.1%}', f'{(f >= hi).mean():.1%} / {(f < lo).mean():.1%}']
    print(f'| {name} | {lo:.3f} | {hi:.3f} | ' + ' | '.join(cells) + ' |')
