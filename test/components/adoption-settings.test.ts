// The adoption keys and membrane:regionInNames, as pure config: what each accepts and refuses, naming the
// key, and the names the program then registers.
import { expect } from "chai";
import { readSettings, Settings } from "../../components/settings";
import { ADOPTED_SECRETS, VALID, problemsOf as problemsOfStack, raw } from "../harness";

// Every stack here brings the install's secrets, as an adoption must (the refusal without them is
// test/components/secrets/settings.test.ts's): the rules below are the resources' own.
function parse(values: Record<string, unknown>, secretKeys: string[] = []): Settings {
    return readSettings(raw({ ...VALID, ...ADOPTED_SECRETS.values, ...values }, [...ADOPTED_SECRETS.secretKeys, ...secretKeys]));
}

function problemsOf(values: Record<string, unknown>): string[] {
    return problemsOfStack({ ...ADOPTED_SECRETS.values, ...values }, ADOPTED_SECRETS.secretKeys);
}

describe("config: adopting an existing install", () => {
    it("adopts nothing by default, keeps existing settings, allows no Redis replacement", () => {
        const c = parse({ eksClusterName: "acme-prod" });
        expect(c.storage.existing).to.deep.equal({});
        expect(c.redis.adopt).to.equal(undefined);
        expect(c.iam.ecsTaskRole?.adopt).to.equal(undefined);
        expect(c.iam.eksRole?.adopt).to.equal(undefined);
        expect(c.database.mode === "atlas" && [c.database.project, c.database.adoptCluster]).to.deep.equal([
            { name: "membrane-prod", orgId: "5f1e2d3c4b5a697887766554" },
            undefined,
        ]);
        expect(c.cdn.existing).to.deep.equal({ distributionId: undefined, originAccessControlId: undefined });
        expect(parse({ existingRedisReplicationGroupId: "prod-redis-new" }).redis.adopt).to.deep.equal({
            subnetGroup: false,
            keepExistingSettings: true,
            allowReplacement: false,
        });
    });

    it("uses the adopted names in place of the derived ones", () => {
        const c = parse({
            eksClusterName: "acme-prod",
            atlasProjectId: "65f1a2b3c4d5e6f708192a3b",
            existingTmpBucket: "prod-integration-app-tmp",
            existingRedisReplicationGroupId: "prod-redis-new",
            existingRedisSubnetGroupName: "prod-redis-subnet-group",
            existingAtlasClusterName: "integration-app-cluster",
            existingEcsTaskRoleName: "prod-ecs-task-role",
            existingK8sRoleName: "membrane-prod-sa-role",
            existingK8sRolePolicyName: "membrane-prod-s3-policy",
        });
        expect(c.storage.bucketNames).to.deep.equal({
            tmp: "prod-integration-app-tmp",
            connectors: "acme-prod-integration-app-connectors",
            static: "acme-prod-integration-app-static",
        });
        expect([c.redis.replicationGroupId, c.redis.subnetGroupName]).to.deep.equal(["prod-redis-new", "prod-redis-subnet-group"]);
        expect(c.database.mode === "atlas" && c.database.clusterName).to.equal("integration-app-cluster");
        // Without an adopted policy name the role gets the program's own policy, next to whatever it has.
        expect(c.iam.ecsTaskRole).to.deep.equal({
            roleName: "prod-ecs-task-role",
            policyName: "prod-membrane-s3-access",
            adopt: { key: "existingEcsTaskRoleName", policy: false },
        });
        expect(c.iam.eksRole).to.deep.include({
            roleName: "membrane-prod-sa-role",
            policyName: "membrane-prod-s3-policy",
            adopt: { key: "existingK8sRoleName", policy: true },
        });
        expect(c.warnings).to.deep.equal([]);
    });

    it("adopting every bucket silences the empty-prefix warning, which is about new bucket names", () => {
        const buckets = {
            existingTmpBucket: "prod-integration-app-tmp",
            existingConnectorsBucket: "prod-integration-app-connectors",
            existingStaticBucket: "prod-integration-app-static",
        };
        expect(parse({ ...buckets, namePrefix: "" }).warnings.some((w) => w.includes("namePrefix is empty"))).to.equal(false);
        expect(
            parse({ existingTmpBucket: buckets.existingTmpBucket, namePrefix: "" }).warnings.some((w) => w.includes("namePrefix is empty")),
        ).to.equal(true);
    });

    it("warns that a new distribution for an adopted static bucket's name collides with the install's own", () => {
        const collides = (c: Settings) => c.warnings.filter((w) => w.includes("CNAMEAlreadyExists"));
        const staticOnly = parse({ existingStaticBucket: "prod-integration-app-static" });
        expect(collides(staticOnly)).to.have.length(1);
        expect(collides(staticOnly)[0])
            .to.include(staticOnly.cdn.customDomain?.domainName)
            .and.include("membrane:existingCloudfrontDistributionId");
        expect(
            collides(parse({ existingStaticBucket: "prod-integration-app-static", existingCloudfrontDistributionId: "E2QWRUHEXAMPLE" })),
        ).to.deep.equal([]);
        // No custom domain: the new distribution has no alternate name to collide on.
        expect(collides(parse({ existingStaticBucket: "prod-integration-app-static", hostedZoneName: "" }))).to.deep.equal([]);
        expect(collides(parse({ existingTmpBucket: "prod-integration-app-tmp" }))).to.deep.equal([]);
    });

    const refusals: Array<[string, Record<string, unknown>, string[]]> = [
        [
            "names AWS would refuse",
            {
                existingTmpBucket: "prod_tmp",
                existingRedisReplicationGroupId: "prod--redis",
                existingCloudfrontDistributionId: "e2qwruhexample",
                existingEcsTaskRoleName: "prod task role",
            },
            [
                'membrane:existingTmpBucket: "prod_tmp" is not an S3 bucket name: it may contain only lowercase letters, digits, hyphens and dots',
                'membrane:existingRedisReplicationGroupId: "prod--redis" is not a replication group id: it must not contain two consecutive hyphens',
                'membrane:existingCloudfrontDistributionId: must be a CloudFront id: E and 12 or 13 upper-case letters and digits, such as E2QWRUHEXAMPLE (got "e2qwruhexample")',
                'membrane:existingEcsTaskRoleName: must be an IAM role name: 1 to 64 letters, digits and + = , . @ _ - (got "prod task role")',
            ],
        ],
        [
            "one bucket for two purposes",
            { existingTmpBucket: "prod-bucket", existingStaticBucket: "prod-bucket" },
            [
                'membrane:existingTmpBucket, membrane:existingConnectorsBucket and membrane:existingStaticBucket: name "prod-bucket" more than once: each purpose needs a bucket of its own',
            ],
        ],
        [
            "a subnet group or a policy without what it belongs to",
            { existingRedisSubnetGroupName: "prod-redis-subnet-group", existingEcsTaskRolePolicyName: "p" },
            [
                "membrane:existingRedisSubnetGroupName: is the subnet group of an adopted replication group: set membrane:existingRedisReplicationGroupId too",
                "membrane:existingEcsTaskRolePolicyName: is an inline policy of an adopted role: set membrane:existingEcsTaskRoleName too",
            ],
        ],
        [
            "a cluster without a project, and a project both used and adopted",
            { existingAtlasClusterName: "c0" },
            [
                "membrane:existingAtlasClusterName: names a cluster of an existing project: set membrane:atlasProjectId (a project the program leaves alone) or membrane:existingAtlasProjectId (one it adopts)",
            ],
        ],
        [
            "a project both used and adopted",
            { atlasProjectId: "65f1a2b3c4d5e6f708192a3b", existingAtlasProjectId: "65f1a2b3c4d5e6f708192a3c" },
            [
                "membrane:existingAtlasProjectId: and membrane:atlasProjectId exclude each other: atlasProjectId uses a project the program leaves alone, existingAtlasProjectId adopts one it manages from now on; set one",
            ],
        ],
        [
            "a role the stack does not create",
            { ecsTaskRole: false, eksClusterName: "acme-prod", existingEcsTaskRoleName: "prod-ecs-task-role", existingK8sRoleName: "" },
            ["membrane:existingEcsTaskRoleName: names a role to adopt as the ECS task role, but membrane:ecsTaskRole is false"],
        ],
    ];
    for (const [name, values, expected] of refusals) {
        it(`refuses ${name}, naming the key`, () => {
            expect(problemsOf(values)).to.deep.equal(expected);
        });
    }

    it("an adopted project needs no organization; a created one still does", () => {
        expect(problemsOf({ atlasOrgId: "", existingAtlasProjectId: "65f1a2b3c4d5e6f708192a3b" })).to.deep.equal([]);
        expect(problemsOf({ atlasOrgId: "" })[0]).to.match(/^membrane:atlasOrgId: is required in atlas mode/);
    });

    it("warns about adoption keys that have no effect", () => {
        const external = parse(
            {
                databaseMode: "external",
                externalMongoUri: "mongodb+srv://u:p@h.example.net/db",
                atlasAccessCidrs: [],
                existingAtlasProjectId: "65f1a2b3c4d5e6f708192a3b",
                adoptAllowRedisReplacement: true,
            },
            ["externalMongoUri"],
        );
        // No Atlas project to adopt: the database args are the external URI's alone.
        expect(Object.keys(external.database)).to.deep.equal(["mode", "mongoUri"]);
        expect(external.warnings).to.include.members([
            "membrane:databaseMode is external, so membrane:existingAtlasProjectId and membrane:existingAtlasClusterName are ignored.",
            "membrane:adoptAllowRedisReplacement is true but membrane:existingRedisReplicationGroupId is empty: it has no effect.",
        ]);
    });
});

