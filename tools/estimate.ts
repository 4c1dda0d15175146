// Estimates, from an offline evaluation: what a stack costs per month at list prices (prices.json) and
// how long its first `pulumi up` takes. Pure functions over the registered resources; no cloud, no Pulumi.
import { groupByComponent, shortType } from "./components";
import pricesJson from "./prices.json";
import type { Evaluation, RegisteredResource } from "./run-program";

/** A table of list prices, with when they were published and read, and where from. */
export interface PriceTable {
    /** The source in a few words, for the plan's text. */
    readonly cite: string;
    readonly unit: string;
    /** When the source published the numbers, as far as known. */
    readonly asOf: string;
    /** When we read them. */
    readonly read: string;
    readonly source: string;
    /** Price by AWS region, then by item (node type, tier) or directly. */
    readonly regions?: Readonly<Record<string, number | Readonly<Record<string, number>>>>;
    /** One price for every region, where the source says so. */
    readonly allRegions?: number;
    /** A multiplier on another table's price (Valkey on Redis OSS). */
    readonly factor?: number;
}

export interface PriceData {
    readonly hoursPerMonth: number;
    readonly tables: Readonly<Record<TableName, PriceTable>>;
    /** What a usage-based item bills: `billed` in a few words for a line, `detail` with rates for the summary. */
    readonly usageBased: Readonly<Record<UsageItem, { readonly billed: string; readonly detail: string; readonly source: string }>>;
    readonly free: Readonly<Record<FreeItem, { readonly what: string; readonly source: string }>>;
}

type TableName =
    | "elastiCacheNode"
    | "valkeyNodeFactor"
    | "atlasCluster"
    | "atlasPrivateEndpoint"
    | "vpcInterfaceEndpoint"
    | "secretsManagerSecret"
    | "cloudWatchAlarm"
    | "kmsKey";
type UsageItem = keyof typeof pricesJson.usageBased;
type FreeItem = keyof typeof pricesJson.free;

export const PRICES: PriceData = pricesJson;

/** How a resource type is billed. */
export type CostRule =
    | { readonly kind: "priced"; readonly pricer: Pricer }
    | { readonly kind: "usage-based"; readonly item: UsageItem }
    /** `usage`: what the resource causes to be billed by use although the resource itself is free. */
    | { readonly kind: "free"; readonly item: FreeItem; readonly usage?: UsageItem };

/** What a resource type costs and how long its provider takes to create one. */
export interface TypeProfile {
    readonly cost: CostRule;
    /** Typical create time in minutes: [min, max]. */
    readonly createMinutes: readonly [number, number];
    /** Where that time comes from. */
    readonly createNote: string;
}

type Pricer = "elastiCacheNodes" | "atlasCluster" | "vpcEndpoint" | "atlasPrivateEndpoint" | "secret" | "alarm" | "kmsKey";

const SECONDS: TypeProfile["createMinutes"] = [0.1, 0.5];
const API_CALL = "a single API call, seconds";
const free = (item: FreeItem, createMinutes = SECONDS, createNote = API_CALL): TypeProfile => ({
    cost: { kind: "free", item },
    createMinutes,
    createNote,
});

/**
 * Every resource type the program may register, classified. A type missing here is reported as
 * unclassified and a test fails, so whoever adds a resource type says what it costs and how long it takes.
 */
