// The components' outputs -> Membrane's environment variables, named exactly as the services read them.
// `pulumi stack output --shell --show-secrets > .env` then hands the services what they need.
import * as pulumi from "@pulumi/pulumi";

export interface EnvironmentInputs {
    /** aws:region. */
    readonly region: string;
    readonly tmpBucket: pulumi.Input<string>;
    readonly connectorsBucket: pulumi.Input<string>;
    readonly staticBucket: pulumi.Input<string>;
    /** Where the services link static files: the CDN's custom-domain URL, or its *.cloudfront.net URL. */
    readonly baseStaticUri: pulumi.Input<string>;
    /** Redis's connection URI (secret), and whether it is a cluster-mode configuration endpoint. */
    readonly redis?: { readonly uri: pulumi.Input<string>; readonly clusterMode: boolean };
    /** The Database component's URI (secret). */
    readonly mongoUri: pulumi.Input<string>;
}

/** One Redis instance is REDIS_URI; a Redis Cluster is REDIS_CLUSTER_URI_1, … (its configuration endpoint is enough). */
export function redisVariable(clusterMode: boolean): "REDIS_URI" | "REDIS_CLUSTER_URI_1" {
    return clusterMode ? "REDIS_CLUSTER_URI_1" : "REDIS_URI";
}

/** Membrane's variables. The services use the IAM roles, so AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY never appear. */
export function membraneEnvironment(i: EnvironmentInputs): Record<string, pulumi.Input<string>> {
    return {
        STORAGE_PROVIDER: "s3",
        AWS_REGION: i.region,
        TMP_STORAGE_BUCKET: i.tmpBucket,
        CONNECTORS_STORAGE_BUCKET: i.connectorsBucket,
        STATIC_STORAGE_BUCKET: i.staticBucket,
        BASE_STATIC_URI: i.baseStaticUri,
        ...(i.redis ? { [redisVariable(i.redis.clusterMode)]: pulumi.secret(i.redis.uri) } : {}),
        // Holds the database password: secret whatever the caller passes.
        MONGO_URI: pulumi.secret(i.mongoUri),
    };
}
