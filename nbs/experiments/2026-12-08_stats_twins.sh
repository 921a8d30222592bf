# Lab 2026-12-08 (issue 17): the bundle's spectral statistics member refitted with the vocoded twins of the dev reals added as
# fakes, merged with the bundle's own Whisper member, calibrated as the bundle, scored on both val splits. No test split is read.
#   bash nbs/experiments/2026-12-08_stats_twins.sh runs/voc_dev TAG      (run from the repository root, after 2026-12-08_twin_root.py)
set -e
ROOT=$1; TAG=$2
python nbs/experiments/2026-12-03_split_bundle.py audio                         # runs/audio_member0 (Whisper) and _member1 (statistics)
sed -e "s|^data:|data:\n  extra_roots: [$ROOT]|" configs/audio_stats.yaml > runs/cfg/audio_stats_$TAG.yaml
deepfake-train --modality audio --config runs/cfg/audio_stats_$TAG.yaml --data ../shared/data --out runs/audio_stats_$TAG --no-resume
deepfake-ensemble runs/audio_member0.safetensors runs/audio_stats_$TAG/model.safetensors --out runs/audio_ws_${TAG}_raw.safetensors --data ../shared/data --threads 2
deepfake-calibrate runs/audio_ws_${TAG}_raw.safetensors --data ../shared/data --data ../shared/data/wide --out runs/audio_ws_$TAG.safetensors --threads 2
for ck in runs/audio_stats_$TAG/model.safetensors runs/audio_ws_$TAG.safetensors; do
  for r in data data/wide; do
    o=runs/ev/$(basename $(dirname $ck))_$(basename $ck .safetensors)_${r//\//_}
    deepfake-evaluate --modality audio --checkpoint $ck --data ../shared/$r --split val --out $o --threads 2 --no-progress > /dev/null
    python -c "import json; m = json.load(open('$o/metrics.json')); print('$ck', '$r', 'AUC', round(m['auc'], 3), 'EER', round(m['eer'], 3))"
  done
done
