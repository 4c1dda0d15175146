// Adopting what exists: Pulumi's `import` option imports a resource and then changes it to match the
// program, in place or, for the settings a provider cannot change, by replacing it (pulumi/pulumi#19339).
// Before registering an adopted resource, the program compares what it would set with what exists (read
// with data sources, at preview as at up) and either keeps the existing value where it can, lists what
// will change in place, or refuses what would replace it, naming the setting and the key. Pure.
import type { BucketPurpose } from "../lib/naming";
import { iamGlobMatches } from "../lib/glob";
import { StackError } from "../lib/lookups";

/** A setting that differs: what exists, and what the stack says. */
export interface Difference {
    readonly setting: string;
    readonly existing: string;
    readonly stack: string;
}

/** A difference the program cannot adopt: it would replace the resource, or the program cannot run on it. */
export interface Refusal extends Difference {
    /** True when Pulumi would replace the resource; false when the resource is of a shape the program does not run. */
    readonly replaces: boolean;
    /** What to do, naming the config key. */
    readonly fix: string;
}

export interface Review {
    /** The resource, as a user names it: `replication group prod-redis-new`. */
    readonly what: string;
    /** Existing values the program keeps instead of the stack's. */
    readonly kept: readonly Difference[];
    /** Settings `pulumi up` changes in place. */
    readonly inPlace: readonly Difference[];
    /** Other consequences worth reading before the first `pulumi up`. */
    readonly notes: readonly string[];
    readonly refusals: readonly Refusal[];
}

/** Import ids, as each provider's import expects them (Pulumi Registry, each resource's "Import" section). */
export const IMPORT_IDS = {
    bucket: (name: string) => name,
    replicationGroup: (id: string) => id,
    cacheSubnetGroup: (name: string) => name,
    role: (name: string) => name,
    rolePolicy: (role: string, policy: string) => `${role}:${policy}`,
    atlasProject: (projectId: string) => projectId,
    atlasCluster: (projectId: string, clusterName: string) => `${projectId}-${clusterName}`,
    distribution: (id: string) => id,
    originAccessControl: (id: string) => id,
} as const;

const show = (v: unknown): string => (v === undefined || v === null || v === "" ? "(none)" : typeof v === "string" ? v : JSON.stringify(v));

/** A Difference when `existing` is known and differs from `stack`; a look-up that returned nothing compares nothing. */
export function differs(setting: string, existing: unknown, stack: unknown): Difference[] {
    if (existing === undefined || existing === null || JSON.stringify(existing) === JSON.stringify(stack)) {
        return [];
    }
    return [{ setting, existing: show(existing), stack: show(stack) }];
}

/** The warnings a review gives: what is kept, what changes in place, and its notes. */
export function reviewWarnings(r: Review): string[] {
    const list = (ds: readonly Difference[], arrow: boolean) =>
        ds
            .map((d) => (arrow ? `${d.setting} ${d.existing} -> ${d.stack}` : `${d.setting} ${d.existing} (the stack says ${d.stack})`))
            .join("; ");
    return [
        ...(r.kept.length > 0 ? [`adopting ${r.what} keeps its existing ${list(r.kept, false)}.`] : []),
        ...(r.inPlace.length > 0 ? [`adopting ${r.what} will change in place: ${list(r.inPlace, true)}.`] : []),
        ...r.notes.map((n) => `adopting ${r.what}: ${n}`),
    ];
}

/** The error a review's refusals make, or undefined; `allowReplacement` lifts the refusals that only replace. */
export function refusalMessage(r: Review, allowReplacement = false): string | undefined {
    const refused = r.refusals.filter((f) => !(f.replaces && allowReplacement));
    if (refused.length === 0) {
        return undefined;
    }
    const lines = refused.map(
        (f) =>
            `  - ${f.setting} is ${f.existing}, the stack says ${f.stack}: ${f.replaces ? "Pulumi would replace it, and lose what it holds" : "the program does not run on that"}. ${f.fix}`,
    );
    return `refusing to adopt ${r.what}:\n${lines.join("\n")}`;
}

