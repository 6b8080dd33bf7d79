"""Verifies one webhook delivery with the official Standard Webhooks library.

Usage: verify.py SECRET DELIVERY_JSON
DELIVERY_JSON holds {"headers": {name: value}, "body": "<the body as sent>"}.
Prints the event's type and exits 0 when the signature verifies; prints the
library's error and exits 1 otherwise.
"""

import json
import sys

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def main() -> int:
    secret, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        delivery = json.load(f)
    try:
        event = Webhook(secret).verify(delivery["body"], delivery["headers"])
    except WebhookVerificationError as e:
        print(f"refused: {e}")
        return 1
    print(event["type"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
