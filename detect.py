"Score files for deepfakes: `python detect.py samples/` (same as the `deepfake-detect` command; see `--help`)."
from deepfake_nb.cli import detect_main
if __name__ == '__main__': raise SystemExit(detect_main())
