# Run from the repository root: PYTHONPATH=. OMP_NUM_THREADS=1 python tools/vad_vs_trim.py (needs ../shared/data)
"Dev + wide val EER of the bundled audio model with the energy trim (trim_silence) vs a Silero-VAD trim (first to last speech sample)."
import sys, numpy as np, torch
torch.set_num_threads(1)
from deepfake_nb.data.preprocess import trim_silence
from deepfake_nb.data.datasets import find_items
from deepfake_nb.infer.detector import Branch, _VAD, speech_seconds
from deepfake_nb.recalibrate import score_items
from deepfake_nb.metrics import compute_eer
from silero_vad import load_silero_vad, get_speech_timestamps
m = load_silero_vad(onnx=True)
orig = trim_silence
def vad_trim(wave, top_db=40.0, frame=320):
    ts = get_speech_timestamps(torch.from_numpy(np.ascontiguousarray(wave, dtype=np.float32)), m, sampling_rate=16000)
    return wave[ts[0]['start']:ts[-1]['end']] if ts else orig(wave, top_db, frame)
b = Branch('deepfake_nb/weights/audio.safetensors', 'audio')
for root in ('../shared/data', '../shared/data/wide'):
    items = find_items(root, 'audio', 'val')
    for name, fn in (('trim_silence', orig), ('silero_vad', vad_trim)):
        trim_silence = fn
        z, y, sk = score_items(b, items)
        print(f'{root:22s} {name:13s} n={len(y)} EER={compute_eer(z, y)[0]:.4f}', flush=True)
trim_silence = orig
