# azd postdeploy hook (Windows): see postdeploy.sh beside this file for the why.
$ErrorActionPreference = 'Stop'

if ($env:INBOX_EVENTS_ENABLED -eq 'true') {
    exit 0
}

Write-Host 'InboxDrop is deployed; provisioning the Event Grid subscription for inbox/.'
azd env set INBOX_EVENTS_ENABLED true

for ($attempt = 1; $attempt -le 3; $attempt++) {
    azd provision --no-prompt
    if ($LASTEXITCODE -eq 0) {
        exit 0
    }
    if ($attempt -lt 3) {
        Write-Warning "Retrying in 30 s (attempt $($attempt + 1) of 3)..."
        Start-Sleep -Seconds 30
    }
}

azd env set INBOX_EVENTS_ENABLED false
Write-Error "Could not create the inbox Event Grid subscription; the next 'azd deploy' tries again."
exit 1
