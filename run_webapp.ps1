# Start the deepfake_nb web page, on this computer only: http://127.0.0.1:7860 (Ctrl+C stops it).
# Any option is passed to deepfake-webapp, e.g.
#   .\run_webapp.ps1 --port 8000 --max-file-size 20
#   .\run_webapp.ps1 --audio-checkpoint runs\audio\best.safetensors
#   .\run_webapp.ps1 --host 0.0.0.0        # expose the page to your network (think twice)
# Run `deepfake-webapp --help` for every option. Needs the package installed: pip install -e .
# If scripts are blocked: powershell -ExecutionPolicy Bypass -File .\run_webapp.ps1
Set-Location -Path $PSScriptRoot
$env:GRADIO_ANALYTICS_ENABLED = 'False'
$exe = Get-Command deepfake-webapp -ErrorAction SilentlyContinue
if ($exe) {
    & $exe.Source @args
    exit $LASTEXITCODE
}
$py = Get-Command python -ErrorAction SilentlyContinue
if (-not $py) { $py = Get-Command python3 -ErrorAction SilentlyContinue }
if (-not $py) { $py = Get-Command py -ErrorAction SilentlyContinue }
if (-not $py) {
    Write-Error 'run_webapp.ps1: python not found'
    exit 1
}
& $py.Source -c 'import deepfake_nb.webapp' 2>$null
if ($LASTEXITCODE -ne 0) {
    Write-Error "run_webapp.ps1: deepfake_nb is not installed; run 'pip install -e .' in $PSScriptRoot first"
    exit 1
}
& $py.Source -c 'from deepfake_nb.cli import webapp_main; webapp_main()' @args
exit $LASTEXITCODE
