// Adopting an existing install: the reviews that keep, change in place or refuse (pure), and the legacy
// fixture stack (the vendor's ECS and Atlas Terraform, described by legacy.cloud.yaml) adopted through the
// offline engine: each stateful resource imported with the id its provider expects, under the component
// that owns it, protected; a replacing adoption refused before the resource is registered.
import { expect } from "chai";
import * as path from "path";
import { IMPORT_IDS, refusalMessage, settle } from "../../components/adoption";
import { reviewDistribution } from "../../components/cdn/adoption";
import { reviewRole } from "../../components/iam/adoption";
import { reviewBucket } from "../../components/storage/adoption";
import { reviewAtlasCluster, reviewAtlasProject } from "../../components/database/adoption";
import { ExistingReplicationGroup, reviewReplicationGroup, WantedRedis } from "../../components/redis/adoption";
import { loadCloudFixture } from "../../tools/cloud-file";
import { Evaluation, ProgramError, RegisteredResource } from "../../tools/engine";
import { estimateDuration } from "../../tools/estimate";
import type { CloudFixture } from "../../tools/mock-cloud";
import { evaluate, FIXTURES, fixtureStack, one, programError } from "../harness";

const LEGACY: CloudFixture = loadCloudFixture(path.join(FIXTURES, "legacy.cloud.yaml"));
const onlyStack = (err: ProgramError) => err.registered.filter((urn) => !urn.includes("pulumi:pulumi:Stack"));

describe("import ids, as each provider expects them", () => {
    const cases: Array<[string, string]> = [
        [IMPORT_IDS.bucket("legacy-integration-app-tmp"), "legacy-integration-app-tmp"],
        [IMPORT_IDS.replicationGroup("legacy-redis-new"), "legacy-redis-new"],
        [IMPORT_IDS.cacheSubnetGroup("legacy-redis-subnet-group"), "legacy-redis-subnet-group"],
        [IMPORT_IDS.role("legacy-ecs-task-role"), "legacy-ecs-task-role"],
        [IMPORT_IDS.rolePolicy("legacy-ecs-task-role", "legacy-ecs-task-policy"), "legacy-ecs-task-role:legacy-ecs-task-policy"],
        [IMPORT_IDS.atlasProject("65f1a2b3c4d5e6f708192a3b"), "65f1a2b3c4d5e6f708192a3b"],
        [
            IMPORT_IDS.atlasCluster("65f1a2b3c4d5e6f708192a3b", "integration-app-cluster"),
            "65f1a2b3c4d5e6f708192a3b-integration-app-cluster",
        ],
        [IMPORT_IDS.distribution("E2QWRUHEXAMPLE"), "E2QWRUHEXAMPLE"],
        [IMPORT_IDS.originAccessControl("E1OACEXAMPLE12"), "E1OACEXAMPLE12"],
    ];
    for (const [id, expected] of cases) {
        it(expected, () => expect(id).to.equal(expected));
    }
});

/** The vendor's aws/ecs replication group, as the two look-ups show it. */
const VENDOR_GROUP: ExistingReplicationGroup = {
    replicationGroupId: "legacy-redis-new",
    description: "Redis (cluster mode enabled) for Integration.app",
    clusterMode: "enabled",
    nodeType: "cache.t3.micro",
    numNodeGroups: 2,
    replicasPerNodeGroup: 1,
    port: 6380,
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    authTokenEnabled: false,
    snapshotRetentionLimit: 7,
    engine: "redis",
    engineVersion: "7.1.0",
    parameterGroupName: "default.redis7.cluster.on",
    subnetGroupName: "legacy-redis-subnet-group",
    maintenanceWindow: "sun:02:00-sun:03:00",
    securityGroupIds: ["sg-0a0b0c0d0e0f01234"],
};