/** Settles a review: throws its refusal, or returns its warnings. */
export function settle(r: Review, allowReplacement = false): string[] {
    const refusal = refusalMessage(r, allowReplacement);
    if (refusal) {
        throw new StackError(refusal);
    }
    const replaced = r.refusals.filter((f) => f.replaces);
    return [
        ...reviewWarnings(r),
        ...(replaced.length > 0
            ? [
                  `adopting ${r.what} replaces it (${replaced.map((f) => f.setting).join(", ")}): it is deleted, then created again; allowed by the stack.`,
              ]
            : []),
    ];
}

/** A bucket as `aws.s3.getBucket` returns it. */
export interface ExistingBucket {
    readonly bucket: string;
    /** The bucket's own region. */
    readonly bucketRegion?: string;
}

// What the program writes into each bucket, in the side resources S3 keeps one of per bucket.
const BUCKET_SETTINGS: Readonly<Record<BucketPurpose, string>> = {
    tmp: "lifecycle rule (objects expire)",
    connectors: "versioning (on for good: S3 can suspend it, never turn it off) and lifecycle rule (old versions expire)",
    static: "CORS rule",
};

/**
 * An adopted bucket keeps its name; its region cannot change. Everything else of a bucket lives in
 * side resources that the program writes over in place.
 */
export function reviewBucket(
    existing: ExistingBucket,
    c: { readonly region: string; readonly key: string; readonly purpose: BucketPurpose },
): Review {
    const refusals: Refusal[] =
        existing.bucketRegion && existing.bucketRegion !== c.region
            ? [
                  {
                      setting: "its region",
                      existing: existing.bucketRegion,
                      stack: c.region,
                      replaces: true,
                      fix: `S3 cannot move a bucket: adopt it from a stack whose aws:region is ${existing.bucketRegion}, or clear membrane:${c.key}.`,
                  },
              ]
            : [];
    return {
        what: `S3 bucket ${existing.bucket}`,
        kept: [],
        inPlace: [],
        notes: [
            `this program writes its public access block (all four flags on), object ownership (ACLs disabled), default encryption (SSE-S3), ${BUCKET_SETTINGS[c.purpose]}, bucket policy and tags over the bucket's current ones; the objects stay.`,
        ],
        refusals,
    };
}

/** A distribution as `aws.cloudfront.getDistribution` shows it. */
export interface ExistingDistribution {
    readonly id: string;
    readonly aliases?: readonly string[];
    readonly enabled?: boolean;
}

/** Everything of a distribution changes in place; its alternate domain name is the URL users' links use. */
export function reviewDistribution(e: ExistingDistribution, w: { readonly aliases: readonly string[] }): Review {
    const aliasChanges = differs("alternate domain names", e.aliases ? [...e.aliases].sort() : undefined, [...w.aliases].sort());
    return {
        what: `CloudFront distribution ${e.id}`,
        kept: [],
        inPlace: [...aliasChanges, ...differs("enabled", e.enabled, true)],
        notes: [
            "its origin (the static bucket, through this program's origin access control), cache behavior and policies, certificate, TLS policy and price class become this program's, in place.",
            ...(aliasChanges.length > 0 && e.aliases?.length
                ? [
                      `BASE_STATIC_URI moves to the stack's name: set membrane:staticDomainName: ${e.aliases[0]} to keep the name existing links use.`,
                  ]
                : []),
        ],
        refusals: [],
    };
}

/** An origin access control as `aws.cloudfront.getOriginAccessControl` shows it. */
export interface ExistingOriginAccessControl {
    readonly id: string;
    readonly name?: string;
    readonly description?: string;
    readonly originAccessControlOriginType?: string;
    readonly signingBehavior?: string;
    readonly signingProtocol?: string;
}

/** An origin access control keeps its name (names are unique in the account); its settings change in place. */
export function reviewOriginAccessControl(
    e: ExistingOriginAccessControl,
    w: { readonly name: string; readonly description: string },
): Review {
    return {
        what: `CloudFront origin access control ${e.name ?? e.id} (${e.id})`,
        kept: differs("name", e.name, w.name),
        inPlace: [
            ...differs("description", e.description, w.description),
            ...differs("origin type", e.originAccessControlOriginType, "s3"),
            ...differs("signing behavior", e.signingBehavior, "always"),
            ...differs("signing protocol", e.signingProtocol, "sigv4"),
        ],
        notes: [],
        refusals: [],
    };
}

