// Raw stack config -> one typed, validated MembraneConfig. Every rule names its key; all problems are
// reported together, before the program registers anything. Mocks accept any value, AWS does not: the
// limits AWS enforces are checked here, each with its source.
import { CdnConfig, readCdnConfig } from "./cdn/settings";
import { ConfigError, ConfigReader, duplicates, fullKey, NAMESPACE, RawConfig, shown } from "../lib/config-reader";
import { AdoptedRole, AdoptionConfig, EXISTING_BUCKET_KEYS, readAdoptionConfig } from "./adoption-settings";
import { IamConfig, readIamConfig } from "./iam/settings";
import { readRedisConfig, RedisConfig } from "./redis/settings";
import { DatabaseConfig, readDatabaseConfig } from "./database/settings";
import { readSecretsConfig, SecretsConfig } from "./secrets/settings";
import { parseIpv4Cidr } from "../lib/cidr";
import { unknownKeyProblems } from "../lib/config-keys";
import { OperationsConfig, readOperationsConfig } from "./operations-settings";
import { BUCKET_PURPOSES, BucketPurpose, bucketName, bucketNameProblems, cdnPolicyNames, ENVIRONMENT, NAME_PREFIX } from "../lib/naming";
import { regionProblem } from "./regions";
import { SUBNET_ID, VPC_ID } from "../lib/patterns";

export { ConfigError } from "../lib/config-reader";
export type { RawConfig } from "../lib/config-reader";

export interface NetworkConfig {
    readonly vpcId: string;
    readonly vpcCidr: string;
    readonly privateSubnetIds: readonly string[];
}

export interface StorageConfig {
    readonly bucketNames: Readonly<Record<BucketPurpose, string>>;
    readonly tmpExpirationDays: number;
    readonly connectorsNoncurrentVersionDays: number;
    readonly corsAllowedOrigins: readonly string[];
}

/** Membrane's SECRET and ENCRYPTION_SECRET to keep, from secret config; "" = generate. Never logged. */
export interface AppSecretsConfig {
    readonly existingSecret: string;
    readonly existingEncryptionSecret: string;
}

/** The operations fields (replication, backup, logs, alarms) are OperationsConfig's, in operations-settings.ts. */
export interface MembraneConfig extends OperationsConfig {
    /** aws:region, where everything but the CloudFront certificate lives. */
    readonly region: string;
    readonly environment: string;
    readonly production: boolean;
    readonly namePrefix: string;
    readonly network: NetworkConfig;
    readonly storage: StorageConfig;
    readonly cdn: CdnConfig;
    readonly iam: IamConfig;
    readonly redis: RedisConfig;
    readonly database: DatabaseConfig;
    readonly appSecrets: AppSecretsConfig;
    /** `-<aws:region>` with membrane:regionInNames, appended to the names AWS scopes to the account or the world; "" otherwise. */
    readonly nameSuffix: string;
    /** What already exists and is adopted instead of created. */
    readonly adoption: AdoptionConfig;
    /** The Secrets Manager secret ECS and Kubernetes read the credentials from, and its readers. */
    readonly secrets: SecretsConfig;
    /** Not errors, but worth saying before a deploy (printed by the program and by `npm start`). */
    readonly warnings: readonly string[];
}

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

/** The value a user most likely meant for a name prefix or an environment: lowercase, other characters as hyphens. */
function lowercaseName(value: string): string {
    return value
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-");
}

function readNetwork(r: ConfigReader): NetworkConfig {
    const vpcId = r.string("vpcId", { required: true });
    if (vpcId && !VPC_ID.test(vpcId)) {
        r.problem("vpcId", `must be a VPC id: "vpc-" and 8 or 17 hex digits (got "${vpcId}")`);
    }
    const vpcCidr = r.string("vpcCidr", { required: true });
    if (vpcCidr) {
        const parsed = parseIpv4Cidr(vpcCidr);
        if (typeof parsed === "string") {
            r.problem("vpcCidr", parsed);
        } else if (parsed.prefix < 16 || parsed.prefix > 28) {
            // A VPC's IPv4 block is between /16 and /28.
            r.problem("vpcCidr", `a VPC's CIDR block is between /16 and /28 (got /${parsed.prefix})`);
        }
    }
    const privateSubnetIds = r.list("privateSubnetIds", { required: true });
    for (const id of privateSubnetIds.filter((s) => !SUBNET_ID.test(s))) {
        r.problem("privateSubnetIds", `"${id}" is not a subnet id: "subnet-" and 8 or 17 hex digits`);
    }
    for (const id of duplicates(privateSubnetIds)) {
        r.problem("privateSubnetIds", `lists "${id}" more than once: remove the repeat (one private subnet per availability zone)`);
    }
    return { vpcId, vpcCidr, privateSubnetIds };
}