const STACK_REDIS: WantedRedis = {
    port: 6379,
    engine: "redis",
    engineVersion: "7.1",
    parameterGroupName: "default.redis7.cluster.on",
    nodeType: "cache.t3.medium",
    topology: { clusterMode: true, numNodeGroups: 3, replicasPerNodeGroup: 1 },
    description: "Membrane Redis cluster",
    subnetGroupName: "legacy-redis-subnet-group",
    automaticFailover: true,
    multiAz: true,
    maintenanceWindow: "sun:05:00-sun:06:00",
    snapshotRetentionLimit: 0,
    securityGroupNamePrefix: "legacy-membrane-redis-",
    adoptsSubnetGroup: true,
    production: true,
};

describe("reviewing a replication group", () => {
    it("keeps the port always, and the node type, version and shards with adoptKeepExistingSettings", () => {
        const { review, settings } = reviewReplicationGroup(VENDOR_GROUP, STACK_REDIS, true);
        expect(settings).to.deep.equal({
            port: 6380,
            engine: "redis",
            engineVersion: "7.1",
            parameterGroupName: "default.redis7.cluster.on",
            nodeType: "cache.t3.micro",
            topology: { clusterMode: true, numNodeGroups: 2, replicasPerNodeGroup: 1 },
        });
        expect(review.kept.map((d) => d.setting)).to.deep.equal(["port", "node type", "topology"]);
        expect(review.inPlace.map((d) => d.setting)).to.deep.equal(["description", "maintenance window", "snapshot retention (days)"]);
        expect(review.refusals).to.deep.equal([]);
        // The alarms per node and the log deliveries are made from the keys, so the keys should say what is kept.
        expect(review.notes.some((n) => n.includes("the alarms per node and the log deliveries"))).to.equal(true);
    });

    it("without it, applies the stack's size in place, and still keeps the port", () => {
        const { review, settings } = reviewReplicationGroup(VENDOR_GROUP, STACK_REDIS, false);
        expect(settings).to.deep.include({ port: 6380, nodeType: "cache.t3.medium", topology: STACK_REDIS.topology });
        expect(review.inPlace).to.deep.include({ setting: "node type", existing: "cache.t3.micro", stack: "cache.t3.medium" });
        expect(review.inPlace).to.deep.include({ setting: "topology", existing: "2 shards of 2 nodes", stack: "3 shards of 2 nodes" });
        expect(review.notes.some((n) => n.includes("the alarms per node"))).to.equal(false);
    });

    it("refuses another subnet group, naming membrane:existingRedisSubnetGroupName and the group's own", () => {
        const { review } = reviewReplicationGroup(VENDOR_GROUP, { ...STACK_REDIS, subnetGroupName: "legacy-membrane-redis" }, true);
        expect(refusalMessage(review)).to.equal(
            "refusing to adopt replication group legacy-redis-new:\n" +
                "  - subnet group is legacy-redis-subnet-group, the stack says legacy-membrane-redis: Pulumi would replace it, and lose what it holds. " +
                "Set membrane:existingRedisSubnetGroupName: legacy-redis-subnet-group: a replication group cannot change its subnet group.",
        );
        // Redis's data is a cache and a queue: the stack may allow the replacement, and is told what it does.
        expect(settle(review, true)).to.include(
            "adopting replication group legacy-redis-new replaces it (subnet group): it is deleted, then created again; allowed by the stack.",
        );
    });

    it("refuses a valkey group the stack would make redis again, and a downgrade, unless the existing settings are kept", () => {
        const valkey = { ...VENDOR_GROUP, engine: "valkey", engineVersion: "8.0.1" };
        const refused = reviewReplicationGroup(valkey, STACK_REDIS, false).review.refusals.map((r) => r.setting);
        expect(refused).to.deep.equal(["engine"]);
        const older = reviewReplicationGroup({ ...VENDOR_GROUP, engineVersion: "7.1.0" }, { ...STACK_REDIS, engineVersion: "7.0" }, false);
        expect(older.review.refusals.map((r) => [r.setting, r.replaces])).to.deep.equal([["engine version", true]]);
        expect(reviewReplicationGroup(valkey, STACK_REDIS, true).review.refusals).to.deep.equal([]);
    });

    it("refuses a cluster-mode group on a stack without cluster mode: not even allowing replacement lifts it", () => {
        const { review } = reviewReplicationGroup(
            VENDOR_GROUP,
            { ...STACK_REDIS, topology: { clusterMode: false, numCacheClusters: 2 } },
            true,
        );
        expect(refusalMessage(review, true)).to.include("Set membrane:redisClusterMode: true");
    });

    it("in production, refuses to keep a topology without replicas, and adds them in place when told to", () => {
        const single = { ...VENDOR_GROUP, clusterMode: "disabled", numCacheClusters: 1, parameterGroupName: "default.redis7" };
        const stack: WantedRedis = {
            ...STACK_REDIS,
            topology: { clusterMode: false, numCacheClusters: 2 },
            parameterGroupName: "default.redis7",
        };
        expect(refusalMessage(reviewReplicationGroup(single, stack, true).review)).to.include(
            "Production keeps a replica of every shard: set membrane:adoptKeepExistingSettings: false",
        );
        const changed = reviewReplicationGroup(single, stack, false);
        expect(changed.review.refusals).to.deep.equal([]);
        expect(changed.review.inPlace).to.deep.include({ setting: "topology", existing: "1 node", stack: "2 nodes" });
        expect(reviewReplicationGroup(single, { ...stack, production: false }, true).review.refusals).to.deep.equal([]);
    });

    it("says what happens to the AUTH token and the security groups", () => {
        const notes = reviewReplicationGroup(VENDOR_GROUP, STACK_REDIS, true).review.notes;
        expect(notes[0]).to.match(
            /^it gets an AUTH token with the ROTATE strategy: ElastiCache then accepts connections with the token and without it/,
        );
        expect(notes[1]).to.include(
            "its security groups sg-0a0b0c0d0e0f01234 are replaced by this program's legacy-membrane-redis-… group (port 6380",
        );
    });
});

