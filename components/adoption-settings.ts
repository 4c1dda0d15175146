// Adoption: the `existing*` and `adopt*` keys that name resources a Membrane install already has (the
// vendor's Terraform, the guide's snippets, a production stack destroyed with its data retained), read first
// and together, since they cross components; each component's reader turns its part into its args (the
// program then adopts each with Pulumi's `import` option instead of creating it, and protects it). Pure: the
// names are checked here against the rules AWS and Atlas apply, before anything is registered.
import { ConfigReader, duplicates, fullKey } from "../lib/config-reader";
import { replicationGroupIdProblems } from "./redis/group";
import { BUCKET_PURPOSES, BucketPurpose, bucketNameProblems } from "../lib/naming";
import { EXISTING_BUCKET_KEYS } from "./storage/adoption";
import { ATLAS_ID, POLICY_NAME, ROLE_NAME } from "../lib/patterns";

/**
 * The keys that each name a resource of an existing install to adopt. Setting one says that a Membrane
 * already runs, with its own SECRET and ENCRYPTION_SECRET (membrane:existingSecret and
 * membrane:existingEncryptionSecret, which are not resources and not listed here).
 */
export const ADOPTION_KEYS: readonly string[] = [
    ...Object.values(EXISTING_BUCKET_KEYS),
    "existingRedisReplicationGroupId",
    "existingRedisSubnetGroupName",
    "existingAtlasProjectId",
    "existingAtlasClusterName",
    "existingCloudfrontDistributionId",
    "existingCloudfrontOacId",
    "existingEcsTaskRoleName",
    "existingEcsTaskRolePolicyName",
    "existingK8sRoleName",
    "existingK8sRolePolicyName",
];

/** The adoption keys the stack sets, fully qualified: empty when it adopts nothing. */
export function adoptionKeysSet(r: ConfigReader): string[] {
    return ADOPTION_KEYS.filter((k) => r.has(k)).map((k) => fullKey(k));
}

/** An existing IAM role, and optionally its inline policy, that the program adopts. */
export interface AdoptedRole {
    readonly roleName: string;
    /** The inline policy the program takes over (its content is replaced in place); absent: it adds its own. */
    readonly policyName?: string;
}

export interface AdoptionConfig {
    /** Existing buckets by purpose. */
    readonly buckets: Readonly<Partial<Record<BucketPurpose, string>>>;
    /** An existing replication group, and the subnet group it uses when that is adopted too. */
    readonly redis?: { readonly replicationGroupId: string; readonly subnetGroupName?: string };
    /** An existing Atlas project the program manages from now on. */
    readonly atlasProjectId?: string;
    /** An existing cluster in the project (membrane:atlasProjectId or membrane:existingAtlasProjectId). */
    readonly atlasClusterName?: string;
    readonly cloudfrontDistributionId?: string;
    readonly cloudfrontOacId?: string;
    readonly ecsTaskRole?: AdoptedRole;
    readonly k8sRole?: AdoptedRole;
    /** Keep an adopted resource's size and version settings instead of the stack's. */
    readonly keepExistingSettings: boolean;
    /** Allow a Redis adoption that replaces the group (Redis's data is a cache and a job queue). */
    readonly allowRedisReplacement: boolean;
}

// CloudFront ids: upper-case letters and digits, 13 or 14 of them, starting with E for distributions and OACs.
const CLOUDFRONT_ID = /^E[A-Z0-9]{12,13}$/;
// Atlas: cluster names are ASCII letters, digits and hyphens, at most 64 characters.
const ATLAS_CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
// ElastiCache subnet group names: up to 255 lowercase letters, digits and hyphens, starting with a letter.
const SUBNET_GROUP_NAME = /^[a-z][a-z0-9-]{0,254}$/;

function readBuckets(r: ConfigReader): Partial<Record<BucketPurpose, string>> {
    const buckets: Partial<Record<BucketPurpose, string>> = {};
    for (const purpose of BUCKET_PURPOSES) {
        const key = EXISTING_BUCKET_KEYS[purpose];
        const name = r.string(key);
        if (!name) {
            continue;
        }
        for (const rule of bucketNameProblems(name)) {
            // An existing bucket with dots works: only virtual-hosted HTTPS to it does not, which Membrane does not use.
            if (rule.startsWith("should not contain dots")) {
                r.warn(
                    `${fullKey(key)}: "${name}" contains dots, which break virtual-hosted HTTPS to the bucket; path-style requests still work.`,
                );
            } else {
                r.problem(key, `"${name}" is not an S3 bucket name: it ${rule}`);
            }
        }
        buckets[purpose] = name;
    }
    for (const name of duplicates(Object.values(buckets))) {
        r.problem(
            "membrane:existingTmpBucket, membrane:existingConnectorsBucket and membrane:existingStaticBucket",
            `name "${name}" more than once: each purpose needs a bucket of its own`,
        );
    }
    return buckets;
}

function readRedis(r: ConfigReader): AdoptionConfig["redis"] {
    const replicationGroupId = r.string("existingRedisReplicationGroupId");
    const subnetGroupName = r.string("existingRedisSubnetGroupName");
    for (const rule of replicationGroupId ? replicationGroupIdProblems(replicationGroupId) : []) {
        r.problem("existingRedisReplicationGroupId", `"${replicationGroupId}" is not a replication group id: it ${rule}`);
    }
    if (subnetGroupName && !SUBNET_GROUP_NAME.test(subnetGroupName)) {
        r.problem(
            "existingRedisSubnetGroupName",
            `must be an ElastiCache subnet group name: lowercase letters, digits and hyphens, starting with a letter (got "${subnetGroupName}")`,
        );
    }
    if (subnetGroupName && !replicationGroupId) {
        r.problem(
            "existingRedisSubnetGroupName",
            "is the subnet group of an adopted replication group: set membrane:existingRedisReplicationGroupId too",
        );
    }
    return replicationGroupId ? { replicationGroupId, ...(subnetGroupName && { subnetGroupName }) } : undefined;
}

