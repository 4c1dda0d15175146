import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Evaluation, ProgramError, PROJECT_DIR, RegisteredResource } from "../../../tools/engine";
import { byType, childrenOf, COMPONENT_ACCOUNT, evaluate, fixtureStack, one, oneIn } from "../../harness";

const T = {
    component: "membrane:redis:Redis",
    subnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    token: "random:index/randomPassword:RandomPassword",
    group: "aws:elasticache/replicationGroup:ReplicationGroup",
};
// Every other way to write a security group rule: none may appear next to the ingress rules.
const OTHER_RULE_TYPES = ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/securityGroupRule:SecurityGroupRule"];
const SERVERLESS = /serverlesscache/i;

function evaluateRedis(mode: "replicas" | "security-groups" | "cluster"): Promise<Evaluation> {
    return evaluate({ stack: "staging", program: "test/programs/redis.ts", cloud: COMPONENT_ACCOUNT, env: { MEMBRANE_TEST_MODE: mode } });
}

/** The security group's id, as its ARN (security-group/<id>) gives it. */
function sgIdOf(ev: Evaluation): string {
    return (oneIn(ev, T.component, T.sg).outputs.arn as string).split("/")[1];
}

function tokenOf(ev: Evaluation): string {
    return oneIn(ev, T.component, T.token).outputs.result as string;
}

