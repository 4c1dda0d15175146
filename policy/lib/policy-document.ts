import { UNKNOWN, readKnown } from "./unknown";
import { asList, getIgnoringCase, isRecord } from "./values";

/**
 * An IAM policy statement, as AWS's policy grammar defines it. Every field is optional because the pack
 * reads documents it did not write. (The programs write theirs with the writer's type in the repository's
 * lib/policy-document.ts; a published pack holds only this folder, so it cannot share one.)
 */
export interface PolicyStatement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    NotPrincipal?: unknown;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

/** A policy document: one statement or a list of them. */
export interface PolicyDocument {
    Version?: string;
    Statement?: PolicyStatement | PolicyStatement[];
}

/**
 * Parses a policy document given as JSON text or as an object. Returns `undefined` when the
 * document is absent, not known yet (preview), or not a JSON object: there is nothing to check,
 * and AWS rejects malformed documents itself.
 */
export function parsePolicyDocument(value: unknown): PolicyDocument | undefined {
    if (value === UNKNOWN) {
        return undefined;
    }
    // JSON.stringify walks the whole object, so an unknown nested value surfaces here.
    const text = readKnown(() => (typeof value === "string" ? value : JSON.stringify(value)));
    if (typeof text !== "string") {
        return undefined;
    }
    try {
        const parsed: unknown = JSON.parse(text);
        return isRecord(parsed) ? (parsed as PolicyDocument) : undefined;
    } catch {
        return undefined;
    }
}

export function statementsOf(document: PolicyDocument): PolicyStatement[] {
    return asList(document.Statement).filter(isRecord) as PolicyStatement[];
}

const hasEffect = (statement: PolicyStatement, effect: "Allow" | "Deny") =>
    typeof statement.Effect === "string" && statement.Effect.toLowerCase() === effect.toLowerCase();

const WILDCARD_ACTION = /^(\*|[a-z0-9-]+:\*)$/i;

/** The wildcard grants in a document: `*` or `service:*` actions, and any `NotAction`, on Allow statements. */
export function wildcardGrants(document: PolicyDocument): string[] {
    return statementsOf(document)
        .filter((statement) => hasEffect(statement, "Allow"))
        .flatMap((statement) => [
            ...asList(statement.Action).filter(
                (action): action is string => typeof action === "string" && WILDCARD_ACTION.test(action.trim()),
            ),
            ...(statement.NotAction === undefined ? [] : [`NotAction ${JSON.stringify(statement.NotAction)}`]),
        ]);
}

function deniesInsecureTransportCondition(statement: PolicyStatement): boolean {
    const value = getIgnoringCase(getIgnoringCase(statement.Condition, "Bool"), "aws:SecureTransport");
    return asList(value).some((v) => v === false || (typeof v === "string" && v.toLowerCase() === "false"));
}

function appliesToEveryone(statement: PolicyStatement): boolean {
    const principal = statement.Principal;
    return principal === "*" || asList(getIgnoringCase(principal, "AWS")).includes("*");
}

function coversAllS3Actions(statement: PolicyStatement): boolean {
    return asList(statement.Action).some((a) => typeof a === "string" && ["*", "s3:*"].includes(a.toLowerCase()));
}

const S3_ARN = /^arn:[a-z-]+:s3:::([^/]+)(\/\*)?$/;

/** True when the statement's resources include both the bucket ARN and `<bucket ARN>/*` (or `*`). */
function coversBucketAndObjects(statement: PolicyStatement, bucketName: string | undefined): boolean {
    const resources = asList(statement.Resource).filter((r): r is string => typeof r === "string");
    if (resources.includes("*")) {
        return true;
    }
    const buckets = new Set<string>();
    const objectBuckets = new Set<string>();
    for (const resource of resources) {
        const match = S3_ARN.exec(resource);
        if (match) {
            (match[2] ? objectBuckets : buckets).add(match[1]);
        }
    }
    const candidates = bucketName === undefined ? [...buckets] : [bucketName];
    return candidates.some((name) => buckets.has(name) && objectBuckets.has(name));
}

/** True when the document has the S3.5 statement: Deny s3:* to everyone on the bucket and its objects without TLS. */
export function deniesInsecureTransport(document: PolicyDocument, bucketName?: string): boolean {
    return statementsOf(document).some(
        (statement) =>
            hasEffect(statement, "Deny") &&
            appliesToEveryone(statement) &&
            coversAllS3Actions(statement) &&
            coversBucketAndObjects(statement, bucketName) &&
            deniesInsecureTransportCondition(statement),
    );
}
