# Lab 2026-12-07 (issue 18, speed): the bundled detectors loaded as trained and with their BatchNorms folded (load_checkpoint(inference=True)),
# timed interleaved at batch 1 on one thread, 60 rounds each; prints the largest logit difference and p50 / p95 ms.
#   python nbs/experiments/2026-12-07_fold_bench.py
import torch, time, numpy as np
torch.set_num_threads(1)
from deepfake_nb.checkpoint import load_checkpoint, bundled_checkpoint
for mod in ['image', 'audio']:
    a, meta = load_checkpoint(bundled_checkpoint(mod)); b, _ = load_checkpoint(bundled_checkpoint(mod), inference=True)
    from deepfake_nb.export import example_input
    x = example_input(mod, meta['config'], 1)
    ts = {'plain': [], 'folded': []}
    with torch.inference_mode():
        print(mod, 'max diff', (a(x) - b(x)).abs().max().item())
        for _ in range(5): a(x); b(x)
        for _ in range(60):
            for k, m in (('plain', a), ('folded', b)):
                t0 = time.perf_counter(); m(x); ts[k].append((time.perf_counter() - t0) * 1000)
    print(mod, {k: f'p50 {np.median(v):.2f} ms p95 {np.percentile(v, 95):.2f}' for k, v in ts.items()})
