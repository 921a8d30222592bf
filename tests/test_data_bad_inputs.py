"""Bad-input suite for deepfake_nb.data: every malformed file either raises BadInputError naming the file, or loads correctly."""
import io, os, struct, subprocess, sys, tempfile, zlib
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings, strategies as st
from PIL import Image

from deepfake_nb.config import load_config
from deepfake_nb.data.datasets import AudioDataset, ImageDataset, find_items, scan_items
from deepfake_nb.data.io import BadInputError, load_audio, load_image, wav_declared_frames

from badfiles import AUDIO_EXTS, IMAGE_EXTS, VALID_AUDIO, VALID_IMAGE  # generators shared with test_bad_inputs_entrypoints.py
from badfiles import audio_bytes as _audio_bytes, image_bytes as _image_bytes, write as _write, wav_header as _wav_header, png_header as _png_header

CFG = load_config()
HYP = settings(max_examples=int(os.environ.get('DATA_FUZZ_EXAMPLES', 40)),  # raise for a longer fuzz run
                deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_audio(path: Path, **kw) -> None:
    "load_audio(path) must raise BadInputError naming `path` or return a clean float32 mono waveform."
    try: w = load_audio(path, **kw)
    except BadInputError as e:
        assert str(e).startswith(str(path)), str(e)
        assert e.path == str(path) and e.problem
        return
    assert isinstance(w, np.ndarray) and w.dtype == np.float32 and w.ndim == 1 and len(w) > 0
    assert np.isfinite(w).all()


def _check_image(path: Path, **kw) -> None:
    "load_image(path) must raise BadInputError naming `path` or return an 8-bit RGB image."
    try: im = load_image(path, **kw)
    except BadInputError as e:
        assert str(e).startswith(str(path)), str(e)
        return
    assert im.mode == 'RGB' and im.width >= 1 and im.height >= 1
    np.asarray(im)  # pixels are really there


# --- random bytes and truncations (hypothesis) -------------------------------------------------

@HYP
@given(data=st.binary(min_size=0, max_size=4096), ext=st.sampled_from(AUDIO_EXTS))
def test_random_bytes_audio(data, ext):
    with tempfile.TemporaryDirectory() as d: _check_audio(_write(Path(d), f'r.{ext}', data))


@HYP
@given(data=st.binary(min_size=0, max_size=4096), ext=st.sampled_from(IMAGE_EXTS))
def test_random_bytes_image(data, ext):
    with tempfile.TemporaryDirectory() as d: _check_image(_write(Path(d), f'r.{ext}', data))


@HYP
@given(ext=st.sampled_from(AUDIO_EXTS), frac=st.floats(0.0, 0.999))
def test_truncated_audio(ext, frac):
    b = VALID_AUDIO[ext]
    with tempfile.TemporaryDirectory() as d: _check_audio(_write(Path(d), f't.{ext}', b[:int(len(b) * frac)]))


@HYP
@given(ext=st.sampled_from(IMAGE_EXTS), frac=st.floats(0.0, 0.999))
def test_truncated_image(ext, frac):
    b = VALID_IMAGE[ext]
    with tempfile.TemporaryDirectory() as d: _check_image(_write(Path(d), f't.{ext}', b[:int(len(b) * frac)]))


@HYP
@given(ext=st.sampled_from(AUDIO_EXTS + IMAGE_EXTS), flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=20))
def test_corrupted_bytes(ext, flips):
    "Valid files with random bytes overwritten (headers included)."
    b = bytearray(VALID_AUDIO.get(ext) or VALID_IMAGE[ext])
    for pos, val in flips: b[pos % len(b)] = val
    with tempfile.TemporaryDirectory() as d:
        p = _write(Path(d), f'c.{ext}', bytes(b))
        (_check_audio if ext in AUDIO_EXTS else _check_image)(p)


@HYP
@given(magic=st.sampled_from([b'RIFF\x24\x00\x00\x00WAVEfmt ', b'fLaC', b'OggS', b'ID3', b'\xff\xfb',
                              b'\x89PNG\r\n\x1a\n', b'\xff\xd8\xff', b'BM', b'RIFF\x00\x00\x00\x00WEBP']),
       rest=st.binary(max_size=512))
def test_magic_then_garbage(magic, rest):
    "A right magic number followed by garbage gets past format sniffing into the decoders."
    ext = {b'f': 'flac', b'O': 'ogg', b'I': 'mp3', b'\x89': 'png', b'B': 'bmp'}.get(magic[:1])
    if magic.startswith(b'RIFF'): ext = 'webp' if b'WEBP' in magic else 'wav'
    if magic.startswith(b'\xff'): ext = 'jpg' if magic[1:2] == b'\xd8' else 'mp3'
    with tempfile.TemporaryDirectory() as d:
        p = _write(Path(d), f'm.{ext}', magic + rest)
        (_check_audio if ext in AUDIO_EXTS else _check_image)(p)


# --- specific cases ------------------------------------------------------------------------------

