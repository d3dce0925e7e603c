#!/bin/sh
# One-shot registrar (docker-compose.yml service `connect-register`): POSTs each connector JSON
# given as an argument to the Connect worker's REST API, unchanged. A connector that already exists
# (HTTP 409, e.g. on a second `docker compose up`) is left as it is. Exits non-zero on any other
# answer so that `docker compose ps -a` shows the failure.
set -eu
CONNECT_URL=${CONNECT_URL:-http://connect:8083}
for file in "$@"; do
  if [ ! -f "$file" ]; then
    echo "register-connectors: $file does not exist" >&2
    exit 1
  fi
  status=$(curl -sS -o /tmp/answer -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary "@$file" "$CONNECT_URL/connectors")
  case $status in
    201) echo "register-connectors: registered $file" ;;
    409) echo "register-connectors: $file already registered" ;;
    *) echo "register-connectors: $file answered HTTP $status: $(cat /tmp/answer)" >&2; exit 1 ;;
  esac
done
curl -sS "$CONNECT_URL/connectors?expand=status"
echo
