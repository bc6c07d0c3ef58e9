/**
 * Generated from openapi.json by openapi-typescript: do not edit.
 * Regenerate with `npm run cli:types` (`npm run openapi` does it too); a test fails when this file is stale.
 */

export interface paths {
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is serving HTTP */
        get: operations["Health_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: this replica can serve. Not failed by a PostgreSQL or Redis outage, which every replica shares (runtime reads go on from memory); their states are reported */
        get: operations["Health_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics of this replica (text exposition format)
         * @description Requires `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set; open otherwise. Not counted against any quota.
         */
        get: operations["Metrics_scrape"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/signup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account and get a cli_ session token with every scope (expires after LOGIN_TOKEN_TTL_DAYS without use) */
        post: operations["Auth_signup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Exchange email and password for a new cli_ session token (throttled per email and per IP); at LIMIT_TOKENS_PER_USER, the user's least recently used session is revoked to make room */
        post: operations["Auth_login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The calling user and the scopes of the calling token (cli_ tokens only) */
        get: operations["Auth_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke the calling token */
        post: operations["Auth_logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change the caller's password; every other token of theirs is revoked (the calling one keeps working) */
        post: operations["Auth_changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the caller's active cli_ tokens (never their secrets), newest first; page with `limit` and `cursor` */
        get: operations["Auth_listTokens"];
        put?: never;
        /** Create a cli_ token (e.g. for CI) within the calling token's scopes and expiry; the secret is returned only once */
        post: operations["Auth_createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/tokens/revoke-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke every token of the caller, the calling one included unless `keepCurrent` is true */
        post: operations["Auth_revokeAll"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke one of your tokens; it stops working on the next request */
        delete: operations["Auth_revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/operators": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the operators (operators only) */
        get: operations["Operators_list"];
        put?: never;
        /** Make an existing account an operator (operators only; recorded in the operators' audit) */
        post: operations["Operators_grant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/operators/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The last 100 grants and withdrawals of operator rights, newest first (operators only) */
        get: operations["Operators_audit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/operators/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Withdraw an account's operator rights (operators only; never the last operator; recorded) */
        delete: operations["Operators_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apps/{id}/plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change an app's plan (operators only: see /api/v1/operators; recorded in the app's audit); takes effect at once on every replica */
        patch: operations["Plans_setPlan"];
        trace?: never;
    };
    "/api/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This month's requests against the quota: one environment (`env`), or every environment of the app */
        get: operations["Usage_usage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the apps you are a member of, with your role (an app's mgmt_ key: just its app) */
        get: operations["Apps_list"];
        put?: never;
        /** Create an app with its development, staging and production environments; you become its owner */
        post: operations["Apps_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apps/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one app */
        get: operations["Apps_get"];
        put?: never;
        post?: never;
        /** Delete an app and everything in it (owner only) */
        delete: operations["Apps_delete"];
        options?: never;
        head?: never;
        /** Rename an app (owner only) */
        patch: operations["Apps_rename"];
        trace?: never;
    };
    "/api/v1/apps/{id}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The app's audit of access (owner only): member, management key, runtime key and plan changes, with who made them; newest first, 50 a page unless `limit` says otherwise; page with `cursor` = the previous page's `nextCursor` (given with `limit` or `cursor`), or with `before` = its `nextBefore` */
        get: operations["Apps_audit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apps/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the app's members and their roles (owner only), in the order they joined; with `limit` or `cursor`, one page */
        get: operations["Members_list"];
        put?: never;
        /** Add an existing user to the app by email, as owner, editor or viewer (owner only) */
        post: operations["Members_add"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apps/{id}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a member (owner only); the last owner cannot be removed */
        delete: operations["Members_remove"];
        options?: never;
        head?: never;
        /** Change a member's role (owner only); the last owner cannot be demoted */
        patch: operations["Members_update"];
        trace?: never;
    };
    "/api/v1/apps/{id}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the app's mgmt_ keys (owner only; never their secrets) */
        get: operations["ManagementKeys_list"];
        put?: never;
        /** Create a mgmt_ key for the app (owner only): it works on every management route of this app and its environments, as an editor, within its scopes. The secret is returned only here */
        post: operations["ManagementKeys_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apps/{id}/api-keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a mgmt_ key (owner only): every replica refuses it from the next request on */
        delete: operations["ManagementKeys_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/envs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List an app's environments */
        get: operations["Environments_list"];
        put?: never;
        /** Add an environment to an app */
        post: operations["Environments_create"];
        /** Delete an added environment (development, staging and production cannot be deleted) */
        delete: operations["Environments_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List an environment's flags, keys sorted; ETag is the environment version */
        get: operations["Flags_list"];
        put?: never;
        /** Create a flag in an environment (raises its version by 1) */
        post: operations["Flags_create"];
        /** Delete a flag (raises the version by 1) */
        delete: operations["Flags_delete"];
        options?: never;
        head?: never;
        /** Update a flag's value, clientEnabled, description or type (type only with a value of the new type) */
        patch: operations["Flags_update"];
        trace?: never;
    };
    "/api/v1/flags/bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Same as PATCH /api/v1/flags/bulk */
        post: operations["Flags_bulkPost"];
        delete?: never;
        options?: never;
        head?: never;
        /** Set many flags at once: all or nothing, one version bump, at most 1000 flags */
        patch: operations["Flags_bulkPatch"];
        trace?: never;
    };
    "/api/v1/flags/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one flag */
        get: operations["Flags_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An environment's change history, newest first, 50 a page unless `limit` says otherwise
         * @description Page with `cursor` = the previous page's `nextCursor` (given with `limit` or `cursor`), or with `before` = its `nextBefore`.
         */
        get: operations["Changes_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/envs/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Restore an environment's whole flag set to what it was right after `version`, as one new write */
        post: operations["Changes_rollback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flags/{key}/targets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A flag's per-user and per-company overrides
         * @description With `limit` or `cursor`, one page of at most `limit` overrides: companies first, then users, each by id.
         */
        get: operations["Targets_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List an environment's active keys (never the secret), oldest first; with `limit` or `cursor`, one page */
        get: operations["Keys_list"];
        put?: never;
        /** Create a pub_ or sdk_ key for an environment; the full key is returned only here */
        post: operations["Keys_create"];
        /** Revoke a key: every replica refuses it from the next request on, and its open streams close */
        delete: operations["Keys_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The key's environment's flag values, served from memory. ETag `"<version>-<type>-<environment tag>"`; If-None-Match → 304 */
        get: operations["Config_config"];
        put?: never;
        post?: never;
        delete?: never;
        /** CORS preflight */
        options: operations["Config_preflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/config/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server-Sent Events: a `config` event with the full payload now and after every change; `: heartbeat` comments every 25 s
         * @description Events: `config` (data = `{version, flags}`, id = version), `revoked` (the key was revoked; the stream ends), `reconnect` (the server is shutting down; reconnect). At most LIMIT_STREAMS_PER_KEY open streams per key per replica (then 429 with Retry-After) and LIMIT_STREAMS per replica (then 503 with Retry-After: try another replica). A client that does not read gets only the latest config once it catches up, and is disconnected once SSE_MAX_BUFFER_BYTES are waiting for it.
         */
        get: operations["Config_stream"];
        put?: never;
        post?: never;
        delete?: never;
        /** CORS preflight */
        options: operations["Config_preflightStream"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Evaluate every flag the key may see for a context: user override → company override → rollout → the flag's value */
        post: operations["Evaluate_evaluate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ofrep/v1/evaluate/flags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * OFREP bulk evaluation: every flag the key may see, for a context, and the event stream that announces changes
         * @description ETag `"<version>-<key type>-<digest of the answer>"`; If-None-Match is compared on the key type and digest, so a change that leaves this answer as it was (a flag the key may not see, a target for someone else) is 304. `eventStreams` (OFREP ADR-0008) names `GET /ofrep/v1/stream`. CORS: any origin for pub_ keys.
         */
        post: operations["Ofrep_bulk"];
        delete?: never;
        /** CORS preflight */
        options: operations["Ofrep_preflightBulk"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ofrep/v1/evaluate/flags/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** OFREP single-flag evaluation for a context. CORS: any origin for pub_ keys */
        post: operations["Ofrep_one"];
        delete?: never;
        /** CORS preflight */
        options: operations["Ofrep_preflightOne"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ofrep/v1/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * OFREP event stream (ADR-0008): `{"type":"refetchEvaluation","etag":…}` after every change of the key’s environment
         * @description Server-Sent Events for EventSource, which cannot send headers: a pub_ key as `?key=`, an sdk_ key through the `?token=` its bulk evaluation minted (sdk_ secrets are never accepted in a URL), or either key in Authorization/X-API-Key. Each event has `id: <version>`; a client reconnecting with an older Last-Event-ID is told to re-fetch at once. Then as `GET /api/v1/config/stream`: each stream opened counts against the monthly quota, `: heartbeat` comments every 25 s, LIMIT_STREAMS_PER_KEY (429) and LIMIT_STREAMS (503) with Retry-After, slow consumers dropped past SSE_MAX_BUFFER_BYTES; on revocation a refetchEvaluation (answered 401) then the named `revoked` event; on shutdown the named `reconnect` event. CORS: any origin for pub_ keys.
         */
        get: operations["Ofrep_stream"];
        put?: never;
        post?: never;
        delete?: never;
        /** CORS preflight */
        options: operations["Ofrep_preflightStream"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apps/{id}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the app's webhooks (owner only; never their secrets) */
        get: operations["Webhooks_list"];
        put?: never;
        /** Add a webhook to the app (owner only): every event it subscribes to is POSTed to its URL, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) and retried with backoff until a 2xx. The signing secret is returned only here */
        post: operations["Webhooks_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apps/{id}/webhooks/{webhookId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a webhook (owner only), with its pending and past deliveries */
        delete: operations["Webhooks_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apps/{id}/webhooks/{webhookId}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A webhook's deliveries with every attempt (status, response code, duration, error), newest first, 50 a page unless `limit` says otherwise */
        get: operations["Webhooks_deliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apps/{id}/webhooks/{webhookId}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send the webhook a `webhook.test` delivery (owner only); returns it, pending: follow it in the deliveries */
        post: operations["Webhooks_test"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/bootstrap": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Reflag CLI bootstrap: your organization (your account) with its apps and their environments, and who you are
         * @description `isProduction` marks the environment named production, which `reflag flags list` and `flags types` read.
         */
        get: operations["Reflag_bootstrap"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/apps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Reflag: list the apps you are a member of (an app’s mgmt_ key: its app), with their environments */
        get: operations["Reflag_listApps"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/apps/{appId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Reflag: one app with its environments (no stages or segments here: empty lists) */
        get: operations["Reflag_getApp"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/apps/{appId}/environments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Reflag: an app's environments, by order (creation) unless told */
        get: operations["Reflag_listEnvironments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/apps/{appId}/flags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Reflag: an app's flags, one per key across its environments (the id is the key) */
        get: operations["Reflag_listFlags"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/apps/{appId}/features": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Reflag CLI: the flags of one environment (`flags list`), with their values as remote configs (`flags types`)
         * @description With `includeRemoteConfigs=true` each typed (string, number, json) flag carries one remote config whose variants are its distinct values, so `reflag flags types` emits a payload type for it; boolean flags carry none and come out as `boolean`.
         */
        get: operations["Reflag_listFeatures"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/apps/{appId}/flags/{flagKey}/targeting/{envId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Reflag: a flag's specific targets in one environment, grouped by value
         * @description Answered as Reflag does: the flagTargeting object itself. Keys of `specificTargets` are values as JSON text.
         */
        get: operations["Reflag_flagTargeting"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/apps/{appId}/flags/specific-targets/{envId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Reflag: turn flags on or off (or give a typed value) for specific companies or users; all updates or none, one version
         * @description Each update names exactly one of `companyId` / `userId`; `value` is a value of the flag's type (`true` for Reflag's boolean flags), `null` removes that target. Answers the targeting of every flag the request touched, as of the new version.
         */
        patch: operations["Reflag_updateSpecificTargets"];
        trace?: never;
    };
    "/api/apps/{appId}/envs/{envId}/companies/{companyId}/flags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Reflag: a company's flags in one environment
         * @description All flags of the environment with this entity’s value. The environment by id (or name). Exposure statistics are not collected here: null and 0.
         */
        get: operations["Reflag_companyFlags"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Reflag: set or remove a company's value of several flags; all updates or none, one version
         * @description All flags of the environment with this entity’s value. The environment by id (or name). Exposure statistics are not collected here: null and 0. Answers the company's flags after the write.
         */
        patch: operations["Reflag_updateCompanyFlags"];
        trace?: never;
    };
    "/api/apps/{appId}/envs/{envId}/users/{userId}/flags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Reflag: a user's flags in one environment
         * @description All flags of the environment with this entity’s value. The environment by id (or name). Exposure statistics are not collected here: null and 0.
         */
        get: operations["Reflag_userFlags"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Reflag: set or remove a user's value of several flags; all updates or none, one version
         * @description All flags of the environment with this entity’s value. The environment by id (or name). Exposure statistics are not collected here: null and 0. Answers the user's flags after the write.
         */
        patch: operations["Reflag_updateUserFlags"];
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ErrorBody: {
            /** @example App not found */
            error: string;
            /** @description Every field error, for validation failures */
            details?: string[];
        };
        UserDto: {
            /** @example usr_8fK2mQ9xLp3RtV7w */
            id: string;
            /** @example ada@example.com */
            email: string;
            /**
             * Format: date-time
             * @example 2025-01-01T00:00:00.000Z
             */
            createdAt: string;
        };
        SessionDto: {
            user: components["schemas"]["UserDto"];
            /**
             * @description The management token. Shown only here; store it securely.
             * @example cli_4hT…
             */
            token: string;
            /**
             * Format: date-time
             * @description When the token stops working unless used: each use extends it to LOGIN_TOKEN_TTL_DAYS from then (written at most hourly)
             */
            expiresAt: string;
        };
        CredentialsDto: {
            /** @example ada@example.com */
            email: string;
            /** @example correct horse battery staple */
            password: string;
        };
        MeDto: {
            user: components["schemas"]["UserDto"];
            /** @description The calling token's scopes */
            scopes: ("apps:read" | "apps:write" | "flags:read" | "flags:write" | "keys:read" | "keys:write" | "tokens:write")[];
        };
        SuccessDto: {
            /** @example true */
            success: boolean;
        };
        RevokedTokensDto: {
            /**
             * @description How many tokens were revoked
             * @example 3
             */
            revoked: number;
        };
        ChangePasswordDto: {
            currentPassword: string;
            /** @example correct horse battery staple */
            newPassword: string;
        };
        TokenDto: {
            /** @example tok_3kP9sLmQ2xVb7RtZ */
            id: string;
            /** @example github-actions */
            name: string;
            scopes: ("apps:read" | "apps:write" | "flags:read" | "flags:write" | "keys:read" | "keys:write" | "tokens:write")[];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string | null;
            /** Format: date-time */
            lastUsedAt: string | null;
        };
        CreatedTokenDto: {
            /** @example tok_3kP9sLmQ2xVb7RtZ */
            id: string;
            /** @example github-actions */
            name: string;
            scopes: ("apps:read" | "apps:write" | "flags:read" | "flags:write" | "keys:read" | "keys:write" | "tokens:write")[];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string | null;
            /** Format: date-time */
            lastUsedAt: string | null;
            /**
             * @description The secret. Returned only once.
             * @example cli_4hT…
             */
            token: string;
        };
        CreateTokenDto: {
            /** @example github-actions */
            name: string;
            /** @description Defaults to the calling token's scopes; may not exceed them */
            scopes?: ("apps:read" | "apps:write" | "flags:read" | "flags:write" | "keys:read" | "keys:write" | "tokens:write")[];
            /**
             * Format: date-time
             * @description When the token stops working; at most the calling token's expiry, which is also the default (never, when the calling token never expires)
             * @example 2026-12-31T00:00:00Z
             */
            expiresAt?: string;
        };
        RevokeAllTokensDto: {
            /**
             * @description Keep the calling token working (default: it is revoked too, as "sign out everywhere")
             * @default false
             */
            keepCurrent: boolean;
        };
        OperatorDto: {
            /** @example usr_8fK2mQ9xLp3RtV7w */
            id: string;
            /** @example ada@example.com */
            email: string;
            /**
             * Format: date-time
             * @example 2025-01-01T00:00:00.000Z
             */
            createdAt: string;
        };
        GrantOperatorDto: {
            /**
             * @description An existing account
             * @example ops@example.com
             */
            email: string;
        };
        OperatorAuditEventDto: {
            /** @example 12 */
            id: number;
            /** @enum {string} */
            action: "operator.granted" | "operator.revoked";
            /**
             * @description The account whose rights changed
             * @example usr_8fK2mQ9xLp3RtV7w
             */
            userId: string;
            /** @example ops@example.com */
            email: string;
            /**
             * @description Who did it; null for the ADMIN_EMAIL bootstrap
             * @example usr_3kP9sLmQ2xVb7RtZ
             */
            actorUserId: string | null;
            /** @example tok_3kP9sLmQ2xVb7RtZ */
            actorTokenId: string | null;
            details: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            createdAt: string;
        };
        AppPlanDto: {
            /** @example app_xyz789 */
            id: string;
            /** @example my-new-app */
            name: string;
            /**
             * @example pro
             * @enum {string}
             */
            plan: "free" | "pro" | "enterprise";
            /**
             * @description Monthly requests per environment; null = unlimited
             * @example 100000
             */
            limit: number | null;
        };
        PlanDto: {
            /**
             * @example pro
             * @enum {string}
             */
            plan: "free" | "pro" | "enterprise";
        };
        UsageDto: {
            /**
             * @description Calendar month, UTC
             * @example 2026-11
             */
            month: string;
            /** @example 1234 */
            used: number;
            /**
             * @description null = unlimited
             * @example 25000
             */
            limit: number | null;
            /**
             * @example free
             * @enum {string}
             */
            plan: "free" | "pro" | "enterprise";
        };
        EnvironmentUsageDto: {
            /**
             * @description Calendar month, UTC
             * @example 2026-11
             */
            month: string;
            /** @example 1234 */
            used: number;
            /**
             * @description null = unlimited
             * @example 25000
             */
            limit: number | null;
            /**
             * @example free
             * @enum {string}
             */
            plan: "free" | "pro" | "enterprise";
            /** @example production */
            env: string;
            /** @example env_prd123 */
            environmentId: string;
        };
        AppListItemDto: {
            /** @example app_xyz789 */
            id: string;
            /** @example my-new-app */
            name: string;
            /**
             * Format: date-time
             * @example 2025-01-06T12:00:00.000Z
             */
            createdAt: string;
            /**
             * @description The caller's role in the app (an app's mgmt_ key: editor)
             * @enum {string}
             */
            role: "owner" | "editor" | "viewer";
        };
        AppDto: {
            /** @example app_xyz789 */
            id: string;
            /** @example my-new-app */
            name: string;
            /**
             * Format: date-time
             * @example 2025-01-06T12:00:00.000Z
             */
            createdAt: string;
        };
        AppNameDto: {
            /**
             * @description 1–64 characters of a-z, 0-9, - and _; unique among your apps
             * @example my-new-app
             */
            name: string;
        };
        AuditActorDto: {
            /**
             * @description The user, when a cli_ token was used
             * @example usr_8fK2mQ9xLp3RtV7w
             */
            userId: string | null;
            /**
             * @description That cli_ token
             * @example tok_3kP9sLmQ2xVb7RtZ
             */
            tokenId: string | null;
            /**
             * @description The app's mgmt_ key, when one was used
             * @example null
             */
            appKeyId: string | null;
        };
        AuditEventDto: {
            /**
             * @description Increases with every event of the service; the page cursor
             * @example 121
             */
            id: number;
            /**
             * @example member.added
             * @enum {string}
             */
            action: "member.added" | "member.role_changed" | "member.removed" | "management_key.created" | "management_key.revoked" | "runtime_key.created" | "runtime_key.revoked" | "plan.changed";
            actor: components["schemas"]["AuditActorDto"];
            /**
             * @description member.*: userId, email and role (role_changed: from, to); management_key.*: keyId, name (created: scopes, expiresAt); runtime_key.*: keyId, type, environmentId, env; plan.changed: from, to
             * @example {
             *       "userId": "usr_Lp3RtV7w8fK2mQ9x",
             *       "email": "grace@example.com",
             *       "role": "editor"
             *     }
             */
            details: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            createdAt: string;
        };
        MemberDto: {
            /** @example usr_Lp3RtV7w8fK2mQ9x */
            userId: string;
            /** @example grace@example.com */
            email: string;
            /**
             * @example editor
             * @enum {string}
             */
            role: "owner" | "editor" | "viewer";
            /**
             * Format: date-time
             * @description When they became a member
             */
            createdAt: string;
        };
        AddMemberDto: {
            /**
             * @description An existing account
             * @example grace@example.com
             */
            email: string;
            /**
             * @description owner: everything; editor: flags, targets, runtime keys, rollback; viewer: read only
             * @example editor
             * @enum {string}
             */
            role: "owner" | "editor" | "viewer";
        };
        MemberRoleDto: {
            /**
             * @description owner: everything; editor: flags, targets, runtime keys, rollback; viewer: read only
             * @example editor
             * @enum {string}
             */
            role: "owner" | "editor" | "viewer";
        };
        ManagementKeyDto: {
            /** @example mk_3kP9sLmQ2xVb7RtZ */
            id: string;
            /** @example back-office */
            name: string;
            scopes: ("apps:read" | "apps:write" | "flags:read" | "flags:write" | "keys:read" | "keys:write" | "tokens:write")[];
            /**
             * @description Who created it
             * @example usr_8fK2mQ9xLp3RtV7w
             */
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string | null;
            /** Format: date-time */
            lastUsedAt: string | null;
        };
        CreatedManagementKeyDto: {
            /** @example mk_3kP9sLmQ2xVb7RtZ */
            id: string;
            /** @example back-office */
            name: string;
            scopes: ("apps:read" | "apps:write" | "flags:read" | "flags:write" | "keys:read" | "keys:write" | "tokens:write")[];
            /**
             * @description Who created it
             * @example usr_8fK2mQ9xLp3RtV7w
             */
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string | null;
            /** Format: date-time */
            lastUsedAt: string | null;
            /**
             * @description The secret, sent as `Authorization: Bearer mgmt_…`. Returned only once.
             * @example mgmt_4hT…
             */
            key: string;
        };
        CreateManagementKeyDto: {
            /** @example back-office */
            name: string;
            /**
             * @description What the key may do in its app; at most the calling token's scopes
             * @example [
             *       "flags:read",
             *       "flags:write"
             *     ]
             */
            scopes: ("apps:read" | "apps:write" | "flags:read" | "flags:write" | "keys:read" | "keys:write")[];
            /**
             * Format: date-time
             * @description When the key stops working
             * @example 2026-12-31T00:00:00Z
             */
            expiresAt?: string;
        };
        EnvironmentDto: {
            /** @example env_prd123 */
            id: string;
            /** @example production */
            name: string;
            /** @example app_abc123 */
            appId: string;
        };
        CreateEnvironmentDto: {
            /** @example app_abc123 */
            appId: string;
            /**
             * @description 1–64 characters of a-z, 0-9, - and _, starting with a letter or digit
             * @example qa
             */
            name: string;
        };
        FlagViewDto: {
            /**
             * @example bool
             * @enum {string}
             */
            type: "bool" | "string" | "number" | "json";
            /**
             * @description bool → boolean; string → string (≤ 64 KiB); number → finite number; json → object or array (≤ 64 KiB)
             * @example true
             */
            value: boolean | string | number | Record<string, unknown> | unknown[];
            /** @example true */
            clientEnabled: boolean;
        };
        FlagWriteResultDto: {
            /**
             * @description The environment's new version
             * @example 43
             */
            version: number;
            flag: components["schemas"]["FlagViewDto"];
        };
        CreateFlagDto: {
            /** @example app_abc123 */
            appId: string;
            /**
             * @description The environment's name or id (env_…)
             * @example production
             */
            env: string;
            /**
             * @description Recorded in the change history
             * @example Enable dark mode for the launch
             */
            changeDescription?: string;
            /**
             * @description Optimistic concurrency (same as `If-Match: "42"`): fail with 412 unless the environment is at this version
             * @example 42
             */
            expectedVersion?: number;
            /** @example new-feature */
            key: string;
            /**
             * @example bool
             * @enum {string}
             */
            type: "bool" | "string" | "number" | "json";
            /**
             * @description bool → boolean; string → string (≤ 64 KiB); number → finite number; json → object or array (≤ 64 KiB)
             * @example true
             */
            value: boolean | string | number | Record<string, unknown> | unknown[];
            /**
             * @description Whether public (pub_) keys, i.e. browsers and mobile apps, see this flag
             * @default false
             * @example true
             */
            clientEnabled: boolean;
            /** @example New onboarding flow */
            description?: string;
            /** @description That share of targeting keys gets `value`, the rest the flag's value. Bucket = first 4 bytes of sha256(flagKey + ":" + targetingKey), big-endian, / 2^32 × 100; a key is in when bucket < percentage. `null` removes it. */
            rollout?: {
                /** @example 25 */
                percentage?: number;
                /** @description bool → boolean; string → string (≤ 64 KiB); number → finite number; json → object or array (≤ 64 KiB) */
                value?: boolean | string | number | Record<string, unknown> | unknown[];
            } | null;
        };
        UpdateFlagDto: {
            /** @example app_abc123 */
            appId: string;
            /**
             * @description The environment's name or id (env_…)
             * @example production
             */
            env: string;
            /**
             * @description Recorded in the change history
             * @example Enable dark mode for the launch
             */
            changeDescription?: string;
            /**
             * @description Optimistic concurrency (same as `If-Match: "42"`): fail with 412 unless the environment is at this version
             * @example 42
             */
            expectedVersion?: number;
            /** @example dark-mode */
            key: string;
            /**
             * @description bool → boolean; string → string (≤ 64 KiB); number → finite number; json → object or array (≤ 64 KiB)
             * @example false
             */
            value?: boolean | string | number | Record<string, unknown> | unknown[];
            /** @example true */
            clientEnabled?: boolean;
            /**
             * @description null clears it
             * @example Dark theme
             */
            description?: string | null;
            /**
             * @description Only together with a value of the new type
             * @enum {string}
             */
            type?: "bool" | "string" | "number" | "json";
            /** @description That share of targeting keys gets `value`, the rest the flag's value. Bucket = first 4 bytes of sha256(flagKey + ":" + targetingKey), big-endian, / 2^32 × 100; a key is in when bucket < percentage. `null` removes it. */
            rollout?: {
                /** @example 25 */
                percentage?: number;
                /** @description bool → boolean; string → string (≤ 64 KiB); number → finite number; json → object or array (≤ 64 KiB) */
                value?: boolean | string | number | Record<string, unknown> | unknown[];
            } | null;
        };
        VersionDto: {
            /** @example 45 */
            version: number;
        };
        BulkResultDto: {
            /** @example 46 */
            version: number;
            /** @example 3 */
            updated: number;
        };
        BulkUpdateDto: {
            /** @example app_abc123 */
            appId: string;
            /**
             * @description The environment's name or id (env_…)
             * @example production
             */
            env: string;
            /**
             * @description Recorded in the change history
             * @example Enable dark mode for the launch
             */
            changeDescription?: string;
            /**
             * @description Optimistic concurrency (same as `If-Match: "42"`): fail with 412 unless the environment is at this version
             * @example 42
             */
            expectedVersion?: number;
            /**
             * @description key → new value; 1 to 1000 existing flags; all or nothing
             * @example {
             *       "feature-a": true,
             *       "feature-b": false,
             *       "api-timeout": 30
             *     }
             */
            flags: {
                [key: string]: boolean | string | number | Record<string, unknown> | unknown[];
            };
        };
        FlagDetailDto: {
            /**
             * @example bool
             * @enum {string}
             */
            type: "bool" | "string" | "number" | "json";
            /**
             * @description bool → boolean; string → string (≤ 64 KiB); number → finite number; json → object or array (≤ 64 KiB)
             * @example true
             */
            value: boolean | string | number | Record<string, unknown> | unknown[];
            /** @example true */
            clientEnabled: boolean;
            /** @example dark-mode */
            key: string;
            /** @description That share of targeting keys gets `value`, the rest the flag's value. Bucket = first 4 bytes of sha256(flagKey + ":" + targetingKey), big-endian, / 2^32 × 100; a key is in when bucket < percentage. `null` removes it. */
            rollout?: {
                /** @example 25 */
                percentage: number;
                /** @description bool → boolean; string → string (≤ 64 KiB); number → finite number; json → object or array (≤ 64 KiB) */
                value: boolean | string | number | Record<string, unknown> | unknown[];
            } | null;
            /** @example Dark theme */
            description: string | null;
            /**
             * @description The environment's current version
             * @example 44
             */
            version: number;
        };
        FlagDiffDto: {
            /** @example dark-mode */
            key: string;
            /**
             * @description Present on a change of one override
             * @enum {string}
             */
            targetType?: "user" | "company";
            /** @example acme-corp */
            targetId?: string;
            /** @description A flag state, or for an override its value; null: did not exist */
            before: (components["schemas"]["FlagStateDto"] | (boolean | string | number | Record<string, unknown> | unknown[])) | null;
            /** @description A flag state, or for an override its value; null: removed */
            after: (components["schemas"]["FlagStateDto"] | (boolean | string | number | Record<string, unknown> | unknown[])) | null;
        };
        ActorDto: {
            /** @example usr_8fK2mQ9xLp3RtV7w */
            userId: string | null;
            /** @example tok_3kP9sLmQ2xVb7RtZ */
            tokenId: string | null;
            /**
             * @description The app's mgmt_ key, when one made the change (userId and tokenId are then null)
             * @example null
             */
            appKeyId: string | null;
        };
        ChangeDto: {
            /** @example chg_Q2x8Lm3Rt7VbK9sP */
            id: string;
            /** @example 44 */
            version: number;
            /** @enum {string} */
            action: "create" | "update" | "delete" | "bulk" | "rollback" | "targets";
            /**
             * @example [
             *       "dark-mode"
             *     ]
             */
            keys: string[];
            changes: components["schemas"]["FlagDiffDto"][];
            actor: components["schemas"]["ActorDto"];
            /** @example Enable dark mode for the launch */
            changeDescription: string | null;
            /** @description For a rollback: the version restored */
            rolledBackTo: number | null;
            /** Format: date-time */
            createdAt: string;
        };
        RollbackResultDto: {
            /** @example 47 */
            version: number;
            /**
             * @description How many flags were created, changed or deleted to restore the old set
             * @example 2
             */
            restored: number;
        };
        RollbackDto: {
            /** @example app_abc123 */
            appId: string;
            /**
             * @description The environment's name or id (env_…)
             * @example production
             */
            env: string;
            /**
             * @description Recorded in the change history
             * @example Enable dark mode for the launch
             */
            changeDescription?: string;
            /**
             * @description Optimistic concurrency (same as `If-Match: "42"`): fail with 412 unless the environment is at this version
             * @example 42
             */
            expectedVersion?: number;
            /**
             * @description Restore the environment's flags to what they were right after this version
             * @example 12
             */
            version: number;
        };
        FlagStateDto: {
            /**
             * @example bool
             * @enum {string}
             */
            type: "bool" | "string" | "number" | "json";
            /**
             * @description bool → boolean; string → string (≤ 64 KiB); number → finite number; json → object or array (≤ 64 KiB)
             * @example true
             */
            value: boolean | string | number | Record<string, unknown> | unknown[];
            /** @example true */
            clientEnabled: boolean;
            description: string | null;
            /** @description That share of targeting keys gets `value`, the rest the flag's value. Bucket = first 4 bytes of sha256(flagKey + ":" + targetingKey), big-endian, / 2^32 × 100; a key is in when bucket < percentage. `null` removes it. */
            rollout?: {
                /** @example 25 */
                percentage: number;
                /** @description bool → boolean; string → string (≤ 64 KiB); number → finite number; json → object or array (≤ 64 KiB) */
                value: boolean | string | number | Record<string, unknown> | unknown[];
            } | null;
        };
        FlagTargetsDto: {
            /** @example new-checkout-flow */
            key: string;
            /**
             * @description userId → value
             * @example {
             *       "user-42": true
             *     }
             */
            users: {
                [key: string]: boolean | string | number | Record<string, unknown> | unknown[];
            };
            /**
             * @description companyId → value
             * @example {
             *       "acme-corp": true
             *     }
             */
            companies: {
                [key: string]: boolean | string | number | Record<string, unknown> | unknown[];
            };
        };
        KeyDto: {
            /** @example key_123 */
            id: string;
            /**
             * @example pub
             * @enum {string}
             */
            type: "pub" | "sdk";
            /** @example pub_prod_ */
            prefix: string;
            /**
             * Format: date-time
             * @example 2025-01-01T00:00:00.000Z
             */
            createdAt: string;
            /** @example web app */
            name: string | null;
            /**
             * @description Last 4 characters of the key
             * @example x7Qz
             */
            last4: string;
            /** Format: date-time */
            lastUsedAt: string | null;
        };
        CreatedKeyDto: {
            /** @example key_789 */
            id: string;
            /**
             * @example pub
             * @enum {string}
             */
            type: "pub" | "sdk";
            /**
             * @description The full key. Returned only once: store it securely.
             * @example pub_prod_abc123xyz789…
             */
            key: string;
            /**
             * Format: date-time
             * @example 2025-01-06T12:00:00.000Z
             */
            createdAt: string;
        };
        CreateKeyDto: {
            /** @example app_abc123 */
            appId: string;
            /**
             * @description The environment's name or id (env_…)
             * @example production
             */
            env: string;
            /**
             * @description pub: public client key (browsers/mobile, sees clientEnabled flags only); sdk: server SDK key (sees every flag)
             * @example pub
             * @enum {string}
             */
            type: "pub" | "sdk";
            /** @example web app */
            name?: string;
        };
        RuntimeConfigDto: {
            /**
             * @description The environment's version
             * @example 46
             */
            version: number;
            /**
             * @description key → value; pub keys see only flags with clientEnabled
             * @example {
             *       "dark-mode": true,
             *       "api-url": "https://api.example.com"
             *     }
             */
            flags: {
                [key: string]: boolean | string | number | Record<string, unknown> | unknown[];
            };
        };
        EvaluatedFlagDto: {
            /** @example true */
            value: boolean | string | number | Record<string, unknown> | unknown[];
            /** @enum {string} */
            reason: "TARGETING_MATCH" | "SPLIT" | "STATIC" | "DEFAULT";
            /** @enum {string} */
            variant: "user-target" | "company-target" | "rollout" | "default";
        };
        EvaluationDto: {
            /** @example 47 */
            version: number;
            flags: {
                [key: string]: components["schemas"]["EvaluatedFlagDto"];
            };
        };
        EvaluationContextDto: {
            /**
             * @description Bucketing key for rollouts; doubles as userId when no userId is given
             * @example user-42
             */
            targetingKey?: string;
            /** @example user-42 */
            userId?: string;
            /** @example acme-corp */
            companyId?: string;
        };
        EvaluationRequestDto: {
            /** @description Other attributes are accepted and ignored */
            context: components["schemas"]["EvaluationContextDto"];
        };
        OfrepSuccessDto: {
            /** @example new-checkout-flow */
            key: string;
            /** @example true */
            value: boolean | string | number | Record<string, unknown> | unknown[];
            /** @enum {string} */
            reason: "TARGETING_MATCH" | "SPLIT" | "STATIC" | "DEFAULT";
            /** @example rollout */
            variant: string;
            /** @example {} */
            metadata: {
                [key: string]: unknown;
            };
        };
        OfrepEndpointDto: {
            /**
             * @description Absent: the origin of the client’s configured OFREP base URL (so proxies in front need no rewriting)
             * @example https://flags.example.com
             */
            origin?: string;
            /**
             * @description Path and query of the stream: `?key=<the pub_ key>` for pub_ keys, `?token=<a stream token>` for sdk_ keys
             * @example /ofrep/v1/stream?key=pub_prod_…
             */
            requestUri: string;
        };
        OfrepEventStreamDto: {
            /**
             * @example sse
             * @enum {string}
             */
            type: "sse";
            endpoint: components["schemas"]["OfrepEndpointDto"];
            /**
             * @description Seconds a hidden tab keeps its stream open
             * @example 120
             */
            inactivityDelaySec: number;
        };
        OfrepBulkResponseDto: {
            flags: components["schemas"]["OfrepSuccessDto"][];
            /** @description Where to hear of changes (OFREP ADR-0008): an SSE stream sending `{"type":"refetchEvaluation","etag":…}` after every change of the environment. sdk_ tokens expire after one to two hours: the ETag changes when a new one is minted, so any re-fetch brings it. */
            eventStreams: components["schemas"]["OfrepEventStreamDto"][];
        };
        OfrepErrorDto: {
            /**
             * @description On single-flag errors
             * @example new-checkout-flow
             */
            key?: string;
            /** @enum {string} */
            errorCode: "FLAG_NOT_FOUND" | "INVALID_CONTEXT" | "PARSE_ERROR" | "GENERAL";
            /** @example flag new-checkout-flow does not exist */
            errorDetails: string;
        };
        WebhookDto: {
            /** @example whk_3kP9sLmQ2xVb7RtZ */
            id: string;
            /** @example https://hooks.example.com/superflag */
            url: string;
            /** @description The events it receives (every event when none were given) */
            events: ("flag.changed" | "environment.created" | "environment.deleted" | "key.created" | "key.revoked" | "app.created" | "app.deleted" | "member.added" | "member.removed" | "plan.changed")[];
            /** Format: date-time */
            createdAt: string;
        };
        CreatedWebhookDto: {
            /** @example whk_3kP9sLmQ2xVb7RtZ */
            id: string;
            /** @example https://hooks.example.com/superflag */
            url: string;
            /** @description The events it receives (every event when none were given) */
            events: ("flag.changed" | "environment.created" | "environment.deleted" | "key.created" | "key.revoked" | "app.created" | "app.deleted" | "member.added" | "member.removed" | "plan.changed")[];
            /** Format: date-time */
            createdAt: string;
            /**
             * @description The Standard Webhooks signing secret that verifies deliveries. Returned only once, here
             * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
             */
            secret: string;
        };
        CreateWebhookDto: {
            /**
             * @description Where deliveries are POSTed: http or https, no credentials, a host resolving to public addresses only (unless the server sets WEBHOOK_ALLOW_PRIVATE=true). Redirects are not followed
             * @example https://hooks.example.com/superflag
             */
            url: string;
            /**
             * @description The events to receive; leave it out for every event (including events added later)
             * @example [
             *       "flag.changed"
             *     ]
             */
            events?: ("flag.changed" | "environment.created" | "environment.deleted" | "key.created" | "key.revoked" | "app.created" | "app.deleted" | "member.added" | "member.removed" | "plan.changed")[];
        };
        DeliveryAttemptDto: {
            /**
             * @description 1 for the first attempt
             * @example 1
             */
            attempt: number;
            /**
             * Format: date-time
             * @description When it started (its webhook-timestamp)
             */
            at: string;
            /**
             * @description The receiver's status; null when none came
             * @example 500
             */
            responseCode: number | null;
            /** @example 84 */
            durationMs: number;
            /**
             * @description Why it failed; null when it succeeded
             * @example HTTP 500
             */
            error: string | null;
        };
        DeliveryDto: {
            /**
             * @description The webhook-id header: the same on every attempt
             * @example msg_2fK8sLmQ2xVb7RtZ9pQwE3nY
             */
            id: string;
            /** @example whk_3kP9sLmQ2xVb7RtZ */
            webhookId: string;
            /**
             * @example flag.changed
             * @enum {string}
             */
            type: "flag.changed" | "environment.created" | "environment.deleted" | "key.created" | "key.revoked" | "app.created" | "app.deleted" | "member.added" | "member.removed" | "plan.changed" | "webhook.test";
            /**
             * @description pending until an attempt succeeds or the last one failed
             * @enum {string}
             */
            status: "pending" | "succeeded" | "failed";
            /**
             * @description Attempts made (or in flight)
             * @example 2
             */
            attemptCount: number;
            /**
             * @description The last attempt's response status
             * @example 200
             */
            responseCode: number | null;
            /**
             * @description The last attempt's duration
             * @example 84
             */
            durationMs: number | null;
            /**
             * @description Why the last attempt failed
             * @example null
             */
            error: string | null;
            /**
             * Format: date-time
             * @description When the next attempt is due (pending only)
             */
            nextAttemptAt: string | null;
            /** @description Every attempt, oldest first */
            attempts: components["schemas"]["DeliveryAttemptDto"][];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ReflagFlagValueTargetingDto: {
            /**
             * @example [
             *       "acme-corp"
             *     ]
             */
            companyIds: string[];
            /**
             * @example [
             *       "user-42"
             *     ]
             */
            userIds: string[];
        };
        ReflagOrgHeaderDto: {
            /**
             * @description The account the apps belong to (a user id)
             * @example usr_8fK2mQ9xLp3RtV7w
             */
            id: string;
            /** @example jane@example.com */
            name: string;
        };
        ReflagEnvironmentHeaderDto: {
            /** @example env_prd123 */
            id: string;
            /** @example production */
            name: string;
            /**
             * @description True for the environment named production
             * @example true
             */
            isProduction: boolean;
            /**
             * @description Zero-based position among the app’s environments
             * @example 2
             */
            order: number;
            /**
             * @description The environment's version
             * @example 12
             */
            flagStateVersion: number;
        };
        ReflagAppHeaderDto: {
            org: components["schemas"]["ReflagOrgHeaderDto"];
            /** @example app_xyz789 */
            id: string;
            /** @example my-new-app */
            name: string;
            /** @example false */
            demo: boolean;
            /**
             * @example custom
             * @enum {string}
             */
            flagKeyFormat: "custom";
            environments: components["schemas"]["ReflagEnvironmentHeaderDto"][];
        };
        ReflagBootstrapOrgDto: {
            /**
             * @description The account the apps belong to (a user id)
             * @example usr_8fK2mQ9xLp3RtV7w
             */
            id: string;
            /** @example jane@example.com */
            name: string;
            apps: components["schemas"]["ReflagAppHeaderDto"][];
            /**
             * @example custom
             * @enum {string}
             */
            featureKeyFormat: "custom";
        };
        ReflagUserHeaderDto: {
            /**
             * @description A user's id, or a mgmt_ key's
             * @example usr_8fK2mQ9xLp3RtV7w
             */
            id: string;
            /** @example jane@example.com */
            name: string;
            /**
             * @description The user's email (for a mgmt_ key, its creator's; empty if unknown)
             * @example jane@example.com
             */
            email: string;
        };
        ReflagBootstrapDto: {
            org: components["schemas"]["ReflagBootstrapOrgDto"];
            user: components["schemas"]["ReflagUserHeaderDto"];
        };
        ReflagErrorDetailDto: {
            /**
             * @example not_found
             * @enum {string}
             */
            code: "invalid_request" | "not_found" | "not_possible" | "not_allowed" | "not_available" | "unknown_error" | "unauthorized" | "unauthenticated";
            /** @example App not found */
            message: string;
        };
        ReflagErrorDto: {
            error: components["schemas"]["ReflagErrorDetailDto"];
            /**
             * @description Validation failures by field (dot notation; "" for the request as a whole)
             * @example {
             *       "updates.0.userId": [
             *         "updates.0.userId must be shorter than or equal to 256 characters"
             *       ]
             *     }
             */
            issues?: {
                [key: string]: string[];
            };
        };
        ReflagAppHeaderCollectionDto: {
            data: components["schemas"]["ReflagAppHeaderDto"][];
        };
        ReflagAppDto: {
            org: components["schemas"]["ReflagOrgHeaderDto"];
            /** @example app_xyz789 */
            id: string;
            /** @example my-new-app */
            name: string;
            /** @example false */
            demo: boolean;
            /**
             * @example custom
             * @enum {string}
             */
            flagKeyFormat: "custom";
            environments: components["schemas"]["ReflagEnvironmentHeaderDto"][];
            /**
             * @description No stages here: always empty
             * @example []
             */
            stages: Record<string, unknown>[];
            /**
             * @description No segments here: always empty
             * @example []
             */
            segments: Record<string, unknown>[];
        };
        ReflagEnvironmentHeaderCollectionDto: {
            data: components["schemas"]["ReflagEnvironmentHeaderDto"][];
            /** @enum {string} */
            sortOrder: "asc" | "desc";
            /** @enum {string} */
            sortBy: "name" | "order";
        };
        ReflagFlagHeaderDto: {
            /**
             * @description The flag key: one key names the same flag in every environment
             * @example new-checkout-flow
             */
            id: string;
            /** @example new-checkout-flow */
            key: string;
            /**
             * @description Flags have no separate name here: the key
             * @example new-checkout-flow
             */
            name: string;
            /** @example The redesigned checkout */
            description?: string;
            /** @example false */
            archived: boolean;
            /** @example false */
            stale: boolean;
            /** @example false */
            permanent: boolean;
            /** @example false */
            codeRefsCleanedUp: boolean;
            /** @example false */
            noRecentChecks: boolean;
            /**
             * Format: date-time
             * @description When the flag was first created in any environment
             */
            createdAt: string;
        };
        ReflagFlagHeaderCollectionDto: {
            data: components["schemas"]["ReflagFlagHeaderDto"][];
            /** @example 3 */
            totalCount: number;
            /** @example 3 */
            pageSize: number;
            /** @example 0 */
            pageIndex: number;
            /** @enum {string} */
            sortBy: "key";
            /** @enum {string} */
            sortOrder: "asc";
        };
        ReflagVariantDto: {
            /**
             * @description `default` (the flag’s value), `rollout`, or `target-<n>` (a distinct target value)
             * @example default
             */
            key: string;
            /**
             * @description A value of the flag's type: true for Reflag's boolean flags; a string, number or JSON value for typed flags
             * @example {
             *       "theme": "dark"
             *     }
             */
            payload: boolean | string | number | Record<string, unknown> | unknown[];
        };
        ReflagRemoteConfigVariantDto: {
            variant: components["schemas"]["ReflagVariantDto"];
        };
        ReflagRemoteConfigDto: {
            /** @example checkout-config */
            key: string;
            variants: components["schemas"]["ReflagRemoteConfigVariantDto"][];
        };
        ReflagFeatureDto: {
            /** @example checkout-config */
            id: string;
            /** @example checkout-config */
            key: string;
            /** @example checkout-config */
            name: string;
            description: string | null;
            /**
             * @description No stages here: always null
             * @example null
             */
            stage: Record<string, unknown> | null;
            /**
             * @description The flag's type (not in Reflag's shape)
             * @enum {string}
             */
            type: "bool" | "string" | "number" | "json";
            /** @description With includeRemoteConfigs, for typed (non-boolean) flags: one config whose variants are its distinct values; else empty */
            remoteConfigs: components["schemas"]["ReflagRemoteConfigDto"][];
        };
        ReflagFeatureCollectionDto: {
            data: components["schemas"]["ReflagFeatureDto"][];
            /** @example {} */
            metadata: Record<string, unknown>;
            /** @example 3 */
            totalCount: number;
            /** @example 0 */
            pageIndex: number;
            /** @example 3 */
            pageSize: number;
            /** @enum {string} */
            sortBy: "key" | "name";
            /** @enum {string} */
            sortOrder: "asc" | "desc";
        };
        ReflagFlagTargetingDto: {
            /** @example new-checkout-flow */
            flagKey: string;
            /**
             * @description The environment's version this targeting belongs to
             * @example 4
             */
            version: number;
            /**
             * Format: date-time
             * @description When the flag or its targets last changed (a write: its own time)
             */
            updatedAt: string;
            /**
             * @description By value, as JSON text: "true" for boolean flags; "\"blue\"", "3" or "{\"a\":1}" for typed flags
             * @example {
             *       "true": {
             *         "companyIds": [
             *           "acme-corp"
             *         ],
             *         "userIds": []
             *       }
             *     }
             */
            specificTargets: {
                [key: string]: components["schemas"]["ReflagFlagValueTargetingDto"];
            };
        };
        ReflagFlagTargetingCollectionDto: {
            data: components["schemas"]["ReflagFlagTargetingDto"][];
        };
        ReflagSpecificTargetUpdateDto: {
            /** @example new-checkout-flow */
            flagKey: string;
            /**
             * @description A value of the flag's type: true for Reflag's boolean flags; a string, number or JSON value for typed flags; null removes the target
             * @example true
             */
            value: (boolean | string | number | Record<string, unknown> | unknown[]) | null;
            /**
             * @description Exactly one of companyId and userId
             * @example acme-corp
             */
            companyId?: string;
            /** @example user-42 */
            userId?: string;
        };
        ReflagSpecificTargetsDto: {
            updates: components["schemas"]["ReflagSpecificTargetUpdateDto"][];
            /** @example Enabled new checkout flow for Acme Corp in prod */
            changeDescription?: string;
            /** @description Reflag's notification destinations (`true`/`false`, or a list such as `['slack']`): accepted and ignored */
            notifications?: boolean | string[];
            /**
             * @description Optimistic concurrency (same as `If-Match: "42"`): 412 unless the environment is at it
             * @example 42
             */
            expectedVersion?: number;
        };
        ReflagEntityFlagDto: {
            /** @example new-checkout-flow */
            id: string;
            /** @example new-checkout-flow */
            key: string;
            /** @example new-checkout-flow */
            name: string;
            /** Format: date-time */
            createdAt: string;
            /**
             * @description The flag's value for this user or company (evaluated as the runtime does)
             * @example true
             */
            value: boolean | string | number | Record<string, unknown> | unknown[];
            /**
             * @description This entity's own value, or null
             * @example true
             */
            specificTargetValue: (boolean | string | number | Record<string, unknown> | unknown[]) | null;
            /** @description The same, by the name of earlier Reflag API versions */
            specificallyTargetedValue: (boolean | string | number | Record<string, unknown> | unknown[]) | null;
            /** @example null */
            firstExposureAt: string | null;
            /** @example null */
            lastExposureAt: string | null;
            /** @example null */
            lastCheckAt: string | null;
            /**
             * @description Not tracked here: 0
             * @example 0
             */
            exposureCount: number;
            /** @example null */
            firstTrackAt: string | null;
            /** @example null */
            lastTrackAt: string | null;
            /**
             * @description Not tracked here: 0
             * @example 0
             */
            trackCount: number;
        };
        ReflagEntityFlagsDto: {
            data: components["schemas"]["ReflagEntityFlagDto"][];
            /** @example 3 */
            totalCount: number;
            /** @example 3 */
            pageSize: number;
            /** @example 0 */
            pageIndex: number;
        };
        ReflagEntityFlagUpdateDto: {
            /** @example new-checkout-flow */
            flagKey: string;
            /**
             * @description true targets the entity, null removes it (Reflag); a typed flag's value also works. Exactly one of the three names
             * @example true
             */
            specificTargetValue?: (boolean | string | number | Record<string, unknown> | unknown[]) | null;
            /** @description The same, by the name of earlier Reflag API versions */
            specificallyTargetedValue?: (boolean | string | number | Record<string, unknown> | unknown[]) | null;
            /** @description The same, by the name of Reflag API 2.0 */
            value?: (boolean | string | number | Record<string, unknown> | unknown[]) | null;
        };
        ReflagEntityFlagsBodyDto: {
            updates: components["schemas"]["ReflagEntityFlagUpdateDto"][];
            /** @example Beta access for Acme */
            changeDescription?: string;
            /** @description Reflag's notification destinations (`true`/`false`, or a list such as `['slack']`): accepted and ignored */
            notifications?: boolean | string[];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    Health_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
        };
    };
    Health_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready. `database`: up | down; `redis`: up | degraded (configured, not connected or not answering) | off (REDIS_URL not set) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                        /** @enum {string} */
                        database: "up" | "down";
                        /** @enum {string} */
                        redis: "up" | "degraded" | "off";
                    };
                };
            };
            /** @description The replica is shutting down (`{"error":"Shutting down"}`) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Metrics_scrape: {
        parameters: {
            query?: never;
            header?: {
                /** @description Bearer <METRICS_TOKEN>, when the server sets one */
                Authorization?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Auth_signup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CredentialsDto"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SessionDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflict with existing state: it already exists, or a tenant limit is reached (`… limit reached (N)`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Auth_login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CredentialsDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SessionDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflict with existing state: it already exists, or a tenant limit is reached (`… limit reached (N)`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Auth_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["MeDto"];
                    };
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Auth_logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SuccessDto"];
                    };
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Auth_changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePasswordDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["RevokedTokensDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Auth_listTokens: {
        parameters: {
            query?: {
                /** @description Page size; giving it (or `cursor`) adds `nextCursor` to the answer */
                limit?: number;
                /** @description Opaque: the previous page's `nextCursor` */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["TokenDto"][];
                        /** @description Only with `limit` or `cursor`: the next page, null on the last */
                        nextCursor?: string | null;
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Auth_createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTokenDto"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["CreatedTokenDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflict with existing state: it already exists, or a tenant limit is reached (`… limit reached (N)`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Auth_revokeAll: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RevokeAllTokensDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["RevokedTokensDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Auth_revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SuccessDto"];
                    };
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Operators_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["OperatorDto"][];
                    };
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Operators_grant: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GrantOperatorDto"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["OperatorDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflict with existing state: it already exists, or a tenant limit is reached (`… limit reached (N)`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Operators_audit: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["OperatorAuditEventDto"][];
                    };
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Operators_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SuccessDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Plans_setPlan: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PlanDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AppPlanDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Usage_usage: {
        parameters: {
            query: {
                appId: string;
                /** @description Name or id; omit for every environment of the app */
                env?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description With `env`: one usage object; without: one per environment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["UsageDto"] | components["schemas"]["EnvironmentUsageDto"][];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Apps_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AppListItemDto"][];
                    };
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Apps_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AppNameDto"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AppDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflict with existing state: it already exists, or a tenant limit is reached (`… limit reached (N)`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Apps_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AppDto"];
                    };
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Apps_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SuccessDto"];
                    };
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Apps_rename: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AppNameDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AppDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflict with existing state: it already exists, or a tenant limit is reached (`… limit reached (N)`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Apps_audit: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Cursor: only events with an id below this (use `nextBefore` of the previous page) */
                before?: number;
                /** @description Opaque, as on every list: the previous page's `nextCursor` (instead of `before`) */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AuditEventDto"][];
                        /** @description Cursor of the next (older) page; null on the last page */
                        nextBefore?: number | null;
                        /** @description Present when `limit` or `cursor` was given: the `cursor` of the next page; null on the last page */
                        nextCursor?: string | null;
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Members_list: {
        parameters: {
            query?: {
                /** @description Page size; giving it (or `cursor`) adds `nextCursor` to the answer */
                limit?: number;
                /** @description Opaque: the previous page's `nextCursor` */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["MemberDto"][];
                        /** @description Present when `limit` or `cursor` was given: the `cursor` of the next page; null on the last page */
                        nextCursor?: string | null;
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Members_add: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddMemberDto"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["MemberDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflict with existing state: it already exists, or a tenant limit is reached (`… limit reached (N)`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Members_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SuccessDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Members_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MemberRoleDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["MemberDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    ManagementKeys_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["ManagementKeyDto"][];
                    };
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    ManagementKeys_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateManagementKeyDto"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["CreatedManagementKeyDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    ManagementKeys_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SuccessDto"];
                    };
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Environments_list: {
        parameters: {
            query: {
                appId: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["EnvironmentDto"][];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Environments_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateEnvironmentDto"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["EnvironmentDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflict with existing state: it already exists, or a tenant limit is reached (`… limit reached (N)`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Environments_delete: {
        parameters: {
            query: {
                appId: string;
                /** @description The environment's name or id (env_…) */
                env: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SuccessDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Flags_list: {
        parameters: {
            query: {
                appId: string;
                /** @description The environment's name or id (env_…) */
                env: string;
            };
            header?: {
                /** @description `"<version>"` from a previous ETag */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            [key: string]: components["schemas"]["FlagViewDto"];
                        };
                    };
                };
            };
            /** @description The environment is still at the version given in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Flags_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description Optimistic concurrency: `"<version>"`; 412 when the environment has moved on */
                "If-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateFlagDto"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["FlagWriteResultDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflict with existing state: it already exists, or a tenant limit is reached (`… limit reached (N)`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Version conflict */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Flags_delete: {
        parameters: {
            query: {
                appId: string;
                /** @description The environment's name or id (env_…) */
                env: string;
                key: string;
            };
            header?: {
                /** @description Optimistic concurrency: `"<version>"`; 412 when the environment has moved on */
                "If-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["VersionDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Version conflict */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Flags_update: {
        parameters: {
            query?: never;
            header?: {
                /** @description Optimistic concurrency: `"<version>"`; 412 when the environment has moved on */
                "If-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateFlagDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["FlagWriteResultDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Version conflict */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Flags_bulkPost: {
        parameters: {
            query?: never;
            header?: {
                /** @description Optimistic concurrency: `"<version>"`; 412 when the environment has moved on */
                "If-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkUpdateDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["BulkResultDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Version conflict */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Flags_bulkPatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description Optimistic concurrency: `"<version>"`; 412 when the environment has moved on */
                "If-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkUpdateDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["BulkResultDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Version conflict */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Flags_get: {
        parameters: {
            query: {
                appId: string;
                /** @description The environment's name or id (env_…) */
                env: string;
            };
            header?: never;
            path: {
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["FlagDetailDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Changes_list: {
        parameters: {
            query: {
                appId: string;
                /** @description The environment's name or id (env_…) */
                env: string;
                limit?: number;
                /** @description Cursor: only changes with a version below this (use `nextBefore` of the previous page) */
                before?: number;
                /** @description Opaque, as on every list: the previous page's `nextCursor` (instead of `before`) */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["ChangeDto"][];
                        /** @description Cursor of the next (older) page; null on the last page */
                        nextBefore?: number | null;
                        /** @description Present when `limit` or `cursor` was given: the `cursor` of the next page; null on the last page */
                        nextCursor?: string | null;
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Changes_rollback: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RollbackDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["RollbackResultDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflict with existing state: it already exists, or a tenant limit is reached (`… limit reached (N)`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Version conflict */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Targets_list: {
        parameters: {
            query: {
                appId: string;
                /** @description The environment's name or id (env_…) */
                env: string;
                /** @description Page size; giving it (or `cursor`) adds `nextCursor` to the answer */
                limit?: number;
                /** @description Opaque: the previous page's `nextCursor` */
                cursor?: string;
            };
            header?: never;
            path: {
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["FlagTargetsDto"];
                        /** @description Present when `limit` or `cursor` was given: the `cursor` of the next page; null on the last page */
                        nextCursor?: string | null;
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Keys_list: {
        parameters: {
            query: {
                appId: string;
                /** @description The environment's name or id (env_…) */
                env: string;
                /** @description Page size; giving it (or `cursor`) adds `nextCursor` to the answer */
                limit?: number;
                /** @description Opaque: the previous page's `nextCursor` */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["KeyDto"][];
                        /** @description Present when `limit` or `cursor` was given: the `cursor` of the next page; null on the last page */
                        nextCursor?: string | null;
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Keys_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateKeyDto"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["CreatedKeyDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflict with existing state: it already exists, or a tenant limit is reached (`… limit reached (N)`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Keys_revoke: {
        parameters: {
            query: {
                keyId: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SuccessDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Config_config: {
        parameters: {
            query?: never;
            header?: {
                "If-None-Match"?: string;
                /** @description The pub_/sdk_ key, instead of Authorization: Bearer */
                "X-API-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["RuntimeConfigDto"];
                    };
                };
            };
            /** @description Unchanged since the ETag given in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Config_preflight: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description CORS headers */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Config_stream: {
        parameters: {
            query?: {
                /** @description A pub_ key, for EventSource clients that cannot set headers */
                key?: unknown;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Config_preflightStream: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description CORS headers */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Evaluate_evaluate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EvaluationRequestDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["EvaluationDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Ofrep_bulk: {
        parameters: {
            query?: {
                /** @description Accepted and ignored (this server sends no lastModified) */
                flagConfigLastModified?: string;
                /** @description The `etag` of the refetchEvaluation event that prompted this request (OFREP ADR-0008): the answer reflects at least that version, even from a replica that has not heard of the change yet */
                flagConfigEtag?: string;
            };
            header?: {
                /** @description An ETag of an earlier answer */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EvaluationRequestDto"];
            };
        };
        responses: {
            /** @description Every flag the key may see, evaluated for the context, and where to hear of changes */
            200: {
                headers: {
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OfrepBulkResponseDto"];
                };
            };
            /** @description The answer is the one the ETag given in If-None-Match names */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description INVALID_CONTEXT */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OfrepErrorDto"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Ofrep_preflightBulk: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description CORS headers */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Ofrep_one: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EvaluationRequestDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OfrepSuccessDto"];
                };
            };
            /** @description INVALID_CONTEXT */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OfrepErrorDto"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description FLAG_NOT_FOUND (also for flags a pub_ key may not see) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OfrepErrorDto"];
                };
            };
            /** @description Too many requests; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Ofrep_preflightOne: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A flag key */
                key: unknown;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description CORS headers */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Ofrep_stream: {
        parameters: {
            query?: {
                /** @description An sdk_ key’s stream token, from the bulk evaluation’s eventStreams (valid one to two hours) */
                token?: string;
                /** @description A pub_ key */
                key?: string;
            };
            header?: {
                /** @description Sent by EventSource when it reconnects: the version last announced */
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Ofrep_preflightStream: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description CORS headers */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Webhooks_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["WebhookDto"][];
                    };
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Webhooks_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookDto"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["CreatedWebhookDto"];
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflict with existing state: it already exists, or a tenant limit is reached (`… limit reached (N)`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Webhooks_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SuccessDto"];
                    };
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Webhooks_deliveries: {
        parameters: {
            query?: {
                /** @description Page size; giving it (or `cursor`) adds `nextCursor` to the answer */
                limit?: number;
                /** @description Opaque: the previous page's `nextCursor` */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["DeliveryDto"][];
                        /** @description Present when `limit` or `cursor` was given: the `cursor` of the next page; null on the last page */
                        nextCursor?: string | null;
                    };
                };
            };
            /** @description Invalid request: malformed JSON, unknown field or a field of the wrong type/format */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Webhooks_test: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["DeliveryDto"];
                    };
                };
            };
            /** @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found (also for resources of other users, whose existence is never revealed) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    Reflag_bootstrap: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagBootstrapDto"];
                };
            };
            /**
             * @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}`
             *
             *     Missing, unknown, revoked or expired token or key (`unauthenticated`)
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}`
             *
             *     The token or key lacks the scope, or the role the right (`unauthorized`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
        };
    };
    Reflag_listApps: {
        parameters: {
            query?: {
                /** @description Organization identifier: accepted and ignored (your apps are your organization) */
                orgId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagAppHeaderCollectionDto"];
                };
            };
            /** @description Invalid request (`invalid_request`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}`
             *
             *     Missing, unknown, revoked or expired token or key (`unauthenticated`)
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}`
             *
             *     The token or key lacks the scope, or the role the right (`unauthorized`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
        };
    };
    Reflag_getApp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagAppDto"];
                };
            };
            /**
             * @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}`
             *
             *     Missing, unknown, revoked or expired token or key (`unauthenticated`)
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}`
             *
             *     The token or key lacks the scope, or the role the right (`unauthorized`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Not found (`not_found`), also for other tenants' apps */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
        };
    };
    Reflag_listEnvironments: {
        parameters: {
            query?: {
                sortOrder?: "asc" | "desc";
                sortBy?: "name" | "order";
            };
            header?: never;
            path: {
                appId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagEnvironmentHeaderCollectionDto"];
                };
            };
            /** @description Invalid request (`invalid_request`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}`
             *
             *     Missing, unknown, revoked or expired token or key (`unauthenticated`)
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}`
             *
             *     The token or key lacks the scope, or the role the right (`unauthorized`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Not found (`not_found`), also for other tenants' apps */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
        };
    };
    Reflag_listFlags: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagFlagHeaderCollectionDto"];
                };
            };
            /**
             * @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}`
             *
             *     Missing, unknown, revoked or expired token or key (`unauthenticated`)
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}`
             *
             *     The token or key lacks the scope, or the role the right (`unauthorized`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Not found (`not_found`), also for other tenants' apps */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
        };
    };
    Reflag_listFeatures: {
        parameters: {
            query: {
                /** @description The environment's id (or name) */
                envId: string;
                /** @description A flag is named by its key here, so both sort alike */
                sortBy?: "key" | "name";
                sortOrder?: "asc" | "desc";
                /** @description Add each flag's values as remote-config variants */
                includeRemoteConfigs?: boolean;
                pageIndex?: number;
                /** @description Without it, every flag in one page */
                pageSize?: number;
            };
            header?: never;
            path: {
                appId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagFeatureCollectionDto"];
                };
            };
            /** @description Invalid request (`invalid_request`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}`
             *
             *     Missing, unknown, revoked or expired token or key (`unauthenticated`)
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}`
             *
             *     The token or key lacks the scope, or the role the right (`unauthorized`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Not found (`not_found`), also for other tenants' apps */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
        };
    };
    Reflag_flagTargeting: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appId: string;
                flagKey: string;
                envId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagFlagTargetingDto"];
                };
            };
            /**
             * @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}`
             *
             *     Missing, unknown, revoked or expired token or key (`unauthenticated`)
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}`
             *
             *     The token or key lacks the scope, or the role the right (`unauthorized`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Not found (`not_found`), also for other tenants' apps */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
        };
    };
    Reflag_updateSpecificTargets: {
        parameters: {
            query?: never;
            header?: {
                /** @description Optimistic concurrency: `"<version>"` */
                "If-Match"?: string;
            };
            path: {
                appId: string;
                envId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReflagSpecificTargetsDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagFlagTargetingCollectionDto"];
                };
            };
            /** @description Invalid request (`invalid_request`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}`
             *
             *     Missing, unknown, revoked or expired token or key (`unauthenticated`)
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}`
             *
             *     The token or key lacks the scope, or the role the right (`unauthorized`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Not found (`not_found`), also for other tenants' apps */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description A tenant limit is reached (`not_possible`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Version conflict (`not_possible`) */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Request body larger than the limit (`invalid_request`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
        };
    };
    Reflag_companyFlags: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appId: string;
                envId: string;
                companyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagEntityFlagsDto"];
                };
            };
            /** @description Invalid request (`invalid_request`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}`
             *
             *     Missing, unknown, revoked or expired token or key (`unauthenticated`)
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}`
             *
             *     The token or key lacks the scope, or the role the right (`unauthorized`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Not found (`not_found`), also for other tenants' apps */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
        };
    };
    Reflag_updateCompanyFlags: {
        parameters: {
            query?: never;
            header?: {
                /** @description Optimistic concurrency: `"<version>"` */
                "If-Match"?: string;
            };
            path: {
                appId: string;
                envId: string;
                companyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReflagEntityFlagsBodyDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagEntityFlagsDto"];
                };
            };
            /** @description Invalid request (`invalid_request`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}`
             *
             *     Missing, unknown, revoked or expired token or key (`unauthenticated`)
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}`
             *
             *     The token or key lacks the scope, or the role the right (`unauthorized`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Not found (`not_found`), also for other tenants' apps */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description A tenant limit is reached (`not_possible`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Version conflict (`not_possible`) */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Request body larger than the limit (`invalid_request`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
        };
    };
    Reflag_userFlags: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appId: string;
                envId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagEntityFlagsDto"];
                };
            };
            /** @description Invalid request (`invalid_request`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}`
             *
             *     Missing, unknown, revoked or expired token or key (`unauthenticated`)
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}`
             *
             *     The token or key lacks the scope, or the role the right (`unauthorized`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Not found (`not_found`), also for other tenants' apps */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
        };
    };
    Reflag_updateUserFlags: {
        parameters: {
            query?: never;
            header?: {
                /** @description Optimistic concurrency: `"<version>"` */
                "If-Match"?: string;
            };
            path: {
                appId: string;
                envId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReflagEntityFlagsBodyDto"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagEntityFlagsDto"];
                };
            };
            /** @description Invalid request (`invalid_request`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}`
             *
             *     Missing, unknown, revoked or expired token or key (`unauthenticated`)
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /**
             * @description The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}`
             *
             *     The token or key lacks the scope, or the role the right (`unauthorized`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Not found (`not_found`), also for other tenants' apps */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description A tenant limit is reached (`not_possible`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Version conflict (`not_possible`) */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
            /** @description Request body larger than the limit (`invalid_request`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReflagErrorDto"];
                };
            };
        };
    };
}
