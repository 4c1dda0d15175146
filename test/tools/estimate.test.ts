// The cost and duration estimates: pure checks on hand-made evaluations, then the fixture stacks and a
// few variants. Expected amounts are computed from tools/prices.json, so a price update needs no test edit.
import { expect } from "chai";
import { evaluate, fixtureStack } from "../harness";
import { memoryCache, recordedPriceList } from "../support/price-list";
import type { Evaluation, RegisteredResource } from "../../tools/engine";
import {
    CostEstimate,
    estimateCost,
    estimateDuration,
    PRICES,
    RESOURCE_TYPES,
    stackPriceList,
    unclassifiedTypes,
} from "../../tools/estimate";

const HOURS = PRICES.hoursPerMonth;
const cents = (n: number) => Math.round(n * 100) / 100;
const table = (name: keyof typeof PRICES.tables, region: string) => PRICES.tables[name].regions?.[region] as any;
const nodeHour = (region: string, nodeType: string): number => table("elastiCacheNode", region)[nodeType];

const STACK = "urn:pulumi:test::membrane::pulumi:pulumi:Stack::membrane-test";
const THING = "urn:pulumi:test::membrane::membrane:test:Thing::thing";

/** A registered resource as the engine records it, by default a custom resource in the test component. */
function res(type: string, name: string, inputs: Record<string, unknown> = {}, more: Partial<RegisteredResource> = {}): RegisteredResource {
    return {
        urn: `urn:pulumi:test::membrane::${type}::${name}`,
        type,
        name,
        custom: true,
        parent: THING,
        inputs,
        secretInputs: [],
        dependencies: [],
        protect: false,
        retainOnDelete: false,
        deleteBeforeReplace: false,
        ignoreChanges: [],
        additionalSecretOutputs: [],
        aliases: 0,
        outputs: {},
        secretOutputs: [],
        ...more,
    };
}

const component = (type: string, name: string, parent: string) => res(type, name, {}, { custom: false, parent });
const ROOT = res("pulumi:pulumi:Stack", "membrane-test", {}, { custom: false, parent: undefined });

function evaluation(...resources: RegisteredResource[]): Evaluation {
    return {
        project: "membrane",
        stack: "test",
        resources: [ROOT, component("membrane:test:Thing", "thing", STACK), ...resources],
        outputs: {},
        invokes: [],
        warnings: [],
    };
}

const redis = (inputs: Record<string, unknown>) =>
    res("aws:elasticache/replicationGroup:ReplicationGroup", "cache", { engine: "redis", nodeType: "cache.t3.medium", ...inputs });

const priced = (cost: CostEstimate, resource: string) =>
    cost.lines.filter((l) => l.resource === resource && l.monthlyUsd !== "usage-based");

