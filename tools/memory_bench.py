"""Peak memory of the worst hostile inputs (issue 20), each scored in a fresh process; prints a table.

    python tools/memory_bench.py [--dir /tmp/deepfake_memory_bench] [--limit-mib 1536]

Generated inputs (cached in --dir): a 2-minute 1080p60 grey video (a few hundred KB of H.264), a 3-hour low-bitrate audio file
(MP3, 8 kHz) and a video whose audio track lasts 3 hours, a WAV header declaring 10 hours, and a 5 KB checkpoint whose stored
config describes a 13-billion-element ViT. Each case runs `deepfake-detect` (bundled weights) or `load_checkpoint` in its own
process; the table shows the exit status, the first line of the result/error and the child's peak RSS (ru_maxrss). Exit status 1
if any case exceeds --limit-mib.
"""
from __future__ import annotations
import argparse, json, os, resource, subprocess, sys, time
from pathlib import Path

import numpy as np


def grey_video(path: Path, seconds: float = 120, fps: int = 60, w: int = 1920, h: int = 1080) -> Path:
    "A long, flat grey H.264 video (tiny file, huge decoded size)."
    import av
    with av.open(str(path), 'w') as c:
        s = c.add_stream('libx264', rate=fps); s.width, s.height, s.pix_fmt = w, h, 'yuv420p'
        s.options = {'preset': 'ultrafast', 'crf': '51'}
        frame = av.VideoFrame.from_ndarray(np.full((h, w, 3), 128, np.uint8), format='rgb24')
        for i in range(int(seconds * fps)):
            frame.pts = i
            for pk in s.encode(frame): c.mux(pk)
        for pk in s.encode(None): c.mux(pk)
    return path


