# Issue 18 lab, step 1: detect the largest face of every dev + wide image once (dlib HOG, as the bundled pipeline) and
# cache two crops per image: a fixed-face-scale 224 px crop (square of 1.6 x the box, resized: same face scale for every
# source) and a 112 px pixel-exact window around the face (no resampling). Run from the repository root.
import sys, time, numpy as np, cv2
from PIL import Image
from deepfake_nb.data.datasets import find_items
from deepfake_nb.faces import FaceCropper, center_square
out = sys.argv[1] if len(sys.argv) > 1 else 'runs/gen/crops.npz'
fc = FaceCropper(detector='dlib', crop_mode='native', size=112, margin=0.1)
rows, big, nat = [], [], []
t0 = time.time()
for root, tag in (('../shared/data', 'dev'), ('../shared/data/wide', 'wide')):
    for split in ('train', 'val', 'test'):
        for it in find_items(root, 'image', split):
            rgb = np.asarray(Image.open(it.path).convert('RGB'))
            f = fc._largest(rgb, landmarks=False)
            h, w = rgb.shape[:2]
            if f is None: box = (w*0.2, h*0.2, w*0.8, h*0.8); found = 0
            else: box = f[0]; found = 1
            cx, cy = (box[0] + box[2])/2, (box[1] + box[3])/2; bw = max(box[2] - box[0], box[3] - box[1])
            s = 1.6*bw
            M = np.array([[224/s, 0, 112 - cx*224/s], [0, 224/s, 112 - cy*224/s]], np.float32)
            big.append(cv2.warpAffine(rgb, M, (224, 224), flags=cv2.INTER_AREA if s > 224 else cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT))
            M2 = np.array([[1, 0, -round(cx - 56)], [0, 1, -round(cy - 56)]], np.float32)
            nat.append(cv2.warpAffine(rgb, M2, (112, 112), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REFLECT))
            rows.append((tag, split, int(it.label), it.source, it.system, found, bw))
    print(tag, len(rows), f'{time.time() - t0:.0f}s', flush=True)
r = np.array(rows, dtype=object)
np.savez(out, big=np.stack(big), nat=np.stack(nat), set=r[:, 0].astype(str), split=r[:, 1].astype(str), y=r[:, 2].astype(int),
         src=r[:, 3].astype(str), system=r[:, 4].astype(str), found=r[:, 5].astype(int), face_px=r[:, 6].astype(float))
print('saved', out, len(rows), 'faces found', int(r[:, 5].astype(int).sum()))
