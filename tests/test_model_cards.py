"""The bundled model cards (deepfake_nb/weights/*.md) start with Hugging Face YAML front matter that parses with
yaml.safe_load, names the task, licence, data sets and metrics, and whose figures are the ones in the card's own body."""
from __future__ import annotations
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TASKS = {'audio': 'audio-classification', 'image': 'image-classification'}


@pytest.mark.parametrize('modality', ['audio', 'image'])
def test_card_front_matter(modality):
    text = (ROOT / 'deepfake_nb' / 'weights' / f'{modality}.md').read_text()
    assert text.startswith('---\n')
    head, body = text[4:].split('\n---\n', 1)
    fm = yaml.safe_load(head)
    assert fm['license'] == 'apache-2.0' and fm['library_name'] == 'deepfake_nb' and fm['pipeline_tag'] == TASKS[modality]
    assert 'deepfake-detection' in fm['tags'] and fm['datasets'] and set(fm['metrics']) >= {'eer', 'roc_auc'}
    results = fm['model-index'][0]['results']
    assert {r['dataset']['split'] for r in results} == {'validation', 'test'}
    for r in results:
        assert r['task']['type'] == TASKS[modality]
        for m in r['metrics']:
            assert isinstance(m['value'], (int, float)) and 0 <= m['value'] <= 1, m
    assert body.lstrip().startswith(f'# deepfake_nb {modality} detector')
    # the validation EER of each set is the one in the card's recalibration table (3 decimals there)
    for r in (r for r in results if r['dataset']['split'] == 'validation'):
        eer = next(m['value'] for m in r['metrics'] if m['type'] == 'eer')
        assert f'| {eer:.3f} |' in body, (r['dataset'], eer)


def test_generator_emits_parseable_front_matter(tmp_path):
    "A card written by bundle_checkpoint (train, ensemble and calibrate --bundle) carries the same block."
    from deepfake_nb.testing import make_tiny_checkpoints
    from deepfake_nb.train.recipe import bundle_checkpoint, split_front_matter
    ck = make_tiny_checkpoints(tmp_path / 'ck', modalities=('image',))
    bundle_checkpoint(ck['image'], 'image', tmp_path / 'w')
    fm, body = split_front_matter((tmp_path / 'w' / 'image.md').read_text())
    assert fm['pipeline_tag'] == 'image-classification' and fm['model-index'][0]['name'] == 'deepfake_nb-image'
    assert yaml.safe_load((tmp_path / 'w' / 'image.md').read_text().split('\n---\n')[0][4:]) == fm
