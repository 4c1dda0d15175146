// Every name the program gives an AWS or Atlas resource is unique within the stack, for every way of
// adopting an install: checked on the resources the evaluated program registers, kind by kind, never on
// the naming functions. Two resources with one name are an EntityAlreadyExists on the first `pulumi up`,
// or, for an adopted name, two resources managing one thing and overwriting each other.
//
// The combinations are generated: every `existing*` key on and off (with the keys they need), crossed
// with the features that add named resources (ECS, EKS by IRSA or Pod Identity, the credentials store,
// replication, logs, alarms, the EC2 instance role, names with the region). Their full product is some 920,000 stacks at a
// quarter of a second each, so the suite evaluates a covering array of it: every pair of factor values is
// in at least one evaluated stack (25, the fewest possible). A value of the Kubernetes-role factor says
// whether that role exists and whether it is adopted, so the pairs include an adopted ECS role beside a
// created Kubernetes role: the case that leaked one's name into the other. MEMBRANE_NAMES_STRENGTH=3
// evaluates every combination of three factors' values instead (117 stacks, about a minute; by hand).
import { expect } from "chai";
import * as path from "path";
import { loadCloudFixture } from "../../tools/cloud-file";
import type { Evaluation, RegisteredResource } from "../../tools/engine";
import type { CloudFixture } from "../../tools/mock-cloud";
import { evaluate, FIXTURES } from "../harness";

const LEGACY: CloudFixture = loadCloudFixture(path.join(FIXTURES, "legacy.cloud.yaml"));
const REGION = "eu-central-1";
const ISSUER = "https://oidc.eks.eu-central-1.amazonaws.com/id/0F3C6A8E1B2D4F5A6C7E8091A2B3C4D5";

/** The legacy account, with an EKS cluster, its OIDC provider and a service-account role to adopt. */
const ACCOUNT: CloudFixture = {
    ...LEGACY,
    eksClusters: [{ name: "legacy-eks", region: REGION, oidcIssuer: ISSUER }],
    oidcProviders: [{ url: ISSUER, clientIds: ["sts.amazonaws.com"] }],
    replicationGroups: [
        ...(LEGACY.replicationGroups ?? []),
        { ...LEGACY.replicationGroups![0], id: "legacy-redis-cache", subnetGroupName: "legacy-membrane-redis" },
    ],
    roles: [
        ...(LEGACY.roles ?? []),
        {
            name: "legacy-k8s-role",
            assumeRolePolicy: {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Principal: { Federated: "arn:aws:iam::111122223333:oidc-provider/x" },
                    },
                ],
            },
            inlinePolicies: ["legacy-k8s-policy"],
        },
    ],
};

/** One stack setting: the keys it sets (`undefined` removes a key from the legacy stack file). */
type Setting = Readonly<Record<string, unknown>>;
interface Factor {
    readonly name: string;
    readonly values: Readonly<Record<string, Setting>>;
}

const k = (key: string) => `membrane:${key}`;
const off = (...keys: string[]): Setting => Object.fromEntries(keys.map((key) => [k(key), undefined]));

