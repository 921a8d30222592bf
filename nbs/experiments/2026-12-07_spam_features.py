# Issue 18 lab, fifth pass (nbs/experiments/image.ipynb): steganalysis features of the cached crops for the ridge probe.
#   python nbs/experiments/2026-12-07_spam_features.py KIND VARIANT      (run from the repository root after 2026-12-02_gen_cache.py)
# KIND: spam (second-order SPAM, Pevny et al. 2010, T=3, of the 112 px pixel-exact window's luma: 686 features),
#       spamrgb (the same on R, G and B, 2058), spamfull (luma SPAM of the whole 256 px image, not only the face).
# VARIANT: clean (every image), aug (train images of both classes through the second pass's `shortcut_aug`),
#          sbi / fp (self-blended / generator-fingerprint negatives of the train reals). Output: runs/gen/feat_KIND_VARIANT.npz.
import sys, time, numpy as np
from PIL import Image
kind, variant = sys.argv[1], sys.argv[2]
C = np.load('runs/gen/crops.npz')
train = C['split'] == 'train'
T = 3

def spam_dir(I: np.ndarray, dy: int, dx: int) -> np.ndarray:
    "Counts of the clipped difference triples (D(p), D(p+d), D(p+2d)), D(p) = I(p) - I(p+d), over the interior: [343]."
    H, W = I.shape; m = 3
    at = lambda k: I[m + k*dy:H - m + k*dy, m + k*dx:W - m + k*dx]
    D = [np.clip(at(k) - at(k + 1), -T, T) + T for k in range(3)]
    return np.bincount((D[0]*49 + D[1]*7 + D[2]).ravel(), minlength=343).astype(np.float64)

def markov(c: np.ndarray) -> np.ndarray:
    "Transition probabilities P(D2 | D0, D1) from triple counts [343] (empty rows stay 0)."
    c = c.reshape(49, 7); return (c / np.maximum(c.sum(1, keepdims=True), 1)).ravel()

def spam(I: np.ndarray) -> np.ndarray:
    "Second-order SPAM of one integer plane: mean transition matrix of the 4 straight and of the 4 diagonal directions [686]."
    I = I.astype(np.int32)
    straight = [(0, 1), (0, -1), (1, 0), (-1, 0)]; diag = [(1, 1), (-1, -1), (1, -1), (-1, 1)]
    return np.concatenate([np.mean([markov(spam_dir(I, dy, dx)) for dy, dx in g], 0) for g in (straight, diag)])

def luma(a: np.ndarray) -> np.ndarray: return np.asarray(Image.fromarray(a).convert('L'))

def feats(a: np.ndarray) -> np.ndarray:
    if kind == 'spamrgb': return np.concatenate([spam(a[..., c]) for c in range(3)])
    return spam(luma(a))

if kind == 'spamfull':
    paths = [it.path for root in ('../shared/data', '../shared/data/wide') for sp in ('train', 'val', 'test')
             for it in __import__('deepfake_nb.data.datasets', fromlist=['find_items']).find_items(root, 'image', sp)]
    images = lambda i: np.asarray(Image.open(paths[i]).convert('RGB'))
else:
    nat = C['nat']; images = lambda i: nat[i]
idx = np.arange(len(C['y'])) if variant == 'clean' else np.where(train & ((C['y'] == 0) if variant in ('sbi', 'fp') else True))[0]
rng = np.random.default_rng({'clean': 0, 'aug': 1, 'sbi': 2, 'fp': 3}[variant])
if variant == 'aug':
    src = open('nbs/experiments/2026-12-02_gen_feats.py').read()
    ns = {}; exec(src[src.index('def shortcut_aug'):src.index('def make')], {'np': np, 'cv2': __import__('cv2'), 'io': __import__('io'), 'Image': Image}, ns)
    make = lambda a: ns['shortcut_aug'](a, rng)
elif variant in ('sbi', 'fp'):
    from deepfake_nb.augment.image import self_blend, fingerprint_negative
    make = lambda a: np.asarray((self_blend if variant == 'sbi' else fingerprint_negative)(Image.fromarray(a), rng))
else:
    make = lambda a: a
t0 = time.time(); X = []
for n, i in enumerate(idx):
    X.append(feats(make(images(i))))
    if n % 1000 == 0: print(n, f'{time.time() - t0:.0f}s', flush=True)
np.savez(f'runs/gen/feat_{kind}_{variant}.npz', idx=idx, X=np.array(X, np.float32))
print('saved', kind, variant, len(idx), f'{time.time() - t0:.0f}s')
