# Lab 2026-12-08 (issue 18, ninth pass; nbs/experiments/image.ipynb): horizontal-flip test-time augmentation of the fine-tuned
# EfficientNet-Lite0 runs of the fifth to seventh passes, on the cached 112 px pixel-exact val windows (runs/gen/crops.npz):
# AUC of each crop's logit, of its mirror image's and of their mean, on dev val and wide val. No test split is read.
#   python nbs/experiments/2026-12-08_flip_tta.py     (run from the repository root)
import numpy as np, torch, timm
from sklearn.metrics import roc_auc_score
torch.set_num_threads(2)
C = np.load('runs/gen/crops.npz'); nat, y, split, dset = C['nat'], C['y'], C['split'], C['set']
ev = {'dev_val': (dset == 'dev') & (split == 'val'), 'wide_val': (dset == 'wide') & (split == 'val')}
idx = np.where(ev['dev_val'] | ev['wide_val'])[0]
def score(m, flip):
    z = np.full(len(y), np.nan)
    with torch.no_grad():
        for b in range(0, len(idx), 64):
            a = nat[idx[b:b+64]]
            if flip: a = a[:, :, ::-1]
            x = torch.from_numpy(np.ascontiguousarray(a)).permute(0, 3, 1, 2).float() / 127.5 - 1
            z[idx[b:b+64]] = m(x).squeeze(1).numpy()
    return z
for f in ['ft_all', 'ft_lite0_s1', 'ft_lite0_swa_s2', 'ft_lite0_swa_s3']:
    m = timm.create_model('tf_efficientnet_lite0', pretrained=False, num_classes=1); m.load_state_dict(torch.load(f'runs/gen/{f}.pt', weights_only=True)); m.eval()
    z0, z1 = score(m, False), score(m, True)
    print(f, ' | '.join(f"{k}: plain {roc_auc_score(y[v], z0[v]):.3f} flip {roc_auc_score(y[v], z1[v]):.3f} mean {roc_auc_score(y[v], (z0[v]+z1[v])/2):.3f}" for k, v in ev.items()), flush=True)
