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

/** What every Membrane service needs; each entry lists the names that satisfy it. */
export const REQUIRED_VARIABLES: ReadonlyArray<readonly string[]> = [
    ["STORAGE_PROVIDER"],
    ["AWS_REGION"],
    ["TMP_STORAGE_BUCKET"],
    ["CONNECTORS_STORAGE_BUCKET"],
    ["STATIC_STORAGE_BUCKET"],
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
        TMP_STORAGE_BUCKET: i.tmpBucket,
        CONNECTORS_STORAGE_BUCKET: i.connectorsBucket,
        STATIC_STORAGE_BUCKET: i.staticBucket,
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