/** The legacy stack adopts everything; each factor turns its part of that on or off, or a feature. */
const FACTORS: readonly Factor[] = [
    ...(["Tmp", "Connectors", "Static"] as const).map((p) => ({
        name: `existing${p}Bucket`,
        values: { adopted: {}, created: off(`existing${p}Bucket`) },
    })),
    {
        name: "redis",
        values: {
            "group and subnet group": {},
            // A group whose subnet group has the name the stack derives, so that adopting the group alone is no replacement.
            group: { ...off("existingRedisSubnetGroupName"), [k("existingRedisReplicationGroupId")]: "legacy-redis-cache" },
            created: off("existingRedisReplicationGroupId", "existingRedisSubnetGroupName"),
        },
    },
    {
        name: "atlas",
        values: {
            "project and cluster": {},
            project: off("existingAtlasClusterName"),
            "given project, adopted cluster": { ...off("existingAtlasProjectId"), [k("atlasProjectId")]: "65f1a2b3c4d5e6f708192a3b" },
            created: { ...off("existingAtlasProjectId", "existingAtlasClusterName"), [k("atlasOrgId")]: "5f1e2d3c4b5a697887766554" },
            external: {
                ...off("existingAtlasProjectId", "existingAtlasClusterName"),
                [k("databaseMode")]: "external",
                [k("externalMongoUri")]: { secret: "mongodb+srv://u:p@legacy.k45tj.mongodb.net/engine" },
            },
        },
    },
    { name: "existingCloudfrontDistributionId", values: { adopted: {}, created: off("existingCloudfrontDistributionId") } },
    { name: "existingCloudfrontOacId", values: { adopted: {}, created: off("existingCloudfrontOacId") } },
    {
        name: "ECS role",
        values: {
            none: { ...off("existingEcsTaskRoleName", "existingEcsTaskRolePolicyName"), [k("ecsTaskRole")]: false },
            created: off("existingEcsTaskRoleName", "existingEcsTaskRolePolicyName"),
            adopted: off("existingEcsTaskRolePolicyName"),
            "adopted with its policy": {},
        },
    },
    // A value says whether the Kubernetes role exists and whether it is adopted: the pair (ECS role adopted,
    // Kubernetes role created) is the case where the ECS role's adopted name leaked into the other role.
    {
        name: "Kubernetes role",
        values: {
            none: {},
            "IRSA, created": { [k("eksClusterName")]: "legacy-eks" },
            "Pod Identity, created": { [k("eksClusterName")]: "legacy-eks", [k("eksPodIdentity")]: true },
            "IRSA with its OIDC provider created, role adopted": {
                [k("eksClusterName")]: "legacy-eks",
                [k("eksOidcProvider")]: "create",
                [k("existingK8sRoleName")]: "legacy-k8s-role",
            },
            "Pod Identity, role adopted with its policy": {
                [k("eksClusterName")]: "legacy-eks",
                [k("eksPodIdentity")]: true,
                [k("existingK8sRoleName")]: "legacy-k8s-role",
                [k("existingK8sRolePolicyName")]: "legacy-k8s-policy",
            },
        },
    },
    {
        name: "credentials store",
        values: {
            "execution role created": {},
            "existing execution role": { [k("ecsExecutionRole")]: "existing", [k("ecsExecutionRoleName")]: "legacy-ecs-execution-role" },
            "no execution role": { [k("ecsExecutionRole")]: "none" },
            off: { [k("secretsManager")]: false },
        },
    },
    {
        name: "replication",
        values: {
            connectors: {},
            "connectors and static": { [k("s3ReplicateStatic")]: true },
            off: { [k("s3Replication")]: false },
        },
    },
    {
        name: "logs",
        values: { on: {}, off: { [k("s3AccessLogs")]: false, [k("cdnAccessLogs")]: false, [k("redisLogs")]: false } },
    },
    { name: "alarms", values: { on: {}, off: { [k("alarms")]: false } } },
    { name: "EC2 instance role", values: { off: {}, on: { [k("ec2InstanceRole")]: true } } },
    { name: "regionInNames", values: { off: {}, on: { [k("regionInNames")]: true } } },
];

type Row = Readonly<Record<string, string>>;

/** A stack the program refuses by design, which no row may be: without any role Membrane has no credentials. */
const forbidden = (row: Readonly<Record<string, string | undefined>>) =>
    row["ECS role"] === "none" && row["Kubernetes role"] === "none" && row["EC2 instance role"] === "off";

/** The index sets of `t` factors out of `n`. */
function subsets(n: number, t: number, from = 0): number[][] {
    if (t === 0) {
        return [[]];
    }
    const out: number[][] = [];
    for (let i = from; i <= n - t; i++) {
        out.push(...subsets(n, t - 1, i + 1).map((rest) => [i, ...rest]));
    }
    return out;
}

/**
 * A covering array of strength `t` (IPOG, Lei et al. 2007): rows such that every combination of values of
 * any `t` factors is in one row, except combinations `forbidden` refuses. It starts from every combination
 * of the `t` factors with the most values, then adds the other factors one at a time: each row takes the
 * value that covers the most combinations still missing, and rows are added (or their free places filled)
 * for what remains. Deterministic.
 */
