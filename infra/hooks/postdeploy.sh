#!/bin/sh
# azd postdeploy hook: once the code is deployed, create or update the Event Grid subscriptions that feed
# the InboxDrop and MakeImageRenditions blob triggers (infra/app/inbox-events.bicep). They cannot exist before
# the code: Event Grid validates the webhook when the subscription is created, and the host's blobs_extension key exists only
# once the blob extension has loaded.
#
# It runs after every deploy (creating the subscription again is a no-op), so that `azd up` after
# `azd down`, or in a copied environment, recreates it. INBOX_EVENTS_SUBSCRIBE is true only for this
# hook's own provision and false again afterwards, whatever happens: any other provision (the one `azd up`
# starts with, on an app that may have no code yet) leaves the subscription out, and ARM then leaves an
# existing subscription as it is.
set -eu

delay=${INBOX_EVENTS_RETRY_DELAY:-30}

reset() { azd env set INBOX_EVENTS_SUBSCRIBE false; }
trap reset EXIT
trap 'exit 130' INT TERM

echo "InboxDrop is deployed; provisioning the Event Grid subscription for inbox/."
azd env set INBOX_EVENTS_SUBSCRIBE true

# The host may take a little while to start and write its system keys after a deploy.
attempt=1
until azd provision --no-prompt; do
  if [ "$attempt" -ge 3 ]; then
    echo "Could not create the inbox Event Grid subscription; 'azd deploy' (or 'azd up') tries again." >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  echo "Retrying in $delay s (attempt $attempt of 3)..." >&2
  sleep "$delay"
done
