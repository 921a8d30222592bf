"""`python tests/_crash_after.py N <deepfake-train arguments>`: train, and die abruptly (exit code 17) right after epoch N's
checkpoint and metrics row are written. The resume test's crash injection lives here, outside the library."""
import os, sys
import deepfake_nb.train.engine as engine
from deepfake_nb.cli import train_main as main

N, _write = int(sys.argv[1]), engine.write_metrics_csv

def _write_then_die(path, history):
    "Write the metrics table as the loop does, then end the process without any clean-up once N epochs are recorded."
    _write(path, history)
    if len(history) == N: sys.stdout.flush(); os._exit(17)

engine.write_metrics_csv = _write_then_die
if __name__ == '__main__': sys.exit(main(sys.argv[2:]))
