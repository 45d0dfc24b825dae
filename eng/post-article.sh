#!/usr/bin/env bash
# Signs a JSON article with Standard Webhooks (HMAC-SHA256 over "id.timestamp.body") and posts it.
# Usage: eng/post-article.sh FILE.json   (env: SERVERLESSNEWS_URL, WEBHOOK_SECRET)
set -euo pipefail
file=${1:?usage: eng/post-article.sh FILE.json}
url=${SERVERLESSNEWS_URL:-http://127.0.0.1:7071}
# The local development secret: the DevServer's (src/ServerlessNews.DevServer/appsettings.json) and
# the Functions app's sample settings (src/ServerlessNews.Functions/local.settings.sample.json).
secret=${WEBHOOK_SECRET:-whsec_bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1zZWNyZXQtMzI=}
body=$(cat "$file")
id="msg_$(date +%s%N)"
ts=$(date +%s)
key=$(printf '%s' "${secret#whsec_}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
sig=$(printf '%s.%s.%s' "$id" "$ts" "$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | base64)
curl -sS -i "$url/api/articles" \
  -H 'content-type: application/json' \
  -H "webhook-id: $id" -H "webhook-timestamp: $ts" -H "webhook-signature: v1,$sig" \
  --data-binary "$body"
echo