describe("config: membrane:regionInNames", () => {
    it("off by default: the names every stack deployed before it has", () => {
        const c = parse({});
        expect(c.cdn.nameSuffix).to.equal("");
        expect(c.storage.bucketNames.tmp).to.equal("acme-prod-integration-app-tmp");
        expect(c.iam.ecsTaskRole?.roleName).to.equal("prod-membrane-task-role");
        expect(c.database.mode === "atlas" && c.database.project).to.deep.include({ name: "membrane-prod" });
    });

    it("on: the region after every name AWS or Atlas keeps unique beyond the region, and nothing else", () => {
        const c = parse({ regionInNames: true, eksClusterName: "acme-prod" });
        expect(c.cdn.nameSuffix).to.equal("-us-east-1");
        expect(c.storage.bucketNames).to.deep.equal({
            tmp: "acme-prod-integration-app-tmp-us-east-1",
            connectors: "acme-prod-integration-app-connectors-us-east-1",
            static: "acme-prod-integration-app-static-us-east-1",
        });
        expect(c.iam.ecsTaskRole).to.deep.equal({ roleName: "prod-membrane-task-role-us-east-1", policyName: "prod-membrane-s3-access" });
        expect(c.iam.eksRole?.roleName).to.equal("prod-membrane-k8s-role-us-east-1");
        expect(c.database.mode === "atlas" && [c.database.project, c.database.clusterName]).to.deep.equal([
            { name: "membrane-prod-us-east-1", orgId: "5f1e2d3c4b5a697887766554" },
            "membrane-prod",
        ]);
        // The credentials store's roles too; its secret's name is regional and stays as it is.
        expect([c.credentialsStore?.ecsExecutionRole?.roleName, c.credentialsStore?.secretName]).to.deep.equal([
            "prod-membrane-execution-role-us-east-1",
            "membrane/prod/credentials",
        ]);
        // Regional names: the replication group id stays as it is.
        expect(c.redis.replicationGroupId).to.equal("prod-membrane");
    });

    it("on: the operations' names too, with the replicas and the log bucket in the stack's own namespace", () => {
        const c = parse({
            regionInNames: true,
            production: true,
            s3Replication: true,
            s3AccessLogs: true,
            cdnAccessLogs: true,
            alarms: true,
            redisNumCacheClusters: 2,
            existingConnectorsBucket: "prod-integration-app-connectors",
        });
        expect(c.logs.logBucketName).to.equal("acme-prod-integration-app-logs-us-east-1");
        expect(c.logs.cdnDeliveryName).to.equal("prod-membrane-cdn-access-logs-us-east-1");
        expect(c.replication?.roleName).to.equal("prod-membrane-s3-replication-us-east-1");
        // An adopted source's replica is named after the stack's own name for it, which the deploy role may create.
        expect(c.replication?.replicas.find((b) => b.key === "connectors")?.replicaName).to.equal(
            "acme-prod-integration-app-connectors-us-east-1-us-west-2",
        );
        expect([c.monitoring?.namePrefix, c.monitoring?.topicName]).to.deep.equal([
            "prod-membrane-us-east-1",
            "prod-membrane-us-east-1-alarms",
        ]);
    });

    it("checks the longer names against the limits, naming the keys", () => {
        expect(problemsOf({ regionInNames: true, "aws:region": "ap-southeast-2", namePrefix: "acme-corporation-x-" })).to.include(
            'membrane:namePrefix, membrane:environment and membrane:regionInNames: make the bucket name "acme-corporation-x-prod-integration-app-connectors-ap-southeast-2", which is 65 characters long; S3 allows 3 to 63',
        );
        expect(
            problemsOf({
                regionInNames: true,
                "aws:region": "ap-southeast-2",
                namePrefix: "a-very-long-company-names-",
                environment: "production-eu",
            }),
        ).to.include(
            'membrane:namePrefix, membrane:environment and membrane:regionInNames: make the CloudFront origin access control name "a-very-long-company-names-production-eu-static-oac-ap-southeast-2", 65 characters long; CloudFront allows 64',
        );
    });

    it("points a second region's copy of an environment at it", () => {
        const c = readSettings({ ...raw({ ...VALID }), stack: "prod-dr" });
        expect(
            c.warnings.some((w) =>
                w.includes("a copy of the environment in another region (disaster recovery) needs membrane:regionInNames: true"),
            ),
        ).to.equal(true);
    });
});

