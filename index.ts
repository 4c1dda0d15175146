// Membrane on AWS: stack config -> components -> Membrane's environment variables as stack outputs.
// Variables are UPPER_SNAKE_CASE outputs; the other outputs (camelCase) are what a deployment of the
// containers needs besides them (role ARNs, the service account's annotation, the CDN).
import * as pulumi from "@pulumi/pulumi";
import { Cdn } from "./components/cdn/cdn";
import { MembraneConfig, parseConfig } from "./components/settings";
import { readStackConfig } from "./lib/config-source";
import { Database, DatabaseArgs } from "./components/database/database";
import { containerOutputs } from "./components/outputs/container-config";
import { CredentialsStore, CredentialsStoreArgs } from "./components/secrets/credentials-store";
import { dotenvOutputValue } from "./components/outputs/dotenv";
import { membraneEnvironment, splitEnvironment } from "./components/outputs/env";
import { Iam } from "./components/iam/iam";
import { Redis, RedisArgs } from "./components/redis/redis";
import { AppSecrets } from "./components/secrets/app-secrets";
import { Storage } from "./components/storage/storage";
import { Backup } from "./components/database/backup";
import { hasReplicas, memberClusterIds } from "./components/redis/group";
import { Logs, LogsArgs } from "./components/observability/logs";
import { Monitoring, MonitoringArgs } from "./components/observability/monitoring";
import { Replication, ReplicationArgs } from "./components/storage/replication";

const config = parseConfig(readStackConfig());
config.warnings.forEach((w) => pulumi.log.warn(w));
const { environment, production, adoption } = config;

const storage = new Storage("storage", {
    environment,
    production,
    bucketNames: config.storage.bucketNames,
    tmpExpirationDays: config.storage.tmpExpirationDays,
    connectorsNoncurrentVersionDays: config.storage.connectorsNoncurrentVersionDays,
    corsAllowedOrigins: [...config.storage.corsAllowedOrigins],
    existing: adoption.buckets,
    region: config.region,
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
    nameSuffix: config.nameSuffix,
    existing: { distributionId: adoption.cloudfrontDistributionId, originAccessControlId: adoption.cloudfrontOacId },
});

const logs = new Logs("logs", logsArgs(config));

const iam = new Iam("iam", {
    environment,
    region: config.region,
    bucketArns: { tmp: storage.tmpBucketArn, connectors: storage.connectorsBucketArn, static: storage.staticBucketArn },
    ecsTaskRole: config.iam.ecsTaskRole && {
        ...config.iam.ecsTaskRole,
        adopt: adoption.ecsTaskRole && { key: "existingEcsTaskRoleName", policy: adoption.ecsTaskRole.policyName !== undefined },
    },
    eksRole: config.iam.eksRole && {
        ...config.iam.eksRole,
        adopt: adoption.k8sRole && { key: "existingK8sRoleName", policy: adoption.k8sRole.policyName !== undefined },
    },
    ec2Role: config.iam.ec2Role,
    permissionsBoundaryArn: config.iam.permissionsBoundaryArn,
});

const redis = new Redis("redis", { ...redisArgs(config), ...redisLogGroups() });

const database = new Database("database", databaseArgs(config));

const backup =
    config.backup && database.projectId && database.clusterName
        ? new Backup("backup", { projectId: database.projectId, clusterName: database.clusterName, policy: config.backup, production })
        : undefined;

const replication = config.replication && new Replication("replication", replicationArgs(config));

const monitoring = config.alarms && new Monitoring("monitoring", monitoringArgs(config));

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
        region: c.region,
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
        adopt: c.adoption.redis && {
            subnetGroup: c.adoption.redis.subnetGroupName !== undefined,
            keepExistingSettings: c.adoption.keepExistingSettings,
            allowReplacement: c.adoption.allowRedisReplacement,
        },
    };
}

/** The log bucket for the data buckets' and CloudFront's logs, and the Redis log groups, as config asks. */
function logsArgs(c: MembraneConfig): LogsArgs {
    const l = c.logs;
    const logged = { tmp: storage.tmpBucketName, connectors: storage.connectorsBucketName, static: storage.staticBucketName };
    const arns = { tmp: storage.tmpBucketArn, connectors: storage.connectorsBucketArn, static: storage.staticBucketArn };
    return {
        environment: c.environment,
        production: c.production,
        retentionDays: l.retentionDays,
        logBucketName: l.logBucketName,
        loggedBuckets: l.s3AccessLogs
            ? Object.fromEntries(Object.entries(logged).map(([k, name]) => [k, { name, arn: arns[k as keyof typeof arns] }]))
            : undefined,
        cdn: l.cdnAccessLogs ? { distributionArn: cdn.distributionArn, deliveryName: l.cdnDeliveryName } : undefined,
        redisLogGroups: l.redis,
    };
}

