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
def _shape(rgb, r):
    key = f'{rgb.shape[1]}x{rgb.shape[0]}|{float(rgb.mean()):.2f}|{(r.left(), r.top(), r.right(), r.bottom())}'
    if key not in LM: raise KeyError(f'no precomputed landmarks for {key}')
    return _Shape(LM[key])
faces.DlibBackend.shape = property(lambda self: _shape)
from deepfake_nb.cli import train_main
sys.exit(train_main(['--modality', 'image', *sys.argv[1:]]))
