"""A check added to schemathesis's own (loaded through SCHEMATHESIS_HOOKS by
contract/run): a request that the OpenAPI document calls valid must get past
the server's parsers. positive_data_acceptance lets the server refuse
schema-valid data with 400 for rules a schema cannot state (see
schemathesis.toml); a 400 whose code says the body, query or path could not be
parsed is never one of those.
"""

import json

import schemathesis

MALFORMED = {"invalid_body", "invalid_query", "invalid_id", "bad_request"}


@schemathesis.check
def schema_valid_input_is_parsed(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    try:
        code = json.loads(response.content).get("code")
    except (ValueError, AttributeError):
        code = None
    if code in MALFORMED:
        raise AssertionError(
            f"A schema-valid request was refused as malformed ({code}): {response.content[:300]!r}"
        )
    return None
