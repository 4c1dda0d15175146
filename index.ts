// Membrane on AWS: stack config -> five components -> Membrane's environment variables as stack outputs.
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "./components/config";
import { readStackConfig } from "./components/config-source";
import { Cdn } from "./components/cdn";
import { membraneEnvironment } from "./components/env";
import { Iam } from "./components/iam";
import { Redis } from "./components/redis";
import { Storage } from "./components/storage";

const config = parseConfig(readStackConfig());
config.warnings.forEach((w) => pulumi.log.warn(w));

const storage = new Storage("storage", {
    environment: config.environment,
    production: config.production,
    ...config.storage,
});

const cdn = new Cdn("cdn", {
    environment: config.environment,
    namePrefix: config.namePrefix,
    staticBucketName: storage.staticBucketName,
    staticBucketArn: storage.staticBucketArn,
    staticBucketRegionalDomainName: storage.staticBucketRegionalDomainName,
    staticPublicAccessBlock: storage.staticPublicAccessBlock,
    corsAllowedOrigins: config.storage.corsAllowedOrigins,
    ...config.cdn,
});

const iam = new Iam("iam", {
    environment: config.environment,
    region: config.region,
    bucketArns: { tmp: storage.tmpBucketArn, connectors: storage.connectorsBucketArn, static: storage.staticBucketArn },
    ...config.iam,
});

const redis = new Redis("redis", {
    environment: config.environment,
    production: config.production,
    ...config.network,
    ...config.redis,
});

export = {
    ...membraneEnvironment({
        region: config.region,
        tmpBucket: storage.tmpBucketName,
        connectorsBucket: storage.connectorsBucketName,
        staticBucket: storage.staticBucketName,
        baseStaticUri: cdn.baseStaticUri,
        redis: { uri: redis.uri, clusterMode: config.redis.topology.clusterMode },
    }),
    // Not Membrane variables: what the deployment (ECS task definition, Kubernetes service account) needs.
    // camelCase, so they cannot collide with the variables; absent when the role is off.
    ...(iam.ecsTaskRoleArn && { ecsTaskRoleArn: iam.ecsTaskRoleArn }),
    ...(iam.k8sServiceAccountRoleArn && { k8sServiceAccountRoleArn: iam.k8sServiceAccountRoleArn }),
    ...(iam.k8sServiceAccountAnnotations && { k8sServiceAccountAnnotations: iam.k8sServiceAccountAnnotations }),
};