export function covering(factors: readonly Factor[], t: number): Row[] {
    const order = factors.map((_, i) => i).sort((a, b) => Object.keys(factors[b].values).length - Object.keys(factors[a].values).length);
    const vals = factors.map((f) => Object.keys(f.values));
    type Partial = (string | undefined)[];
    const named = (row: Partial) => Object.fromEntries(factors.map((f, i) => [f.name, row[i]]));
    const allowed = (row: Partial) => !forbidden(named(row));
    const combos = (idx: readonly number[]) => idx.reduce<string[][]>((acc, i) => acc.flatMap((c) => vals[i].map((v) => [...c, v])), [[]]);
    const place = (idx: readonly number[], combo: readonly string[]): Partial => {
        const row: Partial = factors.map(() => undefined);
        idx.forEach((i, n) => (row[i] = combo[n]));
        return row;
    };
    let rows: Partial[] = combos(order.slice(0, t))
        .map((c) => place(order.slice(0, t), c))
        .filter(allowed);
    for (let n = t; n < order.length; n++) {
        const f = order[n];
        // The combinations of this factor with t-1 of those before it, still to cover.
        const missing: Array<{ idx: number[]; combo: string[] }> = [];
        for (const others of subsets(n, t - 1)) {
            const idx = [...others.map((o) => order[o]), f];
            for (const combo of combos(idx)) {
                if (allowed(place(idx, combo))) {
                    missing.push({ idx, combo });
                }
            }
        }
        const matches = (row: Partial, m: { idx: number[]; combo: string[] }) => m.idx.every((i, k) => row[i] === m.combo[k]);
        const remove = (row: Partial) => {
            for (let k = missing.length - 1; k >= 0; k--) {
                if (matches(row, missing[k])) {
                    missing.splice(k, 1);
                }
            }
        };
        for (const row of rows) {
            let best: string | undefined;
            let bestGain = -1;
            for (const v of vals[f]) {
                const trial = [...row];
                trial[f] = v;
                const gain = allowed(trial) ? missing.filter((m) => matches(trial, m)).length : -1;
                if (gain > bestGain) {
                    best = v;
                    bestGain = gain;
                }
            }
            row[f] = best;
            remove(row);
        }
        while (missing.length > 0) {
            const m = missing[0];
            const fits = (row: Partial) => {
                if (!m.idx.every((i, k) => row[i] === undefined || row[i] === m.combo[k])) {
                    return false;
                }
                const trial = [...row];
                m.idx.forEach((i, k) => (trial[i] = m.combo[k]));
                return allowed(trial);
            };
            let row = rows.find(fits);
            if (!row) {
                row = factors.map(() => undefined);
                rows.push(row);
            }
            m.idx.forEach((i, k) => (row[i] = m.combo[k]));
            remove(row);
        }
    }
    // What no combination needed takes any allowed value.
    rows = rows.map((row) => {
        const full = [...row];
        for (let i = 0; i < full.length; i++) {
            if (full[i] === undefined) {
                full[i] = vals[i].find((v) => {
                    const trial = [...full];
                    trial[i] = v;
                    return allowed(trial);
                });
            }
        }
        return full;
    });
    return rows.map((row) => named(row) as Row);
}

function settingOf(row: Row): { overrides: Record<string, unknown>; unset: string[] } {
    const merged: Record<string, unknown> = {};
    for (const f of FACTORS) {
        Object.assign(merged, f.values[row[f.name]]);
    }
    const unset = Object.keys(merged).filter((key) => merged[key] === undefined);
    const overrides = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
    return { overrides, unset };
}

const str = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/**
 * What must be unique, per type: the name AWS or Atlas keys the resource by, within its scope (the
 * account for IAM, S3 and CloudFront; the region for the rest; the role for an inline policy; the bucket
 * for a bucket's one configuration of each kind). Undefined: the type has nothing named by the program.
 */