export const RESOURCE_TYPES: Readonly<Record<string, TypeProfile>> = {
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        cost: { kind: "priced", pricer: "elastiCacheNodes" },
        createMinutes: [5, 20],
        createNote:
            "a single-node cluster took 395 s in the provider's acceptance tests (hashicorp/terraform#8275); Multi-AZ groups have taken over 40 min, hence the provider's 60-min timeout (terraform-provider-aws#2048, #4093)",
    },
    "aws:elasticache/subnetGroup:SubnetGroup": free("elastiCacheSubnetGroup"),
    "aws:ec2/securityGroup:SecurityGroup": free("vpcSecurity"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": free("vpcSecurity"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": {
        cost: { kind: "priced", pricer: "vpcEndpoint" },
        createMinutes: [1, 3],
        createNote: "interface endpoint from pending to available; no published figure, typical observation",
    },
    "mongodbatlas:index/project:Project": free("atlasProject"),
    "mongodbatlas:index/advancedCluster:AdvancedCluster": {
        cost: { kind: "priced", pricer: "atlasCluster" },
        createMinutes: [5, 10],
        createNote: "Atlas docs: creating a dedicated cluster can take up to 10 minutes (Atlas Kubernetes Operator, AtlasDeployment)",
    },
    "mongodbatlas:index/databaseUser:DatabaseUser": free("atlasProject", [0.1, 1], "Atlas applies the user to the cluster; under a minute"),
    "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList": free(
        "atlasProject",
        [0.1, 1],
        "Atlas applies the entry to the project; under a minute",
    ),
    "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint": {
        cost: { kind: "priced", pricer: "atlasPrivateEndpoint" },
        createMinutes: [2, 10],
        createNote: "Atlas creates a load balancer and endpoint service (INITIATING, then WAITING_FOR_USER); no published figure",
    },
    "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService": free(
        "atlasEndpointLink",
        [2, 10],
        "the provider polls until AVAILABLE (its initial wait was cut from 5 to 1 min, terraform-provider-mongodbatlas#2801); the private SRV string follows 3-5 min later (#481)",
    ),
    "aws:acm/certificate:Certificate": free("acm", [0.1, 1], "the request returns at once; the wait is in the validation"),
    "aws:acm/certificateValidation:CertificateValidation": free(
        "acm",
        [2, 30],
        "ACM issues minutes after the CNAME resolves; AWS CDK raised its wait from 5 to 9.5 min after time-outs (aws-cdk#2914), the Terraform provider waits up to 45 min (terraform-provider-aws#9338)",
    ),
    "aws:route53/record:Record": {
        cost: { kind: "free", item: "route53Records", usage: "route53Queries" },
        createMinutes: [0.5, 2],
        createNote: "Route 53 docs: changes generally reach all its name servers within 60 seconds; the provider waits for INSYNC",
    },
    "aws:cloudfront/distribution:Distribution": {
        cost: { kind: "usage-based", item: "cloudfront" },
        createMinutes: [5, 20],
        createNote:
            "the provider waits until the distribution is Deployed; 10-20 min per kindatechnical.com's CloudFront lesson, often less",
    },
    "aws:cloudfront/cachePolicy:CachePolicy": free("cloudfrontSettings"),
    "aws:cloudfront/originAccessControl:OriginAccessControl": free("cloudfrontSettings"),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": free("cloudfrontSettings"),
    "aws:s3/bucket:Bucket": { cost: { kind: "usage-based", item: "s3" }, createMinutes: SECONDS, createNote: API_CALL },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": free("s3Settings"),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": free("s3Settings"),
    "aws:s3/bucketVersioning:BucketVersioning": free("s3Settings"),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": free("s3Settings"),
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": free("s3Settings"),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": free("s3Settings"),
    "aws:s3/bucketPolicy:BucketPolicy": free("s3Settings"),
    "aws:iam/role:Role": free("iam"),
    "aws:iam/rolePolicy:RolePolicy": free("iam"),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": free("iam"),
    "aws:iam/instanceProfile:InstanceProfile": free("iam"),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": free("eksPodIdentity", [0.1, 1], "EKS API call; under a minute"),
    "random:index/randomPassword:RandomPassword": free("random", [0, 0], "computed locally"),
    // Types the monitoring and secrets work will add, priced ahead of it.
    "aws:secretsmanager/secret:Secret": { cost: { kind: "priced", pricer: "secret" }, createMinutes: SECONDS, createNote: API_CALL },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { cost: { kind: "priced", pricer: "alarm" }, createMinutes: SECONDS, createNote: API_CALL },
    "aws:secretsmanager/secretVersion:SecretVersion": free("secretsManagerVersion"),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": free("iam"),
    "aws:kms/key:Key": { cost: { kind: "priced", pricer: "kmsKey" }, createMinutes: SECONDS, createNote: API_CALL },
    "aws:cloudwatch/logGroup:LogGroup": {
        cost: { kind: "usage-based", item: "cloudwatchLogs" },
        createMinutes: SECONDS,
        createNote: API_CALL,
    },
    // Operations: replication, logs, alarms, the Atlas backup policy.
    "aws:s3/bucketLogging:BucketLogging": free("s3Settings"),
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": {
        cost: { kind: "free", item: "s3Settings", usage: "s3Replication" },
        createMinutes: SECONDS,
        createNote: API_CALL,
    },
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": free("logDelivery"),
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": free("logDelivery"),
    "aws:cloudwatch/logDelivery:LogDelivery": {
        cost: { kind: "free", item: "logDelivery", usage: "vendedLogs" },
        createMinutes: SECONDS,
        createNote: API_CALL,
    },
    "aws:sns/topic:Topic": {
        cost: { kind: "free", item: "snsTopics", usage: "snsNotifications" },
        createMinutes: SECONDS,
        createNote: API_CALL,
    },
    "aws:sns/topicPolicy:TopicPolicy": free("snsTopics"),
    "aws:sns/topicSubscription:TopicSubscription": free("snsTopics"),
    "mongodbatlas:index/alertConfiguration:AlertConfiguration": free("atlasAlerts", [0.1, 1], "an Atlas API call; under a minute"),
    "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule": {
        cost: { kind: "free", item: "atlasBackupPolicy", usage: "atlasBackup" },
        createMinutes: [0.1, 1],
        createNote: "an Atlas API call once the cluster exists; under a minute",
    },
};

