"Device-only: run the image trainer with dlib's 68-point landmarks read from devrun/landmarks.json (precomputed here)."
import json, sys
from pathlib import Path
import numpy as np
import deepfake_nb.faces as faces
LM = json.load(open('devrun/landmarks.json'))
class _P:
    def __init__(self, x, y): self.x, self.y = x, y
class _Shape:
    def __init__(self, pts): self.pts, self.num_parts = pts, len(pts)
    def part(self, i): return _P(*self.pts[i])
BY_BOX = {}
for k, v in LM.items():
    size, mean, box = k.split('|'); BY_BOX.setdefault((size, box), []).append((float(mean), v))
def _shape(rgb, r):
    "Landmarks of the face box `r` in `rgb`: exact key, else the same size and box with the nearest mean (JPEG encoders differ slightly)."
    size, mean, box = f'{rgb.shape[1]}x{rgb.shape[0]}', float(rgb.mean()), str((r.left(), r.top(), r.right(), r.bottom()))
    key = f'{size}|{mean:.2f}|{box}'
    if key in LM: return _Shape(LM[key])
    near = [c for c in BY_BOX.get((size, box), []) if abs(c[0] - mean) < 0.5]
    if not near: raise KeyError(f'no precomputed landmarks for {key}')
    return _Shape(min(near, key=lambda c: abs(c[0] - mean))[1])
faces.DlibBackend.shape = property(lambda self: _shape)
from deepfake_nb.train import cli_main
sys.exit(cli_main('image', sys.argv[1:]))
