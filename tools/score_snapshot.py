"""Score `samples/` (and, when `../shared` exists, a fixed slice of the dev test split) with the bundled detectors.

    python tools/score_snapshot.py --out /tmp/before.json          # samples + dev slice
    python tools/score_snapshot.py --compare /tmp/before.json      # score again, print max |diff|, exit 1 above --tol
    python tools/score_snapshot.py --write                         # regenerate tests/data/sample_scores.json (samples only)

Run `--write` when the bundled weights change on purpose: `tests/test_snapshot.py` checks the samples' scores against
that file, so a refactor that changes a score fails there.
"""
from __future__ import annotations
import argparse, json, math, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / 'tests' / 'data' / 'sample_scores.json'
FIELDS = ('prediction', 'score', 'audio_score', 'image_score', 'fused_score', 'error')
AUDIO_EXTS, IMAGE_EXTS = ('.wav', '.flac', '.mp3', '.ogg', '.m4a'), ('.jpg', '.jpeg', '.png', '.webp', '.bmp')

def detector_class():
    "The `Detector` class wherever the package keeps it (the module moved in issue 16)."
    try: from deepfake_nb.infer.detector import Detector
    except ImportError: from deepfake_nb.detector import Detector
    return Detector

def dev_files(shared: Path, n: int = 40) -> list[Path]:
    "The first `n` audio and `n` image files of the dev test split, sorted (empty without `../shared`)."
    out = []
    for kind, exts in (('audio', AUDIO_EXTS), ('image', IMAGE_EXTS)):
        d = shared / 'data' / kind / 'test'
        if d.exists(): out += sorted(p for p in d.rglob('*') if p.suffix.lower() in exts)[:n]
    return out

def sample_files() -> list[Path]:
    "Every audio and image file in `samples/`, sorted."
    return sorted(p for p in (ROOT / 'samples').iterdir() if p.suffix.lower() in AUDIO_EXTS + IMAGE_EXTS)

def score_files(paths, det=None) -> dict:
    "Score each path with the bundled detectors: {relative path: {field: value}}."
    import torch; torch.set_num_threads(1)
    det = det or detector_class().from_pretrained()
    out = {}
    for p in paths:
        r = det.predict_file(p, errors='result')
        key = str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)
        out[key] = {f: getattr(r, f) for f in FIELDS}
    return out

def max_diff(a: dict, b: dict) -> tuple[float, list[str]]:
    "The largest |difference| of a numeric field between two snapshots, and the keys that differ otherwise."
    worst, other = 0.0, []
    for k in sorted(set(a) | set(b)):
        if k not in a or k not in b: other.append(f'{k}: missing in one'); continue
        for f in FIELDS:
            x, y = a[k].get(f), b[k].get(f)
            if isinstance(x, (int, float)) and isinstance(y, (int, float)): worst = max(worst, abs(x - y))
            elif x != y: other.append(f'{k}.{f}: {x!r} != {y!r}')
    return worst, other

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', help='write the snapshot (samples + dev slice) to this JSON file')
    ap.add_argument('--compare', help='score again and compare with this snapshot')
    ap.add_argument('--write', action='store_true', help=f'regenerate {FIXTURE.relative_to(ROOT)} (samples only)')
    ap.add_argument('--n', type=int, default=40, help='dev test files per modality')
    ap.add_argument('--tol', type=float, default=1e-6, help='largest |diff| --compare accepts')
    ap.add_argument('--shared', default=str(ROOT.parent / 'shared'), help='the shared data folder')
    a = ap.parse_args(argv)
    if a.write:
        FIXTURE.parent.mkdir(parents=True, exist_ok=True)
        FIXTURE.write_text(json.dumps(score_files(sample_files()), indent=1, sort_keys=True) + '\n')
        print(f'wrote {FIXTURE}'); return 0
    snap = score_files(sample_files() + dev_files(Path(a.shared), a.n))
    if a.out: Path(a.out).write_text(json.dumps(snap, indent=1, sort_keys=True) + '\n'); print(f'wrote {a.out}: {len(snap)} files')
    if a.compare:
        worst, other = max_diff(json.loads(Path(a.compare).read_text()), snap)
        print(f'{len(snap)} files; max |diff| = {worst:.3g}; {len(other)} other differences')
        for o in other[:20]: print('  ', o)
        return int(worst > a.tol or bool(other))
    return 0

if __name__ == '__main__': sys.exit(main())