/** The log groups Redis delivers to, through the Logs component's resources (so they exist first). */
function redisLogGroups(): Pick<RedisArgs, "logGroups"> {
    return logs.redisSlowLogGroup ? { logGroups: { slowLog: logs.redisSlowLogGroup, engineLog: logs.redisEngineLogGroup } } : {};
}

function replicationArgs(c: MembraneConfig): ReplicationArgs {
    const r = c.replication!;
    const sources = {
        connectors: {
            sourceName: storage.connectorsBucketName,
            sourceArn: storage.connectorsBucketArn,
            sourceVersioned: storage.connectorsVersioned,
        },
        static: { sourceName: storage.staticBucketName, sourceArn: storage.staticBucketArn },
    };
    return {
        environment: c.environment,
        production: c.production,
        replicaRegion: r.replicaRegion,
        buckets: r.buckets.map((b) => ({ key: b.purpose, replicaName: b.replicaName, ...sources[b.purpose] })),
        noncurrentVersionDays: c.storage.connectorsNoncurrentVersionDays,
        replicateDeleteMarkers: r.replicateDeleteMarkers,
        roleName: r.roleName,
        policyName: r.policyName,
        permissionsBoundaryArn: c.iam.permissionsBoundaryArn,
        accessLogs: r.logBucketName ? { logBucketName: r.logBucketName, retentionDays: c.logs.retentionDays } : undefined,
    };
}

function monitoringArgs(c: MembraneConfig): MonitoringArgs {
    const a = c.alarms!;
    const { replicationGroupId, topology } = c.redis;
    return {
        environment: c.environment,
        region: c.region,
        namePrefix: a.namePrefix,
        topicName: a.topicName,
        email: a.email,
        thresholds: a.thresholds,
        redis: { replicationGroupId, memberClusterIds: memberClusterIds(replicationGroupId, topology), replicas: hasReplicas(topology) },
        cdn: { distributionId: cdn.distributionId },
        atlas: database.projectId && { projectId: database.projectId },
        keyDeletionWindowDays: c.production ? 30 : 7,
        keyAdministratorArn: c.iam.kmsKeyAdministratorArn,
    };
}

/** Atlas, or the external URI, which enters the component only as a secret. */
function databaseArgs(c: MembraneConfig): DatabaseArgs {
    if (c.database.mode === "external") {
        return { mode: "external", mongoUri: pulumi.secret(c.database.externalMongoUri) };
    }
    const { atlas } = c.database;
    const { atlasProjectId: adoptId, atlasClusterName, keepExistingSettings } = c.adoption;
    return {
        mode: "atlas",
        environment: c.environment,
        production: c.production,
        project: adoptId
            ? { adoptId, name: atlas.projectName, orgId: atlas.orgId || undefined }
            : atlas.projectId
              ? { id: atlas.projectId }
              : { name: atlas.projectName, orgId: atlas.orgId },
        adoptCluster: atlasClusterName ? { keepExistingSettings } : undefined,
        clusterName: atlas.clusterName,
        regionName: atlas.regionName,
        instanceSize: atlas.instanceSize,
        mongoVersion: atlas.mongoVersion,
        databaseName: atlas.databaseName,
        username: atlas.username,
        accessCidrs: atlas.accessCidrs,
        privateLink: atlas.privateLink
            ? {
                  vpcId: c.network.vpcId,
                  vpcCidr: c.network.vpcCidr,
                  subnetIds: [...c.network.privateSubnetIds],
                  region: c.region,
                  // Read every 30 seconds.
                  wait: { attempts: Math.max(1, atlas.privateEndpointWaitMinutes * 2), intervalSeconds: 30 },
              }
            : undefined,
    };
}

const env = membraneEnvironment({
    region: config.region,
    tmpBucket: storage.tmpBucketName,
    connectorsBucket: storage.connectorsBucketName,
    staticBucket: storage.staticBucketName,
    baseStaticUri: cdn.baseStaticUri,
    redis: { uri: redis.uri, clusterMode: redis.clusterMode },
    mongoUri: database.mongoUri,
    secret: secrets.secret,
    encryptionSecret: secrets.encryptionSecret,
});
const { plain, credentials } = splitEnvironment(env);

