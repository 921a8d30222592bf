"""Generators of malformed inputs shared by the bad-input suites (tests/test_data_bad_inputs.py, tests/test_bad_inputs_entrypoints.py).

Media: valid encodings (the control group), WAV/PNG headers that lie about their size, NaN/inf and 1-sample clips, text with
media extensions, face-less images. Checkpoints: wrong architecture, random bytes, and `.pt` files carrying a pickle payload
whose `__reduce__` would create a marker file if anything ever unpickled it.
"""
from __future__ import annotations
import io, os, pickle, struct, zlib
from pathlib import Path

import numpy as np
import soundfile as sf
from PIL import Image

AUDIO_EXTS = ['wav', 'flac', 'mp3', 'ogg']
IMAGE_EXTS = ['jpg', 'png', 'bmp', 'webp']


def audio_bytes(ext: str, seconds: float = 1.0, sr: int = 16000) -> bytes:
    "A valid speech-like clip encoded as `ext`."
    t = np.arange(int(seconds * sr)) / sr
    x = (0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 3 * t)) / 2).astype(np.float32)
    buf = io.BytesIO()
    fmt = {'wav': 'WAV', 'flac': 'FLAC', 'mp3': 'MP3', 'ogg': 'OGG'}[ext]
    sf.write(buf, x, sr, format=fmt)
    return buf.getvalue()


def image_bytes(ext: str, size=(64, 48)) -> bytes:
    "A valid image encoded as `ext`."
    rng = np.random.default_rng(0)
    im = Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))
    buf = io.BytesIO()
    im.save(buf, format={'jpg': 'JPEG', 'png': 'PNG', 'bmp': 'BMP', 'webp': 'WEBP'}[ext])
    return buf.getvalue()


VALID_AUDIO = {e: audio_bytes(e) for e in AUDIO_EXTS}
VALID_IMAGE = {e: image_bytes(e) for e in IMAGE_EXTS}


def write(d: Path, name: str, data: bytes) -> Path:
    "Write `data` to `d/name` and return the path."
    p = Path(d) / name
    p.write_bytes(data)
    return p


def wav_header(n_frames: int, sr: int = 16000, channels: int = 1, bits: int = 16) -> bytes:
    "A canonical 44-byte PCM WAV header declaring `n_frames`."
    align = channels * bits // 8
    data = n_frames * align
    return (b'RIFF' + struct.pack('<I', (36 + data) & 0xFFFFFFFF) + b'WAVE' + b'fmt '
            + struct.pack('<IHHIIHH', 16, 1, channels, sr, sr * align, align, bits) + b'data' + struct.pack('<I', data))


def ten_hour_wav() -> bytes:
    "A WAV whose header declares 10 hours of 16 kHz audio, followed by 0.1 s of samples."
    return wav_header(16000 * 3600 * 10) + np.int16([1000, -1000] * 800).tobytes()


def png_header(w: int, h: int) -> bytes:
    "A PNG whose IHDR declares w x h (and whose data is a few bytes): a decompression bomb shape."
    chunk = lambda t, c: struct.pack('>I', len(c)) + t + c + struct.pack('>I', zlib.crc32(t + c))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(b'\x00' * 64)) + chunk(b'IEND', b''))


def float_wav(x: np.ndarray, sr: int = 16000) -> bytes:
    "`x` as a 32-bit float WAV (keeps NaN/inf samples as written)."
    buf = io.BytesIO()
    sf.write(buf, np.asarray(x, np.float32), sr, format='WAV', subtype='FLOAT')
    return buf.getvalue()


def nan_wav(bad: float = float('nan')) -> bytes:
    "0.1 s of a valid level with one NaN (or inf) sample."
    x = np.full(1600, 0.1, np.float32); x[100] = bad
    return float_wav(x)


def one_sample_wav() -> bytes:
    "A clip of a single sample."
    return float_wav(np.array([0.5], np.float32))


def png_of(a: np.ndarray) -> bytes:
    "A uint8 HxWx3 array as PNG bytes."
    buf = io.BytesIO()
    Image.fromarray(np.asarray(a, np.uint8)).save(buf, format='PNG')
    return buf.getvalue()


def one_pixel_png() -> bytes:
    "A 1x1 RGB image."
    return png_of(np.array([[[10, 20, 30]]], np.uint8))


def faceless_png(size: int = 96, seed: int = 0) -> bytes:
    "A colour gradient plus noise: an image with no face in it."
    rng = np.random.default_rng(seed)
    g = np.linspace(0, 255, size)
    a = np.stack([np.add.outer(g, g) / 2, np.tile(g, (size, 1)), np.tile(g[:, None], (1, size))], -1)
    return png_of(np.clip(a + rng.normal(0, 12, a.shape), 0, 255))


TEXT = b'This is a text file, not media.\n' * 20


# --- checkpoints ----------------------------------------------------------------------------------

class Payload:
    "Pickles to a call that creates `marker` when unpickled: `os.system('touch ...')` or `open(...).write(...)`."
    def __init__(self, marker: str | Path, how: str = 'system'):
        self.marker, self.how = str(marker), how

    def __reduce__(self):
        if self.how == 'system': return (os.system, (f"touch '{self.marker}'",))
        return (eval, (f"open({self.marker!r}, 'w').write('pwned')",))


def pickle_pt(path: str | Path, marker: str | Path, how: str = 'system', style: str = 'torch') -> Path:
    "Write a `.pt`-like file whose unpickling runs `Payload(marker, how)`: a torch.save zip ('torch') or a bare pickle ('pickle')."
    path = Path(path)
    state = {'model': {'w': Payload(marker, how)}, 'epoch': 0}
    if style == 'torch':
        import torch
        torch.save(state, path)
    else: path.write_bytes(pickle.dumps(state, protocol=2))
    return path


def plain_safetensors(path: str | Path) -> Path:
    "A valid safetensors file with random tensors and no deepfake_nb metadata."
    import torch
    from safetensors.torch import save_file
    save_file({'weight': torch.randn(4, 4), 'bias': torch.zeros(4)}, str(path))
    return Path(path)


def wrong_arch_checkpoint(path: str | Path, modality: str = 'audio', kind: str = 'keys') -> Path:
    """A well-formed deepfake_nb checkpoint whose tensors do not fit its declared architecture.

    kind='keys': the other modality's weights under this modality's tag; kind='shapes': same model type, but built with wider
    layers than the config stored in the file.
    """
    import torch
    from deepfake_nb.checkpoint import build_model, save_checkpoint
    from deepfake_nb.testing import tiny_config
    cfg = tiny_config()
    if kind == 'keys': model = build_model('image' if modality == 'audio' else 'audio', cfg)
    else:
        wide = tiny_config({'audio_model': {'sinc_filters': 16, 'channels': [8, 8, 16], 'embed_dim': 32},
                            'image_model': {'vit_dim': 64, 'embed_dim': 32}})
        model = build_model(modality, wide)
    return save_checkpoint(path, model, cfg, modality)
