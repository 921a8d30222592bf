"Split a bundled ensemble into standalone member checkpoints (runs/<modality>_member<i>.safetensors); uncalibrated, threshold 0.5 (diagnosis only)."
import sys
from deepfake_nb.checkpoint import load_checkpoint, bundled_checkpoint, save_checkpoint, member_config
from deepfake_nb.config import to_attrdict
mod = sys.argv[1]
model, meta = load_checkpoint(bundled_checkpoint(mod), modality=mod)
cfg = to_attrdict(dict(meta['config']))
cfg[mod]['no_face'] = 'abstain'   # today's default (the 2026-11 bundle stored center_crop); inference overrides it anyway
for i, (m, sec) in enumerate(zip(model.members, cfg[f'{mod}_model']['members'])):
    p = save_checkpoint(f'runs/{mod}_member{i}.safetensors', m, member_config(cfg, mod, sec), mod, {'method': 'none'}, {'threshold': 0.5}, {})
    print(p, type(m).__name__)
