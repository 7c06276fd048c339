"""Schemathesis extension hooks (loaded through SCHEMATHESIS_HOOKS by run.sh).

The tus PATCH of release uploads (SWR-1) takes `application/offset+octet-stream`: raw bytes, like
`application/octet-stream`, which schemathesis only knows by that name.
"""

import schemathesis
from schemathesis.transport.serialization import serialize_binary


@schemathesis.serializer("application/offset+octet-stream")
def offset_octet_stream(ctx, value):
    return {"data": serialize_binary(value)}
