// Every name a stack derives from its environment, name prefix and suffix, for both programs (the
// Membrane program names its resources with these, the deployments program scopes its deploy roles to
// them), and the tags. Pure, so every rule AWS applies to a name is checked before anything is registered.
// `nameSuffix` is `-<aws:region>` with membrane:regionInNames, else "": it ends the names AWS keeps unique
// beyond a region (IAM roles, buckets, CloudFront policies, the Atlas project), so that a second region's
// stack of the same environment is kept apart.

/** membrane:environment: part of every name, so lowercase letters, digits and hyphens; starts with a letter. */
export const ENVIRONMENT = /^[a-z][a-z0-9-]*[a-z0-9]$/;
/** membrane:namePrefix: begins every bucket name. */
export const NAME_PREFIX = /^[a-z0-9][a-z0-9-]*$/;

export type BucketPurpose = "tmp" | "connectors" | "static";

export const BUCKET_PURPOSES: readonly BucketPurpose[] = ["tmp", "connectors", "static"];

/** The seed's names, `<environment>-integration-app-<purpose>`, behind an optional prefix that makes them globally unique. */
export function bucketName(namePrefix: string, environment: string, purpose: BucketPurpose): string {
    return `${namePrefix}${environment}-integration-app-${purpose}`;
}

/** The three buckets' derived names, ended by the suffix (an adopted bucket keeps its own name instead). */
export function bucketNames(namePrefix: string, environment: string, nameSuffix = ""): Record<BucketPurpose, string> {
    return Object.fromEntries(BUCKET_PURPOSES.map((p) => [p, `${bucketName(namePrefix, environment, p)}${nameSuffix}`])) as Record<
        BucketPurpose,
        string
    >;
}

// S3 general purpose bucket naming rules:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** Every S3 naming rule `name` breaks; empty when S3 would accept it. */
export function bucketNameProblems(name: string): string[] {
    const problems: string[] = [];
    if (name.length < 3 || name.length > 63) {
        problems.push(`is ${name.length} characters long; S3 allows 3 to 63`);
    }
    if (!/^[a-z0-9.-]*$/.test(name)) {
        problems.push("may contain only lowercase letters, digits, hyphens and dots");
    }
    if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
        problems.push("must begin and end with a letter or digit");
    }
    if (name.includes("..")) {
        problems.push("must not contain two adjacent dots");
    }
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
        problems.push("must not be formatted as an IP address");
    }
    if (name.includes(".")) {
        problems.push("should not contain dots: they break virtual-hosted HTTPS to the bucket");
    }
    for (const p of RESERVED_PREFIXES.filter((p) => name.startsWith(p))) {
        problems.push(`must not start with the reserved prefix "${p}"`);
    }
    for (const s of RESERVED_SUFFIXES.filter((s) => name.endsWith(s))) {
        problems.push(`must not end with the reserved suffix "${s}"`);
    }
    return problems;
}

/** The tags every resource carries, as in the seed, plus any of the resource's own. */
export function tags(environment: string, extra: Record<string, string> = {}): Record<string, string> {
    return { Environment: environment, Service: "membrane", ...extra };
}

/** A child's logical name, derived from its component's name. */
export function childName(parent: string, suffix: string): string {
    return `${parent}-${suffix}`;
}

/** A role and the inline policy that grants it what it needs. */
export interface RoleNames {
    readonly roleName: string;
    readonly policyName: string;
}

/** The roles Membrane's containers assume, as the seed names them; inline policy names are scoped to their role. */
export function iamNames(
    environment: string,
    nameSuffix = "",
): { ecs: RoleNames; eks: RoleNames; ec2: RoleNames & { readonly instanceProfileName: string } } {
    return {
        ecs: { roleName: `${environment}-membrane-task-role${nameSuffix}`, policyName: `${environment}-membrane-s3-access` },
        eks: { roleName: `${environment}-membrane-k8s-role${nameSuffix}`, policyName: `${environment}-membrane-k8s-s3-access` },
        // Instance profile names are unique in the account too.
        ec2: {
            roleName: `${environment}-membrane-ec2-role${nameSuffix}`,
            policyName: `${environment}-membrane-ec2-s3-access`,
            instanceProfileName: `${environment}-membrane-ec2-profile${nameSuffix}`,
        },
    };
}

