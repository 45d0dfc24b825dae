#!/bin/sh
# azd postdeploy hook: once the code is deployed, provision the Event Grid subscription that feeds
# the InboxDrop blob trigger (infra/app/inbox-events.bicep). It cannot be created before: Event
# Grid validates the webhook, and the host's blobs_extension key exists only once the blob
# extension has loaded. Runs once per environment; later provisions keep the subscription.
set -eu

if [ "${INBOX_EVENTS_ENABLED:-false}" = "true" ]; then
  exit 0
fi

echo "InboxDrop is deployed; provisioning the Event Grid subscription for inbox/."
azd env set INBOX_EVENTS_ENABLED true

# The host may take a little while to start and write its system keys after a deploy.
attempt=1
until azd provision --no-prompt; do
  if [ "$attempt" -ge 3 ]; then
    azd env set INBOX_EVENTS_ENABLED false
    echo "Could not create the inbox Event Grid subscription; the next 'azd deploy' tries again." >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  echo "Retrying in 30 s (attempt $attempt of 3)..." >&2
  sleep 30
done
