"One process of the DDP test (run by torchrun): the real recipe, then this rank's final weights saved for comparison."
import sys
from pathlib import Path
import torch
from deepfake_nb.config import load_config
from deepfake_nb.train.recipe import train_modality
from deepfake_nb.train.engine import setup_distributed, cleanup_distributed

if __name__ == '__main__':
    cfg, out = load_config(sys.argv[1]), Path(sys.argv[2])
    env = setup_distributed(cfg)
    res = train_modality('audio', cfg, out)
    # rank 0 reloads the best epoch afterwards; the other ranks keep the final weights, to be compared with last.pt
    if not env.main: torch.save(res['model'].state_dict(), out/f'rank{env.rank}_final.pt')
    cleanup_distributed()
