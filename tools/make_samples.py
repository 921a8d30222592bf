"""Rebuild `samples/` by the fixed rule stated in samples/README.md (run from the repository root: `python tools/make_samples.py`).

Rule: from the **test** split of each data set (dev `../shared/data`, wide `../shared/data/wide`), for each modality and class, the two
sources with the most test items (ties: by name); from each such source the first item by id that is in scope (audio: the Silero
voice-activity detector finds at least 1 s of speech; image: the dlib face detector finds a face), copied unchanged. Plus two
out-of-scope inputs made here from a fixed seed: `audio_noscope_tones.flac` (3 s of tones and noise, no speech) and
`image_noscope_testpattern.png` (colour bars, no face).
"""
import shutil, sys
from pathlib import Path
import numpy as np
import pandas as pd

SETS = {'dev': Path('../shared/data'), 'wide': Path('../shared/data/wide')}
OUT = Path('samples')

def in_scope(path: Path, modality: str) -> bool:
    from deepfake_nb.config import load_config
    cfg = load_config()
    if modality == 'audio':
        from deepfake_nb.data.io import load_audio
        from deepfake_nb.infer.detector import speech_seconds
        w = load_audio(path, 16000)
        return (speech_seconds(w, 16000) or 0) >= 1.0
    from PIL import Image
    from deepfake_nb.faces import FaceCropper
    return FaceCropper(cfg, no_face='abstain').detect(Image.open(path)).found

def main():
    rows = []
    for f in OUT.iterdir():
        if f.suffix != '.md': f.unlink()
    for sname, root in SETS.items():
        for modality in ('audio', 'image'):
            m = pd.read_csv(root/modality/'manifest.csv')
            t = m[m.split == 'test']
            for label in ('real', 'fake'):
                tl = t[t.label == label]
                counts = tl.groupby('source').size().reset_index(name='n').sort_values(['n', 'source'], ascending=[False, True])
                for src in counts.source[:2]:
                    for _, r in tl[tl.source == src].sort_values('id').iterrows():
                        f = next((root/modality/'test'/label).glob(f"{r['id']}.*"))
                        if not in_scope(f, modality): continue
                        dest = OUT/f"{modality}_{sname}_{label}_{r['id']}{f.suffix}"
                        shutil.copyfile(f, dest)
                        rows.append((dest.name, label, sname, r['source'], r['system'], r['orig_path'], r['license']))
                        break
    import soundfile as sf
    from PIL import Image
    rng = np.random.default_rng(0)
    t = np.arange(48000)/16000
    tone = 0.2*np.sin(2*np.pi*np.where(t < 1.5, 440, 660)*t) + 0.02*rng.standard_normal(len(t))
    sf.write(OUT/'audio_noscope_tones.flac', tone.astype(np.float32), 16000)
    bars = np.array([[192, 192, 192], [192, 192, 0], [0, 192, 192], [0, 192, 0], [192, 0, 192], [192, 0, 0], [0, 0, 192]], np.uint8)
    img = np.repeat(bars, 256//7 + 1, axis=0)[:256][None].repeat(256, 0)
    Image.fromarray(img).save(OUT/'image_noscope_testpattern.png')
    for r in rows: print(' | '.join(map(str, r)))
    return rows

if __name__ == '__main__': main()
