"NPRDetector and the real-only fingerprint negatives through the package paths (config -> builder -> checkpoint -> training parts)."
import numpy as np, torch
from PIL import Image
from deepfake_nb.config import load_config
from deepfake_nb.checkpoint import build_model, save_checkpoint, load_checkpoint
from deepfake_nb.models.image import NPRDetector
from deepfake_nb.train.recipe import _image_parts

def test_npr_checkpoint_roundtrip(tmp_path):
    cfg = load_config(overrides={'image_model': {'arch': 'npr', 'npr_channels': [8, 16]}})
    m = build_model('image', cfg).eval()
    assert isinstance(m, NPRDetector) and m.stages[-1].c2.out_channels == 16
    x = torch.rand(2, 3, 112, 112)
    p = save_checkpoint(tmp_path/'npr.safetensors', m, cfg, 'image')
    m2, _ = load_checkpoint(p)
    torch.testing.assert_close(m2.eval()(x), m(x))

def test_fingerprint_fraction_in_training_parts():
    cfg = load_config(overrides={'augment': {'image': {'self_blend': 0.1, 'fingerprint': 0.2}}})
    parts = _image_parts(cfg)
    assert abs(parts['fraction'] - 0.3) < 1e-9
    im = Image.fromarray((np.random.default_rng(0).random((112, 112, 3))*255).astype(np.uint8))
    out = parts['negative_fn'](im)
    assert out.size == im.size and np.abs(np.asarray(out, float) - np.asarray(im, float)).mean() > 1
