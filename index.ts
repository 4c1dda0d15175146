// Membrane on AWS: stack config -> components -> Membrane's environment variables as stack outputs.
// Variables are UPPER_SNAKE_CASE outputs; the other outputs (camelCase) are what a deployment of the
// containers needs besides them (role ARNs, the service account's annotation, the CDN).
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./lib/config-source";
import { Cdn } from "./components/cdn/cdn";
import { Backup } from "./components/database/backup";
import { Database } from "./components/database/database";
import { Iam } from "./components/iam/iam";
import { Logs } from "./components/observability/logs";
import { Monitoring } from "./components/observability/monitoring";
import { containerOutputs } from "./components/outputs/container-config";
import { dotenvOutputValue } from "./components/outputs/dotenv";
import { membraneEnvironment, splitEnvironment } from "./components/outputs/env";
import { Redis } from "./components/redis/redis";
import { AppSecrets } from "./components/secrets/app-secrets";
import { CredentialsStore } from "./components/secrets/credentials-store";
import { readSettings } from "./components/settings";
import { Replication } from "./components/storage/replication";
import { Storage } from "./components/storage/storage";

const settings = readSettings(readStackConfig());
settings.warnings.forEach((w) => pulumi.log.warn(w));

const storage = new Storage("storage", settings.storage);
const cdn = new Cdn("cdn", { ...settings.cdn, origin: storage.static });
const logs = new Logs("logs", { ...settings.logs, buckets: storage.buckets, distributionArn: cdn.distributionArn });
const iam = new Iam("iam", { ...settings.iam, buckets: storage.buckets });
const redis = new Redis("redis", { ...settings.redis, logGroups: logs.redisLogGroups });
const database = new Database("database", settings.database);
const backup = settings.backup && database.atlas && new Backup("backup", { ...settings.backup, ...database.atlas });
const replication = settings.replication && new Replication("replication", { ...settings.replication, buckets: storage.buckets });
const monitoring =
    settings.monitoring &&
    new Monitoring("monitoring", {
        ...settings.monitoring,
        redis: redis.members,
        cdn: { distributionId: cdn.distributionId },
        atlas: database.atlas,
    });
const secrets = new AppSecrets("app-secrets", settings.appSecrets);

const env = membraneEnvironment({
    region: settings.region,
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
const store = settings.credentialsStore && new CredentialsStore("credentials", { ...settings.credentialsStore, credentials, iam });

export = {
    ...env,
    // `pulumi stack output dotenv --show-secrets > .env`: the same bytes as `npm run dotenv` (tools/dotenv.ts).
    dotenv: pulumi.secret(pulumi.all(env).apply(dotenvOutputValue)),
    ...(store && containerOutputs({ region: settings.region, plain, credentialNames: Object.keys(credentials), store, iam })),
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
    ...(database.atlas && { atlasProjectId: database.atlas.projectId, atlasClusterName: database.atlas.clusterName }),
    ...(iam.ecsTaskRoleArn && { ecsTaskRoleArn: iam.ecsTaskRoleArn }),
    ...(iam.k8sServiceAccountRoleArn && { k8sServiceAccountRoleArn: iam.k8sServiceAccountRoleArn }),
    ...(iam.k8sServiceAccountAnnotations && { k8sServiceAccountAnnotations: iam.k8sServiceAccountAnnotations }),
    // Docker and Compose hosts on EC2: launch them with the instance profile.
    ...(iam.ec2InstanceRoleArn && { ec2InstanceRoleArn: iam.ec2InstanceRoleArn }),
    ...(iam.ec2InstanceProfileName && { ec2InstanceProfileName: iam.ec2InstanceProfileName }),
    // Operations: where the logs, the replicas and the alarms are, for the runbook and for subscribing a pager.
    ...(logs.logBucketName && { logBucket: logs.logBucketName }),
    ...(replication && { s3ReplicaRegion: replication.replicaRegion, s3ReplicaBuckets: replication.replicaBucketNames }),
    ...(monitoring && { alarmTopicArns: monitoring.topicArns }),
    ...(backup && { atlasPitWindowDays: backup.pitWindowDays }),
};