@pytest.mark.parametrize('ext', AUDIO_EXTS + IMAGE_EXTS)
def test_zero_length(tmp_path, ext):
    p = _write(tmp_path, f'z.{ext}', b'')
    load = load_audio if ext in AUDIO_EXTS else load_image
    with pytest.raises(BadInputError, match='empty file') as e: load(p)
    assert str(e.value).startswith(str(p))


@pytest.mark.parametrize('ext', AUDIO_EXTS + IMAGE_EXTS)
def test_valid_files_load(tmp_path, ext):
    "The control group: the valid encodings used above do load."
    if ext in AUDIO_EXTS:
        w = load_audio(_write(tmp_path, f'v.{ext}', VALID_AUDIO[ext]))
        assert abs(len(w) - 16000) < 1200 and np.abs(w).max() > 0.1
    else:
        assert load_image(_write(tmp_path, f'v.{ext}', VALID_IMAGE[ext])).size == (64, 48)


@pytest.mark.parametrize('name,loader', [('t.wav', load_audio), ('t.flac', load_audio), ('t.mp3', load_audio),
                                         ('t.jpg', load_image), ('t.png', load_image)])
def test_text_file_with_media_extension(tmp_path, name, loader):
    p = tmp_path / name
    p.write_text('This is a text file, not media.\n' * 20)
    with pytest.raises(BadInputError) as e: loader(p)
    assert str(e.value).startswith(str(p)) and 'not a readable' in str(e.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(BadInputError, match='file not found'): load_audio(tmp_path / 'nope.wav')
    with pytest.raises(BadInputError, match='file not found'): load_image(tmp_path / 'nope.jpg')
    (tmp_path / 'dir.wav').mkdir()
    with pytest.raises(BadInputError, match='directory'): load_audio(tmp_path / 'dir.wav')


def test_wav_header_declaring_ten_hours(tmp_path):
    p = _write(tmp_path, 'long.wav', _wav_header(16000 * 3600 * 10) + np.int16([1000, -1000] * 800).tobytes())
    assert wav_declared_frames(p) == (16000 * 36000, 16000)
    with pytest.raises(BadInputError, match='header declares 36000 s') as e: load_audio(p)
    assert str(e.value).startswith(str(p))


def test_wav_streamed_unknown_length_is_read(tmp_path):
    "Streaming writers put 0xFFFFFFFF in the size fields: that is 'unknown', not '37 hours'."
    hdr = bytearray(_wav_header(0))
    hdr[4:8] = hdr[40:44] = b'\xff\xff\xff\xff'
    p = _write(tmp_path, 'stream.wav', bytes(hdr) + np.int16(np.full(1600, 3000)).tobytes())
    assert wav_declared_frames(p) is None
    _check_audio(p)


def test_actual_length_over_limit(tmp_path):
    p = tmp_path / 'l.flac'
    sf.write(p, 0.1 * np.ones(16000 * 3, np.float32), 16000)
    with pytest.raises(BadInputError, match='2 s limit'): load_audio(p, max_seconds=2)


@pytest.mark.parametrize('bad', [np.nan, np.inf, -np.inf])
def test_nan_inf_samples(tmp_path, bad):
    x = np.full(1600, 0.1, np.float32); x[100] = bad
    p = tmp_path / 'nan.wav'
    sf.write(p, x, 16000, subtype='FLOAT')
    with pytest.raises(BadInputError, match='NaN or infinite') as e: load_audio(p)
    assert str(e.value).startswith(str(p))


def test_one_sample_clip(tmp_path):
    p = tmp_path / 'one.wav'
    sf.write(p, np.array([0.5], np.float32), 16000)
    with pytest.raises(BadInputError, match='one.wav: audio is silent'): load_audio(p)  # one value: nothing varies
    with pytest.raises(BadInputError, match='shorter than the 0.25 s minimum'): load_audio(p, min_seconds=0.25)
    p2 = tmp_path / 'two.wav'
    sf.write(p2, np.array([0.5, -0.5], np.float32), 16000)
    w = load_audio(p2)
    assert w.shape == (2,) and abs(w[0] - 0.5) < 1e-3


def test_silent_clip(tmp_path):
    p = tmp_path / 'silent.flac'
    sf.write(p, np.zeros(16000, np.float32), 16000)
    with pytest.raises(BadInputError, match='silent'): load_audio(p)


def test_one_by_one_image(tmp_path):
    p = tmp_path / 'px.png'
    Image.new('RGB', (1, 1), (10, 20, 30)).save(p)
    im = load_image(p)
    assert im.size == (1, 1) and im.getpixel((0, 0)) == (10, 20, 30)


@pytest.mark.parametrize('side', [30000, 10000, 7000])
def test_huge_declared_image(tmp_path, side):
    "30000^2 trips PIL's own bomb check, 10000^2 and 7000^2 only ours (40 M pixels); nothing is allocated."
    p = _write(tmp_path, 'bomb.png', _png_header(side, side))
    with pytest.raises(BadInputError, match='too large|more than the 40000000') as e: load_image(p)
    assert str(e.value).startswith(str(p))


def test_patched_real_png(tmp_path):
    "A valid small PNG with its IHDR width/height patched to 30000 x 30000."
    b = bytearray(VALID_IMAGE['png'])
    b[16:24] = struct.pack('>II', 30000, 30000)
    b[29:33] = struct.pack('>I', zlib.crc32(bytes(b[12:29])))
    p = _write(tmp_path, 'patched.png', bytes(b))
    with pytest.raises(BadInputError) as e: load_image(p)
    assert str(e.value).startswith(str(p))


@pytest.mark.parametrize('mode', ['L', 'LA', 'P', 'RGBA', 'CMYK', 'I;16', 'I', '1'])
def test_image_modes_become_rgb8(tmp_path, mode):
    im = Image.new('RGB', (8, 6), (200, 100, 50)).convert(mode) if mode not in ('I;16', 'I') \
        else Image.fromarray(np.full((6, 8), 40000, np.uint16 if mode == 'I;16' else np.int32))
    assert im.mode == mode
    p = tmp_path / ('x.jpg' if mode == 'CMYK' else 'x.png')
    im.save(p) if mode != 'I' else im.save(tmp_path / 'x.tiff')
    out = load_image(p if mode != 'I' else tmp_path / 'x.tiff')
    assert out.mode == 'RGB' and out.size == (8, 6)
    if mode in ('I;16', 'I'): assert out.getpixel((0, 0)) == (156, 156, 156)  # 40000 / 257: 16-bit scaled to 8-bit


# --- batch paths: good files kept, bad files counted -------------------------------------------

def _mixed_tree(d: Path) -> tuple[int, int]:
    "A seed-layout tree with good and bad files of both modalities; returns (good, bad) per modality."
    for mod in ('audio', 'image'):
        for lab in ('real', 'fake'): (d / mod / 'train' / lab).mkdir(parents=True)
    a, i = d / 'audio' / 'train', d / 'image' / 'train'
    for k in range(3):
        (a / 'real' / f'g{k}.flac').write_bytes(VALID_AUDIO['flac'])
        (a / 'fake' / f'g{k}.wav').write_bytes(VALID_AUDIO['wav'])
        (i / 'real' / f'g{k}.png').write_bytes(VALID_IMAGE['png'])
        (i / 'fake' / f'g{k}.jpg').write_bytes(VALID_IMAGE['jpg'])
    (a / 'real' / 'empty.flac').write_bytes(b'')
    (a / 'fake' / 'text.wav').write_text('hello')
    (a / 'fake' / 'cut.mp3').write_bytes(VALID_AUDIO['mp3'][:50])
    (a / 'fake' / 'long.wav').write_bytes(_wav_header(16000 * 36000) + bytes(3200))
    (i / 'real' / 'empty.jpg').write_bytes(b'')
    (i / 'fake' / 'text.jpg').write_text('hello')
    (i / 'fake' / 'bomb.png').write_bytes(_png_header(30000, 30000))
    (i / 'real' / 'cut.jpg').write_bytes(VALID_IMAGE['jpg'][:200])
    return 6, 4


def test_scan_keeps_good_and_counts_bad(tmp_path):
    n_good, n_bad = _mixed_tree(tmp_path)
    for mod in ('audio', 'image'):
        items = find_items(tmp_path, mod, 'train')
        assert len(items) == n_good + n_bad
        good, bad = scan_items(items, mod, CFG)
        assert len(good) == n_good and len(bad) == n_bad
        assert all(Path(it.path).name.startswith('g') for it in good)
        assert all(msg.startswith(it.path) for it, msg in bad)


def test_datasets_skip_bad_files(tmp_path):
    n_good, n_bad = _mixed_tree(tmp_path)
    ads = AudioDataset(find_items(tmp_path, 'audio', 'train'), CFG, train=True)
    ids = ImageDataset(find_items(tmp_path, 'image', 'train'), CFG, train=False)
    for ds in (ads, ids):
        assert len(ds) == n_good and len(ds.bad) == n_bad
        x, y = ds[0]
        assert x.isfinite().all() and y in (0, 1)


def test_scan_cli_reports_bad_files(tmp_path):
    _mixed_tree(tmp_path)
    r = subprocess.run([sys.executable, '-m', 'deepfake_nb.cli', 'data', '--scan', str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    assert 'audio: 6 good, 4 bad' in r.stdout and 'image: 6 good, 4 bad' in r.stdout
    assert 'Traceback' not in r.stdout + r.stderr


def test_bad_file_in_dataloader_worker_is_a_clean_error(tmp_path):
    "preload=False: a worker meets the bad file; the main process still gets BadInputError naming it."
    import torch
    from deepfake_nb.data.datasets import Item
    from deepfake_nb.data.loaders import make_loader
    good = _write(tmp_path, 'g.wav', VALID_AUDIO['wav'])
    bad = _write(tmp_path, 'bad.wav', b'not audio at all')
    ds = AudioDataset([Item(str(good), 0), Item(str(bad), 1)], CFG, train=False, preload=False)
    dl = make_loader(ds, CFG, train=False, batch_size=1, num_workers=1)
    with pytest.raises(BadInputError) as e: list(dl)
    assert str(e.value).startswith(str(bad)) and e.value.path == str(bad) and 'not a readable audio file' in e.value.problem