const NAMES: Readonly<Record<string, ((r: RegisteredResource, region: string) => string[]) | null>> = {
    "aws:iam/role:Role": (r) => [`role ${str(r.inputs.name)}`],
    "aws:iam/rolePolicy:RolePolicy": (r) => [`inline policy ${str(r.inputs.name)} of role ${str(r.inputs.role)}`],
    "aws:iam/policy:Policy": (r) => [`managed policy ${str(r.inputs.name)}`],
    "aws:iam/instanceProfile:InstanceProfile": (r) => [`instance profile ${str(r.inputs.name)}`],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (r) => [`attachment of ${str(r.inputs.policyArn)} to ${str(r.inputs.role)}`],
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (r) => [`OIDC provider ${str(r.inputs.url)}`],
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": (r, region) => [
        `pod identity association of ${str(r.inputs.namespace)}/${str(r.inputs.serviceAccount)} in cluster ${str(r.inputs.clusterName)} (${region})`,
    ],
    "aws:s3/bucket:Bucket": (r) => [`bucket ${str(r.inputs.bucket)}`],
    "aws:elasticache/subnetGroup:SubnetGroup": (r, region) => [`cache subnet group ${str(r.inputs.name)} (${region})`],
    "aws:elasticache/replicationGroup:ReplicationGroup": (r, region) => [
        `replication group ${str(r.inputs.replicationGroupId)} (${region})`,
    ],
    "aws:ec2/securityGroup:SecurityGroup": (r, region) => [`security group ${str(r.inputs.namePrefix ?? r.inputs.name)}* (${region})`],
    "aws:cloudfront/cachePolicy:CachePolicy": (r) => [`cache policy ${str(r.inputs.name)}`],
    "aws:cloudfront/originAccessControl:OriginAccessControl": (r) => [`origin access control ${str(r.inputs.name)}`],
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": (r) => [`response headers policy ${str(r.inputs.name)}`],
    // CloudFront gives an alternate domain name to one distribution in all of AWS.
    "aws:cloudfront/distribution:Distribution": (r) =>
        ((r.inputs.aliases as string[] | undefined) ?? []).map((a) => `distribution alias ${a}`),
    "aws:cloudwatch/logGroup:LogGroup": (r, region) => [`log group ${str(r.inputs.name)} (${region})`],
    "aws:cloudwatch/metricAlarm:MetricAlarm": (r, region) => [`alarm ${str(r.inputs.name)} (${region})`],
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": (r, region) => [`log delivery source ${str(r.inputs.name)} (${region})`],
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": (r, region) => [
        `log delivery destination ${str(r.inputs.name)} (${region})`,
    ],
    "aws:cloudwatch/logDelivery:LogDelivery": (r, region) => [`log delivery from ${str(r.inputs.deliverySourceName)} (${region})`],
    "aws:sns/topic:Topic": (r, region) => [`topic ${str(r.inputs.name)} (${region})`],
    "aws:sns/topicPolicy:TopicPolicy": (r) => [`policy of topic ${str(r.inputs.arn)}`],
    "aws:secretsmanager/secret:Secret": (r, region) => [`secret ${str(r.inputs.name)} (${region})`],
    "aws:secretsmanager/secretVersion:SecretVersion": (r) => [`current version of ${str(r.inputs.secretId)}`],
    "aws:route53/record:Record": (r) => [`record ${str(r.inputs.name)} ${str(r.inputs.type)} in ${str(r.inputs.zoneId)}`],
    // Each bucket has one configuration of each kind: a second overwrites the first at every deploy.
    ...Object.fromEntries(
        [
            "bucketPolicy:BucketPolicy",
            "bucketPublicAccessBlock:BucketPublicAccessBlock",
            "bucketOwnershipControls:BucketOwnershipControls",
            "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "bucketVersioning:BucketVersioning",
            "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "bucketCorsConfiguration:BucketCorsConfiguration",
            "bucketLogging:BucketLogging",
            "bucketReplicationConfig:BucketReplicationConfig",
        ].map((t) => [`aws:s3/${t}`, (r: RegisteredResource) => [`${t.split(":")[1]} of bucket ${str(r.inputs.bucket)}`]]),
    ),
    "mongodbatlas:index/project:Project": (r) => [`Atlas project ${str(r.inputs.name)} in organization ${str(r.inputs.orgId)}`],
    "mongodbatlas:index/advancedCluster:AdvancedCluster": (r) => [
        `Atlas cluster ${str(r.inputs.name)} in project ${str(r.inputs.projectId)}`,
    ],
    "mongodbatlas:index/databaseUser:DatabaseUser": (r) => [
        `Atlas user ${str(r.inputs.username)}@${str(r.inputs.authDatabaseName)} in project ${str(r.inputs.projectId)}`,
    ],
    "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule": (r) => [
        `backup schedule of ${str(r.inputs.clusterName)} in project ${str(r.inputs.projectId)}`,
    ],
    "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList": (r) => [
        `access list entry ${str(r.inputs.cidrBlock)} in project ${str(r.inputs.projectId)}`,
    ],
    // Named by the cloud, not by the program.
    "aws:acm/certificate:Certificate": null,
    "aws:acm/certificateValidation:CertificateValidation": null,
    "aws:ec2/vpcEndpoint:VpcEndpoint": null,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": null,
    "aws:kms/key:Key": null,
    "aws:sns/topicSubscription:TopicSubscription": null,
    "mongodbatlas:index/alertConfiguration:AlertConfiguration": null,
    "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint": null,
    "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService": null,
    "random:index/randomPassword:RandomPassword": null,
};