/** A role as `aws.iam.getRole` shows it, with the names of its inline policies (`aws.iam.getRolePolicies`). */
export interface ExistingRole {
    readonly name: string;
    readonly path?: string;
    /** The trust policy, JSON (IAM returns it URL-encoded; the provider decodes it). */
    readonly assumeRolePolicy?: string;
    readonly permissionsBoundary?: string;
    readonly inlinePolicies?: readonly string[];
}

export interface WantedRole {
    /** The membrane: key that names the role, for messages. */
    readonly key: string;
    readonly trust: unknown;
    readonly permissionsBoundary?: string;
    /** The inline S3 policy the program writes. */
    readonly policyName: string;
    /** IRSA: the `system:serviceaccount:<namespace>:<name>` the role will trust. */
    readonly serviceAccount?: string;
}

/** A policy document from IAM's JSON, URL-encoded or not; undefined when it is neither. */
export function parsePolicy(text: string | undefined): any {
    for (const candidate of [text, text && decodeURIComponent(text)]) {
        try {
            return candidate ? JSON.parse(candidate) : undefined;
        } catch {
            // Try the next form.
        }
    }
    return undefined;
}

/** Keys sorted at every level, so that two documents compare by content. */
function canonical(v: unknown): unknown {
    if (Array.isArray(v)) {
        return v.map(canonical);
    }
    if (v && typeof v === "object") {
        return Object.fromEntries(
            Object.keys(v)
                .sort()
                .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
        );
    }
    return v;
}

/** The `…:sub` values a trust policy accepts (StringEquals or StringLike), for IRSA. */
export function trustedSubjects(trust: any): string[] {
    const statements: any[] = [].concat(trust?.Statement ?? []);
    return statements.flatMap((s) =>
        ["StringEquals", "StringLike"].flatMap((op) =>
            Object.entries(s?.Condition?.[op] ?? {})
                .filter(([k]) => k.endsWith(":sub"))
                .flatMap(([, v]) => [].concat(v as any)),
        ),
    );
}

function trustNotes(existing: any, w: WantedRole): string[] {
    if (!w.serviceAccount) {
        return [];
    }
    const subjects = trustedSubjects(existing);
    if (subjects.length === 0 || subjects.some((s) => iamGlobMatches(s, w.serviceAccount!))) {
        return [];
    }
    return [
        `it trusts today ${subjects.join(", ")}, and will trust ${w.serviceAccount} only: pods on another service account lose their AWS credentials; set membrane:k8sNamespace and membrane:k8sServiceAccount to the service account Membrane's pods use.`,
    ];
}

/** A role keeps its name; its path cannot change; its trust, boundary and S3 policy change in place. */
export function reviewRole(e: ExistingRole, w: WantedRole): Review {
    const existingTrust = parsePolicy(e.assumeRolePolicy);
    const trustChanges =
        existingTrust !== undefined && JSON.stringify(canonical(existingTrust)) !== JSON.stringify(canonical(w.trust))
            ? [{ setting: "trust policy", existing: JSON.stringify(existingTrust), stack: JSON.stringify(w.trust) }]
            : [];
    const others = (e.inlinePolicies ?? []).filter((p) => p !== w.policyName);
    const refusals: Refusal[] =
        e.path && e.path !== "/"
            ? [
                  {
                      setting: "path",
                      existing: e.path,
                      stack: "/",
                      replaces: true,
                      fix: `This program's roles are at path /: clear membrane:${w.key}, let the program create its own role, and move the service to it.`,
                  },
              ]
            : [];
    return {
        what: `IAM role ${e.name}`,
        kept: [],
        inPlace: [...trustChanges, ...differs("permissions boundary", e.permissionsBoundary ?? "", w.permissionsBoundary ?? "")],
        notes: [
            ...trustNotes(existingTrust, w),
            ...(others.length > 0
                ? [
                      `it keeps its other inline policies ${others.join(", ")}, which this program does not manage: remove them once Membrane runs on ${w.policyName} (aws iam delete-role-policy --role-name ${e.name} --policy-name <name>); its managed policies stay attached too.`,
                  ]
                : []),
        ],
        refusals,
    };
}