describe("estimateCost on hand-made evaluations", () => {
    it("counts the nodes of a group without cluster mode from numCacheClusters", () => {
        const cost = estimateCost(evaluation(redis({ numCacheClusters: 3 })), "us-east-1");
        expect(priced(cost, "cache")).to.deep.equal([
            {
                component: "thing",
                resource: "cache",
                type: "aws:elasticache/replicationGroup:ReplicationGroup",
                billed: "3 × cache.t3.medium node-hours (redis)",
                monthlyUsd: cents(3 * nodeHour("us-east-1", "cache.t3.medium") * HOURS),
                source: { kind: "table", tables: ["elastiCacheNode"], cite: PRICES.tables.elastiCacheNode.cite },
            },
        ]);
        expect(cost.totalMonthlyUsd)
            .to.equal(cents(3 * 0.068 * 730))
            .and.to.equal(148.92);
    });

    it("counts shards × (replicas + 1) in cluster mode, and ignores numCacheClusters there", () => {
        const cost = estimateCost(
            evaluation(redis({ clusterMode: "enabled", numNodeGroups: 3, replicasPerNodeGroup: 2, numCacheClusters: 2 })),
            "eu-central-1",
        );
        expect(priced(cost, "cache")[0]).to.deep.include({
            billed: "9 × cache.t3.medium node-hours (redis)",
            monthlyUsd: cents(9 * nodeHour("eu-central-1", "cache.t3.medium") * HOURS),
        });
    });

    it("prices Valkey nodes at the Valkey factor of the Redis OSS price", () => {
        const factor = PRICES.tables.valkeyNodeFactor.factor!;
        expect(factor).to.be.lessThan(1);
        const cost = estimateCost(evaluation(redis({ engine: "valkey", nodeType: "cache.r6g.large", numCacheClusters: 2 })), "eu-west-1");
        expect(priced(cost, "cache")[0]).to.deep.include({
            billed: "2 × cache.r6g.large node-hours (valkey)",
            monthlyUsd: cents(2 * nodeHour("eu-west-1", "cache.r6g.large") * factor * HOURS),
        });
        expect(cost.sources.map((s) => s.table)).to.include.members(["elastiCacheNode", "valkeyNodeFactor"]);
    });

    it("says which node type has no price and leaves it out of the total", () => {
        const cost = estimateCost(evaluation(redis({ nodeType: "cache.x9.huge", numCacheClusters: 2 })), "us-east-1");
        expect(priced(cost, "cache")[0]).to.deep.include({ monthlyUsd: "no price", reason: "no price for cache.x9.huge in us-east-1" });
        expect(cost.totalMonthlyUsd).to.equal(0);
        expect(cost.unpriced).to.deep.equal(["cache (2 × cache.x9.huge node-hours (redis)): no price for cache.x9.huge in us-east-1"]);
    });

    it("reports a region without data as such, never priced as another region", () => {
        expect(PRICES.tables.elastiCacheNode.regions).to.not.have.property("sa-east-1");
        const cost = estimateCost(evaluation(redis({ numCacheClusters: 2 })), "sa-east-1");
        expect(priced(cost, "cache")[0]).to.deep.include({ monthlyUsd: "no price", reason: "no price data for sa-east-1" });
        expect(cost.totalMonthlyUsd).to.equal(0);
    });

    // The shipped table has no interface endpoint price (no vendor page states one offline): the per-AZ
    // arithmetic is checked on the Price List's recorded price.
    it("bills an interface endpoint per AZ, that is per subnet, and a gateway endpoint not at all", async () => {
        const subnets = ["subnet-1", "subnet-2", "subnet-3", "subnet-4"];
        const ev = evaluation(
            res("aws:ec2/vpcEndpoint:VpcEndpoint", "interface", { vpcEndpointType: "Interface", subnetIds: subnets }),
            res("aws:ec2/vpcEndpoint:VpcEndpoint", "gateway", { vpcEndpointType: "Gateway" }),
        );
        const live = await stackPriceList(ev, "us-east-1", { client: recordedPriceList(), cache: memoryCache() });
        const cost = estimateCost(ev, "us-east-1", PRICES, live);
        const line = priced(cost, "interface")[0];
        expect(line).to.deep.include({ billed: "4 AZ × interface endpoint-hours", monthlyUsd: cents(4 * 0.01 * HOURS) });
        expect(line.source).to.have.nested.property("prices[0].usageType", "USE1-VpcEndpoint-Hours");
        expect(cost.lines.filter((l) => l.resource === "gateway")).to.deep.equal([]);
        expect(cost.free).to.deep.equal([{ type: "aws:ec2/vpcEndpoint:VpcEndpoint", count: 1 }]);
        expect(priced(estimateCost(ev, "us-east-1"), "interface")[0]).to.deep.include({ monthlyUsd: "no price", source: { kind: "none" } });
    });

    it("prices an Atlas cluster by the tier and Atlas region of its first region config", () => {
        const cluster = (instanceSize: string, regionName: string) =>
            res("mongodbatlas:index/advancedCluster:AdvancedCluster", `db-${instanceSize}`, {
                backupEnabled: true,
                replicationSpecs: [{ regionConfigs: [{ regionName, electableSpecs: { instanceSize, nodeCount: 3 } }] }],
            });
        const cost = estimateCost(
            evaluation(cluster("M30", "US_EAST_1"), cluster("M15", "US_EAST_1"), cluster("M10", "SA_EAST_1")),
            "eu-west-1",
        );
        expect(priced(cost, "db-M30")[0]).to.deep.include({
            billed: "Atlas M30 cluster-hours, 3-node replica set in us-east-1",
            monthlyUsd: cents(table("atlasCluster", "us-east-1").M30 * HOURS),
        });
        expect(priced(cost, "db-M15")[0].reason).to.equal("no price for Atlas M15 in us-east-1");
        expect(priced(cost, "db-M10")[0].reason).to.equal("no price data for sa-east-1");
        expect(cost.usageBased).to.include(PRICES.usageBased.atlasBackup.detail);
    });

    it("lists usage-based items outside the total and free resources by type", () => {
        const cost = estimateCost(
            evaluation(
                res("aws:s3/bucket:Bucket", "a"),
                res("aws:s3/bucket:Bucket", "b"),
                res("aws:cloudfront/distribution:Distribution", "cdn"),
                res("aws:iam/role:Role", "role"),
                res("aws:route53/record:Record", "record"),
            ),
            "us-east-1",
        );
        expect(cost.lines.map((l) => [l.resource, l.monthlyUsd])).to.deep.equal([
            ["a", "usage-based"],
            ["b", "usage-based"],
            ["cdn", "usage-based"],
        ]);
        expect(cost.totalMonthlyUsd).to.equal(0);
        expect(cost.usageBased).to.deep.equal([
            PRICES.usageBased.s3.detail,
            PRICES.usageBased.cloudfront.detail,
            PRICES.usageBased.route53Queries.detail,
        ]);
        expect(cost.free).to.deep.equal([
            { type: "aws:iam/role:Role", count: 1 },
            { type: "aws:route53/record:Record", count: 1 },
        ]);
    });

    it("prices the fixed monthly items per unit offline: a KMS key anywhere; a secret and an alarm have no vendor price to ship", () => {
        const ev = evaluation(
            res("aws:secretsmanager/secret:Secret", "secret"),
            res("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm"),
            res("aws:kms/key:Key", "key"),
            res("aws:cloudwatch/logGroup:LogGroup", "logs"),
        );
        const unshipped = (t: "secretsManagerSecret" | "cloudWatchAlarm") => `no shipped price (${PRICES.tables[t].unshipped})`;
        for (const region of ["us-east-1", "ap-southeast-2"]) {
            const cost = estimateCost(ev, region);
            expect(cost.lines.map((l) => l.reason ?? l.monthlyUsd)).to.deep.equal([
                unshipped("secretsManagerSecret"),
                "usage-based",
                unshipped("cloudWatchAlarm"),
                PRICES.tables.kmsKey.allRegions,
                "usage-based",
            ]);
            expect(cost.lowerBound).to.equal(true);
        }
    });

    it("reports a type missing from the classification table, so the fixture-stack test below would fail", () => {
        const ev = evaluation(res("aws:rds/instance:Instance", "db"), res("aws:s3/bucket:Bucket", "bucket"));
        expect(unclassifiedTypes(ev)).to.deep.equal(["aws:rds/instance:Instance"]);
        expect(estimateCost(ev, "us-east-1").unclassified).to.deep.equal(["aws:rds/instance:Instance"]);
        expect(estimateDuration(ev).unclassified).to.deep.equal(["aws:rds/instance:Instance"]);
    });
});

