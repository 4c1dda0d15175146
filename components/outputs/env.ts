// The components' outputs -> Membrane's environment variables, named exactly as the services read them.
// Stack outputs in UPPER_SNAKE_CASE are variables; every other output is camelCase, so a tool that
// writes .env (tools/dotenv.ts) keeps exactly the variables.
import * as pulumi from "@pulumi/pulumi";

export interface EnvironmentInputs {
    /** aws:region. */
    readonly region: string;
    readonly tmpBucket: pulumi.Input<string>;
    readonly connectorsBucket: pulumi.Input<string>;
    readonly staticBucket: pulumi.Input<string>;
    /** Where end users fetch static files: the custom domain's URL, or the CloudFront URL. */
    readonly baseStaticUri: pulumi.Input<string>;
    /** `rediss://…` of the replication group, and whether it is a cluster (REDIS_CLUSTER_URI_1) or not (REDIS_URI). */
    readonly redis: { readonly uri: pulumi.Input<string>; readonly clusterMode: boolean };
    readonly mongoUri: pulumi.Input<string>;
    readonly secret: pulumi.Input<string>;
    readonly encryptionSecret: pulumi.Input<string>;
}

/**
 * The buckets under both spellings Membrane's images are given: `*_STORAGE_BUCKET` in the vendor's guide,
 * `*_S3_BUCKET` in the vendor's own ECS Terraform and Helm values, which also pass the tmp bucket as
 * `COPILOT_S3_BUCKET`. The same values under every name, so a service reads its buckets whichever it reads.
 */
export const BUCKET_VARIABLES = {
    tmp: ["TMP_STORAGE_BUCKET", "TMP_S3_BUCKET", "COPILOT_S3_BUCKET"],
    connectors: ["CONNECTORS_STORAGE_BUCKET", "CONNECTORS_S3_BUCKET"],
    static: ["STATIC_STORAGE_BUCKET", "STATIC_S3_BUCKET"],
} as const;

/** What every Membrane service needs; each entry lists the names that satisfy it. */
export const REQUIRED_VARIABLES: ReadonlyArray<readonly string[]> = [
    ["STORAGE_PROVIDER"],
    ["AWS_REGION"],
    ["TMP_STORAGE_BUCKET"],
    ["CONNECTORS_STORAGE_BUCKET"],
    ["STATIC_STORAGE_BUCKET"],
    ["TMP_S3_BUCKET"],
    ["CONNECTORS_S3_BUCKET"],
    ["STATIC_S3_BUCKET"],
    ["COPILOT_S3_BUCKET"],
    ["BASE_STATIC_URI"],
    ["REDIS_URI", "REDIS_CLUSTER_URI_1"],
    ["MONGO_URI"],
    ["SECRET"],
    ["ENCRYPTION_SECRET"],
];

/** The variables that hold credentials; always exported as secrets. */
export const SECRET_VARIABLES = ["REDIS_URI", "REDIS_CLUSTER_URI_1", "MONGO_URI", "SECRET", "ENCRYPTION_SECRET"] as const;

/** True for the names of Membrane's variables (UPPER_SNAKE_CASE), false for the program's other outputs. */
export function isVariableName(name: string): boolean {
    return /^[A-Z][A-Z0-9_]*$/.test(name);
}

/**
 * Membrane's variables. The services use the IAM roles, so AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
 * never appear; a Redis cluster is given as REDIS_CLUSTER_URI_1 (its configuration endpoint, from which
 * cluster clients discover every node) instead of REDIS_URI.
 */
export function membraneEnvironment(i: EnvironmentInputs): Record<string, pulumi.Input<string>> {
    const redisVariable = i.redis.clusterMode ? "REDIS_CLUSTER_URI_1" : "REDIS_URI";
    const env: Record<string, pulumi.Input<string>> = {
        STORAGE_PROVIDER: "s3",
        AWS_REGION: i.region,
        ...Object.fromEntries(BUCKET_VARIABLES.tmp.map((n) => [n, i.tmpBucket])),
        ...Object.fromEntries(BUCKET_VARIABLES.connectors.map((n) => [n, i.connectorsBucket])),
        ...Object.fromEntries(BUCKET_VARIABLES.static.map((n) => [n, i.staticBucket])),
        BASE_STATIC_URI: i.baseStaticUri,
        [redisVariable]: i.redis.uri,
        MONGO_URI: i.mongoUri,
        SECRET: i.secret,
        ENCRYPTION_SECRET: i.encryptionSecret,
    };
    for (const name of SECRET_VARIABLES.filter((n) => n in env)) {
        env[name] = pulumi.secret(env[name]);
    }
    return env;
}

/** The credential variables of an environment (the secret ones it holds) and the rest, each by name. */
export function splitEnvironment<T>(env: Readonly<Record<string, T>>): { plain: Record<string, T>; credentials: Record<string, T> } {
    const isCredential = (name: string) => (SECRET_VARIABLES as readonly string[]).includes(name);
    const pick = (keep: (name: string) => boolean) => Object.fromEntries(Object.entries(env).filter(([name]) => keep(name)));
    return { plain: pick((n) => !isCredential(n)), credentials: pick(isCredential) };
}
