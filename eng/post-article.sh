#!/usr/bin/env bash
# Signs a delivery with Standard Webhooks (HMAC-SHA256 over "id.timestamp.body") and sends it.
# Usage: eng/post-article.sh FILE.json     publish (POST /api/articles)
#        eng/post-article.sh --kill ID      kill (DELETE /api/articles/ID, signed body {"id":"ID","action":"kill"})
# (env: SERVERLESSNEWS_URL, WEBHOOK_SECRET)
set -euo pipefail
usage='usage: eng/post-article.sh FILE.json | --kill ARTICLE-ID'
url=${SERVERLESSNEWS_URL:-http://127.0.0.1:7071}
# The local development secret: the DevServer's (src/ServerlessNews.DevServer/appsettings.json) and
# the Functions app's sample settings (src/ServerlessNews.Functions/local.settings.sample.json).
secret=${WEBHOOK_SECRET:-whsec_bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1zZWNyZXQtMzI=}
if [[ ${1:?$usage} == --kill ]]; then
  article=${2:?$usage}
  # A kill signs the article's id and the action: the signature is then good for this article's kill only.
  body=$(printf '{"id":"%s","action":"kill"}' "$article")
  method=DELETE
  target="$url/api/articles/$article"
else
  body=$(cat "$1")
  method=POST
  target="$url/api/articles"
fi
id="msg_$(date +%s%N)" # unique per delivery: an id already seen is refused for any other delivery
ts=$(date +%s)
key=$(printf '%s' "${secret#whsec_}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
sig=$(printf '%s.%s.%s' "$id" "$ts" "$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | base64)
curl -sS -i -X "$method" "$target" \
  -H 'content-type: application/json' \
  -H "webhook-id: $id" -H "webhook-timestamp: $ts" -H "webhook-signature: v1,$sig" \
  --data-binary "$body"
echo