describe("config: every role and bucket the stack creates or adopts has a name of its own", () => {
    it("adopting the ECS task role leaves the Kubernetes role its own name and policy (issue 20)", () => {
        const c = parse({ eksClusterName: "acme-prod", existingEcsTaskRoleName: "prod-ecs-task-role", existingEcsTaskRolePolicyName: "p" });
        expect(c.iam.ecsTaskRole).to.deep.equal({
            roleName: "prod-ecs-task-role",
            policyName: "p",
            adopt: { key: "existingEcsTaskRoleName", policy: true },
        });
        expect(c.iam.eksRole).to.deep.include({ roleName: "prod-membrane-k8s-role", policyName: "prod-membrane-k8s-s3-access" });
        expect(c.iam.eksRole?.adopt).to.equal(undefined);
    });

    it("adopting the Kubernetes role leaves the ECS task role its own name", () => {
        const c = parse({ eksClusterName: "acme-prod", existingK8sRoleName: "membrane-prod-sa-role" });
        expect(c.iam.ecsTaskRole).to.deep.equal({ roleName: "prod-membrane-task-role", policyName: "prod-membrane-s3-access" });
        expect(c.iam.eksRole?.adopt).to.deep.equal({ key: "existingK8sRoleName", policy: false });
        expect(c.iam.eksRole).to.deep.include({ roleName: "membrane-prod-sa-role" });
    });

    it("refuses one role adopted as both, naming both keys", () => {
        expect(problemsOf({ eksClusterName: "acme-prod", existingEcsTaskRoleName: "shared", existingK8sRoleName: "shared" })).to.deep.equal(
            [
                'membrane:existingEcsTaskRoleName and membrane:existingK8sRoleName: name the IAM role "shared": two resources of the stack cannot be one IAM role; adopt another, or leave the key empty to create it',
            ],
        );
    });

    it("refuses an adopted role or bucket named like one the stack creates", () => {
        expect(problemsOf({ existingEcsTaskRoleName: "prod-membrane-execution-role" })).to.deep.equal([
            'membrane:existingEcsTaskRoleName: names the IAM role "prod-membrane-execution-role", which is the ECS execution role too: two resources of the stack cannot be one IAM role; adopt another, or leave the key empty to create it',
        ]);
        expect(problemsOf({ existingTmpBucket: "acme-prod-integration-app-logs" })).to.deep.equal([
            'membrane:existingTmpBucket: names the S3 bucket "acme-prod-integration-app-logs", which is the log bucket too: two resources of the stack cannot be one S3 bucket; adopt another, or leave the key empty to create it',
        ]);
        expect(problemsOf({ existingStaticBucket: "acme-prod-integration-app-connectors" })).to.have.lengthOf(1);
    });
});
