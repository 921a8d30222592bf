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
