"DDP: the training recipe under torchrun with 2 CPU processes (gloo) keeps both processes' weights identical."
import os, subprocess, sys
from pathlib import Path
import torch
from _toy_train import toy_layout, toy_config

HERE = Path(__file__).parent

def test_two_process_ddp_keeps_ranks_identical(tmp_path):
    root = toy_layout(tmp_path/'data')
    cfg = toy_config(root, tmp_path/'tiny.yaml', epochs=2)
    out = tmp_path/'run'
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'PYTHONUNBUFFERED': '1'}
    env.pop('DEEPFAKE_NB_FAIL_AFTER_EPOCH', None)
    r = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '2',
                        str(HERE/'_ddp_worker.py'), str(cfg), str(out)], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, (r.stdout[-2000:], r.stderr[-4000:])
    assert '2 process(es)' in r.stdout                      # rank 0 logged once, for a 2-process job
    assert r.stdout.count('epoch 1 ') == 1                  # only rank 0 prints epoch lines
    last = torch.load(out/'last.pt', weights_only=True)
    assert last['world'] == 2 and last['epoch'] == 1 and len(last['rng']) == 2
    other = torch.load(out/'rank1_final.pt', weights_only=True)
    assert other.keys() == last['model'].keys()
    for k, v in last['model'].items():                      # parameters and BatchNorm buffers: bit-identical across ranks
        assert torch.equal(other[k], v), k
    assert (out/'model.safetensors').exists() and (out/'metrics.csv').read_text().count('\n') == 3
    # the ranks trained on different shards (DistributedWeightedSampler) with different random streams (seed + rank)
    assert not torch.equal(last['rng'][0]['torch'], last['rng'][1]['torch'])
