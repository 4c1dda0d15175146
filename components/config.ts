// Raw stack config -> one typed, validated MembraneConfig. Every rule names its key; all problems are
// reported together, before the program registers anything. Mocks accept any value, AWS does not: the
// limits AWS enforces are checked here, each with its source.
import { CdnConfig, readCdnConfig } from "./config-cdn";
import { ConfigError, ConfigReader, duplicates, NAMESPACE, RawConfig } from "./config-reader";
import { IamConfig, readIamConfig } from "./config-iam";
import { readRedisConfig, RedisConfig } from "./config-redis";
import { DatabaseConfig, readDatabaseConfig } from "./config-database";
import { readSecretsConfig, SecretsConfig } from "./config-secrets";
import { parseIpv4Cidr } from "./cidr";
import { unknownKeyProblems } from "./config-keys";
import { OperationsConfig, readOperationsConfig } from "./config-operations";
import { BUCKET_PURPOSES, BucketPurpose, bucketName, bucketNameProblems } from "./naming";

export { ConfigError } from "./config-reader";
export type { RawConfig } from "./config-reader";

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

/** The operations fields (replication, backup, logs, alarms) are OperationsConfig's, in config-operations.ts. */
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
    /** The Secrets Manager secret ECS and Kubernetes read the credentials from, and its readers. */
    readonly secrets: SecretsConfig;
    /** Not errors, but worth saying before a deploy (printed by the program and by `npm start`). */
    readonly warnings: readonly string[];
}

// Commercial, GovCloud, China, ISO and EU sovereign partitions: us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1.
const REGION = /^[a-z]{2,4}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
// Resource ids are the prefix and 8 or 17 hex digits.
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const ENVIRONMENT = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const NAME_PREFIX = /^[a-z0-9][a-z0-9-]*$/;

// "*" or one exact origin: S3 CORS would take a partial wildcard (https://*.example.com), but the
// CDN's response-headers policy uses the same list and CloudFront documents only exact origins or "*".
const CORS_ORIGIN = /^(\*|https?:\/\/[a-z0-9.-]+(:\d{1,5})?)$/i;

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
        r.problem("privateSubnetIds", `lists "${id}" more than once`);
    }
    return { vpcId, vpcCidr, privateSubnetIds };
}

function readStorage(r: ConfigReader, namePrefix: string, environment: string): StorageConfig {
    const bucketNames = Object.fromEntries(BUCKET_PURPOSES.map((p) => [p, bucketName(namePrefix, environment, p)])) as Record<
        BucketPurpose,
        string
    >;
    if (environment && ENVIRONMENT.test(environment)) {
        for (const name of Object.values(bucketNames)) {
            for (const rule of bucketNameProblems(name)) {
                const key = namePrefix ? "membrane:namePrefix and membrane:environment" : "environment";
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
        if (!CORS_ORIGIN.test(origin)) {
            r.problem("corsAllowedOrigins", `"${origin}" is not an origin: "*" or scheme://host[:port], without wildcards in the host`);
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

function readAppSecrets(r: ConfigReader): AppSecretsConfig {
    const read = (key: string) => {
        const v = r.secret(key);
        // Membrane requires at least 32 characters; the value itself is never repeated in a message.
        if (v !== "" && v.length < 32) {
            r.problem(key, `must be at least 32 characters long (got ${v.length})`);
        }
        return v;
    };
    return { existingSecret: read("existingSecret"), existingEncryptionSecret: read("existingEncryptionSecret") };
}

/** Validates raw config into a MembraneConfig, or throws a ConfigError listing every problem. */
export function parseConfig(raw: RawConfig): MembraneConfig {
    const r = new ConfigReader(raw);
    const warnings: string[] = [];
    for (const { key, rule } of unknownKeyProblems(r.keys(), NAMESPACE, raw.declaredKeys)) {
        r.problem(key, rule);
    }

    const region = r.string("aws:region");
    if (!region) {
        r.problem("aws:region", "is required and has no value: pulumi config set aws:region <region> (for example us-east-1)");
    } else if (!REGION.test(region)) {
        r.problem("aws:region", `must be an AWS region code such as us-east-1 (got "${region}")`);
    }
    const environment = r.string("environment", { required: true });
    if (environment && !ENVIRONMENT.test(environment)) {
        r.problem(
            "environment",
            `must be lowercase letters, digits and hyphens, start with a letter and end with a letter or digit: it is part of S3 bucket and AWS resource names (got "${environment}")`,
        );
    }
    if (environment && raw.stack && environment !== raw.stack) {
        warnings.push(
            `membrane:environment is "${environment}" but the stack is "${raw.stack}": resource names come from the environment, so two stacks with one environment collide on deploy (a copied Pulumi.${environment}.yaml?). Set membrane:environment: ${raw.stack} unless this is intended.`,
        );
    }
    const production = r.boolean("production");
    const namePrefix = r.string("namePrefix");
    if (namePrefix && !NAME_PREFIX.test(namePrefix)) {
        r.problem("namePrefix", `must be lowercase letters, digits and hyphens, starting with a letter or digit (got "${namePrefix}")`);
    }
    if (!namePrefix) {
        warnings.push(
            'membrane:namePrefix is empty: the bucket names are the vendor\'s bare names (for example prod-integration-app-tmp), which S3 gives to one account in the world. Set a prefix such as "acme-".',
        );
    }
    const network = readNetwork(r);
    const storage = readStorage(r, namePrefix, environment);
    const cdn = readCdnConfig(r, environment, warnings);
    const iam = readIamConfig(r, environment);
    const redis = readRedisConfig(r, environment, production, network.privateSubnetIds.length);
    const database = readDatabaseConfig(r, { region, environment, production }, warnings);
    const appSecrets = readAppSecrets(r);
    const secrets = readSecretsConfig(r, { environment, region, production }, iam, warnings);
    const namesValid = derivedNamesValid(environment, namePrefix, storage.bucketNames);
    const { bucketNames } = storage;
    const operations = readOperationsConfig(
        r,
        {
            region: REGION.test(region) ? region : "",
            environment,
            production,
            namePrefix,
            namesValid,
            bucketNames,
            redis,
            databaseMode: database.mode,
        },
        warnings,
    );

    if (r.problems.length > 0) {
        throw new ConfigError(r.problems);
    }
    return {
        region,
        environment,
        production,
        namePrefix,
        network,
        storage,
        cdn,
        iam,
        redis,
        database,
        appSecrets,
        secrets,
        ...operations,
        warnings,
    };
}
