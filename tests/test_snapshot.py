"The bundled detectors' scores on `samples/` match `tests/data/sample_scores.json` (regenerate: `python tools/score_snapshot.py --write`)."
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
import score_snapshot as snap

def test_sample_scores_unchanged():
    want = json.loads(snap.FIXTURE.read_text())
    got = snap.score_files(snap.sample_files())
    assert sorted(got) == sorted(want)
    worst, other = snap.max_diff(want, got)
    assert not other, other
    assert worst < 1e-5, worst
