"BatchNorm folding (`models.base.fold_batchnorm`, used by `load_checkpoint(inference=True)`) leaves every shipped architecture's scores unchanged."
import copy
import pytest, torch, torch.nn as nn
from deepfake_nb.checkpoint import build_model
from deepfake_nb.models.base import fold_batchnorm
from deepfake_nb.testing import tiny_config

CASES = {   # name -> (modality, overrides on the tiny config): the architectures with Conv2d + BatchNorm2d pairs
    'audio spectral CNN (audio_default)': ('audio', {}),
    'image ViT + frequency branch (image_default)': ('image', {}),
    'image EfficientNet-Lite0 (image_effnet, the bundle)': ('image', {'image': {'image_size': 64}, 'image_model': {'backbone': 'tf_efficientnet_lite0', 'pretrained': False, 'use_freq': False}}),
    'image NPR (image_npr)': ('image', {'image': {'image_size': 64}, 'image_model': {'arch': 'npr', 'npr_channels': [8, 8, 16, 16]}}),
}

def _moved_statistics(model: nn.Module) -> None:
    "Random BatchNorm statistics and affine parameters, so that a wrong fold changes the output."
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for bn in (m for m in model.modules() if isinstance(m, nn.BatchNorm2d)):
            bn.running_mean.copy_(torch.randn(bn.num_features, generator=g) * 0.3)
            bn.running_var.copy_(torch.rand(bn.num_features, generator=g) + 0.5)
            if bn.affine: bn.weight.copy_(torch.rand(bn.num_features, generator=g) + 0.5); bn.bias.copy_(torch.randn(bn.num_features, generator=g) * 0.1)

@pytest.mark.parametrize('name', list(CASES))
def test_fold_keeps_scores(name):
    modality, over = CASES[name]
    cfg = tiny_config(over)
    torch.manual_seed(0)
    model = build_model(modality, cfg).eval()
    _moved_statistics(model)
    n_bn = sum(isinstance(m, nn.BatchNorm2d) for m in model.modules())
    folded = fold_batchnorm(copy.deepcopy(model))
    x = torch.randn(2, int(cfg.audio.sample_rate * cfg.audio.clip_seconds)) if modality == 'audio' else torch.rand(2, 3, cfg.image.image_size, cfg.image.image_size)
    with torch.no_grad(): a, b = model(x), folded(x)
    assert n_bn > 0 and sum(isinstance(m, nn.BatchNorm2d) for m in folded.modules()) < n_bn, 'nothing was folded'
    torch.testing.assert_close(b, a, atol=1e-4, rtol=1e-4)