function readStorage(r: ConfigReader, namePrefix: string, environment: string, nameSuffix: string): StorageConfig {
    const bucketNames = Object.fromEntries(
        BUCKET_PURPOSES.map((p) => [p, `${bucketName(namePrefix, environment, p)}${nameSuffix}`]),
    ) as Record<BucketPurpose, string>;
    // A refused prefix or environment is reported on its own key: the bucket names made of it would only repeat it.
    if (environment && ENVIRONMENT.test(environment) && (namePrefix === "" || NAME_PREFIX.test(namePrefix))) {
        for (const name of Object.values(bucketNames)) {
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
    return { bucketNames, tmpExpirationDays, connectorsNoncurrentVersionDays, corsAllowedOrigins };
}

/** Whether names derived from the environment, the prefix and the bucket names are worth checking: none of them is refused. */
function derivedNamesValid(environment: string, namePrefix: string, bucketNames: Readonly<Record<BucketPurpose, string>>): boolean {
    return (
        ENVIRONMENT.test(environment) &&
        (namePrefix === "" || NAME_PREFIX.test(namePrefix)) &&
        Object.values(bucketNames).every((name) => bucketNameProblems(name).length === 0)
    );
}

// Membrane asks for secrets of at least 32 characters.
const MIN_SECRET_LENGTH = 32;

/**
 * SECRET and ENCRYPTION_SECRET to keep. A value under 32 characters is refused, unless
 * `acceptShortExistingSecrets` says it is the one a running Membrane already uses: replacing
 * ENCRYPTION_SECRET would make every stored credential unreadable. The values are never repeated.
 */
function readAppSecrets(r: ConfigReader, warnings: string[]): AppSecretsConfig {
    const acceptShort = r.boolean("acceptShortExistingSecrets");
    const short: string[] = [];
    const read = (key: string) => {
        const v = r.secret(key);
        if (v !== "" && v.length < MIN_SECRET_LENGTH && acceptShort) {
            short.push(key);
            warnings.push(
                `${fullKey(key)} is ${v.length} characters long, under the ${MIN_SECRET_LENGTH} Membrane asks for; it is kept because membrane:acceptShortExistingSecrets is true (the value a running Membrane uses). ` +
                    (key === "existingEncryptionSecret"
                        ? "Never replace it: it encrypts every credential Membrane stores."
                        : "Replace it with 32 or more random characters when you can: users then sign in again."),
            );
        } else if (v !== "" && v.length < MIN_SECRET_LENGTH) {
            r.problem(
                key,
                `must be at least ${MIN_SECRET_LENGTH} characters long (got ${v.length}); if it is the value your running Membrane already uses, set membrane:acceptShortExistingSecrets: true to keep it`,
            );
        }
        return v;
    };
    const secrets = { existingSecret: read("existingSecret"), existingEncryptionSecret: read("existingEncryptionSecret") };
    if (acceptShort && short.length === 0) {
        warnings.push(
            `membrane:acceptShortExistingSecrets is true but neither membrane:existingSecret nor membrane:existingEncryptionSecret is shorter than ${MIN_SECRET_LENGTH} characters: it has no effect; set it back to false.`,
        );
    }
    return secrets;
}

/** The stack's identity: region, environment, production, and the name prefix and suffix. */
function readIdentity(
    r: ConfigReader,
    stack: string,
    warnings: string[],
): { region: string; environment: string; production: boolean; namePrefix: string; nameSuffix: string } {
    const region = r.string("aws:region");
    if (!region) {
        r.problem("aws:region", "is required and has no value: pulumi config set aws:region <region> (for example us-east-1)");
    } else {
        const problem = regionProblem(region, r.string("aws:skipRegionValidation") === "true");
        if (problem) {
            r.problem("aws:region", problem);
        }
    }
    const environment = r.string("environment", { required: true });
    if (environment && !ENVIRONMENT.test(environment)) {
        const fix = lowercaseName(environment).replace(/^[^a-z]+|-+$/g, "");
        r.problem(
            "environment",
            `must be 2 or more lowercase letters, digits and hyphens, start with a letter and end with a letter or digit: it is part of S3 bucket and AWS resource names (got ${shown(environment)})${ENVIRONMENT.test(fix) ? `; write ${fix}` : ""}`,
        );
    }
    const regionInNames = r.boolean("regionInNames");
    if (environment && stack && environment !== stack) {
        warnings.push(
            `membrane:environment is "${environment}" but the stack is "${stack}": resource names come from the environment, so two stacks with one environment collide on deploy (a copied Pulumi.${environment}.yaml?). Set membrane:environment: ${stack} unless this is intended` +
                (regionInNames
                    ? "."
                    : `; a copy of the environment in another region (disaster recovery) needs membrane:regionInNames: true.`),
        );
    }
    const production = r.boolean("production");
    const namePrefix = r.string("namePrefix");
    if (namePrefix && !NAME_PREFIX.test(namePrefix)) {
        const fix = lowercaseName(namePrefix).replace(/^-+/, "");
        r.problem(
            "namePrefix",
            `must be lowercase letters, digits and hyphens, starting with a letter or digit: it begins every bucket name (got ${shown(namePrefix)})${NAME_PREFIX.test(fix) ? `; write ${fix}` : ""}`,
        );
    }
    // A refused region is reported once, here: the readers that derive from it see none.
    const known = region && !regionProblem(region, r.string("aws:skipRegionValidation") === "true") ? region : "";
    return { region: known, environment, production, namePrefix, nameSuffix: regionInNames && known ? `-${known}` : "" };
}

// CloudFront: an origin access control's name has at most 64 characters.
const OAC_NAME_MAX = 64;

function checkCloudfrontNames(r: ConfigReader, namePrefix: string, environment: string, nameSuffix: string): void {
    const oac = cdnPolicyNames(namePrefix, environment, nameSuffix).oac;
    if (environment && oac.length > OAC_NAME_MAX) {
        r.problem(
            nameSuffix
                ? "membrane:namePrefix, membrane:environment and membrane:regionInNames"
                : "membrane:namePrefix and membrane:environment",
            `make the CloudFront origin access control name "${oac}", ${oac.length} characters long; CloudFront allows ${OAC_NAME_MAX}`,
        );
    }
}

/** The adopted names in place of the derived ones: an adopted resource keeps its name, or `pulumi up` would replace it. */
function withAdoptedNames(
    a: AdoptionConfig,
    c: { storage: StorageConfig; iam: IamConfig; redis: RedisConfig; database: DatabaseConfig },
): { storage: StorageConfig; iam: IamConfig; redis: RedisConfig; database: DatabaseConfig } {
    // Each role takes only its own adopted name: a default here would hand the ECS role's to the Kubernetes role.
    const role = <T extends { roleName: string; policyName: string }>(
        derived: T | undefined,
        adopted: AdoptedRole | undefined,
    ): T | undefined =>
        derived && adopted ? { ...derived, roleName: adopted.roleName, policyName: adopted.policyName ?? derived.policyName } : derived;
    return {
        storage: { ...c.storage, bucketNames: { ...c.storage.bucketNames, ...a.buckets } },
        iam: {
            ...c.iam,
            ...(c.iam.ecsTaskRole && { ecsTaskRole: role(c.iam.ecsTaskRole, a.ecsTaskRole) }),
            ...(c.iam.eksRole && { eksRole: role(c.iam.eksRole, a.k8sRole) }),
        },
        redis: a.redis
            ? {
                  ...c.redis,
                  replicationGroupId: a.redis.replicationGroupId,
                  subnetGroupName: a.redis.subnetGroupName ?? c.redis.subnetGroupName,
              }
            : c.redis,
        database:
            c.database.mode === "atlas" && a.atlasClusterName
                ? { ...c.database, atlas: { ...c.database.atlas, clusterName: a.atlasClusterName } }
                : c.database,
    };
}

/**
 * Names the stack gives two of its resources of one kind. The derived names never meet, but an adopted
 * one can be any name: adopting one role as both the ECS and the Kubernetes role, or a bucket named like
 * the log bucket, would have two resources manage one (EntityAlreadyExists, or each overwriting the other).
 */
function sharedNameProblems(
    a: AdoptionConfig,
    named: { storage: StorageConfig; iam: IamConfig },
    secrets: SecretsConfig,
    operations: OperationsConfig,
): Array<{ keys: string; rule: string }> {
    const store = secrets.store;
    const roles: Array<[string, string | undefined]> = [
        [a.ecsTaskRole ? "membrane:existingEcsTaskRoleName" : "the ECS task role", named.iam.ecsTaskRole?.roleName],
        [a.k8sRole ? "membrane:existingK8sRoleName" : "the Kubernetes service-account role", named.iam.eksRole?.roleName],
        ["the ECS execution role", store?.ecsExecution?.kind === "create" ? store.ecsExecution.roleName : undefined],
        ["External Secrets Operator's role", store?.esoPodIdentity?.roleName],
        ["the S3 replication role", operations.replication?.roleName],
        ["the EC2 instance role", named.iam.ec2Role?.roleName],
    ];
    const buckets: Array<[string, string | undefined]> = [
        ...BUCKET_PURPOSES.map((p): [string, string] => [
            a.buckets[p] ? `membrane:${EXISTING_BUCKET_KEYS[p]}` : `the ${p} bucket`,
            named.storage.bucketNames[p],
        ]),
        ...(operations.replication?.buckets ?? []).map((b): [string, string] => [`the ${b.purpose} bucket's replica`, b.replicaName]),
        ["the replicas' log bucket", operations.replication?.logBucketName],
        ["the log bucket", operations.logs.logBucketName],
    ];
    const problems: Array<{ keys: string; rule: string }> = [];
    for (const [kind, entries] of [
        ["IAM role", roles],
        ["S3 bucket", buckets],
    ] as const) {
        const byName = new Map<string, string[]>();
        for (const [what, name] of entries.filter(([, n]) => n)) {
            byName.set(name!, [...(byName.get(name!) ?? []), what]);
        }
        for (const [name, whats] of byName) {
            const keys = whats.filter((w) => w.startsWith("membrane:"));
            const others = whats.filter((w) => !w.startsWith("membrane:"));
            // Two adopted buckets of one name are readBuckets' problem already.
            if (whats.length > 1 && (kind === "IAM role" || others.length > 0)) {
                problems.push({
                    keys: keys.join(" and ") || "membrane:environment",
                    rule:
                        `${keys.length > 1 ? "name" : "names"} the ${kind} "${name}"${others.length > 0 ? `, which is ${others.join(" and ")} too` : ""}: ` +
                        `two resources of the stack cannot be one ${kind}; adopt another, or leave the key empty to create it`,
                });
            }
        }
    }
    return problems;
}

/** Validates raw config into a MembraneConfig, or throws a ConfigError listing every problem. */
export function parseConfig(raw: RawConfig): MembraneConfig {
    const r = new ConfigReader(raw);
    const warnings: string[] = [];
    for (const { key, rule } of unknownKeyProblems(r.keys(), NAMESPACE, raw.declaredKeys)) {
        r.problem(key, rule);
    }
    const { region, environment, production, namePrefix, nameSuffix } = readIdentity(r, raw.stack, warnings);
    const adoption = readAdoptionConfig(
        r,
        {
            ecsTaskRole: r.string("ecsTaskRole") === "true",
            eksClusterName: r.string("eksClusterName"),
            atlas: r.string("databaseMode") === "atlas",
        },
        warnings,
    );
    if (!namePrefix && BUCKET_PURPOSES.some((p) => !adoption.buckets[p])) {
        warnings.push(
            'membrane:namePrefix is empty: the bucket names are the vendor\'s bare names (for example prod-integration-app-tmp), which S3 gives to one account in the world. Set a prefix such as "acme-".',
        );
    }
    const network = readNetwork(r);
    const cdn = readCdnConfig(r, environment, warnings);
    if (adoption.buckets.static && !adoption.cloudfrontDistributionId && cdn.customDomain) {
        // CloudFront gives an alternate name to one distribution in all of AWS; the error comes after the
        // certificate is issued, with the buckets already adopted.
        warnings.push(
            `membrane:existingStaticBucket adopts the static bucket but membrane:existingCloudfrontDistributionId is empty, so a new distribution is created for ${cdn.customDomain.domainName}. If the install's distribution still serves that name, CloudFront refuses the new one (CNAMEAlreadyExists): adopt it with membrane:existingCloudfrontDistributionId, or remove the name from it first.`,
        );
    }
    checkCloudfrontNames(r, namePrefix, environment, nameSuffix);
    const storage = readStorage(r, namePrefix, environment, nameSuffix);
    const named = withAdoptedNames(adoption, {
        storage,
        iam: readIamConfig(r, environment, nameSuffix),
        redis: readRedisConfig(r, environment, production, network.privateSubnetIds.length),
        database: readDatabaseConfig(
            r,
            { region, environment, production, nameSuffix, adoptsProject: !!adoption.atlasProjectId },
            warnings,
        ),
    });
    const appSecrets = readAppSecrets(r, warnings);
    const secrets = readSecretsConfig(r, { environment, region, production, nameSuffix }, named.iam, warnings);
    // The derived bucket names, not adopted ones: the replicas and the log bucket are this stack's own,
    // named in its namespace (which the deploy role and the boundary are scoped to) whatever it adopts.
    const namesValid = derivedNamesValid(environment, namePrefix, storage.bucketNames);
    const operations = readOperationsConfig(
        r,
        {
            region,
            environment,
            production,
            namePrefix,
            nameSuffix,
            namesValid,
            bucketNames: storage.bucketNames,
            redis: named.redis,
            databaseMode: named.database.mode,
        },
        warnings,
    );

    if (namesValid) {
        for (const { keys, rule } of sharedNameProblems(adoption, named, secrets, operations)) {
            r.problem(keys, rule);
        }
    }

    if (r.problems.length > 0) {
        throw new ConfigError(r.problems);
    }
    return {
        region,
        environment,
        production,
        namePrefix,
        network,
        cdn,
        ...named,
        appSecrets,
        secrets,
        nameSuffix,
        adoption,
        ...operations,
        warnings,
    };
}