def long_audio_video(path: Path, audio_seconds: float = 3 * 3600, video_seconds: float = 2, sr: int = 8000) -> Path:
    "A short small video whose (near-silent) Opus audio track lasts `audio_seconds`."
    import av
    with av.open(str(path), 'w') as c:
        v = c.add_stream('libx264', rate=5); v.width, v.height, v.pix_fmt = 64, 64, 'yuv420p'
        a = c.add_stream('libopus', rate=sr); a.layout = 'mono'; a.bit_rate = 6000
        fr = av.VideoFrame.from_ndarray(np.full((64, 64, 3), 100, np.uint8), format='rgb24')
        for i in range(int(video_seconds * 5)):
            fr.pts = i
            for pk in v.encode(fr): c.mux(pk)
        for pk in v.encode(None): c.mux(pk)
        n = sr // 50 * 500  # 10 s blocks
        rng = np.random.default_rng(0)
        block = (rng.standard_normal(n) * 1e-3).astype(np.float32)[None]
        for i in range(int(audio_seconds * sr) // n):
            af = av.AudioFrame.from_ndarray(block, format='flt', layout='mono'); af.sample_rate = sr; af.pts = i * n
            for pk in a.encode(af): c.mux(pk)
        for pk in a.encode(None): c.mux(pk)
    return path


def long_mp3(path: Path, seconds: float = 3 * 3600, sr: int = 8000) -> Path:
    "A 3-hour near-silent MP3 written block by block."
    import soundfile as sf
    rng = np.random.default_rng(0)
    block = (rng.standard_normal(sr * 60) * 1e-3).astype(np.float32)
    with sf.SoundFile(str(path), 'w', sr, 1, format='MP3') as f:
        for _ in range(int(seconds // 60)): f.write(block)
    return path


def ten_hour_wav(path: Path) -> Path:
    "A WAV header declaring 10 hours, with 0.1 s of samples."
    import struct
    n = 16000 * 3600 * 10 * 2
    hdr = (b'RIFF' + struct.pack('<I', (36 + n) & 0xFFFFFFFF) + b'WAVE' + b'fmt ' + struct.pack('<IHHIIHH', 16, 1, 1, 16000, 32000, 2, 16)
           + b'data' + struct.pack('<I', n & 0xFFFFFFFF))
    path.write_bytes(hdr + np.int16([1000, -1000] * 800).tobytes())
    return path


def huge_vit_checkpoint(path: Path) -> Path:
    "A few-KB checkpoint whose stored config describes a ViT of 64 blocks of width 4096."
    import torch.nn as nn
    from deepfake_nb.checkpoint import save_checkpoint
    from deepfake_nb.config import default_config
    cfg = default_config(); cfg['image_model'].update(vit_dim=4096, vit_depth=64, vit_heads=16)
    return save_checkpoint(path, nn.Linear(2, 2), cfg, 'image')


CHILD = r'''
import json, resource, sys
kind, arg = sys.argv[1], sys.argv[2]
if kind == 'detect':
    from deepfake_nb.cli import detect_main
    rc = detect_main(['--json', '--quiet', *arg.split('\x1f')])
elif kind == 'checkpoint':
    from deepfake_nb.checkpoint import load_checkpoint
    try: load_checkpoint(arg); rc = 0; print('loaded')
    except ValueError as e: print(json.dumps({'error': str(e)})); rc = 2
sys.stdout.flush(); sys.stderr.flush()
import os; os._exit(rc)
'''


def run_case(kind: str, arg: str) -> tuple[int, str, float, float]:
    "(exit status, first output line, peak RSS MiB, seconds) of one case in a fresh process."
    t0 = time.time()
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'PYTHONWARNINGS': 'ignore'}
    p = subprocess.run([sys.executable, '-c', CHILD, kind, arg], capture_output=True, text=True, env=env, timeout=1800)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss   # the only child of this process: its own peak
    out = (p.stdout.strip().splitlines() or p.stderr.strip().splitlines() or [''])[0]
    try: d = json.loads(out); out = d.get('error') or f"{d.get('prediction')} score={d.get('score')}"
    except (json.JSONDecodeError, AttributeError): pass
    return p.returncode, out[:110], rss / 1024, time.time() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--dir', default='/tmp/deepfake_memory_bench', help='where the generated inputs are cached')
    ap.add_argument('--limit-mib', type=float, default=1536, help='peak RSS allowed per case (MiB)')
    a = ap.parse_args(argv)
    d = Path(a.dir); d.mkdir(parents=True, exist_ok=True)
    make = [('grey_1080p60_2min.mp4', grey_video), ('audio_3h.mp3', long_mp3), ('video_with_3h_audio.mkv', long_audio_video),
            ('header_10h.wav', ten_hour_wav), ('huge_vit_5kb.safetensors', huge_vit_checkpoint)]
    for name, fn in make:
        if not (d / name).exists():
            t = time.time(); fn(d / name); print(f'made {name} ({(d / name).stat().st_size / 1e3:.0f} KB, {time.time() - t:.0f} s)', file=sys.stderr)
    cases = [('deepfake-detect --video (2 min 1080p60 grey)', 'detect', '--video\x1f' + str(d / 'grey_1080p60_2min.mp4')),
             ('deepfake-detect (3 h MP3)', 'detect', str(d / 'audio_3h.mp3')),
             ('deepfake-detect --video (3 h audio track)', 'detect', '--video\x1f' + str(d / 'video_with_3h_audio.mkv')),
             ('deepfake-detect (WAV header: 10 h)', 'detect', str(d / 'header_10h.wav')),
             ('load_checkpoint (5 KB file, huge ViT config)', 'checkpoint', str(d / 'huge_vit_5kb.safetensors'))]
    print(f'| case | file size | exit | result | peak RSS MiB | s |\n|---|---|---|---|---|---|')
    worst = 0.0
    for label, kind, arg in cases:
        # a fresh interpreter per case; ru_maxrss of RUSAGE_CHILDREN is a running max, so measure each case in its own grandchild
        code = (f'import resource, subprocess, sys, json; sys.path.insert(0, {str(Path(__file__).parent)!r}); import memory_bench as m; '
                f'r = m.run_case({kind!r}, {arg!r}); print(json.dumps(r[:4]))')
        p = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=3600)
        rc, out, rss, secs = json.loads(p.stdout.strip().splitlines()[-1])
        size = sum(Path(x).stat().st_size for x in arg.split('\x1f') if Path(x).exists()) / 1e3
        worst = max(worst, rss)
        print(f'| {label} | {size:.0f} KB | {rc} | {out} | {rss:.0f} | {secs:.1f} |', flush=True)
    print(f'\nworst peak RSS {worst:.0f} MiB (limit {a.limit_mib:.0f} MiB)')
    return 1 if worst > a.limit_mib else 0


if __name__ == '__main__':
    sys.exit(main())