function readAtlas(r: ConfigReader): Pick<AdoptionConfig, "atlasProjectId" | "atlasClusterName"> {
    const projectId = r.string("existingAtlasProjectId");
    const clusterName = r.string("existingAtlasClusterName");
    if (projectId && !ATLAS_ID.test(projectId)) {
        r.problem("existingAtlasProjectId", `must be an Atlas project id: 24 lowercase hex digits (got "${projectId}")`);
    }
    if (projectId && r.has("atlasProjectId")) {
        r.problem(
            "existingAtlasProjectId",
            "and membrane:atlasProjectId exclude each other: atlasProjectId uses a project the program leaves alone, existingAtlasProjectId adopts one it manages from now on; set one",
        );
    }
    if (clusterName && !ATLAS_CLUSTER_NAME.test(clusterName)) {
        r.problem(
            "existingAtlasClusterName",
            `must be an Atlas cluster name: up to 64 ASCII letters, digits and hyphens (got "${clusterName}")`,
        );
    }
    if (clusterName && !projectId && !r.has("atlasProjectId")) {
        r.problem(
            "existingAtlasClusterName",
            "names a cluster of an existing project: set membrane:atlasProjectId (a project the program leaves alone) or membrane:existingAtlasProjectId (one it adopts)",
        );
    }
    return { ...(projectId && { atlasProjectId: projectId }), ...(clusterName && { atlasClusterName: clusterName }) };
}

function readCloudfront(r: ConfigReader): Pick<AdoptionConfig, "cloudfrontDistributionId" | "cloudfrontOacId"> {
    const out: { cloudfrontDistributionId?: string; cloudfrontOacId?: string } = {};
    for (const [key, field] of [
        ["existingCloudfrontDistributionId", "cloudfrontDistributionId"],
        ["existingCloudfrontOacId", "cloudfrontOacId"],
    ] as const) {
        const id = r.string(key);
        if (id && !CLOUDFRONT_ID.test(id)) {
            r.problem(key, `must be a CloudFront id: E and 12 or 13 upper-case letters and digits, such as E2QWRUHEXAMPLE (got "${id}")`);
        }
        if (id) {
            out[field] = id;
        }
    }
    return out;
}

/** A role and its inline policy; `needs` says which stack setting creates that role at all. */
function readRole(r: ConfigReader, keys: { role: string; policy: string }, needs: { ok: boolean; rule: string }): AdoptedRole | undefined {
    const roleName = r.string(keys.role);
    const policyName = r.string(keys.policy);
    if (roleName && !ROLE_NAME.test(roleName)) {
        r.problem(keys.role, `must be an IAM role name: 1 to 64 letters, digits and + = , . @ _ - (got "${roleName}")`);
    }
    if (policyName && !POLICY_NAME.test(policyName)) {
        r.problem(keys.policy, `must be an IAM policy name: 1 to 128 letters, digits and + = , . @ _ - (got "${policyName}")`);
    }
    if (policyName && !roleName) {
        r.problem(keys.policy, `is an inline policy of an adopted role: set membrane:${keys.role} too`);
    }
    if (roleName && !needs.ok) {
        r.problem(keys.role, needs.rule);
    }
    return roleName ? { roleName, ...(policyName && { policyName }) } : undefined;
}

/**
 * Reads the `existing*` and `adopt*` keys. `ctx` says which roles and which database the stack has, since
 * adopting a role the stack does not create, or an Atlas cluster in external mode, would adopt nothing.
 */
export function readAdoption(
    r: ConfigReader,
    ctx: { readonly ecsTaskRole: boolean; readonly eksClusterName: string; readonly atlas: boolean },
): AdoptionConfig {
    const adoption: AdoptionConfig = {
        buckets: readBuckets(r),
        redis: readRedis(r),
        ...readAtlas(r),
        ...readCloudfront(r),
        ecsTaskRole: readRole(
            r,
            { role: "existingEcsTaskRoleName", policy: "existingEcsTaskRolePolicyName" },
            { ok: ctx.ecsTaskRole, rule: "names a role to adopt as the ECS task role, but membrane:ecsTaskRole is false" },
        ),
        k8sRole: readRole(
            r,
            { role: "existingK8sRoleName", policy: "existingK8sRolePolicyName" },
            {
                ok: ctx.eksClusterName !== "",
                rule: "names a role to adopt as the Kubernetes service-account role, but membrane:eksClusterName is empty",
            },
        ),
        keepExistingSettings: r.boolean("adoptKeepExistingSettings"),
        allowRedisReplacement: r.boolean("adoptAllowRedisReplacement"),
    };
    if (!ctx.atlas && (adoption.atlasProjectId || adoption.atlasClusterName)) {
        r.warn("membrane:databaseMode is external, so membrane:existingAtlasProjectId and membrane:existingAtlasClusterName are ignored.");
    }
    if (adoption.allowRedisReplacement && !adoption.redis) {
        r.warn("membrane:adoptAllowRedisReplacement is true but membrane:existingRedisReplicationGroupId is empty: it has no effect.");
    }
    return ctx.atlas ? adoption : { ...adoption, atlasProjectId: undefined, atlasClusterName: undefined };
}