describe("Redis on its own", () => {
    let ev: Evaluation;
    let sgs: Evaluation;
    let cluster: Evaluation;
    before(async () => {
        [ev, sgs, cluster] = await Promise.all([evaluateRedis("replicas"), evaluateRedis("security-groups"), evaluateRedis("cluster")]);
    });

    it("is a membrane:redis:Redis component that parents every resource it creates, named from its own name", () => {
        const component = one(ev, T.component, "cache");
        const custom = ev.resources.filter((r) => r.custom);
        expect(custom.map((r) => r.type).sort()).to.deep.equal([T.sg, T.ingress, T.group, T.subnetGroup, T.token].sort());
        expect(childrenOf(ev, component)).to.have.lengthOf(custom.length);
        expect(custom.map((r) => r.name).sort()).to.deep.equal([
            "cache-auth-token",
            "cache-cache",
            "cache-ingress-vpc",
            "cache-sg",
            "cache-subnets",
        ]);
    });

    it("puts the nodes in a subnet group over the private subnets, named as the seed", () => {
        const sn = oneIn(ev, T.component, T.subnetGroup);
        expect(sn.inputs).to.deep.include({
            name: "qa-membrane-redis",
            subnetIds: ["subnet-0a1b2c3d", "subnet-0e1f2a3b"],
            tags: { Environment: "qa", Service: "membrane" },
        });
    });

    it("creates the security group in the VPC with the seed's name prefix and description, and no inline rules", () => {
        const sg = oneIn(ev, T.component, T.sg);
        expect(sg.inputs).to.deep.include({
            namePrefix: "qa-membrane-redis-",
            description: "Security group for Membrane Redis",
            vpcId: "vpc-0a1b2c3d",
            tags: { Environment: "qa", Service: "membrane" },
        });
        expect(sg.inputs).to.not.have.any.keys("ingress", "egress", "name");
    });

    it("admits TCP 6379 from the VPC CIDR only, with a description, and has no egress rule", () => {
        const [rule] = byType(ev, T.ingress);
        expect(byType(ev, T.ingress)).to.have.lengthOf(1);
        expect(rule.inputs).to.deep.include({
            securityGroupId: sgIdOf(ev),
            ipProtocol: "tcp",
            fromPort: 6379,
            toPort: 6379,
            cidrIpv4: "10.40.0.0/16",
            description: "Redis from VPC",
        });
        expect(rule.inputs).to.not.have.any.keys("cidrIpv6", "prefixListId", "referencedSecurityGroupId");
        for (const type of OTHER_RULE_TYPES) {
            expect(byType(ev, type), type).to.deep.equal([]);
        }
    });

    it("with allowed security groups: one described rule per group on 6379, named by its key, and no CIDR rule at all", () => {
        const rules = byType(sgs, T.ingress);
        const sources: Record<string, string> = {
            "cache-ingress-sg-0123456789abcdef0": "sg-0123456789abcdef0",
            // Given as an output, as another stack would give it.
            "cache-ingress-app": "sg-89abcdef",
        };
        expect(rules.map((r) => r.name).sort()).to.deep.equal(Object.keys(sources).sort());
        for (const r of rules) {
            const source = sources[r.name];
            expect(r.inputs).to.deep.include({
                securityGroupId: sgIdOf(sgs),
                ipProtocol: "tcp",
                fromPort: 6379,
                toPort: 6379,
                referencedSecurityGroupId: source,
                description: `Redis from ${source}`,
            });
            expect(r.inputs).to.not.have.any.keys("cidrIpv4", "cidrIpv6", "prefixListId");
        }
        for (const type of OTHER_RULE_TYPES) {
            expect(byType(sgs, type), type).to.deep.equal([]);
        }
    });

    it("never admits 0.0.0.0/0 or ::/0, in any mode", () => {
        for (const e of [ev, sgs, cluster]) {
            for (const r of byType(e, T.ingress)) {
                expect(r.inputs.cidrIpv4).to.not.equal("0.0.0.0/0");
                expect(r.inputs).to.not.have.property("cidrIpv6");
            }
        }
    });

    it("generates a 64-character alphanumeric AUTH token (ElastiCache: 16-128 printable) from fixed inputs, secret", () => {
        const token = oneIn(ev, T.component, T.token);
        // Exactly these: a changed or added input generates a new token.
        expect(token.inputs).to.deep.equal({
            length: 64,
            special: false,
            upper: true,
            lower: true,
            numeric: true,
            minUpper: 1,
            minLower: 1,
            minNumeric: 1,
        });
        const value = tokenOf(ev);
        expect(value).to.match(/^[A-Za-z0-9]{64}$/);
        expect(value).to.match(/[A-Z]/).and.match(/[a-z]/).and.match(/[0-9]/);
        expect(token.secretOutputs).to.include("result");
    });

    it("creates the replication group with the seed's settings, encrypted, authenticated, in its subnet and security groups", () => {
        const group = oneIn(ev, T.component, T.group);
        expect(group.inputs).to.deep.include({
            replicationGroupId: "qa-membrane",
            description: "Membrane Redis cluster",
            engine: "redis",
            engineVersion: "7.0",
            nodeType: "cache.r7g.large",
            parameterGroupName: "default.redis7",
            port: 6379,
            numCacheClusters: 3,
            subnetGroupName: "qa-membrane-redis",
            securityGroupIds: [sgIdOf(ev)],
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            maintenanceWindow: "tue:03:30-tue:05:00",
            snapshotRetentionLimit: 3,
            atRestEncryptionEnabled: true,
            transitEncryptionEnabled: true,
            authToken: tokenOf(ev),
            authTokenUpdateStrategy: "ROTATE",
            autoMinorVersionUpgrade: true,
            applyImmediately: true,
        });
        // Cluster mode off is left unset: Redis 6.x predates the parameter.
        expect(group.inputs).to.not.have.any.keys("clusterMode", "numNodeGroups", "replicasPerNodeGroup");
    });

    it("passes the token as a secret and gets it back as one", () => {
        const group = oneIn(ev, T.component, T.group);
        expect(group.secretInputs).to.deep.equal(["authToken"]);
        expect(group.additionalSecretOutputs).to.include("authToken");
        expect(group.secretOutputs).to.include("authToken");
    });

    it("registers the group after its ingress rules and its subnet group, outside production unprotected", () => {
        const group = oneIn(ev, T.component, T.group);
        expect(group.dependencies).to.include.members([
            oneIn(ev, T.component, T.ingress).urn,
            oneIn(ev, T.component, T.subnetGroup).urn,
            oneIn(ev, T.component, T.sg).urn,
        ]);
        expect(group.protect).to.equal(false);
        expect(group.retainOnDelete).to.equal(false);
    });

    it("outputs the primary endpoint, port 6379 and the rediss:// URI with the token, the URI secret", () => {
        const component = one(ev, T.component);
        const endpoint = oneIn(ev, T.component, T.group).outputs.primaryEndpointAddress as string;
        expect(endpoint).to.be.a("string");
        expect(component.outputs.endpoint).to.equal(endpoint);
        expect(component.outputs.port).to.equal(6379);
        expect(component.outputs.clusterMode).to.equal(false);
        expect(component.outputs.uri).to.equal(`rediss://:${tokenOf(ev)}@${endpoint}:6379`);
        expect(component.outputs.securityGroupId).to.equal(sgIdOf(ev));
        expect(component.outputs.replicationGroupArn).to.equal(oneIn(ev, T.component, T.group).outputs.arn);
        expect(component.secretOutputs).to.deep.equal(["uri"]);
        expect(ev.outputs.uri).to.deep.equal({ value: component.outputs.uri, secret: true });
        expect(ev.outputs.endpoint).to.deep.equal({ value: endpoint, secret: false });
    });

    it("cluster mode: shards and replicas per shard instead of a node count, cluster.on parameter group", () => {
        const group = oneIn(cluster, T.component, T.group);
        expect(group.inputs).to.deep.include({
            engine: "valkey",
            engineVersion: "8.0",
            parameterGroupName: "default.valkey8.cluster.on",
            clusterMode: "enabled",
            numNodeGroups: 3,
            replicasPerNodeGroup: 2,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            atRestEncryptionEnabled: true,
            transitEncryptionEnabled: true,
        });
        expect(group.inputs).to.not.have.property("numCacheClusters");
    });

    it("cluster mode: the endpoint and URI use the configuration endpoint, which cluster clients discover the nodes from", () => {
        const component = one(cluster, T.component);
        const endpoint = oneIn(cluster, T.component, T.group).outputs.configurationEndpointAddress as string;
        expect(endpoint).to.be.a("string");
        expect(component.outputs.endpoint).to.equal(endpoint);
        expect(component.outputs.clusterMode).to.equal(true);
        expect(component.outputs.uri).to.equal(`rediss://:${tokenOf(cluster)}@${endpoint}:6379`);
        expect(cluster.outputs.uri.secret).to.equal(true);
    });

    it("in production the replication group is protected, not retained (its data is ephemeral)", () => {
        const group = oneIn(cluster, T.component, T.group);
        expect(group.protect).to.equal(true);
        expect(group.retainOnDelete).to.equal(false);
    });

    it("never creates ElastiCache Serverless", () => {
        for (const e of [ev, sgs, cluster]) {
            expect(e.resources.filter((r) => SERVERLESS.test(r.type))).to.deep.equal([]);
        }
        const sources = [
            "index.ts",
            ...["components", "lib"].flatMap((dir) =>
                fs
                    .readdirSync(path.join(PROJECT_DIR, dir), { recursive: true, encoding: "utf8" })
                    .filter((f) => f.endsWith(".ts"))
                    .map((f) => `${dir}/${f}`),
            ),
        ];
        for (const file of sources) {
            expect(fs.readFileSync(path.join(PROJECT_DIR, file), "utf8"), file).to.not.match(/ServerlessCache/);
        }
    });
});

