/* Tokens for the project's status codes and refusal reasons. */
#include "lobkiosk/status.h"

#include <string.h>

const char *lk_strerror(lk_status st)
{
    switch (st) {
    case LK_OK: return "ok";
    case LK_ERR_NOMEM: return "nomem";
    case LK_ERR_IO: return "io";
    case LK_ERR_INVALID: return "invalid";
    case LK_ERR_NOT_FOUND: return "not_found";
    case LK_ERR_EXISTS: return "exists";
    case LK_ERR_DB: return "db";
    case LK_ERR_CONFIG: return "config";
    case LK_ERR_CRYPTO: return "crypto";
    case LK_ERR_NETWORK: return "network";
    case LK_ERR_HTTP: return "http";
    case LK_ERR_AUTH: return "auth";
    case LK_ERR_PERMISSION: return "permission";
    case LK_ERR_FULL: return "disk_full";
    case LK_ERR_TIMEOUT: return "timeout";
    case LK_ERR_DEVICE: return "device";
    case LK_ERR_UNSUPPORTED: return "unsupported";
    case LK_ERR_BUSY: return "busy";
    case LK_ERR_STALE: return "stale";
    case LK_ERR_CLOCK: return "clock";
    }
    return "unknown";
}

static const char *const reason_tokens[LK_REASON_COUNT] = {
    [LK_REASON_NONE] = "none",
    [LK_REASON_NOT_A_PASS] = "not_a_pass",
    [LK_REASON_MALFORMED] = "malformed",
    [LK_REASON_UNKNOWN_ISSUER] = "unknown_issuer",
    [LK_REASON_UNKNOWN_KEY] = "unknown_key",
    [LK_REASON_BAD_SIGNATURE] = "bad_signature",
    [LK_REASON_EXPIRED] = "expired",
    [LK_REASON_REVOKED] = "revoked",
    [LK_REASON_ROLE_NOT_ALLOWED] = "role_not_allowed",
    [LK_REASON_NO_EVENT] = "no_event",
    [LK_REASON_ISSUER_NOT_INVITED] = "issuer_not_invited",
};

const char *lk_reason_token(lk_reason r)
{
    if ((unsigned)r >= LK_REASON_COUNT)
        return "unknown";
    return reason_tokens[r];
}

lk_reason lk_reason_from_token(const char *token)
{
    if (!token)
        return LK_REASON_COUNT;
    for (int i = 0; i < LK_REASON_COUNT; i++)
        if (strcmp(reason_tokens[i], token) == 0)
            return (lk_reason)i;
    return LK_REASON_COUNT;
}