/** Each name registered more than once, with the URNs that registered it; also a type this test has not classified. */
export function duplicateNames(ev: Evaluation, region: string): string[] {
    const seen = new Map<string, string[]>();
    const problems: string[] = [];
    for (const r of ev.resources.filter((x) => x.custom)) {
        if (!(r.type in NAMES)) {
            problems.push(`${r.type} is not classified in test/stacks/unique-names.test.ts NAMES: say what names it, or null`);
            continue;
        }
        const names = NAMES[r.type]?.(r, str(r.inputs.region ?? region)) ?? [];
        for (const name of names) {
            seen.set(name, [...(seen.get(name) ?? []), r.urn]);
        }
    }
    for (const [name, urns] of seen) {
        if (urns.length > 1) {
            problems.push(`${name}: registered by ${urns.join(" and ")}`);
        }
    }
    const urns = ev.resources.map((r) => r.urn);
    problems.push(...urns.filter((u, i) => urns.indexOf(u) !== i).map((u) => `URN ${u} registered twice`));
    return problems;
}

const describeRow = (row: Row) =>
    Object.entries(row)
        .map(([f, v]) => `${f}: ${v}`)
        .join("; ");

describe("every name is unique within the stack, for every adoption", function () {
    // MEMBRANE_NAMES_STRENGTH=3: every combination of three factors' values (about five times the stacks; by hand).
    const strength = Number(process.env.MEMBRANE_NAMES_STRENGTH ?? 2);
    const rows = covering(FACTORS, strength);

    it("the generated stacks hold every pair of factor values, the adopted ECS role beside a created Kubernetes role among them", () => {
        for (let i = 0; i < FACTORS.length; i++) {
            for (let j = i + 1; j < FACTORS.length; j++) {
                for (const a of Object.keys(FACTORS[i].values)) {
                    for (const b of Object.keys(FACTORS[j].values)) {
                        const pair = { [FACTORS[i].name]: a, [FACTORS[j].name]: b };
                        expect(
                            forbidden(pair) || rows.some((r) => r[FACTORS[i].name] === a && r[FACTORS[j].name] === b),
                            `${FACTORS[i].name}: ${a} with ${FACTORS[j].name}: ${b}`,
                        ).to.equal(true);
                    }
                }
            }
        }
        expect(rows.some((r) => r["ECS role"] === "adopted" && r["Kubernetes role"] === "IRSA, created")).to.equal(true);
        expect(rows.filter(forbidden)).to.deep.equal([]);
    });

    for (const row of rows) {
        it(describeRow(row), async () => {
            const ev = await evaluate({ stack: "legacy", cloud: ACCOUNT, ...settingOf(row) } as Parameters<typeof evaluate>[0]);
            expect(duplicateNames(ev, REGION)).to.deep.equal([]);
        });
    }
});
