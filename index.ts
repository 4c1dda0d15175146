// Membrane on AWS: stack config -> components -> Membrane's environment variables as stack outputs.
// Variables are UPPER_SNAKE_CASE outputs; the other outputs (camelCase) are what a deployment of the
// containers needs besides them (role ARNs, the service account's annotation, the CDN).
import * as pulumi from "@pulumi/pulumi";
import { Cdn } from "./components/cdn";
import { parseConfig } from "./components/config";
import { readStackConfig } from "./components/config-source";
import { Database, databaseArgs } from "./components/database";
import { membraneEnvironment } from "./components/env";
import { Iam } from "./components/iam";
import { Redis } from "./components/redis";
import { AppSecrets } from "./components/secrets";
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

const database = new Database("database", databaseArgs(config));

const secrets = new AppSecrets("app-secrets", {
    production: config.production,
    existingSecret: config.appSecrets.existingSecret ? pulumi.secret(config.appSecrets.existingSecret) : undefined,
    existingEncryptionSecret: config.appSecrets.existingEncryptionSecret
        ? pulumi.secret(config.appSecrets.existingEncryptionSecret)
        : undefined,
});

export = {
    ...membraneEnvironment({
        region: config.region,
        tmpBucket: storage.tmpBucketName,
        connectorsBucket: storage.connectorsBucketName,
        staticBucket: storage.staticBucketName,
        baseStaticUri: cdn.baseStaticUri,
        redis: { uri: redis.uri, clusterMode: config.redis.topology.clusterMode },
        mongoUri: database.mongoUri,
        secret: secrets.secret,
        encryptionSecret: secrets.encryptionSecret,
    }),
    cloudfrontDistributionId: cdn.distributionId,
    cloudfrontDistributionArn: cdn.distributionArn,
    cloudfrontDomainName: cdn.distributionDomainName,
    staticCdnUrl: cdn.staticCdnUrl,
    // The seed's static_custom_domain_url; absent without a custom domain.
    ...(config.cdn.customDomain && { staticCustomDomainUrl: cdn.customDomainUrl }),
    redisEndpoint: redis.endpoint,
    // Absent when their role is off.
    ...(iam.ecsTaskRoleArn && { ecsTaskRoleArn: iam.ecsTaskRoleArn }),
    ...(iam.k8sServiceAccountRoleArn && { k8sServiceAccountRoleArn: iam.k8sServiceAccountRoleArn }),
    ...(iam.k8sServiceAccountAnnotations && { k8sServiceAccountAnnotations: iam.k8sServiceAccountAnnotations }),
};