describe("reviewing Atlas, buckets, the CDN and roles", () => {
    const cluster = (over: Record<string, unknown> = {}) => ({
        name: "integration-app-cluster",
        clusterType: "REPLICASET",
        mongoDbMajorVersion: "7.0",
        backupEnabled: false,
        pitEnabled: false,
        terminationProtectionEnabled: false,
        replicationSpecs: [
            { regionConfigs: [{ providerName: "AWS", regionName: "EU_CENTRAL_1", electableSpecs: { instanceSize: "M20", nodeCount: 3 } }] },
        ],
        ...over,
    });
    const wanted = {
        regionName: "EU_CENTRAL_1",
        instanceSize: "M10",
        mongoVersion: "8.0",
        terminationProtection: true,
        databaseName: "membrane",
        username: "membrane-app",
    };

    it("an Atlas cluster keeps its tier and version; backups, point-in-time recovery and termination protection change in place", () => {
        const { review, settings } = reviewAtlasCluster(cluster(), wanted, true);
        expect(settings).to.deep.equal({ instanceSize: "M20", mongoVersion: "7.0" });
        expect(review.inPlace.map((d) => d.setting)).to.deep.equal(["cloud backups", "point-in-time recovery", "termination protection"]);
        expect(review.notes[0]).to.include("MONGO_URI names the database membrane:mongoDatabase (membrane)");
    });

    it("an Atlas cluster the program cannot describe is refused: sharded, multi-region, on another cloud or region", () => {
        const refused = (over: Record<string, unknown>) =>
            reviewAtlasCluster(cluster(over), wanted, true).review.refusals.map((r) => r.setting);
        expect(refused({ clusterType: "SHARDED" })).to.deep.equal(["cluster type"]);
        expect(refused({ replicationSpecs: [{ regionConfigs: [{ providerName: "AZURE", regionName: "CENTRAL_US" }] }] })).to.deep.equal([
            "cloud and region",
        ]);
        expect(
            refused({
                replicationSpecs: [
                    {
                        regionConfigs: [
                            { providerName: "AWS", regionName: "EU_CENTRAL_1" },
                            { providerName: "AWS", regionName: "EU_WEST_1" },
                        ],
                    },
                ],
            }),
        ).to.deep.equal(["regions"]);
    });

    it("an Atlas cluster is never downgraded, nor upgraded two major versions at once", () => {
        expect(
            reviewAtlasCluster(cluster({ mongoDbMajorVersion: "8.0" }), { ...wanted, mongoVersion: "7.0" }, false).review.refusals[0].fix,
        ).to.include("Atlas cannot downgrade");
        expect(reviewAtlasCluster(cluster({ mongoDbMajorVersion: "6.0" }), wanted, false).review.refusals[0].fix).to.include(
            'set membrane:mongoVersion: "7.0" first',
        );
    });

    it("an Atlas project keeps its name, and is refused in another organization", () => {
        const review = reviewAtlasProject(
            { id: "p1", name: "integration-app", orgId: "org-a" },
            { name: "membrane-legacy", orgId: "org-b" },
        );
        expect(review.kept).to.deep.equal([{ setting: "name", existing: "integration-app", stack: "membrane-legacy" }]);
        expect(refusalMessage(review)).to.include("Set membrane:atlasOrgId to org-a, or leave it empty");
    });

    it("a bucket in another region is refused: S3 cannot move it", () => {
        const review = reviewBucket(
            { bucket: "b", bucketRegion: "eu-west-1" },
            { region: "us-east-1", key: "existingTmpBucket", purpose: "tmp" },
        );
        expect(refusalMessage(review)).to.include(
            "S3 cannot move a bucket: adopt it from a stack whose aws:region is eu-west-1, or clear membrane:existingTmpBucket.",
        );
        expect(
            reviewBucket({ bucket: "b", bucketRegion: "us-east-1" }, { region: "us-east-1", key: "existingTmpBucket", purpose: "tmp" })
                .refusals,
        ).to.deep.equal([]);
    });

    it("a distribution's name moves with the stack's, and the warning names membrane:staticDomainName", () => {
        const review = reviewDistribution({ id: "E1", aliases: ["static.example.com"] }, { aliases: ["static.prod.example.com"] });
        expect(review.inPlace[0].setting).to.equal("alternate domain names");
        expect(review.notes[1]).to.equal(
            "BASE_STATIC_URI moves to the stack's name: set membrane:staticDomainName: static.example.com to keep the name existing links use.",
        );
    });

    it("a role at another path is refused; an IRSA role that would stop trusting the pods' service account says so", () => {
        const trust = {
            Statement: [{ Condition: { StringLike: { "oidc.example/id/X:sub": ["system:serviceaccount:*:integration-app"] } } }],
        };
        const review = reviewRole(
            { name: "r", path: "/apps/", assumeRolePolicy: encodeURIComponent(JSON.stringify(trust)), inlinePolicies: ["p", "other"] },
            { key: "existingK8sRoleName", trust: {}, policyName: "p", serviceAccount: "system:serviceaccount:membrane:membrane-sa" },
        );
        expect(review.refusals.map((r) => r.setting)).to.deep.equal(["path"]);
        expect(review.notes[0]).to.include(
            "it trusts today system:serviceaccount:*:integration-app, and will trust system:serviceaccount:membrane:membrane-sa only",
        );
        expect(review.notes[1]).to.match(/^it keeps its other inline policies other, which this program does not manage/);
        const covered = reviewRole(
            { name: "r", assumeRolePolicy: JSON.stringify(trust) },
            { key: "k", trust, policyName: "p", serviceAccount: "system:serviceaccount:membrane:integration-app" },
        );
        expect(covered.notes).to.deep.equal([]);
        expect(covered.inPlace).to.deep.equal([]);
    });
});