const store = config.secrets.store && new CredentialsStore("credentials", credentialsStoreArgs(config, config.secrets.store));

/** The store and its readers: the ECS execution role, the role External Secrets Operator reads with, the EC2 instance role. */
function credentialsStoreArgs(c: MembraneConfig, s: NonNullable<MembraneConfig["secrets"]["store"]>): CredentialsStoreArgs {
    const eks = c.iam.eksRole;
    return {
        environment: c.environment,
        production: c.production,
        region: c.region,
        secretName: s.secretName,
        recoveryWindowInDays: s.recoveryWindowInDays,
        kmsKeyArn: s.kmsKeyArn,
        credentials,
        ecsExecutionRole: s.ecsExecution,
        // The service-account role by name, from its ARN: the policy waits for the role.
        k8sReader: s.k8sReaderPolicyName
            ? { roleName: iam.k8sServiceAccountRoleArn!.apply((arn) => arn.split("/").pop()!), policyName: s.k8sReaderPolicyName }
            : undefined,
        esoPodIdentity: s.esoPodIdentity && eks && { ...s.esoPodIdentity, clusterName: iam.eksClusterName ?? eks.clusterName },
        ec2Reader: s.ec2ReaderPolicyName ? { roleName: iam.ec2InstanceRoleName!, policyName: s.ec2ReaderPolicyName } : undefined,
        permissionsBoundaryArn: c.iam.permissionsBoundaryArn,
    };
}

export = {
    ...env,
    // `pulumi stack output dotenv --show-secrets > .env`: the same bytes as `npm run dotenv` (tools/dotenv.ts).
    dotenv: pulumi.secret(pulumi.all(env).apply(dotenvOutputValue)),
    ...(store &&
        containerOutputs({
            region: config.region,
            plain,
            credentialNames: Object.keys(credentials),
            secret: { arn: store.secretArn, name: store.secretName },
            ecs: config.iam.ecsTaskRole && { executionRoleArn: store.ecsExecutionRoleArn },
            k8s: config.iam.eksRole && {
                namespace: config.iam.eksRole.namespace,
                serviceAccount: config.iam.eksRole.serviceAccount,
                irsaRoleArn: iam.k8sServiceAccountAnnotations && iam.k8sServiceAccountRoleArn,
            },
        })),
    cloudfrontDistributionId: cdn.distributionId,
    cloudfrontDistributionArn: cdn.distributionArn,
    cloudfrontDomainName: cdn.distributionDomainName,
    staticCdnUrl: cdn.staticCdnUrl,
    // Absent when their feature is off: no custom domain (the seed's static_custom_domain_url), no role.
    ...(cdn.customDomainUrl && { staticCustomDomainUrl: cdn.customDomainUrl }),
    redisEndpoint: redis.endpoint,
    redisPort: redis.port,
    redisReplicationGroupId: redis.replicationGroupId,
    // Atlas mode only: what the restore runbook passes to the atlas CLI.
    ...(database.projectId && { atlasProjectId: database.projectId }),
    ...(database.clusterName && { atlasClusterName: database.clusterName }),
    ...(iam.ecsTaskRoleArn && { ecsTaskRoleArn: iam.ecsTaskRoleArn }),
    ...(iam.k8sServiceAccountRoleArn && { k8sServiceAccountRoleArn: iam.k8sServiceAccountRoleArn }),
    ...(iam.k8sServiceAccountAnnotations && { k8sServiceAccountAnnotations: iam.k8sServiceAccountAnnotations }),
    // Docker and Compose hosts on EC2: launch them with the instance profile.
    ...(iam.ec2InstanceRoleArn && { ec2InstanceRoleArn: iam.ec2InstanceRoleArn }),
    ...(iam.ec2InstanceProfileName && { ec2InstanceProfileName: iam.ec2InstanceProfileName }),
    // Operations: where the logs, the replicas and the alarms are, for the runbook and for subscribing a pager.
    ...(logs.logBucketName && { logBucket: logs.logBucketName }),
    ...(replication && { s3ReplicaRegion: config.replication!.replicaRegion, s3ReplicaBuckets: replication.replicaBucketNames }),
    ...(monitoring && { alarmTopicArns: monitoring.topicArns }),
    ...(backup && { atlasPitWindowDays: backup.pitWindowDays }),
};
