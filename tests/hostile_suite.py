"""Run the hostile-input suite (tests/test_hostile.py) and print the number of cases tried per entry point.

    python tests/hostile_suite.py            # run and print the table (exit status = pytest's)
    python tests/hostile_suite.py --count    # the same; the table is the point
    HOSTILE_EXAMPLES=100 python tests/hostile_suite.py   # more generated cases per property
"""
import json, os, subprocess, sys, tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    with tempfile.TemporaryDirectory() as d:
        counts = Path(d) / 'counts.json'
        env = {**os.environ, 'HOSTILE_COUNTS': str(counts), 'OMP_NUM_THREADS': '1', 'MPLBACKEND': 'Agg', 'PYTHONWARNINGS': 'ignore'}
        rc = subprocess.call([sys.executable, '-m', 'pytest', str(HERE / 'test_hostile.py'), '-q', '-p', 'no:cacheprovider', '-W', 'ignore'], env=env)
        c = json.loads(counts.read_text()) if counts.exists() else {}
    print('\n| entry point | hostile cases |\n|---|---|')
    for k, n in sorted(c.items(), key=lambda kv: -kv[1]): print(f'| {k} | {n} |')
    print(f'| **all** | **{sum(c.values())}** |')
    return rc


if __name__ == '__main__':
    sys.exit(main())
