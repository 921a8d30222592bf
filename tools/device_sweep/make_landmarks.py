"Precompute dlib 68-point landmarks for every face dlib finds in the image train/val splits (the device has no face-recognition-models)."
import json, sys
import numpy as np
from PIL import Image
from deepfake_nb.config import load_config
from deepfake_nb.faces import FaceCropper
from deepfake_nb.data.datasets import find_items, load_item
cfg = load_config('configs/image_default.yaml')
fc = FaceCropper(cfg)
out = {}
for split in ('train', 'val'):
    for it in find_items('devrun/data', 'image', split):
        rgb = np.asarray(load_item(it, 'image', cfg).convert('RGB'))
        for box, pts in fc._faces(rgb, landmarks=True):
            out[f'{rgb.shape[1]}x{rgb.shape[0]}|{float(rgb.mean()):.2f}|{box}'] = pts.round(3).tolist()
json.dump(out, open('devrun/landmarks.json', 'w'))
print(len(out), 'faces')
