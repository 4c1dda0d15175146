// Membrane on AWS: stack config -> components -> Membrane's environment variables as stack outputs.
// Variables are UPPER_SNAKE_CASE outputs; the other outputs (camelCase) are what a deployment of the
// containers needs besides them (role ARNs, the service account's annotation, the CDN).
import * as pulumi from "@pulumi/pulumi";
import { Cdn } from "./components/cdn";
import { MembraneConfig, parseConfig } from "./components/config";
import { readStackConfig } from "./components/config-source";
import { Database, DatabaseArgs } from "./components/database";
import { membraneEnvironment } from "./components/env";
import { Iam } from "./components/iam";
import { Redis, RedisArgs } from "./components/redis";
import { AppSecrets } from "./components/secrets";
import { Storage } from "./components/storage";

const config = parseConfig(readStackConfig());
config.warnings.forEach((w) => pulumi.log.warn(w));
const { environment, production } = config;

const storage = new Storage("storage", {
    environment,
    production,
    bucketNames: config.storage.bucketNames,
    tmpExpirationDays: config.storage.tmpExpirationDays,
    connectorsNoncurrentVersionDays: config.storage.connectorsNoncurrentVersionDays,
    corsAllowedOrigins: [...config.storage.corsAllowedOrigins],
});

const cdn = new Cdn("cdn", {
    environment,
    namePrefix: config.namePrefix,
    staticBucketName: storage.staticBucketName,
    staticBucketArn: storage.staticBucketArn,
    staticBucketRegionalDomainName: storage.staticBucketRegionalDomainName,
    staticPublicAccessBlock: storage.staticPublicAccessBlock,
    corsAllowedOrigins: [...config.storage.corsAllowedOrigins],
    customDomain: config.cdn.customDomain,
    priceClass: config.cdn.priceClass,
    minimumTlsVersion: config.cdn.minimumTlsVersion,
});

const iam = new Iam("iam", {
    environment,
    region: config.region,
    bucketArns: { tmp: storage.tmpBucketArn, connectors: storage.connectorsBucketArn, static: storage.staticBucketArn },
    ecsTaskRole: config.iam.ecsTaskRole,
    eksRole: config.iam.eksRole,
    permissionsBoundaryArn: config.iam.permissionsBoundaryArn,
});

const redis = new Redis("redis", redisArgs(config));

const database = new Database("database", databaseArgs(config));

const secrets = new AppSecrets("app-secrets", {
    production,
    existingSecret: config.appSecrets.existingSecret ? pulumi.secret(config.appSecrets.existingSecret) : undefined,
    existingEncryptionSecret: config.appSecrets.existingEncryptionSecret
        ? pulumi.secret(config.appSecrets.existingEncryptionSecret)
        : undefined,
});

function redisArgs(c: MembraneConfig): RedisArgs {
    const { network, redis: r } = c;
    return {
        environment: c.environment,
        production: c.production,
        vpcId: network.vpcId,
        vpcCidr: network.vpcCidr,
        privateSubnetIds: [...network.privateSubnetIds],
        // Each rule is named by its group's id, so adding or removing a group leaves the others' rules alone.
        allowedSecurityGroups: Object.fromEntries(r.allowedSecurityGroupIds.map((id) => [id, id])),
        replicationGroupId: r.replicationGroupId,
        subnetGroupName: r.subnetGroupName,
        securityGroupNamePrefix: r.securityGroupNamePrefix,
        engine: r.engine,
        engineVersion: r.engineVersion,
        parameterGroupName: r.parameterGroupName,
        nodeType: r.nodeType,
        topology: r.topology,
        automaticFailover: r.automaticFailover,
        multiAz: r.multiAz,
        maintenanceWindow: r.maintenanceWindow,
        snapshotRetentionLimit: r.snapshotRetentionLimit,
    };
}

/** Atlas, or the external URI, which enters the component only as a secret. */
function databaseArgs(c: MembraneConfig): DatabaseArgs {
    if (c.database.mode === "external") {
        return { mode: "external", mongoUri: pulumi.secret(c.database.externalMongoUri) };
    }
    const { atlas } = c.database;
    return {
        mode: "atlas",
        environment: c.environment,
        production: c.production,
        project: atlas.projectId ? { id: atlas.projectId } : { name: atlas.projectName, orgId: atlas.orgId },
        clusterName: atlas.clusterName,
        regionName: atlas.regionName,
        instanceSize: atlas.instanceSize,
        mongoVersion: atlas.mongoVersion,
        databaseName: atlas.databaseName,
        username: atlas.username,
        accessCidrs: atlas.accessCidrs,
        privateLink: atlas.privateLink
            ? { vpcId: c.network.vpcId, vpcCidr: c.network.vpcCidr, subnetIds: [...c.network.privateSubnetIds] }
            : undefined,
    };
}

export = {
    ...membraneEnvironment({
        region: config.region,
        tmpBucket: storage.tmpBucketName,
        connectorsBucket: storage.connectorsBucketName,
        staticBucket: storage.staticBucketName,
        baseStaticUri: cdn.baseStaticUri,
        redis: { uri: redis.uri, clusterMode: redis.clusterMode },
        mongoUri: database.mongoUri,
        secret: secrets.secret,
        encryptionSecret: secrets.encryptionSecret,
    }),
    cloudfrontDistributionId: cdn.distributionId,
    cloudfrontDistributionArn: cdn.distributionArn,
    cloudfrontDomainName: cdn.distributionDomainName,
    staticCdnUrl: cdn.staticCdnUrl,
    // Absent when their feature is off: no custom domain (the seed's static_custom_domain_url), no role.
    ...(cdn.customDomainUrl && { staticCustomDomainUrl: cdn.customDomainUrl }),
    redisEndpoint: redis.endpoint,
    ...(iam.ecsTaskRoleArn && { ecsTaskRoleArn: iam.ecsTaskRoleArn }),
    ...(iam.k8sServiceAccountRoleArn && { k8sServiceAccountRoleArn: iam.k8sServiceAccountRoleArn }),
    ...(iam.k8sServiceAccountAnnotations && { k8sServiceAccountAnnotations: iam.k8sServiceAccountAnnotations }),
};