describe("the shipped price table", () => {
    const VENDOR = /^https:\/\/(aws\.amazon\.com|docs\.aws\.amazon\.com|amazonaws\.cn|www\.mongodb\.com)\//;

    it("links vendor pages only (AWS's, MongoDB's), and a table without a vendor-stated price ships none and says why", () => {
        const entries = [
            ...Object.entries(PRICES.tables).map(([name, t]) => [name, t.source] as const),
            ...Object.entries(PRICES.usageBased).map(([name, u]) => [name, u.source] as const),
        ];
        for (const [name, source] of entries) {
            const links = source.match(/https?:\/\/[^\s)"',;]+/g) ?? [];
            expect(links.length, name).to.be.greaterThan(0);
            for (const link of links) {
                expect(link, name).to.match(VENDOR);
            }
        }
        for (const [name, t] of Object.entries(PRICES.tables)) {
            const ships = t.regions !== undefined || t.allRegions !== undefined || t.factor !== undefined;
            expect(ships !== (t.unshipped !== undefined), `${name}: either prices or the reason there are none`).to.equal(true);
        }
    });
});

describe("estimateDuration on hand-made evaluations", () => {
    const minutes = (type: string) => RESOURCE_TYPES[type].createMinutes;
    const CERT = "aws:acm/certificateValidation:CertificateValidation";
    const BUCKET = "aws:s3/bucket:Bucket";
    const CACHE = "aws:elasticache/replicationGroup:ReplicationGroup";

    it("adds up a chain of dependencies and runs independent resources in parallel", () => {
        const [bucketTime, certTime, cacheTime] = [minutes(BUCKET), minutes(CERT), minutes(CACHE)];
        expect(bucketTime[1] + certTime[1], "the chain is the slower branch at the maximum").to.be.greaterThan(cacheTime[1]);
        expect(bucketTime[0] + certTime[0], "and the faster one at the minimum").to.be.lessThan(cacheTime[0]);
        const bucket = res(BUCKET, "bucket");
        const cert = res(CERT, "cert", {}, { dependencies: [bucket.urn] });
        const d = estimateDuration(evaluation(bucket, cert, res(CACHE, "cache")));
        expect(d.criticalPath.map((s) => s.resource)).to.deep.equal(["bucket", "cert"]);
        expect(d.maxMinutes).to.equal(bucketTime[1] + certTime[1]);
        expect(d.minMinutes).to.equal(cacheTime[0]);
    });

    it("waits for everything under a component it depends on; the component itself takes no time", () => {
        const inner = component("membrane:test:Inner", "inner", THING);
        const cache = res(CACHE, "cache", {}, { parent: inner.urn });
        const bucket = res(BUCKET, "bucket", {}, { parent: inner.urn });
        const after = res(CERT, "after", {}, { dependencies: [inner.urn] });
        const d = estimateDuration(evaluation(inner, cache, bucket, after));
        expect(d.criticalPath.map((s) => s.resource)).to.deep.equal(["cache", "after"]);
        expect(d.maxMinutes).to.equal(minutes(CACHE)[1] + minutes(CERT)[1]);
    });
});

describe("estimates of the fixture stacks", () => {
    const evals: Record<string, Evaluation> = {};
    before(async () => {
        const [prod, staging, clusterMode, external, podIdentity] = await Promise.all([
            fixtureStack("prod"),
            fixtureStack("staging"),
            evaluate({
                stack: "staging",
                overrides: { "membrane:redisClusterMode": true, "membrane:redisAutomaticFailover": true, "membrane:redisMultiAz": true },
            }),
            evaluate({
                stack: "staging",
                overrides: {
                    "membrane:databaseMode": "external",
                    "membrane:externalMongoUri": { secret: "mongodb+srv://u:p@h.example.net/db" },
                },
            }),
            evaluate({ stack: "prod", overrides: { "membrane:eksPodIdentity": true } }),
        ]);
        Object.assign(evals, { prod, staging, clusterMode, external, podIdentity });
    });

    it("every resource type the stacks register is classified", () => {
        for (const [name, ev] of Object.entries(evals)) {
            expect(unclassifiedTypes(ev), name).to.deep.equal([]);
        }
        expect(evals.podIdentity.resources.map((r) => r.type)).to.include("aws:eks/podIdentityAssociation:PodIdentityAssociation");
    });

    const keyMonth = PRICES.tables.kmsKey.allRegions!;
    const alarmsUnshipped = `no shipped price (${PRICES.tables.cloudWatchAlarm.unshipped})`;

    it("staging (eu-west-1) offline: one Redis node and the alarm keys priced; Atlas, the alarms and the secret named as missing from a lower bound", () => {
        const cost = estimateCost(evals.staging, "eu-west-1");
        const redisMonthly = cents(1 * nodeHour("eu-west-1", "cache.t3.medium") * HOURS);
        expect(priced(cost, "redis-cache")).to.have.lengthOf(1).and.to.have.nested.property("[0].monthlyUsd", redisMonthly);
        expect(priced(cost, "database-cluster")[0]).to.deep.include({
            billed: "Atlas M10 cluster-hours, 3-node replica set in eu-west-1",
            monthlyUsd: "no price",
            reason: "no price data for eu-west-1",
        });
        // No alarm has a shipped price, in eu-west-1 or CloudFront's in us-east-1.
        for (const alarm of ["monitoring-cdn-5xx-error-rate", "monitoring-redis-001-cpu"]) {
            expect(priced(cost, alarm)[0]).to.deep.include({ monthlyUsd: "no price", reason: alarmsUnshipped, source: { kind: "none" } });
        }
        expect(priced(cost, "monitoring-alarm-key").map((l) => l.monthlyUsd)).to.deep.equal([keyMonth]);
        expect(priced(cost, "monitoring-us-east-1-alarm-key").map((l) => l.monthlyUsd)).to.deep.equal([keyMonth]);
        expect(cost.totalMonthlyUsd)
            .to.equal(cents(redisMonthly + 2 * keyMonth))
            .and.to.equal(54.56);
        // Atlas's (no eu-west-1 rate), the six alarms' and the credentials secret's: a lower bound that names them.
        expect(cost.unpriced).to.have.lengthOf(1 + 6 + 1);
        expect(cost.lowerBound).to.equal(true);
        expect(priced(cost, "credentials-secret")[0]).to.deep.include({
            monthlyUsd: "no price",
            reason: `no shipped price (${PRICES.tables.secretsManagerSecret.unshipped})`,
        });
    });

    it("prod (us-east-1) offline: two Redis nodes, Atlas M10, Atlas's private endpoint and the alarms' key priced; the interface endpoint, 13 alarms and the secret named as missing", () => {
        const cost = estimateCost(evals.prod, "us-east-1");
        const expected = {
            "redis-cache": cents(2 * nodeHour("us-east-1", "cache.t3.medium") * HOURS),
            "database-cluster": cents(table("atlasCluster", "us-east-1").M10 * HOURS),
            "database-private-link": cents(table("atlasPrivateEndpoint", "us-east-1") * HOURS),
            "monitoring-alarm-key": keyMonth,
        };
        for (const [resource, monthly] of Object.entries(expected)) {
            expect(
                priced(cost, resource).map((l) => l.monthlyUsd),
                resource,
            ).to.deep.equal([monthly]);
        }
        const alarms = cost.lines.filter((l) => l.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
        expect(alarms.map((l) => l.reason)).to.deep.equal(Array(13).fill(alarmsUnshipped));
        expect(cost.totalMonthlyUsd)
            .to.equal(cents(Object.values(expected).reduce((a, b) => a + b, 0)))
            .and.to.equal(191.53);
        expect(cost.lowerBound).to.equal(true);
        expect(cost.unpriced.map((u) => u.split(" ")[0])).to.deep.equal([
            "database-vpc-endpoint",
            ...alarms.map((l) => l.resource),
            "credentials-secret",
        ]);
        expect(cost.usageBased).to.include.members([
            PRICES.usageBased.s3.detail,
            PRICES.usageBased.cloudfront.detail,
            PRICES.usageBased.privateLinkData.detail,
            PRICES.usageBased.s3Replication.detail,
            PRICES.usageBased.vendedLogs.detail,
            PRICES.usageBased.cloudwatchLogs.detail,
            PRICES.usageBased.snsNotifications.detail,
            PRICES.usageBased.atlasBackup.detail,
        ]);
    });

    it("cluster mode on staging prices shards × (replicas + 1) nodes", () => {
        const cost = estimateCost(evals.clusterMode, "eu-west-1");
        expect(priced(cost, "redis-cache")[0]).to.deep.include({
            billed: "4 × cache.t3.medium node-hours (redis)",
            monthlyUsd: cents(4 * nodeHour("eu-west-1", "cache.t3.medium") * HOURS),
        });
    });

    it("an external database has no Atlas line: staging's only unpriced lines offline are its alarms and the secret", () => {
        const cost = estimateCost(evals.external, "eu-west-1");
        expect(cost.lines.filter((l) => l.type.startsWith("mongodbatlas:"))).to.deep.equal([]);
        // Every alarm the stack registers (monitoring.test.ts checks which), then the secret: nothing else.
        const alarms = evals.external.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm").map((r) => r.name);
        expect(alarms).to.have.length.above(0);
        expect(cost.unpriced.map((u) => u.split(" ")[0])).to.deep.equal([...alarms, "credentials-secret"]);
        expect(cost.totalMonthlyUsd).to.equal(
            cents(nodeHour("eu-west-1", "cache.t3.medium") * HOURS + 2 * PRICES.tables.kmsKey.allRegions!),
        );
    });

    it("EKS Pod Identity adds free associations (Membrane's and External Secrets Operator's) and changes nothing in the total", () => {
        expect(estimateCost(evals.podIdentity, "us-east-1").totalMonthlyUsd).to.equal(
            estimateCost(evals.prod, "us-east-1").totalMonthlyUsd,
        );
        expect(estimateCost(evals.podIdentity, "us-east-1").free).to.deep.include({
            type: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
            count: 2,
        });
    });

    it("prod's first pulumi up waits longest on the certificate, its validation, then CloudFront", () => {
        const d = estimateDuration(evals.prod);
        const path = [
            "cdn-certificate",
            "cdn-certificate-validation-record",
            "cdn-certificate-validation",
            "cdn-distribution",
            "cdn-static-a",
        ];
        expect(d.criticalPath.map((s) => s.resource)).to.deep.equal(path);
        const sum = (i: 0 | 1) => Math.round(d.criticalPath.reduce((n, s) => n + (i === 0 ? s.minMinutes : s.maxMinutes), 0) * 10) / 10;
        expect(d.maxMinutes).to.equal(sum(1));
        // The database chain (project, cluster, private endpoint link) is the next slowest and stays shorter.
        const byName = new Map(evals.prod.resources.map((r) => [r.name, r]));
        const dbChain = ["database-project", "database-cluster", "database-private-link-service"].map(
            (n) => RESOURCE_TYPES[byName.get(n)!.type].createMinutes[1],
        );
        expect(dbChain.reduce((a, b) => a + b, 0)).to.be.lessThan(d.maxMinutes);
        expect(d.minMinutes).to.be.greaterThan(0).and.lessThan(d.maxMinutes);
    });
});
