#!/bin/bash
# GPU exploration sweep (not part of the package): train each devrun/cfg/*.yaml on the image train split (select on val).
set -u
EPOCHS=${1:-40}
OUTDIR=${OUT:-/tmp/sweep_out}; mkdir -p $OUTDIR
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl 2>&1 | tail -2
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 OMP_NUM_THREADS=2
python3 -c "import torch, timm, dlib, soundfile; print('torch', torch.__version__, 'timm', timm.__version__, 'cuda', torch.cuda.is_available())" || exit 1
R=/tmp/runs; mkdir -p $R; T0=$(date +%s)
for v in devrun/cfg/*.yaml; do n=$(basename $v .yaml)
  python3 tools/device_sweep/train_shim.py --config $v --data devrun/data --out $R/$n --no-resume --epochs $EPOCHS > $R/$n.log 2>&1 &
done
wait; echo "training done in $(( $(date +%s) - T0 )) s"
for v in devrun/cfg/*.yaml; do n=$(basename $v .yaml)
  echo "=== $n"; grep -a "skipped\|items" $R/$n.log | head -3; grep -v "^\s*$" $R/$n/metrics.csv | awk -F, 'NR==1 || NR%5==0 {print}'; grep -a "stopped\|saved" $R/$n.log
  cp $R/$n/model.safetensors $R/$n.safetensors 2>/dev/null
done > $OUTDIR/summary.txt
cat $OUTDIR/summary.txt
(cd $R && tar czf $OUTDIR/logs.tgz */metrics.csv *.log && ls *.safetensors | split -l 3 - /tmp/modelgroup_)
for g in /tmp/modelgroup_*; do (cd $R && tar cf $OUTDIR/models_$(basename $g).tar $(cat $g)); done   # 3 models (~12 MB) per returned file
ls -la $OUTDIR