/** One billable resource (or one usage-based part of it) and what it costs per month. */
export interface CostLine {
    readonly component: string;
    readonly resource: string;
    readonly type: string;
    /** What is billed, e.g. "2 × cache.t3.medium node-hours (redis)". */
    readonly billed: string;
    /** USD per month; "usage-based" when it depends on traffic or stored data; "no price" when prices.json lacks it. */
    readonly monthlyUsd: number | "usage-based" | "no price";
    /** Why there is no price: "no price for cache.x9.huge in us-east-1", "no price data for sa-east-1". */
    readonly reason?: string;
}

/** The price table a line was priced from. */
export interface PriceSource {
    readonly table: string;
    readonly cite: string;
    readonly asOf: string;
    readonly read: string;
    readonly source: string;
}

/** An estimate of the monthly cost at list prices: never a quote. */
export interface CostEstimate {
    readonly region: string;
    readonly hoursPerMonth: number;
    readonly lines: readonly CostLine[];
    /** Sum of the priced lines, USD per month. */
    readonly totalMonthlyUsd: number;
    /** Lines left out of the total for want of a price, with the reason. */
    readonly unpriced: readonly string[];
    /** What the total leaves out because it depends on usage, with the rates where known. */
    readonly usageBased: readonly string[];
    /** Free resources, counted by type. */
    readonly free: readonly { readonly type: string; readonly count: number }[];
    /** Registered types that RESOURCE_TYPES does not classify: estimated as nothing. */
    readonly unclassified: readonly string[];
    /** The price tables behind the priced and unpriced lines. */
    readonly sources: readonly PriceSource[];
}

/** One resource on the critical path, with its create time in minutes. */
export interface PathStep {
    readonly resource: string;
    readonly type: string;
    readonly minMinutes: number;
    readonly maxMinutes: number;
    /** Where the time comes from. */
    readonly note: string;
}

