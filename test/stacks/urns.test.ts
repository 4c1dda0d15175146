// A changed URN makes `pulumi up` delete the resource and create a new one: for a bucket, a database
// or ENCRYPTION_SECRET that is data lost. This list is deliberately written out: a rename or a
// refactor that moves a stateful resource must change it here, on purpose, and add an alias.
import { expect } from "chai";
import { fixtureStack } from "../harness";

const STATEFUL_TYPES = [
    "aws:s3/bucket:Bucket",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "mongodbatlas:index/project:Project",
    "mongodbatlas:index/advancedCluster:AdvancedCluster",
    "mongodbatlas:index/databaseUser:DatabaseUser",
    "random:index/randomPassword:RandomPassword",
    // One per cluster: a changed URN would create the new one, then delete the old, wiping the new policy.
    "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule",
    // Deleting it frees its name only after the recovery window: a new URN would fail to create it until then.
    "aws:secretsmanager/secret:Secret",
];

const STATEFUL_URNS = (stack: string) =>
    [
        "membrane:storage:Storage$aws:s3/bucket:Bucket::storage-tmp",
        "membrane:storage:Storage$aws:s3/bucket:Bucket::storage-connectors",
        "membrane:storage:Storage$aws:s3/bucket:Bucket::storage-static",
        "membrane:logging:Logs$aws:s3/bucket:Bucket::logs-bucket",
        "membrane:storage:Replication$aws:s3/bucket:Bucket::replication-connectors-replica",
        "membrane:storage:Replication$aws:s3/bucket:Bucket::replication-logs",
        "membrane:database:Backup$mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule::backup-schedule",
        "membrane:redis:Redis$aws:elasticache/replicationGroup:ReplicationGroup::redis-cache",
        "membrane:redis:Redis$random:index/randomPassword:RandomPassword::redis-auth-token",
        "membrane:database:Database$mongodbatlas:index/project:Project::database-project",
        "membrane:database:Database$mongodbatlas:index/advancedCluster:AdvancedCluster::database-cluster",
        "membrane:database:Database$mongodbatlas:index/databaseUser:DatabaseUser::database-user",
        "membrane:database:Database$random:index/randomPassword:RandomPassword::database-user-password",
        "membrane:secrets:AppSecrets$random:index/randomPassword:RandomPassword::app-secrets-secret",
        "membrane:secrets:AppSecrets$random:index/randomPassword:RandomPassword::app-secrets-encryption-secret",
        "membrane:secrets:CredentialsStore$aws:secretsmanager/secret:Secret::credentials-secret",
    ]
        .map((tail) => `urn:pulumi:${stack}::membrane::${tail}`)
        .sort();

describe("URNs of stateful resources", () => {
    // legacy adopts its stateful resources: adoption keeps the logical names, so the URNs are the same.
    for (const stack of ["prod", "staging", "legacy"]) {
        it(`${stack}: unchanged`, async () => {
            const ev = await fixtureStack(stack);
            const urns = ev.resources
                .filter((r) => STATEFUL_TYPES.includes(r.type))
                .map((r) => r.urn)
                .sort();
            expect(urns).to.deep.equal(STATEFUL_URNS(stack));
        });
    }
});
