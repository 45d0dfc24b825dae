# azd postdeploy hook (Windows): see postdeploy.sh beside this file for the why. INBOX_EVENTS_SUBSCRIBE is
# true only for this hook's own provision, and false again afterwards whatever happens.
$ErrorActionPreference = 'Stop'
$delay = if ($env:INBOX_EVENTS_RETRY_DELAY) { [int]$env:INBOX_EVENTS_RETRY_DELAY } else { 30 }

Write-Host 'InboxDrop is deployed; provisioning the Event Grid subscription for inbox/.'
try {
    azd env set INBOX_EVENTS_SUBSCRIBE true
    for ($attempt = 1; $attempt -le 3; $attempt++) {
        azd provision --no-prompt
        if ($LASTEXITCODE -eq 0) {
            exit 0
        }
        if ($attempt -lt 3) {
            Write-Warning "Retrying in $delay s (attempt $($attempt + 1) of 3)..."
            Start-Sleep -Seconds $delay
        }
    }
    Write-Error "Could not create the inbox Event Grid subscription; 'azd deploy' (or 'azd up') tries again."
    exit 1
}
finally {
    azd env set INBOX_EVENTS_SUBSCRIBE false
}
