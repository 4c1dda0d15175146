// Storage's keys -> Storage's args: the bucket names (derived, or adopted), lifecycle days and the static
// bucket's CORS origins. Pure; every rule S3 and CloudFront apply is checked here, with its source.
import { ConfigReader } from "../../lib/config-reader";
import { BucketPurpose, bucketNameProblems, bucketNames, ENVIRONMENT, NAME_PREFIX } from "../../lib/naming";
import type { Stack } from "../stack-settings";
import type { StorageArgs } from "./storage";

/**
 * What is wrong with `origin` as a CORS origin, or undefined: "*" or one exact origin, scheme://host[:port],
 * written as a browser sends it in its Origin header (the WHATWG URL parser's serialisation), since S3 and
 * CloudFront compare the two as text. S3 CORS would take a partial wildcard (https://*.example.com), but the
 * CDN's response-headers policy uses the same list and CloudFront documents only exact origins or "*".
 */
export function corsOriginProblem(origin: string): string | undefined {
    if (origin === "*") {
        return undefined;
    }
    let url: URL;
    try {
        url = new URL(origin);
    } catch {
        const port = /:(\d+)$/.exec(origin)?.[1];
        return port !== undefined && Number(port) > 65535
            ? `"${origin}" is not an origin: its port ${port} is above 65535`
            : `"${origin}" is not an origin: "*" or scheme://host[:port], such as https://app.example.com`;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        return `"${origin}" is not an origin: a browser sends http:// and https:// origins only`;
    }
    if (url.username || url.password || url.pathname !== "/" || url.search || url.hash || origin.endsWith("/")) {
        return `"${origin}" is not an origin: an origin is scheme://host[:port] only, without a path, query or user: ${url.origin}`;
    }
    if (url.hostname.includes("*")) {
        return `"${origin}" is not an origin: "*" or scheme://host[:port], without wildcards in the host`;
    }
    if (!isHostName(url.hostname)) {
        return `"${origin}" is not an origin: its host "${url.hostname}" is not a DNS name or an IP address`;
    }
    if (url.origin !== origin) {
        return `"${origin}" is not an origin as a browser sends it, so it would never match: write ${url.origin}`;
    }
    return undefined;
}

// A host the WHATWG parser accepted: an IPv4 or bracketed IPv6 address, or labels of letters, digits and hyphens.
function isHostName(host: string): boolean {
    if (/^\[[0-9a-f:.]+\]$/.test(host) || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
        return true;
    }
    return host.split(".").every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l)) && host.length <= 253;
}

/**
 * Reads the buckets' keys into Storage's args. The names derive from the stack, except an adopted bucket's:
 * it keeps its own name, or `pulumi up` would replace it.
 */
export function readStorage(r: ConfigReader, stack: Stack, existing: Readonly<Partial<Record<BucketPurpose, string>>>): StorageArgs {
    const { environment, namePrefix, nameSuffix } = stack;
    const derived = bucketNames(namePrefix, environment, nameSuffix);
    // A refused prefix or environment is reported on its own key: the bucket names made of it would only repeat it.
    if (environment && ENVIRONMENT.test(environment) && (namePrefix === "" || NAME_PREFIX.test(namePrefix))) {
        for (const name of Object.values(derived)) {
            for (const rule of bucketNameProblems(name)) {
                const key = nameSuffix
                    ? "membrane:namePrefix, membrane:environment and membrane:regionInNames"
                    : namePrefix
                      ? "membrane:namePrefix and membrane:environment"
                      : "environment";
                r.problem(key, `make the bucket name "${name}", which ${rule}`);
            }
        }
    }
    // S3 lifecycle days are positive integers.
    const tmpExpirationDays = r.integer("tmpExpirationDays", { min: 1, max: 3650 });
    const connectorsNoncurrentVersionDays = r.integer("connectorsNoncurrentVersionDays", { min: 1, max: 3650 });
    const corsAllowedOrigins = r.list("corsAllowedOrigins");
    if (corsAllowedOrigins.length === 0) {
        r.problem("corsAllowedOrigins", 'must list at least one origin ("*" allows any)');
    }
    for (const origin of corsAllowedOrigins) {
        const problem = corsOriginProblem(origin);
        if (problem) {
            r.problem("corsAllowedOrigins", problem);
        }
    }
    return {
        environment,
        production: stack.production,
        bucketNames: { ...derived, ...existing },
        tmpExpirationDays,
        connectorsNoncurrentVersionDays,
        corsAllowedOrigins,
        existing,
        region: stack.region,
    };
}