describe("the legacy fixture: the vendor's install, adopted", () => {
    let ev: Evaluation;
    before(async () => {
        ev = await fixtureStack("legacy");
    });
    const adopted = () => ev.resources.filter((r) => r.importId);
    const parentType = (r: RegisteredResource) => ev.resources.find((p) => p.urn === r.parent)?.type;

    it("imports each stateful resource with its provider's id, under its component, protected", () => {
        const rows = adopted().map((r) => [r.type, r.name, r.importId, parentType(r), r.protect]);
        expect(rows).to.have.deep.members([
            ["aws:s3/bucket:Bucket", "storage-tmp", "legacy-integration-app-tmp", "membrane:storage:Storage", true],
            ["aws:s3/bucket:Bucket", "storage-connectors", "legacy-integration-app-connectors", "membrane:storage:Storage", true],
            ["aws:s3/bucket:Bucket", "storage-static", "legacy-integration-app-static", "membrane:storage:Storage", true],
            ["aws:elasticache/replicationGroup:ReplicationGroup", "redis-cache", "legacy-redis-new", "membrane:redis:Redis", true],
            ["aws:elasticache/subnetGroup:SubnetGroup", "redis-subnets", "legacy-redis-subnet-group", "membrane:redis:Redis", true],
            ["mongodbatlas:index/project:Project", "database-project", "65f1a2b3c4d5e6f708192a3b", "membrane:database:Database", true],
            [
                "mongodbatlas:index/advancedCluster:AdvancedCluster",
                "database-cluster",
                "65f1a2b3c4d5e6f708192a3b-integration-app-cluster",
                "membrane:database:Database",
                true,
            ],
            ["aws:cloudfront/distribution:Distribution", "cdn-distribution", "E2QWRUHEXAMPLE", "membrane:cdn:Cdn", true],
            ["aws:cloudfront/originAccessControl:OriginAccessControl", "cdn-oac", "E1OACEXAMPLE12", "membrane:cdn:Cdn", true],
            ["aws:iam/role:Role", "iam-ecs-task-role", "legacy-ecs-task-role", "membrane:iam:Iam", true],
            [
                "aws:iam/rolePolicy:RolePolicy",
                "iam-ecs-task-s3-access",
                "legacy-ecs-task-role:legacy-ecs-task-policy",
                "membrane:iam:Iam",
                true,
            ],
        ]);
    });

    it("keeps the logical names: the URNs are those of a stack that created the resources", async () => {
        const prod = await fixtureStack("prod");
        const tail = (urn: string) => urn.split("::").slice(2).join("::");
        const created = new Set(prod.resources.map((r) => tail(r.urn)));
        for (const r of adopted()) {
            expect(created.has(tail(r.urn)), r.urn).to.equal(true);
        }
    });

    it("registers the adopted names, never empties an adopted bucket, and retains the data holders", () => {
        const tmp = one(ev, "aws:s3/bucket:Bucket", "storage-tmp");
        expect(tmp.inputs).to.deep.include({ bucket: "legacy-integration-app-tmp", forceDestroy: false });
        expect(tmp.retainOnDelete).to.equal(true);
        expect(one(ev, "mongodbatlas:index/advancedCluster:AdvancedCluster").retainOnDelete).to.equal(true);
        expect(one(ev, "aws:iam/rolePolicy:RolePolicy", "iam-ecs-task-s3-access").inputs).to.deep.include({
            name: "legacy-ecs-task-policy",
            role: "legacy-ecs-task-role",
        });
        expect(one(ev, "mongodbatlas:index/project:Project").inputs).to.deep.include({
            name: "integration-app",
            orgId: "5f1e2d3c4b5a697887766554",
        });
        expect(one(ev, "aws:cloudfront/originAccessControl:OriginAccessControl").inputs.name).to.equal("legacy-static-oac");
    });

    it("outside production too: what the stack did not create is protected and retained, and no adopted bucket emptied on destroy", async () => {
        const staging = await evaluate({ stack: "legacy", overrides: { "membrane:production": false } });
        for (const r of staging.resources.filter((x) => x.importId)) {
            expect(r.protect, r.name).to.equal(true);
        }
        for (const [type, name] of [
            ["aws:s3/bucket:Bucket", "storage-tmp"],
            ["aws:s3/bucket:Bucket", "storage-connectors"],
            ["mongodbatlas:index/project:Project", "database-project"],
            ["mongodbatlas:index/advancedCluster:AdvancedCluster", "database-cluster"],
        ]) {
            expect(one(staging, type, name).retainOnDelete, name).to.equal(true);
        }
        for (const purpose of ["tmp", "connectors", "static"]) {
            expect(one(staging, "aws:s3/bucket:Bucket", `storage-${purpose}`).inputs.forceDestroy, purpose).to.equal(false);
        }
    });

    it("keeps Redis's port, node type and shards, opens that port only, and hands Membrane the cluster URI on it", () => {
        const group = one(ev, "aws:elasticache/replicationGroup:ReplicationGroup");
        expect(group.inputs).to.deep.include({
            port: 6380,
            nodeType: "cache.t3.micro",
            numNodeGroups: 2,
            replicasPerNodeGroup: 1,
            clusterMode: "enabled",
        });
        const rule = one(ev, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "redis-ingress-vpc");
        expect(rule.inputs).to.deep.include({ fromPort: 6380, toPort: 6380 });
        expect(ev.outputs.REDIS_CLUSTER_URI_1.secret).to.equal(true);
        expect(String(ev.outputs.REDIS_CLUSTER_URI_1.value)).to.match(/:6380$/);
    });

    it("builds MONGO_URI on the adopted cluster's host and the database the vendor's URI named", () => {
        const uri = new URL(String(ev.outputs.MONGO_URI.value));
        expect(uri.hostname).to.equal("integration-app-cluster.k45tj.mongodb.net");
        expect(uri.pathname).to.equal("/engine-legacy");
    });

    it("looks up and imports the same at a first preview, where the cloud's values are unknown", async () => {
        const preview = await evaluate({ stack: "legacy", preview: true });
        const imports = (e: Evaluation) =>
            e.resources
                .filter((r) => r.importId)
                .map((r) => `${r.urn} ${r.importId}`)
                .sort();
        expect(imports(preview)).to.deep.equal(imports(ev));
        expect(one(preview, "aws:elasticache/replicationGroup:ReplicationGroup").inputs).to.deep.include({
            port: 6380,
            nodeType: "cache.t3.micro",
        });
    });

    it("estimates the first up as imports of what exists, not as its creation", () => {
        const path = estimateDuration(ev).criticalPath;
        const distribution = path.find((step) => step.resource === "cdn-distribution");
        expect(distribution).to.deep.include({ minMinutes: 0.1, maxMinutes: 5 });
        expect(distribution?.note).to.match(/^adopted \(the import option\)/);
    });

    it("warns what it keeps and what changes in place, naming the settings", () => {
        expect(ev.warnings).to.include(
            "adopting replication group legacy-redis-new keeps its existing port 6380 (the stack says 6379); node type cache.t3.micro (the stack says cache.t3.medium).",
        );
        expect(ev.warnings).to.include(
            "adopting Atlas cluster integration-app-cluster will change in place: cloud backups false -> true; point-in-time recovery false -> true; termination protection false -> true.",
        );
        expect(ev.warnings.some((w) => w.startsWith("adopting IAM role legacy-ecs-task-role will change in place: trust policy"))).to.equal(
            true,
        );
        expect(ev.assumptions).to.deep.equal([]);
    });
});