/**
 * The credentials store's names. `membrane/<environment>/` is the unit every grant is scoped by (the readers,
 * the deploy role, the permissions boundary, the policy pack): a slash, because `membrane/prod/*` never matches
 * another environment's `membrane/prod-eu/...`, while a hyphenated `prod-*` would. `credentials` says what it
 * holds: the credential variables only, not the whole environment. The secret's name is regional.
 */
export function secretsNames(environment: string, nameSuffix = "") {
    return {
        secretName: `membrane/${environment}/credentials`,
        execution: {
            roleName: `${environment}-membrane-execution-role${nameSuffix}`,
            policyName: `${environment}-membrane-execution-secrets`,
        },
        k8sReaderPolicyName: `${environment}-membrane-k8s-secrets-read`,
        ec2ReaderPolicyName: `${environment}-membrane-ec2-secrets-read`,
        eso: { roleName: `${environment}-membrane-eso-role${nameSuffix}`, policyName: `${environment}-membrane-eso-secrets-read` },
    };
}

/** The role S3 assumes to replicate the buckets. */
export function replicationRoleName(environment: string, nameSuffix = ""): string {
    return `${environment}-membrane-s3-replication${nameSuffix}`;
}

/** The replica of a bucket in `region`: unique per source and region, so a new replica region gets a new bucket. */
export function replicaBucketName(sourceName: string, region: string): string {
    return `${sourceName}-${region}`;
}

/** The log bucket of the stack's region, ended like the other buckets. */
export function logBucketName(namePrefix: string, environment: string, nameSuffix = ""): string {
    return `${namePrefix}${environment}-integration-app-logs${nameSuffix}`;
}

/** The seed's name for the static files: `static.<environment>.<hostedZoneName>`. */
export function defaultStaticDomainName(environment: string, hostedZoneName: string): string {
    return `static.${environment}.${hostedZoneName}`;
}

/** The CloudFront policies, `<prefix><environment>-static-…`: their names are unique in the account. */
export function cdnPolicyNames(namePrefix: string, environment: string, nameSuffix = ""): { oac: string; cache: string; headers: string } {
    const stem = `${namePrefix}${environment}-static`;
    return { oac: `${stem}-oac${nameSuffix}`, cache: `${stem}-cache${nameSuffix}`, headers: `${stem}-headers${nameSuffix}` };
}

/** The replication group, its subnet group and its security group's name prefix, as in the seed. */
export function redisNames(environment: string): { replicationGroupId: string; subnetGroupName: string; securityGroupNamePrefix: string } {
    return {
        replicationGroupId: `${environment}-membrane`,
        subnetGroupName: `${environment}-membrane-redis`,
        // The seed's name_prefix: a replaced group is created before the old one goes.
        securityGroupNamePrefix: `${environment}-membrane-redis-`,
    };
}

/** The Atlas project (unique in the organization, whatever the region) and its cluster. */
export function atlasNames(environment: string, nameSuffix = ""): { projectName: string; clusterName: string } {
    return { projectName: `membrane-${environment}${nameSuffix}`, clusterName: `membrane-${environment}` };
}

/** Log destinations: Redis's log groups, and CloudFront's log delivery source and destination (in us-east-1). */
export function logNames(environment: string, nameSuffix = ""): { redisSlowLog: string; redisEngineLog: string; cdnDelivery: string } {
    const base = `/membrane/${environment}/redis`;
    return {
        redisSlowLog: `${base}/slow-log`,
        redisEngineLog: `${base}/engine-log`,
        cdnDelivery: `${environment}-membrane-cdn-access-logs${nameSuffix}`,
    };
}

/** Every alarm's name starts with `namePrefix`; the alarm topics, in each region that has alarms, share one name. */
export function alarmNames(environment: string, nameSuffix = ""): { namePrefix: string; topicName: string } {
    return { namePrefix: `${environment}-membrane${nameSuffix}`, topicName: `${environment}-membrane${nameSuffix}-alarms` };
}
