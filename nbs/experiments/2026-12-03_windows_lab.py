# Lab 2026-12-03 (issue 17), third pass: how many augmented windows per training clip should the Whisper base member be fitted
# on (`audio_model.stats_windows`, 3 in the bundle)? Cache: `2026-12-03_whisper_base_cache.py {dev|wide} 9 base /tmp/whisper_base9`
# (9 augmented windows per training clip, base only). The first K of them are used; model and selection as in
# 2026-12-03_whisper_base_lab.py (wide val, dev val, LOSO over the 24 training sources); no test split is read.
#   PYTHONPATH=. python nbs/experiments/2026-12-03_windows_lab.py [--loso] K ...     (K = 1..9; Kc = K augmented + the clean windows)
import sys, importlib.util
import numpy as np
spec = importlib.util.spec_from_file_location('wb', 'nbs/experiments/2026-12-03_whisper_base_lab.py')
wb = importlib.util.module_from_spec(spec); spec.loader.exec_module(wb)
wb.C_DIR = '/tmp/whisper_base9'

class System(wb.System):
    "Whisper base states 1-2 fitted on the first k augmented windows (and the clean ones with `clean`)."
    def __init__(self, k, clean=False, states=(1, 2), C=0.01):
        super().__init__('base', list(states), ('aug', 'clean') if clean else ('aug',), C); self.k = k
    def rows(self, d):
        d = dict(d); d['aug_base'] = d['aug_base'][:self.k]; return super().rows(d)

if __name__ == '__main__':
    names = [a for a in sys.argv[1:] if a != '--loso']
    wb.main({n: System(int(n.rstrip('c')), n.endswith('c')) for n in names}, sys.argv[1:])