describe("the legacy fixture, refused or changed", () => {
    it("refuses to adopt the replication group without its subnet group, before registering it", async () => {
        const err = await programError({ stack: "legacy", unset: ["membrane:existingRedisSubnetGroupName"] });
        expect(err.message).to.include("refusing to adopt replication group legacy-redis-new:");
        expect(err.message).to.include("Set membrane:existingRedisSubnetGroupName: legacy-redis-subnet-group");
        expect(onlyStack(err).some((u) => u.endsWith("::redis-cache"))).to.equal(false);
    });

    it("with adoptAllowRedisReplacement, replaces it instead: unprotected, deleted before it is created again", async () => {
        const ev = await evaluate({
            stack: "legacy",
            unset: ["membrane:existingRedisSubnetGroupName"],
            overrides: { "membrane:adoptAllowRedisReplacement": true },
        });
        const group = one(ev, "aws:elasticache/replicationGroup:ReplicationGroup");
        expect([group.protect, group.deleteBeforeReplace, group.importId]).to.deep.equal([false, true, "legacy-redis-new"]);
        expect(ev.warnings).to.include(
            "adopting replication group legacy-redis-new replaces it (subnet group): it is deleted, then created again; allowed by the stack.",
        );
    });

    it("refuses a bucket in another region, naming its key", async () => {
        const moved: CloudFixture = {
            ...LEGACY,
            buckets: LEGACY.buckets!.map((b) => (b.name.endsWith("-static") ? { ...b, region: "us-east-1" } : b)),
        };
        const err = await programError({ stack: "legacy", cloud: moved });
        expect(err.message).to.include("refusing to adopt S3 bucket legacy-integration-app-static:");
        expect(err.message).to.include("clear membrane:existingStaticBucket");
        expect(onlyStack(err).some((u) => u.endsWith("::storage-static"))).to.equal(false);
    });

    it("refuses a sharded Atlas cluster, and a stack without the group's cluster mode", async () => {
        const sharded: CloudFixture = { ...LEGACY, atlasClusters: LEGACY.atlasClusters!.map((c) => ({ ...c, clusterType: "SHARDED" })) };
        const [atlas, redis] = await Promise.all([
            programError({ stack: "legacy", cloud: sharded }),
            programError({ stack: "legacy", overrides: { "membrane:redisClusterMode": false } }),
        ]);
        expect(atlas.message).to.include("refusing to adopt Atlas cluster integration-app-cluster:\n  - cluster type is SHARDED");
        expect(redis.message).to.include("Set membrane:redisClusterMode: true");
    });

    it("applies the stack's size in place with adoptKeepExistingSettings: false, and says so", async () => {
        const ev = await evaluate({ stack: "legacy", overrides: { "membrane:adoptKeepExistingSettings": false } });
        expect(one(ev, "aws:elasticache/replicationGroup:ReplicationGroup").inputs).to.deep.include({
            port: 6380,
            nodeType: "cache.t3.medium",
        });
        expect(one(ev, "mongodbatlas:index/advancedCluster:AdvancedCluster").inputs.mongoDbMajorVersion).to.equal("8.0");
        expect(ev.warnings.some((w) => w.includes("node type cache.t3.micro -> cache.t3.medium"))).to.equal(true);
    });

    it("a resource the account does not hold: the look-up fails, naming the key", async () => {
        const err = await programError({ stack: "legacy", overrides: { "membrane:existingEcsTaskRoleName": "legacy-no-such-role" } });
        expect(err.message).to.include(
            "membrane:existingEcsTaskRoleName: the IAM role legacy-no-such-role does not exist, or these credentials cannot read it",
        );
    });

    it("the import itself fails for what the account does not hold, as Pulumi's does", async () => {
        const noPolicy: CloudFixture = { ...LEGACY, roles: LEGACY.roles!.map((r) => ({ ...r, inlinePolicies: [] })) };
        const err = await programError({ stack: "legacy", cloud: noPolicy });
        expect(err.message).to.include(
            "importing aws:iam/rolePolicy:RolePolicy with id legacy-ecs-task-role:legacy-ecs-task-policy: the resource does not exist",
        );
    });
});

describe("a stack that adopts nothing", () => {
    it("imports nothing, and looks nothing up to adopt", async () => {
        const ev = await fixtureStack("staging");
        expect(ev.resources.filter((r) => r.importId)).to.deep.equal([]);
        expect(ev.invokes.filter((i) => /getBucket|getReplicationGroup|getRole|getDistribution|getProject/.test(i.token))).to.deep.equal(
            [],
        );
    });
});