/** An estimate of how long the first `pulumi up` of the stack takes. */
export interface DurationEstimate {
    /** The longest chain of dependent creations when each takes its minimum. */
    readonly minMinutes: number;
    /** The longest chain when each takes its maximum. */
    readonly maxMinutes: number;
    /** That slowest chain, first creation first. */
    readonly criticalPath: readonly PathStep[];
    /** Registered types without a create time: counted as taking none. */
    readonly unclassified: readonly string[];
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Custom resource types of the evaluation that RESOURCE_TYPES does not classify. */
export function unclassifiedTypes(ev: Evaluation): string[] {
    return [...new Set(ev.resources.filter((r) => r.custom && !(r.type in RESOURCE_TYPES)).map((r) => r.type))].sort();
}

/** The stack's AWS region, as the program exports it (Membrane's AWS_REGION). */
export function stackRegion(ev: Evaluation): string {
    const v = ev.outputs.AWS_REGION?.value;
    return typeof v === "string" ? v : "";
}

/** Atlas's region name for an AWS region: US_EAST_1 -> us-east-1. */
export function awsRegionOfAtlas(regionName: string): string {
    return regionName.toLowerCase().replace(/_/g, "-");
}

type Lookup = { readonly price: number } | { readonly reason: string };

/** A price from a regional table, or why there is none; never another region's price. */
function lookup(table: PriceTable, region: string, item?: string, label = item): Lookup {
    if (table.allRegions !== undefined) {
        return { price: table.allRegions };
    }
    const byRegion = table.regions?.[region];
    if (byRegion === undefined) {
        return { reason: `no price data for ${region || "an unknown region"}` };
    }
    if (typeof byRegion === "number") {
        return { price: byRegion };
    }
    const price = item === undefined ? undefined : byRegion[item];
    return price === undefined ? { reason: `no price for ${label} in ${region}` } : { price };
}

interface PricingContext {
    readonly region: string;
    readonly data: PriceData;
    readonly line: (billed: string, monthly: CostLine["monthlyUsd"], reason?: string) => CostLine;
    readonly usage: (item: UsageItem) => CostLine;
    readonly used: Set<TableName>;
}

function hourly(ctx: PricingContext, table: TableName, billed: string, quantity: number, found: Lookup): CostLine {
    ctx.used.add(table);
    return "price" in found
        ? ctx.line(billed, round2(quantity * found.price * ctx.data.hoursPerMonth))
        : ctx.line(billed, "no price", found.reason);
}

function monthly(ctx: PricingContext, table: TableName, billed: string, found: Lookup): CostLine {
    ctx.used.add(table);
    return "price" in found ? ctx.line(billed, round2(found.price)) : ctx.line(billed, "no price", found.reason);
}

/** Nodes of a replication group: numCacheClusters, or shards × (replicas + 1) in cluster mode. */
export function elastiCacheNodes(inputs: Record<string, unknown>): number | undefined {
    const num = (k: string) => (typeof inputs[k] === "number" ? (inputs[k] as number) : undefined);
    if (inputs.clusterMode === "enabled") {
        const groups = num("numNodeGroups");
        return groups === undefined ? undefined : groups * ((num("replicasPerNodeGroup") ?? 0) + 1);
    }
    return num("numCacheClusters");
}

const PRICERS: Readonly<Record<Pricer, (r: RegisteredResource, ctx: PricingContext) => CostLine[] | "free">> = {
    elastiCacheNodes: (r, ctx) => {
        const nodeType = String(r.inputs.nodeType ?? "");
        const engine = r.inputs.engine === "valkey" ? "valkey" : "redis";
        const nodes = elastiCacheNodes(r.inputs);
        const billed = `${nodes ?? "?"} × ${nodeType} node-hours (${engine})`;
        let found = lookup(ctx.data.tables.elastiCacheNode, ctx.region, nodeType);
        const valkeyFactor = ctx.data.tables.valkeyNodeFactor.factor;
        if (engine === "valkey" && "price" in found) {
            ctx.used.add("valkeyNodeFactor");
            found = valkeyFactor === undefined ? { reason: "no Valkey factor in prices.json" } : { price: found.price * valkeyFactor };
        }
        const lines = [
            nodes === undefined
                ? ctx.line(billed, "no price", "cannot count the nodes: no numCacheClusters, or numNodeGroups in cluster mode")
                : hourly(ctx, "elastiCacheNode", billed, nodes, found),
            ctx.usage("elastiCacheTransfer"),
        ];
        const retention = r.inputs.snapshotRetentionLimit;
        return typeof retention === "number" && retention > 0 ? [...lines, ctx.usage("elastiCacheBackup")] : lines;
    },
    atlasCluster: (r, ctx) => {
        const specs = (r.inputs.replicationSpecs as any)?.[0]?.regionConfigs?.[0];
        const tier = String(specs?.electableSpecs?.instanceSize ?? "?");
        const nodeCount = typeof specs?.electableSpecs?.nodeCount === "number" ? specs.electableSpecs.nodeCount : 3;
        const region = typeof specs?.regionName === "string" ? awsRegionOfAtlas(specs.regionName) : ctx.region;
        // Atlas quotes a tier's hourly price for a 3-node replica set.
        const billed = `Atlas ${tier} cluster-hours, ${nodeCount}-node replica set in ${region}`;
        const found = lookup(ctx.data.tables.atlasCluster, region, tier, `Atlas ${tier}`);
        const lines = [hourly(ctx, "atlasCluster", billed, nodeCount / 3, found), ctx.usage("atlasTransfer")];
        return r.inputs.backupEnabled === true ? [...lines, ctx.usage("atlasBackup")] : lines;
    },
    vpcEndpoint: (r, ctx) => {
        if (r.inputs.vpcEndpointType !== "Interface") {
            return "free";
        }
        const azs = Array.isArray(r.inputs.subnetIds) ? r.inputs.subnetIds.length : 0;
        const region = typeof r.inputs.region === "string" ? r.inputs.region : ctx.region;
        const found = lookup(ctx.data.tables.vpcInterfaceEndpoint, region);
        return [hourly(ctx, "vpcInterfaceEndpoint", `${azs} AZ × interface endpoint-hours`, azs, found), ctx.usage("privateLinkData")];
    },
    atlasPrivateEndpoint: (r, ctx) => {
        const region = typeof r.inputs.region === "string" ? awsRegionOfAtlas(r.inputs.region) : ctx.region;
        const found = lookup(ctx.data.tables.atlasPrivateEndpoint, region);
        return [
            hourly(ctx, "atlasPrivateEndpoint", `Atlas private endpoint-hours in ${region}`, 1, found),
            ctx.usage("atlasPrivateEndpointCapacity"),
        ];
    },
    secret: (_r, ctx) => [
        monthly(ctx, "secretsManagerSecret", "1 secret-month", lookup(ctx.data.tables.secretsManagerSecret, ctx.region)),
        ctx.usage("secretsManagerApi"),
    ],
    // An alarm is billed in its own region: CloudFront's is in us-east-1 whatever the stack's region.
    alarm: (r, ctx) => [
        monthly(
            ctx,
            "cloudWatchAlarm",
            "1 standard alarm-month",
            lookup(ctx.data.tables.cloudWatchAlarm, typeof r.inputs.region === "string" ? r.inputs.region : ctx.region),
        ),
    ],
    kmsKey: (_r, ctx) => [monthly(ctx, "kmsKey", "1 customer managed key-month", lookup(ctx.data.tables.kmsKey, ctx.region))],
};

/** The custom resources by component, in the plan's order; any outside a component last, under "(stack)". */
function byComponent(ev: Evaluation): Array<{ readonly component: string; readonly resource: RegisteredResource }> {
    const grouped = groupByComponent(ev).flatMap(({ component, resources }) =>
        resources.map((resource) => ({ component: component.name, resource })),
    );
    const seen = new Set(grouped.map((g) => g.resource.urn));
    const rest = ev.resources.filter((r) => r.custom && !seen.has(r.urn)).map((resource) => ({ component: "(stack)", resource }));
    return [...grouped, ...rest];
}

/**
 * The stack's monthly cost at list prices, for `region` (the stack's aws:region): one line per billable
 * resource, the total of the priced lines, and what is usage-based, free, unpriced or unclassified.
 */
export function estimateCost(ev: Evaluation, region: string, data: PriceData = PRICES): CostEstimate {
    const lines: CostLine[] = [];
    const freeCounts = new Map<string, number>();
    const usageItems = new Set<UsageItem>();
    const used = new Set<TableName>();
    for (const { component, resource: r } of byComponent(ev)) {
        const profile = RESOURCE_TYPES[r.type];
        if (profile === undefined) {
            continue;
        }
        const base = { component, resource: r.name, type: r.type };
        const line = (billed: string, monthlyUsd: CostLine["monthlyUsd"], reason?: string): CostLine =>
            reason === undefined ? { ...base, billed, monthlyUsd } : { ...base, billed, monthlyUsd, reason };
        const usage = (item: UsageItem) => {
            usageItems.add(item);
            return line(data.usageBased[item].billed, "usage-based");
        };
        const rule = profile.cost;
        const billed =
            rule.kind === "free"
                ? "free"
                : rule.kind === "usage-based"
                  ? [usage(rule.item)]
                  : PRICERS[rule.pricer](r, { region, data, line, usage, used });
        if (billed === "free") {
            freeCounts.set(r.type, (freeCounts.get(r.type) ?? 0) + 1);
            if (rule.kind === "free" && rule.usage !== undefined) {
                usageItems.add(rule.usage);
            }
        } else {
            lines.push(...billed);
        }
    }
    const total = lines.reduce((sum, l) => sum + (typeof l.monthlyUsd === "number" ? l.monthlyUsd : 0), 0);
    return {
        region,
        hoursPerMonth: data.hoursPerMonth,
        lines,
        totalMonthlyUsd: round2(total),
        unpriced: lines.filter((l) => l.monthlyUsd === "no price").map((l) => `${l.resource} (${l.billed}): ${l.reason}`),
        usageBased: [...usageItems].map((item) => data.usageBased[item].detail),
        free: [...freeCounts].map(([type, count]) => ({ type, count })),
        unclassified: unclassifiedTypes(ev),
        sources: [...used].map((t) => {
            const { cite, asOf, read, source } = data.tables[t];
            return { table: t, cite, asOf, read, source };
        }),
    };
}

interface Finish {
    readonly at: number;
    readonly chain: readonly RegisteredResource[];
}

const START: Finish = { at: 0, chain: [] };
const later = (a: Finish, b: Finish): Finish => (b.at > a.at ? b : a);

/** A provider reference is `<urn>::<id>`: the provider resource it names, if any. */
function providerUrn(r: RegisteredResource): string[] {
    return r.provider ? [r.provider.slice(0, r.provider.lastIndexOf("::"))] : [];
}

/**
 * When each resource finishes if each takes `minutes` and starts once everything it depends on has
 * finished (its dependencies and explicit provider; a component counts as finished when all under it
 * are). Components take no time. Returns the latest finish and the chain that leads to it.
 */
/** An adopted resource is read, not created: its first up is the import and the in-place changes the preview lists. */
type Timing = Pick<TypeProfile, "createMinutes" | "createNote">;

const IMPORTED: Timing = {
    createMinutes: [0.1, 5],
    createNote: "adopted (the import option): a read of the existing resource, then the in-place changes its review warns about",
};

/** How long a resource takes to reach its state at the first up: created, or imported. */
const durationProfile = (r: RegisteredResource): Timing | undefined => (r.importId ? IMPORTED : RESOURCE_TYPES[r.type]);

function longestChain(ev: Evaluation, minutes: (p: Timing) => number): Finish {
    const byUrn = new Map(ev.resources.map((r) => [r.urn, r]));
    const children = new Map<string, RegisteredResource[]>();
    for (const r of ev.resources) {
        if (r.parent) {
            children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
        }
    }
    const memo = new Map<string, Finish>();
    const finish = (urn: string): Finish => {
        const r = byUrn.get(urn);
        if (r === undefined) {
            return START;
        }
        const known = memo.get(urn);
        if (known !== undefined) {
            return known;
        }
        memo.set(urn, START); // the engine refuses cycles; this only stops a malformed evaluation from looping
        let result: Finish;
        if (!r.custom) {
            result = (children.get(urn) ?? []).map((c) => finish(c.urn)).reduce(later, START);
        } else {
            const start = [...r.dependencies, ...providerUrn(r)].map(finish).reduce(later, START);
            const profile = durationProfile(r);
            result = { at: start.at + (profile ? minutes(profile) : 0), chain: [...start.chain, r] };
        }
        memo.set(urn, result);
        return result;
    };
    return ev.resources
        .filter((r) => r.custom)
        .map((r) => finish(r.urn))
        .reduce(later, START);
}

/** How long the first `pulumi up` takes: the longest chain of creations, at typical minimum and maximum times. */
export function estimateDuration(ev: Evaluation): DurationEstimate {
    const slowest = longestChain(ev, (p) => p.createMinutes[1]);
    return {
        minMinutes: round1(longestChain(ev, (p) => p.createMinutes[0]).at),
        maxMinutes: round1(slowest.at),
        criticalPath: slowest.chain.map((r) => {
            const profile = durationProfile(r);
            const [min, max] = profile?.createMinutes ?? [0, 0];
            return { resource: r.name, type: r.type, minMinutes: min, maxMinutes: max, note: profile?.createNote ?? "unclassified type" };
        }),
        unclassified: unclassifiedTypes(ev),
    };
}

const usd = (n: number): string => `$${n.toFixed(2)}`;
const range = (min: number, max: number): string => `${min}–${max} min`;

/** The plan's estimate section, as `npm start` prints it. */
export function renderEstimate(cost: CostEstimate, duration: DurationEstimate): string[] {
    const out = [
        `Estimated cost per month in ${cost.region || "(unknown region)"} (list prices, on demand, ${cost.hoursPerMonth} h a month; an estimate, not a quote):`,
    ];
    const width = (f: (l: CostLine) => string) => Math.max(0, ...cost.lines.map((l) => f(l).length));
    const [wc, wr, wb] = [width((l) => l.component), width((l) => l.resource), width((l) => l.billed)];
    for (const l of cost.lines) {
        const amount =
            typeof l.monthlyUsd === "number" ? usd(l.monthlyUsd) : l.monthlyUsd === "no price" ? `no price: ${l.reason}` : "usage-based";
        out.push(`  ${l.component.padEnd(wc)}  ${l.resource.padEnd(wr)}  ${l.billed.padEnd(wb)}  ${amount}`);
    }
    out.push(
        `  Total of the priced lines: ${usd(cost.totalMonthlyUsd)} per month${cost.unpriced.length > 0 ? `, without ${cost.unpriced.length} line(s) that have no price` : ""}`,
    );
    out.push("  Not in the total, usage-based:", ...cost.usageBased.map((u) => `    ${u}`));
    out.push(`  Free: ${cost.free.map((f) => `${shortType(f.type)}${f.count > 1 ? ` ×${f.count}` : ""}`).join(", ")}`);
    if (cost.unclassified.length > 0) {
        out.push(`  Not estimated, unclassified types: ${cost.unclassified.join(", ")}`);
    }
    out.push(
        "  Prices (tools/prices.json):",
        ...cost.sources.map((s) => `    ${s.table}: ${s.cite}; ${s.asOf === "undated" ? "undated" : `as of ${s.asOf}`}, read ${s.read}`),
    );
    out.push(
        "",
        `Estimated duration of the first pulumi up: ${range(duration.minMinutes, duration.maxMinutes)} (an estimate from typical create times along the slowest chain of dependencies)`,
        "  critical path, each creation waiting for the one before:",
    );
    const pathWidth = (f: (s: PathStep) => string) => Math.max(0, ...duration.criticalPath.map((s) => f(s).length));
    const [wn, wt] = [pathWidth((s) => s.resource), pathWidth((s) => shortType(s.type))];
    for (const s of duration.criticalPath) {
        out.push(
            `    ${s.resource.padEnd(wn)}  ${shortType(s.type).padEnd(wt)}  ${range(s.minMinutes, s.maxMinutes).padEnd(11)}  ${s.note}`,
        );
    }
    if (duration.unclassified.length > 0) {
        out.push(`  Not estimated, unclassified types: ${duration.unclassified.join(", ")}`);
    }
    return out;
}