describe("Redis in the fixture stacks", () => {
    let prod: Evaluation;
    let staging: Evaluation;
    before(async () => {
        [prod, staging] = await Promise.all([fixtureStack("prod"), fixtureStack("staging")]);
    });
    const group = (e: Evaluation): RegisteredResource => oneIn(e, T.component, T.group, "redis-cache");

    it("prod: the seed's replication group, HA with 2 nodes, failover and Multi-AZ, protected", () => {
        expect(group(prod).inputs).to.deep.include({
            replicationGroupId: "prod-membrane",
            description: "Membrane Redis cluster",
            engine: "redis",
            engineVersion: "7.1",
            nodeType: "cache.t3.medium",
            parameterGroupName: "default.redis7",
            port: 6379,
            numCacheClusters: 2,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            maintenanceWindow: "sun:05:00-sun:06:00",
            snapshotRetentionLimit: 0,
            atRestEncryptionEnabled: true,
            transitEncryptionEnabled: true,
            autoMinorVersionUpgrade: true,
            subnetGroupName: "prod-membrane-redis",
            tags: { Environment: "prod", Service: "membrane" },
        });
        expect(group(prod).protect).to.equal(true);
        expect(oneIn(prod, T.component, T.subnetGroup).inputs.subnetIds).to.deep.equal([
            "subnet-0a1b2c3d4e5f60001",
            "subnet-0a1b2c3d4e5f60002",
            "subnet-0a1b2c3d4e5f60003",
        ]);
        expect(oneIn(prod, T.component, T.ingress).inputs).to.deep.include({ cidrIpv4: "10.20.0.0/16", fromPort: 6379, toPort: 6379 });
        expect(oneIn(prod, T.component, T.sg).inputs).to.deep.include({
            vpcId: "vpc-0a1b2c3d4e5f60718",
            namePrefix: "prod-membrane-redis-",
        });
    });

    it("staging: one node without failover or Multi-AZ, unprotected", () => {
        expect(group(staging).inputs).to.deep.include({
            replicationGroupId: "staging-membrane",
            numCacheClusters: 1,
            automaticFailoverEnabled: false,
            multiAzEnabled: false,
        });
        expect(group(staging).protect).to.equal(false);
    });

    // Failover without Multi-AZ is the one mix that tells the two flags apart: swapped, a failed primary
    // stays down (no failover), or the group is spread over zones the stack did not ask for.
    it("failover without Multi-AZ: each flag reaches its own input, and an adopted group's review compares each with its own", async () => {
        const [created, adopted] = await Promise.all([
            evaluate({
                stack: "staging",
                overrides: { "membrane:redisNumCacheClusters": 2, "membrane:redisAutomaticFailover": true, "membrane:redisMultiAz": false },
            }),
            evaluate({ stack: "legacy", overrides: { "membrane:redisMultiAz": false } }),
        ]);
        expect(group(created).inputs).to.deep.include({ automaticFailoverEnabled: true, multiAzEnabled: false });
        // The vendor's group has both on: only Multi-AZ changes.
        const review = adopted.warnings.filter((w) => w.includes("replication group legacy-redis-new"));
        expect(review.join("\n")).to.match(/Multi-AZ true -> false/);
        expect(review.join("\n")).not.to.match(/automatic failover/);
        expect(one(adopted, T.group).inputs).to.deep.include({ automaticFailoverEnabled: true, multiAzEnabled: false });
    });

    for (const stack of ["prod", "staging"]) {
        it(`${stack}: exports REDIS_URI, secret, built from the token and the primary endpoint; no cluster variable`, () => {
            const e = stack === "prod" ? prod : staging;
            const endpoint = group(e).outputs.primaryEndpointAddress;
            expect(e.outputs.REDIS_URI).to.deep.equal({ value: `rediss://:${tokenOf(e)}@${endpoint}:6379`, secret: true });
            expect(e.outputs).to.not.have.property("REDIS_CLUSTER_URI_1");
        });
    }

    it("cluster mode by config: REDIS_CLUSTER_URI_1 (secret, configuration endpoint) instead of REDIS_URI", async () => {
        const e = await evaluate({ stack: "prod", overrides: { "membrane:redisClusterMode": true } });
        const g = group(e);
        expect(g.inputs).to.deep.include({
            clusterMode: "enabled",
            numNodeGroups: 2,
            replicasPerNodeGroup: 1,
            parameterGroupName: "default.redis7.cluster.on",
            automaticFailoverEnabled: true,
        });
        expect(g.inputs).to.not.have.property("numCacheClusters");
        expect(e.outputs.REDIS_CLUSTER_URI_1).to.deep.equal({
            value: `rediss://:${tokenOf(e)}@${g.outputs.configurationEndpointAddress}:6379`,
            secret: true,
        });
        expect(e.outputs).to.not.have.property("REDIS_URI");
    });

    it("valkey and allowed security groups by config: valkey's parameter group, ingress from the groups only", async () => {
        const e = await evaluate({
            stack: "staging",
            overrides: {
                "membrane:redisEngine": "valkey",
                "membrane:redisEngineVersion": "8.1",
                "membrane:redisAllowedSecurityGroupIds": ["sg-0aaaaaaaaaaaaaaa1", "sg-0bbbbbbb"],
            },
        });
        expect(group(e).inputs).to.deep.include({ engine: "valkey", engineVersion: "8.1", parameterGroupName: "default.valkey8" });
        expect(byType(e, T.ingress).map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.cidrIpv4])).to.deep.equal([
            ["sg-0aaaaaaaaaaaaaaa1", undefined],
            ["sg-0bbbbbbb", undefined],
        ]);
    });

    it("one allowed security group replaces the VPC CIDR rule too", async () => {
        const e = await evaluate({ stack: "staging", overrides: { "membrane:redisAllowedSecurityGroupIds": ["sg-0aaaaaaaaaaaaaaa1"] } });
        expect(byType(e, T.ingress).map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.cidrIpv4])).to.deep.equal([
            ["sg-0aaaaaaaaaaaaaaa1", undefined],
        ]);
    });

    it("membrane:redisSnapshotWindow reaches the replication group; without it ElastiCache chooses", async () => {
        expect(group(prod).inputs).to.not.have.property("snapshotWindow");
        const e = await evaluate({
            stack: "prod",
            overrides: { "membrane:redisSnapshotWindow": "02:00-03:00", "membrane:redisSnapshotRetentionLimit": 7 },
        });
        expect(group(e).inputs).to.deep.include({ snapshotWindow: "02:00-03:00", snapshotRetentionLimit: 7 });
    });

    it("production refuses a single node, with the key's name, before any resource is registered", async () => {
        try {
            await evaluate({
                stack: "prod",
                overrides: {
                    "membrane:redisNumCacheClusters": 1,
                    "membrane:redisAutomaticFailover": false,
                    "membrane:redisMultiAz": false,
                },
            });
            expect.fail("the program should have failed");
        } catch (e) {
            expect(e).to.be.instanceOf(ProgramError);
            const err = e as ProgramError;
            expect(err.message).to.match(/membrane:redisNumCacheClusters: must be at least 2 in production/);
            expect(err.message).to.match(/membrane:redisAutomaticFailover: must be true in production/);
            expect(err.registered.filter((urn) => !urn.includes("pulumi:pulumi:Stack"))).to.deep.equal([]);
        }
    });
});
