# Lab 2026-12-08 (issue 17): a data root of the vocoded twins of the *developer* set's reals only (for the dev-only statistics
# member), from a root of 2026-12-08_vocoded_reals.py; files are symbolic links, the manifest is the source root's rows.
#   python nbs/experiments/2026-12-08_twin_root.py runs/voc runs/voc_dev     (and runs/voc_eq runs/voc_eq_dev)
import os, sys
from pathlib import Path
import pandas as pd
src, dst = Path(sys.argv[1])/'audio', Path(sys.argv[2])/'audio'
m = pd.read_csv(src/'manifest.csv'); dev = m[m.speaker.str.startswith(('resemble-ai/', 'SpeechResearch/'))]   # twins of the dev set's two real sources
(dst/'train'/'fake').mkdir(parents=True, exist_ok=True)
for i in dev.id:
    f = next((src/'train'/'fake').glob(i + '.*')); link = dst/'train'/'fake'/f.name
    link.unlink(missing_ok=True); os.symlink(f.resolve(), link)
dev.to_csv(dst/'manifest.csv', index=False); print(len(dev), 'twins of dev reals ->', dst)
