// Estimates, from an offline evaluation: what a stack costs per month at list prices and how long its
// first `pulumi up` takes. Pure functions over the registered resources; no cloud, no Pulumi. The prices
// come from the shipped table (prices.json, vendor sources only) or, with --price-list, from the answers
// of AWS's Price List that tools/price-list.ts fetched before.
import { groupByComponent, shortType } from "./components";
import type { ListPrice, PriceCache, PriceListAnswers, PriceListClient, PriceQuery, PriceSelector } from "./price-list";
import { askPriceList, DEFAULT_CACHE_DIR, fileCache, priceListEndpoint, queryKey, sdkPriceListClient, selectPrice } from "./price-list";
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
    /** Why no price is shipped (no vendor page states it in a form that can be read offline): the lines say so. */
    readonly unshipped?: string;
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

/** Where a line's price came from. */
export type LineSource =
    /** AWS's Price List, asked with --price-list: the prices read, each with its date. */
    | { readonly kind: "price-list"; readonly prices: readonly ListPrice[] }
    /** The shipped table (tools/prices.json): the tables used and their source. */
    | { readonly kind: "table"; readonly tables: readonly string[]; readonly cite: string }
    | { readonly kind: "none" };

/** One billable resource (or one usage-based part of it) and what it costs per month. */
export interface CostLine {
    readonly component: string;
    readonly resource: string;
    readonly type: string;
    /** What is billed, e.g. "2 × cache.t3.medium node-hours (redis)". */
    readonly billed: string;
    /** USD per month; "usage-based" when it depends on traffic or stored data; "no price" when no source has it. */
    readonly monthlyUsd: number | "usage-based" | "no price";
    /** Why there is no price: "no price for cache.x9.huge in us-east-1", "no price data for sa-east-1". */
    readonly reason?: string;
    /** Where the price (for a usage-based line, its rates) came from. */
    readonly source: LineSource;
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
    /** The total leaves out lines that have no price: it is a lower bound, and `unpriced` names them. */
    readonly lowerBound: boolean;
    /** Lines left out of the total for want of a price, with the reason. */
    readonly unpriced: readonly string[];
    /** What the total leaves out because it depends on usage, with the rates where known. */
    readonly usageBased: readonly string[];
    /** Free resources, counted by type. */
    readonly free: readonly { readonly type: string; readonly count: number }[];
    /** Registered types that RESOURCE_TYPES does not classify: estimated as nothing. */
    readonly unclassified: readonly string[];
    /** The price tables behind the lines priced (or left unpriced) from tools/prices.json. */
    readonly sources: readonly PriceSource[];
    /** What the Price List was asked, when it was (--price-list). */
    readonly priceList?: {
        readonly endpoint: string;
        readonly cache: string;
        readonly questions: number;
        readonly answered: number;
        readonly fromCache: number;
        /** The dates of the answers used, oldest first. */
        readonly dates: readonly string[];
        /** Questions without an answer, and why (the lines fall back to the shipped table). */
        readonly failures: readonly string[];
    };
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
    if (table.unshipped !== undefined) {
        return { reason: `no shipped price (${table.unshipped})` };
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

/**
 * The Price List questions behind each priced AWS line: service code, the attributes that narrow the
 * answer (TERM_MATCH), and the product that prices the line (its family and usage type).
 */
export const PRICE_LIST = {
    elastiCacheNode: (region: string, nodeType: string, engine: "redis" | "valkey"): PriceSelector => {
        const cacheEngine = engine === "valkey" ? "Valkey" : "Redis";
        return {
            query: {
                serviceCode: "AmazonElastiCache",
                filters: { regionCode: region, productFamily: "Cache Instance", instanceType: nodeType, cacheEngine },
            },
            productFamily: "Cache Instance",
            usageType: `NodeUsage:${nodeType}`,
            region,
            per: "hour",
            what: `${nodeType} node-hours (${cacheEngine}) in ${region}`,
        };
    },
    vpcEndpointHours: (region: string): PriceSelector => ({
        query: { serviceCode: "AmazonVPC", filters: { regionCode: region, productFamily: "VpcEndpoint" } },
        productFamily: "VpcEndpoint",
        usageType: "VpcEndpoint-Hours",
        region,
        per: "hour",
        what: `interface endpoint-hours in ${region}`,
    }),
    vpcEndpointBytes: (region: string): PriceSelector => ({
        query: { serviceCode: "AmazonVPC", filters: { regionCode: region, productFamily: "VpcEndpoint" } },
        productFamily: "VpcEndpoint",
        usageType: "VpcEndpoint-Bytes",
        region,
        per: "unit",
        what: `interface endpoint data processed in ${region}`,
    }),
    secret: (region: string): PriceSelector => ({
        query: { serviceCode: "AWSSecretsManager", filters: { regionCode: region } },
        productFamily: "Secret",
        usageType: "AWSSecretsManager-Secrets",
        region,
        per: "unit",
        what: `Secrets Manager secret-months in ${region}`,
    }),
    secretApi: (region: string): PriceSelector => ({
        query: { serviceCode: "AWSSecretsManager", filters: { regionCode: region } },
        productFamily: "API Request",
        usageType: "AWSSecretsManagerAPIRequest",
        region,
        per: "unit",
        what: `Secrets Manager API requests in ${region}`,
    }),
    alarm: (region: string): PriceSelector => ({
        query: { serviceCode: "AmazonCloudWatch", filters: { regionCode: region, productFamily: "Alarm" } },
        productFamily: "Alarm",
        usageType: "CW:AlarmMonitorUsage",
        region,
        per: "unit",
        what: `standard CloudWatch alarm-months in ${region}`,
    }),
    kmsKey: (region: string): PriceSelector => ({
        query: { serviceCode: "awskms", filters: { regionCode: region, productFamily: "Encryption Key" } },
        productFamily: "Encryption Key",
        usageType: "KMS-Keys",
        region,
        per: "unit",
        what: `KMS key-months in ${region}`,
    }),
    s3Storage: (region: string): PriceSelector => ({
        query: { serviceCode: "AmazonS3", filters: { regionCode: region, productFamily: "Storage", volumeType: "Standard" } },
        productFamily: "Storage",
        usageType: "TimedStorage-ByteHrs",
        region,
        per: "unit",
        what: `S3 Standard storage in ${region}`,
    }),
    // CloudFront bills by where viewers are, not by region; PriceClass_100 serves from these two.
    cloudfrontOut: (fromLocation: "United States" | "Europe"): PriceSelector => ({
        query: {
            serviceCode: "AmazonCloudFront",
            filters: { productFamily: "Data Transfer", transferType: "CloudFront Outbound", fromLocation },
        },
        productFamily: "Data Transfer",
        usageType: "DataTransfer-Out-Bytes",
        per: "unit",
        what: `CloudFront data transfer out from ${fromLocation}`,
    }),
} as const;

interface PricingContext {
    readonly region: string;
    readonly data: PriceData;
    readonly line: (billed: string, monthly: CostLine["monthlyUsd"], source: LineSource, reason?: string) => CostLine;
    /** A usage-based line, with its rates from the Price List when they were asked. */
    readonly usage: (item: UsageItem, rates?: readonly PriceSelector[]) => CostLine;
    readonly used: Set<TableName>;
    /** The Price List's answers, with --price-list. */
    readonly live?: PriceListAnswers;
    /** Records the questions an estimate would ask (priceListQueries). */
    readonly ask: (sel: PriceSelector) => void;
}

type Priced = { readonly usd: number; readonly source: LineSource } | { readonly reason: string };

/**
 * A unit price for a line: from the Price List when it was asked and has the product, else from the shipped
 * table (`fallback`), else none, with both reasons. `fallback` also marks its tables as used.
 */
function unitPrice(ctx: PricingContext, sel: PriceSelector | undefined, fallback: () => Priced): Priced {
    let liveReason: string | undefined;
    if (sel !== undefined) {
        ctx.ask(sel);
        if (ctx.live !== undefined) {
            const answer = selectPrice(ctx.live, sel);
            if ("price" in answer) {
                return { usd: answer.price.usd, source: { kind: "price-list", prices: [answer.price] } };
            }
            liveReason = answer.reason;
        }
    }
    const shipped = fallback();
    return liveReason === undefined || !("reason" in shipped) ? shipped : { reason: `${liveReason}; shipped table: ${shipped.reason}` };
}

function fromTable(ctx: PricingContext, tables: readonly TableName[], found: Lookup): Priced {
    tables.forEach((t) => ctx.used.add(t));
    return "price" in found
        ? { usd: found.price, source: { kind: "table", tables, cite: tables.map((t) => ctx.data.tables[t].cite).join("; ") } }
        : found;
}

function priceLine(ctx: PricingContext, billed: string, quantity: number, per: "hour" | "month", p: Priced): CostLine {
    return "usd" in p
        ? ctx.line(billed, round2(quantity * p.usd * (per === "hour" ? ctx.data.hoursPerMonth : 1)), p.source)
        : ctx.line(billed, "no price", { kind: "none" }, p.reason);
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

/** The region a resource is in: its own `region` input (AWS provider v7), else the stack's. */
const regionOf = (r: RegisteredResource, ctx: PricingContext): string =>
    typeof r.inputs.region === "string" ? r.inputs.region : ctx.region;

const PRICERS: Readonly<Record<Pricer, (r: RegisteredResource, ctx: PricingContext) => CostLine[] | "free">> = {
    elastiCacheNodes: (r, ctx) => {
        const nodeType = String(r.inputs.nodeType ?? "");
        const engine = r.inputs.engine === "valkey" ? "valkey" : "redis";
        const nodes = elastiCacheNodes(r.inputs);
        const billed = `${nodes ?? "?"} × ${nodeType} node-hours (${engine})`;
        const region = regionOf(r, ctx);
        const offline = (): Priced => {
            const found = fromTable(ctx, ["elastiCacheNode"], lookup(ctx.data.tables.elastiCacheNode, region, nodeType));
            if (engine === "redis" || !("usd" in found)) {
                return found;
            }
            // The Price List has Valkey's own price; the shipped table only Redis OSS's and the FAQ's factor.
            const factor = ctx.data.tables.valkeyNodeFactor.factor;
            return factor === undefined
                ? { reason: "no Valkey factor in prices.json" }
                : fromTable(ctx, ["elastiCacheNode", "valkeyNodeFactor"], { price: found.usd * factor });
        };
        const lines = [
            nodes === undefined
                ? ctx.line(
                      billed,
                      "no price",
                      { kind: "none" },
                      "cannot count the nodes: no numCacheClusters, or numNodeGroups in cluster mode",
                  )
                : priceLine(ctx, billed, nodes, "hour", unitPrice(ctx, PRICE_LIST.elastiCacheNode(region, nodeType, engine), offline)),
            ctx.usage("elastiCacheTransfer"),
        ];
        const retention = r.inputs.snapshotRetentionLimit;
        return typeof retention === "number" && retention > 0 ? [...lines, ctx.usage("elastiCacheBackup")] : lines;
    },
    // Atlas has no price API: its rates are the documented ones in prices.json, with their sources.
    atlasCluster: (r, ctx) => {
        const specs = (r.inputs.replicationSpecs as any)?.[0]?.regionConfigs?.[0];
        const tier = String(specs?.electableSpecs?.instanceSize ?? "?");
        const nodeCount = typeof specs?.electableSpecs?.nodeCount === "number" ? specs.electableSpecs.nodeCount : 3;
        const region = typeof specs?.regionName === "string" ? awsRegionOfAtlas(specs.regionName) : ctx.region;
        // Atlas quotes a tier's hourly price for a 3-node replica set.
        const billed = `Atlas ${tier} cluster-hours, ${nodeCount}-node replica set in ${region}`;
        const found = fromTable(ctx, ["atlasCluster"], lookup(ctx.data.tables.atlasCluster, region, tier, `Atlas ${tier}`));
        const lines = [priceLine(ctx, billed, nodeCount / 3, "hour", found), ctx.usage("atlasTransfer")];
        return r.inputs.backupEnabled === true ? [...lines, ctx.usage("atlasBackup")] : lines;
    },
    vpcEndpoint: (r, ctx) => {
        if (r.inputs.vpcEndpointType !== "Interface") {
            return "free";
        }
        const azs = Array.isArray(r.inputs.subnetIds) ? r.inputs.subnetIds.length : 0;
        const region = regionOf(r, ctx);
        const found = unitPrice(ctx, PRICE_LIST.vpcEndpointHours(region), () =>
            fromTable(ctx, ["vpcInterfaceEndpoint"], lookup(ctx.data.tables.vpcInterfaceEndpoint, region)),
        );
        return [
            priceLine(ctx, `${azs} AZ × interface endpoint-hours`, azs, "hour", found),
            ctx.usage("privateLinkData", [PRICE_LIST.vpcEndpointBytes(region)]),
        ];
    },
    atlasPrivateEndpoint: (r, ctx) => {
        const region = typeof r.inputs.region === "string" ? awsRegionOfAtlas(r.inputs.region) : ctx.region;
        const found = fromTable(ctx, ["atlasPrivateEndpoint"], lookup(ctx.data.tables.atlasPrivateEndpoint, region));
        return [priceLine(ctx, `Atlas private endpoint-hours in ${region}`, 1, "hour", found), ctx.usage("atlasPrivateEndpointCapacity")];
    },
    secret: (r, ctx) => {
        const region = regionOf(r, ctx);
        const found = unitPrice(ctx, PRICE_LIST.secret(region), () =>
            fromTable(ctx, ["secretsManagerSecret"], lookup(ctx.data.tables.secretsManagerSecret, region)),
        );
        return [priceLine(ctx, "1 secret-month", 1, "month", found), ctx.usage("secretsManagerApi", [PRICE_LIST.secretApi(region)])];
    },
    // An alarm is billed in its own region: CloudFront's is in us-east-1 whatever the stack's region.
    alarm: (r, ctx) => {
        const region = regionOf(r, ctx);
        const found = unitPrice(ctx, PRICE_LIST.alarm(region), () =>
            fromTable(ctx, ["cloudWatchAlarm"], lookup(ctx.data.tables.cloudWatchAlarm, region)),
        );
        return [priceLine(ctx, "1 standard alarm-month", 1, "month", found)];
    },
    kmsKey: (r, ctx) => {
        const region = regionOf(r, ctx);
        const found = unitPrice(ctx, PRICE_LIST.kmsKey(region), () => fromTable(ctx, ["kmsKey"], lookup(ctx.data.tables.kmsKey, region)));
        return [priceLine(ctx, "1 customer managed key-month", 1, "month", found)];
    },
};

/** The rates of a usage-based item that the Price List is asked for, by resource. */
function usageRates(item: UsageItem, r: RegisteredResource, ctx: PricingContext): readonly PriceSelector[] | undefined {
    if (item === "s3") {
        return [PRICE_LIST.s3Storage(regionOf(r, ctx))];
    }
    return item === "cloudfront" ? [PRICE_LIST.cloudfrontOut("United States"), PRICE_LIST.cloudfrontOut("Europe")] : undefined;
}

/** The custom resources by component, in the plan's order; any outside a component last, under "(stack)". */
function byComponent(ev: Evaluation): Array<{ readonly component: string; readonly resource: RegisteredResource }> {
    const grouped = groupByComponent(ev).flatMap(({ component, resources }) =>
        resources.map((resource) => ({ component: component.name, resource })),
    );
    const seen = new Set(grouped.map((g) => g.resource.urn));
    const rest = ev.resources.filter((r) => r.custom && !seen.has(r.urn)).map((resource) => ({ component: "(stack)", resource }));
    return [...grouped, ...rest];
}

const dateOf = (iso: string): string => iso.slice(0, 10);

/**
 * The stack's monthly cost at list prices, for `region` (the stack's aws:region): one line per billable
 * resource, the total of the priced lines, and what is usage-based, free, unpriced or unclassified.
 * With `live` (the Price List's answers, --price-list), each AWS line is priced from the Price List and
 * falls back to the shipped table only where the Price List has no answer; Atlas lines always come from the table.
 */
export function estimateCost(ev: Evaluation, region: string, data: PriceData = PRICES, live?: PriceListAnswers): CostEstimate {
    return estimate(ev, region, data, live, () => undefined);
}

/** The Price List questions an estimate of the stack asks, one per distinct service, region and filter. */
export function priceListQueries(ev: Evaluation, region: string, data: PriceData = PRICES): PriceQuery[] {
    const asked = new Map<string, PriceQuery>();
    estimate(ev, region, data, undefined, (sel) => asked.set(queryKey(sel.query), sel.query));
    return [...asked.values()];
}

/**
 * Asks the Price List every question the stack's estimate needs (--price-list), with the user's default AWS
 * credentials unless a client is given (the tests' recorded responses), through the cache.
 */
export async function stackPriceList(
    ev: Evaluation,
    region: string,
    opts: { readonly client?: PriceListClient; readonly cache?: PriceCache; readonly now?: Date } = {},
): Promise<PriceListAnswers> {
    const endpoint = priceListEndpoint(region);
    return askPriceList(priceListQueries(ev, region), {
        client: opts.client ?? (await sdkPriceListClient(endpoint)),
        endpoint,
        cache: opts.cache ?? fileCache(DEFAULT_CACHE_DIR),
        ...(opts.now && { now: opts.now }),
    });
}

function estimate(
    ev: Evaluation,
    region: string,
    data: PriceData,
    live: PriceListAnswers | undefined,
    ask: (sel: PriceSelector) => void,
): CostEstimate {
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
        const line = (billed: string, monthlyUsd: CostLine["monthlyUsd"], source: LineSource, reason?: string): CostLine =>
            reason === undefined ? { ...base, billed, monthlyUsd, source } : { ...base, billed, monthlyUsd, reason, source };
        const ctx: PricingContext = {
            region,
            data,
            line,
            used,
            live,
            ask,
            usage: (item, rates) => {
                usageItems.add(item);
                const prices: ListPrice[] = [];
                for (const sel of rates ?? usageRates(item, r, ctx) ?? []) {
                    ask(sel);
                    const answer = live === undefined ? undefined : selectPrice(live, sel);
                    if (answer !== undefined && "price" in answer) {
                        prices.push(answer.price);
                    }
                }
                return line(
                    data.usageBased[item].billed,
                    "usage-based",
                    prices.length > 0
                        ? { kind: "price-list", prices }
                        : { kind: "table", tables: [`usageBased.${item}`], cite: data.usageBased[item].source },
                );
            },
        };
        const rule = profile.cost;
        const billed = rule.kind === "free" ? "free" : rule.kind === "usage-based" ? [ctx.usage(rule.item)] : PRICERS[rule.pricer](r, ctx);
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
    const unpriced = lines.filter((l) => l.monthlyUsd === "no price").map((l) => `${l.resource} (${l.billed}): ${l.reason}`);
    const livePrices = lines.flatMap((l) => (l.source.kind === "price-list" ? l.source.prices : []));
    return {
        region,
        hoursPerMonth: data.hoursPerMonth,
        lines,
        totalMonthlyUsd: round2(total),
        lowerBound: unpriced.length > 0,
        unpriced,
        usageBased: [...usageItems].map((item) => data.usageBased[item].detail),
        free: [...freeCounts].map(([type, count]) => ({ type, count })),
        unclassified: unclassifiedTypes(ev),
        sources: [...used].map((t) => {
            const { cite, asOf, read, source } = data.tables[t];
            return { table: t, cite, asOf, read, source };
        }),
        ...(live !== undefined && {
            priceList: {
                endpoint: live.endpoint,
                cache: live.cacheWhere,
                questions: live.answers.size + live.failures.size,
                answered: live.answers.size,
                fromCache: [...live.answers.values()].filter((a) => a.cached).length,
                dates: [...new Set(livePrices.map((p) => dateOf(p.fetched)))].sort(),
                failures: [...live.failures.values()].filter((v, i, all) => all.indexOf(v) === i),
            },
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

/** A unit price as the Price List writes it, without trailing zeros: 0.065, 0.0000004. */
const rate = (n: number): string => `$${n.toFixed(10).replace(/0+$/, "").replace(/\.$/, "")}`;

/** Where a line's price came from, as the plan prints it beside the line. */
export function sourceText(l: CostLine): string {
    switch (l.source.kind) {
        case "price-list": {
            const p = l.source.prices;
            const dates = [...new Set(p.map((x) => x.fetched.slice(0, 10)))].join(", ");
            const cached = p.some((x) => x.stale !== undefined) ? " (cached, stale)" : p.every((x) => x.cached) ? " (cached)" : "";
            return `Price List ${dates}${cached}: ${p.map((x) => `${rate(x.usd)}/${x.unit} ${x.usageType}`).join(", ")}`;
        }
        case "table":
            return `table: ${l.source.cite}`;
        default:
            return "none: see below";
    }
}

/** The unpriced lines, those billed alike for one reason together (13 alarms are one entry naming the 13). */
function unpricedGroups(lines: readonly CostLine[]): { billed: string; reason: string; resources: string[] }[] {
    const groups = new Map<string, { billed: string; reason: string; resources: string[] }>();
    for (const l of lines.filter((x) => x.monthlyUsd === "no price")) {
        const key = `${l.billed}\u0000${l.reason}`;
        const g = groups.get(key) ?? { billed: l.billed, reason: l.reason ?? "", resources: [] };
        g.resources.push(l.resource);
        groups.set(key, g);
    }
    return [...groups.values()];
}

/** The plan's estimate section, as `npm start` prints it. */
export function renderEstimate(cost: CostEstimate, duration: DurationEstimate): string[] {
    const out = [
        `Estimated cost per month in ${cost.region || "(unknown region)"} (list prices, on demand, ${cost.hoursPerMonth} h a month; an estimate, not a quote):`,
        "  (beside each line, where its price comes from: the Price List of a date, the shipped table and its source, or none)",
    ];
    const amountOf = (l: CostLine) => (typeof l.monthlyUsd === "number" ? usd(l.monthlyUsd) : l.monthlyUsd);
    const width = (f: (l: CostLine) => string) => Math.max(0, ...cost.lines.map((l) => f(l).length));
    const [wc, wr, wb, wa] = [width((l) => l.component), width((l) => l.resource), width((l) => l.billed), width(amountOf)];
    for (const l of cost.lines) {
        out.push(
            `  ${l.component.padEnd(wc)}  ${l.resource.padEnd(wr)}  ${l.billed.padEnd(wb)}  ${amountOf(l).padEnd(wa)}  [${sourceText(l)}]`,
        );
    }
    if (cost.lowerBound) {
        out.push(
            `  Total of the priced lines: ${usd(cost.totalMonthlyUsd)} per month, a lower bound: it leaves out ${cost.unpriced.length} line(s) that have no price:`,
            ...unpricedGroups(cost.lines).map(
                (g) => `    - ${g.resources.join(", ")} (${g.billed}${g.resources.length > 1 ? " each" : ""}): ${g.reason}`,
            ),
        );
    } else {
        out.push(`  Total of the priced lines: ${usd(cost.totalMonthlyUsd)} per month (every billable line priced)`);
    }
    out.push("  Not in the total, usage-based:", ...cost.usageBased.map((u) => `    ${u}`));
    out.push(`  Free: ${cost.free.map((f) => `${shortType(f.type)}${f.count > 1 ? ` ×${f.count}` : ""}`).join(", ")}`);
    if (cost.unclassified.length > 0) {
        out.push(`  Not estimated, unclassified types: ${cost.unclassified.join(", ")}`);
    }
    const pl = cost.priceList;
    if (pl !== undefined) {
        out.push(
            `  AWS Price List (pricing:GetProducts at ${pl.endpoint}): ${pl.answered} of ${pl.questions} question(s) answered, ${pl.fromCache} from the cache (${pl.cache})${pl.dates.length > 0 ? `; answers of ${pl.dates.join(", ")}` : ""}`,
            ...pl.failures.map((f) => `    not answered: ${f} (the lines it would price keep the shipped table's price, or none)`),
        );
    } else {
        out.push("  AWS Price List not asked (offline): npm start -- --price-list prices every AWS line from it with your AWS credentials");
    }
    if (cost.sources.length > 0) {
        out.push(
            "  Shipped table (tools/prices.json):",
            ...cost.sources.map(
                (s) => `    ${s.table}: ${s.cite}; ${s.asOf === "undated" ? "undated" : `as of ${s.asOf}`}, read ${s.read}`,
            ),
        );
    }
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
