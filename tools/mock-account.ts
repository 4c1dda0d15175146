// What exists in the AWS account and the Atlas organization before the program runs, and the look-ups
// (data sources) answered from it. A stack's cloud fixture (`<stack>.cloud.yaml` beside its stack file)
// describes the account: then a look-up finds what the fixture describes and fails, as AWS or Atlas
// would, for anything else. Without a fixture (a user's own stack) each look-up is answered as an
// assumption that the evaluation lists, so that `npm start` says what `pulumi preview` will verify.
import * as crypto from "crypto";

export type State = Record<string, unknown>;

/** A tag map, as AWS returns it. */
type Tags = Readonly<Record<string, string>>;

export interface FixtureZone {
    readonly name: string;
    /** `Z…`, or as Route 53 prints it, `/hostedzone/Z…`. */
    readonly id: string;
    /** Default false: a public zone. */
    readonly private?: boolean;
}

export interface FixtureEksCluster {
    readonly name: string;
    /** Default: the stack's region. */
    readonly region?: string;
    /** `https://oidc.eks.<region>.amazonaws.com/id/<32 hex>`. */
    readonly oidcIssuer: string;
}

export interface FixtureOidcProvider {
    readonly url: string;
    readonly clientIds: readonly string[];
}

export interface FixtureVpc {
    readonly id: string;
    /** The primary IPv4 block. */
    readonly cidrBlock: string;
    /** IPv4 blocks associated with the VPC after its creation. */
    readonly secondaryCidrBlocks?: readonly string[];
    readonly enableDnsSupport: boolean;
    readonly enableDnsHostnames: boolean;
}

export interface FixtureSubnet {
    readonly id: string;
    readonly vpcId: string;
    readonly availabilityZone: string;
}

export interface FixtureBucket {
    readonly name: string;
    readonly region: string;
    readonly tags?: Tags;
}

/** An ElastiCache replication group as DescribeReplicationGroups and its first member's DescribeCacheClusters show it. */
export interface FixtureReplicationGroup {
    readonly id: string;
    readonly description?: string;
    readonly engine: string;
    readonly engineVersion: string;
    readonly nodeType: string;
    readonly port: number;
    /** `enabled` or `disabled`. */
    readonly clusterMode: string;
    readonly numNodeGroups?: number;
    readonly replicasPerNodeGroup?: number;
    readonly numCacheClusters?: number;
    readonly automaticFailover: boolean;
    readonly multiAz: boolean;
    readonly authTokenEnabled: boolean;
    readonly subnetGroupName: string;
    readonly parameterGroupName: string;
    readonly securityGroupIds?: readonly string[];
    readonly maintenanceWindow?: string;
    readonly snapshotRetentionLimit?: number;
}

export interface FixtureCacheSubnetGroup {
    readonly name: string;
    readonly description?: string;
    readonly subnetIds: readonly string[];
    readonly vpcId?: string;
}

export interface FixtureAtlasProject {
    readonly id: string;
    readonly name: string;
    readonly orgId: string;
}

/** A single-region Atlas cluster (one replication spec, one region config), as Atlas returns it. */
export interface FixtureAtlasCluster {
    readonly projectId: string;
    readonly name: string;
    readonly clusterType: string;
    readonly mongoDbMajorVersion: string;
    readonly providerName: string;
    readonly regionName: string;
    readonly instanceSize: string;
    readonly nodeCount: number;
    readonly backupEnabled: boolean;
    readonly pitEnabled: boolean;
    readonly terminationProtectionEnabled: boolean;
    /** `mongodb+srv://<name>.<5 characters>.mongodb.net`. */
    readonly standardSrv: string;
    /** More replication specs or region configs than one: a sharded or multi-region cluster. */
    readonly extraRegions?: readonly string[];
}

export interface FixtureDistribution {
    readonly id: string;
    readonly aliases: readonly string[];
    readonly domainName: string;
    readonly enabled?: boolean;
}

export interface FixtureOriginAccessControl {
    readonly id: string;
    readonly name: string;
    readonly description?: string;
    readonly originType?: string;
    readonly signingBehavior?: string;
    readonly signingProtocol?: string;
}

export interface FixtureRole {
    readonly name: string;
    /** Default `/`. */
    readonly path?: string;
    /** The trust policy, as a document. */
    readonly assumeRolePolicy: unknown;
    readonly permissionsBoundary?: string;
    /** The role's inline policies' names. */
    readonly inlinePolicies?: readonly string[];
    readonly tags?: Tags;
}

/**
 * What exists before the program runs, in the account (`aws:region` unless said otherwise) and in Atlas.
 * Only the kinds the program looks up or adopts: a look-up of anything else fails, as in an empty account.
 */
export interface CloudFixture {
    readonly hostedZones?: readonly FixtureZone[];
    readonly eksClusters?: readonly FixtureEksCluster[];
    readonly oidcProviders?: readonly FixtureOidcProvider[];
    readonly vpcs?: readonly FixtureVpc[];
    readonly subnets?: readonly FixtureSubnet[];
    readonly buckets?: readonly FixtureBucket[];
    readonly replicationGroups?: readonly FixtureReplicationGroup[];
    readonly cacheSubnetGroups?: readonly FixtureCacheSubnetGroup[];
    readonly atlasProjects?: readonly FixtureAtlasProject[];
    readonly atlasClusters?: readonly FixtureAtlasCluster[];
    readonly distributions?: readonly FixtureDistribution[];
    readonly originAccessControls?: readonly FixtureOriginAccessControl[];
    readonly roles?: readonly FixtureRole[];
    /** How Atlas behaves during this run. */
    readonly atlas?: {
        /**
         * Reads of a cluster, after an interface endpoint is linked to the project, that still list no
         * private-endpoint connection string (Atlas publishes it minutes after the link). 0 (default): at
         * once; "never": not during this run.
         */
        readonly privateEndpointPublishedAfterReads?: number | "never";
    };
}

export const CLOUD_FIXTURE_KEYS: readonly string[] = [
    "hostedZones",
    "eksClusters",
    "oidcProviders",
    "vpcs",
    "subnets",
    "buckets",
    "replicationGroups",
    "cacheSubnetGroups",
    "atlasProjects",
    "atlasClusters",
    "distributions",
    "originAccessControls",
    "roles",
    "atlas",
];

/** The account the offline engine deploys into. */
export const ACCOUNT_ID = "111122223333";

/** The hosted zone id a look-up answers with when it only assumes the zone (fake, shaped like a real id). */
export const HOSTED_ZONE_ID = "Z0123456789ABCDEFGHIJ";

/** Hex digits of a hash of `text`: stable, realistic-looking values for what the cloud would generate. */
export function hashHex(text: string, length: number): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** EKS issuer ids are 32 upper-case hex digits; here derived from the cluster's name and region. */
export function eksIssuer(clusterName: string, region: string): string {
    const id = hashHex(`${region}/${clusterName}`, 32).toUpperCase();
    return `https://oidc.eks.${region}.amazonaws.com/id/${id}`;
}

/**
 * The account of one evaluation: the fixture's entries when there is one (strict), otherwise assumptions,
 * each recorded once, in the order the program made them.
 */
export class Account {
    readonly assumptions: string[] = [];

    /**
     * `fixture` undefined: the look-ups answer what the program asks for, as assumptions. `stackConfig`:
     * the stack's config, for the assumptions a look-up's inputs cannot tell (the VPC's block is membrane:vpcCidr).
     */
    constructor(
        readonly fixture?: CloudFixture,
        readonly stackConfig: Readonly<Record<string, string>> = {},
    ) {}

    get assuming(): boolean {
        return this.fixture === undefined;
    }

    entries<K extends keyof CloudFixture>(kind: K): NonNullable<CloudFixture[K]> {
        return (this.fixture?.[kind] ?? []) as NonNullable<CloudFixture[K]>;
    }

    assume(what: string): void {
        if (!this.assumptions.includes(what)) {
            this.assumptions.push(what);
        }
    }
}

export type AccountInvoke = (inputs: State, region: string, account: Account) => State;

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const withoutDot = (name: string): string => name.replace(/\.$/, "").toLowerCase();

/**
 * An AWS-like "not found" failure of a look-up. With a fixture, `entry` says what the cloud file would
 * need to describe for the look-up to find something: whoever reads the failure offline learns which
 * entry to add if the account does hold it.
 */
function notFound(message: string, entry?: { kind: keyof CloudFixture; example: string }): never {
    throw new Error(
        entry
            ? `${message} (offline: the cloud file has no such ${entry.kind} entry; if the account holds it, add ${entry.kind}: [${entry.example}])`
            : message,
    );
}

const networkInvokes: Record<string, AccountInvoke> = {
    "aws:route53/getZone:getZone": (inputs, _region, account) => {
        const name = withoutDot(str(inputs.name));
        if (!name) {
            throw new Error("the offline engine answers aws.route53.getZone by name only");
        }
        const wantPrivate = inputs.privateZone === true;
        const zone = account.assuming
            ? (account.assume(`${wantPrivate ? "private" : "public"} Route 53 hosted zone ${name}`), { name, id: HOSTED_ZONE_ID })
            : account.entries("hostedZones").find((z) => withoutDot(z.name) === name && (z.private ?? false) === wantPrivate);
        if (!zone) {
            notFound(`no matching Route 53 Hosted Zone found (name ${name}, private ${wantPrivate})`, {
                kind: "hostedZones",
                example: `{ name: ${name}, id: <its zone id>${wantPrivate ? ", private: true" : ""} }`,
            });
        }
        // Route 53 prints a zone's id as /hostedzone/<id>; the provider strips the prefix (cleanZoneID in
        // terraform-provider-aws internal/service/route53), so the cloud file takes either.
        const zoneId = zone.id.replace(/^\/hostedzone\//, "");
        return {
            id: zoneId,
            zoneId,
            name,
            arn: `arn:aws:route53:::hostedzone/${zoneId}`,
            privateZone: wantPrivate,
            nameServers: [`<${name}.nameServers>`],
        };
    },
    "aws:ec2/getVpc:getVpc": (inputs, region, account) => {
        const id = str(inputs.id);
        let vpc: FixtureVpc | undefined;
        if (account.assuming) {
            // The look-up names the VPC only; its block is the one the stack says it has.
            const cidrBlock = account.stackConfig["membrane:vpcCidr"];
            if (!cidrBlock) {
                throw new Error(`the offline engine cannot assume VPC ${id}'s CIDR block: the stack sets no membrane:vpcCidr`);
            }
            account.assume(`VPC ${id} with the CIDR block ${cidrBlock}, DNS support and DNS hostnames enabled`);
            vpc = { id, cidrBlock, enableDnsSupport: true, enableDnsHostnames: true };
        } else {
            vpc = account.entries("vpcs").find((v) => v.id === id);
        }
        if (!vpc) {
            notFound(`no matching EC2 VPC found (id ${id})`, {
                kind: "vpcs",
                example: `{ id: ${id}, cidrBlock: <its IPv4 block>, enableDnsSupport: true, enableDnsHostnames: true }`,
            });
        }
        if (!vpc.cidrBlock) {
            // AWS always answers a VPC's block: a fixture without one would be an answer AWS never gives.
            throw new Error(`the cloud file's vpcs entry ${id} has no cidrBlock: add the VPC's primary IPv4 block`);
        }
        const blocks = [vpc.cidrBlock, ...(vpc.secondaryCidrBlocks ?? [])];
        return {
            id,
            arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:vpc/${id}`,
            cidrBlock: vpc.cidrBlock,
            // DescribeVpcs lists the primary block's association too.
            cidrBlockAssociations: blocks.map((cidrBlock) => ({
                associationId: `vpc-cidr-assoc-${hashHex(`${id}/${cidrBlock}`, 17)}`,
                cidrBlock,
                state: "associated",
            })),
            enableDnsSupport: vpc.enableDnsSupport,
            enableDnsHostnames: vpc.enableDnsHostnames,
            state: "available",
        };
    },
    "aws:ec2/getSubnet:getSubnet": (inputs, region, account) => {
        const id = str(inputs.id);
        const vpcId = str(inputs.vpcId);
        let subnet: FixtureSubnet | undefined;
        if (account.assuming) {
            // One zone per subnet, in the order first asked (the same zone every time it is asked again):
            // an assumption, never a reason to fail.
            const what = `subnet ${id} in ${vpcId || "the VPC"}, in an availability zone of its own`;
            account.assume(what);
            const index = account.assumptions.filter((a) => a.startsWith("subnet ")).indexOf(what);
            subnet = { id, vpcId, availabilityZone: `${region}${"abcdefghijklmnop"[index % 16]}` };
        } else {
            subnet = account.entries("subnets").find((s) => s.id === id && (!vpcId || s.vpcId === vpcId));
        }
        if (!subnet) {
            notFound(`no matching EC2 Subnet found (id ${id}${vpcId ? `, vpc-id ${vpcId}` : ""})`, {
                kind: "subnets",
                example: `{ id: ${id}, vpcId: ${vpcId || "<its VPC>"}, availabilityZone: <its zone, such as ${region}a> }`,
            });
        }
        return {
            id,
            arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:subnet/${id}`,
            vpcId: subnet.vpcId,
            availabilityZone: subnet.availabilityZone,
        };
    },
};

const eksInvokes: Record<string, AccountInvoke> = {
    "aws:eks/getCluster:getCluster": (inputs, providerRegion, account) => {
        const name = str(inputs.name);
        if (!name) {
            throw new Error("aws:eks/getCluster needs a cluster name");
        }
        const region = str(inputs.region) || providerRegion;
        const cluster = account.assuming
            ? (account.assume(`EKS cluster ${name} in ${region} (its OIDC issuer is invented offline)`),
              { name, oidcIssuer: eksIssuer(name, region) })
            : account.entries("eksClusters").find((c) => c.name === name && (c.region ?? providerRegion) === region);
        if (!cluster) {
            notFound(
                `reading EKS Cluster (${name}): couldn't find resource: ResourceNotFoundException: No cluster found for name: ${name}.`,
                { kind: "eksClusters", example: `{ name: ${name}, region: ${region}, oidcIssuer: <its issuer URL> }` },
            );
        }
        const issuer = cluster.oidcIssuer;
        return {
            id: name,
            name,
            region,
            arn: `arn:aws:eks:${region}:${ACCOUNT_ID}:cluster/${name}`,
            identities: [{ oidcs: [{ issuer }] }],
            endpoint: `https://${issuer.slice(-32)}.gr7.${region}.eks.amazonaws.com`,
            certificateAuthorities: [{ data: `<${name}.certificateAuthority>` }],
            status: "ACTIVE",
            tags: {},
        };
    },
};

const EKS_ISSUER = /^https:\/\/(oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[0-9A-F]{32})$/;

const iamInvokes: Record<string, AccountInvoke> = {
    // IAM stores the URL without its scheme; one provider per URL in an account.
    "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": (inputs, _region, account) => {
        const url = str(inputs.url).replace(/^https:\/\//, "");
        const arn = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${url}`;
        const existing = account.entries("oidcProviders").find((p) => p.url.replace(/^https:\/\//, "") === url);
        if (existing) {
            return { id: arn, arn, url, clientIdLists: [...existing.clientIds], thumbprintLists: [], tags: {} };
        }
        if (account.assuming && EKS_ISSUER.test(str(inputs.url))) {
            account.assume(`IAM OIDC provider for ${str(inputs.url)}`);
            return { id: arn, arn, url, clientIdLists: ["sts.amazonaws.com"], thumbprintLists: [`<${url}.thumbprint>`], tags: {} };
        }
        return notFound(
            `no IAM OIDC provider for url ${JSON.stringify(inputs.url ?? null)} (the offline engine knows the cloud fixture's providers${account.assuming ? ", and assumes EKS issuers'" : " only"})`,
            account.assuming ? undefined : { kind: "oidcProviders", example: `{ url: https://${url}, clientIds: [<its audiences>] }` },
        );
    },
};

// The look-ups of resources to adopt, and the check an `import` makes: the resource must exist.

const memberClusters = (g: FixtureReplicationGroup): string[] =>
    g.clusterMode === "enabled"
        ? Array.from({ length: g.numNodeGroups ?? 1 }, (_, s) =>
              Array.from(
                  { length: (g.replicasPerNodeGroup ?? 0) + 1 },
                  (_, n) => `${g.id}-${String(s + 1).padStart(4, "0")}-${String(n + 1).padStart(3, "0")}`,
              ),
          ).flat()
        : Array.from({ length: g.numCacheClusters ?? 1 }, (_, n) => `${g.id}-${String(n + 1).padStart(3, "0")}`);

/** A look-up of one resource to adopt: the fixture's entry, an assumption without a fixture, or AWS's "not found". */
function adoptable<T>(
    account: Account,
    found: T | undefined,
    what: string,
    notFoundMessage: string,
    entry: { kind: keyof CloudFixture; example: string },
): T | undefined {
    if (found) {
        return found;
    }
    if (account.assuming) {
        account.assume(`${what} (its settings are compared with the stack's at pulumi preview)`);
        return undefined;
    }
    return notFound(notFoundMessage, entry);
}

const adoptionInvokes: Record<string, AccountInvoke> = {
    "aws:s3/getBucket:getBucket": (inputs, region, account) => {
        const bucket = str(inputs.bucket);
        const b = adoptable(
            account,
            account.entries("buckets").find((x) => x.name === bucket),
            `S3 bucket ${bucket}`,
            `reading S3 Bucket (${bucket}): couldn't find resource`,
            { kind: "buckets", example: `{ name: ${bucket}, region: ${region} }` },
        );
        return {
            id: bucket,
            bucket,
            arn: `arn:aws:s3:::${bucket}`,
            region,
            ...(b && { bucketRegion: b.region, bucketRegionalDomainName: `${bucket}.s3.${b.region}.amazonaws.com` }),
        };
    },
    "aws:elasticache/getReplicationGroup:getReplicationGroup": (inputs, region, account) => {
        const id = str(inputs.replicationGroupId);
        const g = adoptable(
            account,
            account.entries("replicationGroups").find((x) => x.id === id),
            `ElastiCache replication group ${id}`,
            `reading ElastiCache Replication Group (${id}): couldn't find resource`,
            { kind: "replicationGroups", example: `{ id: ${id}, engine: …, engineVersion: …, nodeType: …, … }` },
        );
        if (!g) {
            return { id, replicationGroupId: id, memberClusters: [] };
        }
        return {
            id,
            replicationGroupId: id,
            arn: `arn:aws:elasticache:${region}:${ACCOUNT_ID}:replicationgroup:${id}`,
            description: g.description ?? "",
            clusterMode: g.clusterMode,
            nodeType: g.nodeType,
            numCacheClusters: memberClusters(g).length,
            numNodeGroups: g.clusterMode === "enabled" ? (g.numNodeGroups ?? 1) : 1,
            replicasPerNodeGroup: g.clusterMode === "enabled" ? (g.replicasPerNodeGroup ?? 0) : (g.numCacheClusters ?? 1) - 1,
            port: g.port,
            automaticFailoverEnabled: g.automaticFailover,
            multiAzEnabled: g.multiAz,
            authTokenEnabled: g.authTokenEnabled,
            snapshotRetentionLimit: g.snapshotRetentionLimit ?? 0,
            memberClusters: memberClusters(g),
        };
    },
    "aws:elasticache/getCluster:getCluster": (inputs, _region, account) => {
        const clusterId = str(inputs.clusterId);
        const g = account.entries("replicationGroups").find((x) => memberClusters(x).includes(clusterId));
        if (!g) {
            return notFound(`reading ElastiCache Cache Cluster (${clusterId}): couldn't find resource`);
        }
        return {
            id: clusterId,
            clusterId,
            replicationGroupId: g.id,
            engine: g.engine,
            // DescribeCacheClusters gives the full version.
            engineVersion: `${g.engineVersion}.0`,
            nodeType: g.nodeType,
            port: g.port,
            parameterGroupName: g.parameterGroupName,
            subnetGroupName: g.subnetGroupName,
            maintenanceWindow: g.maintenanceWindow ?? "",
            securityGroupIds: [...(g.securityGroupIds ?? [])],
        };
    },
    "aws:iam/getRole:getRole": (inputs, _region, account) => {
        const name = str(inputs.name);
        const r = adoptable(
            account,
            account.entries("roles").find((x) => x.name === name),
            `IAM role ${name}`,
            `reading IAM Role (${name}): couldn't find resource: NoSuchEntity`,
            { kind: "roles", example: `{ name: ${name}, assumeRolePolicy: { … }, inlinePolicies: [ … ] }` },
        );
        return {
            id: name,
            name,
            arn: `arn:aws:iam::${ACCOUNT_ID}:role/${name}`,
            ...(r && {
                path: r.path ?? "/",
                assumeRolePolicy: JSON.stringify(r.assumeRolePolicy),
                permissionsBoundary: r.permissionsBoundary ?? "",
                tags: r.tags ?? {},
            }),
        };
    },
    "aws:iam/getRolePolicies:getRolePolicies": (inputs, _region, account) => {
        const roleName = str(inputs.roleName);
        const r = account.entries("roles").find((x) => x.name === roleName);
        if (!r && !account.assuming) {
            return notFound(`listing IAM Role (${roleName}) policies: NoSuchEntity`);
        }
        return { id: roleName, roleName, policyNames: [...(r?.inlinePolicies ?? [])] };
    },
    "aws:cloudfront/getDistribution:getDistribution": (inputs, _region, account) => {
        const id = str(inputs.id);
        const d = adoptable(
            account,
            account.entries("distributions").find((x) => x.id === id),
            `CloudFront distribution ${id}`,
            `reading CloudFront Distribution (${id}): NoSuchDistribution`,
            { kind: "distributions", example: `{ id: ${id}, aliases: [ … ], domainName: <its *.cloudfront.net name> }` },
        );
        return {
            id,
            arn: `arn:aws:cloudfront::${ACCOUNT_ID}:distribution/${id}`,
            ...(d && { aliases: [...d.aliases], domainName: d.domainName, enabled: d.enabled ?? true, status: "Deployed" }),
        };
    },
    "aws:cloudfront/getOriginAccessControl:getOriginAccessControl": (inputs, _region, account) => {
        const id = str(inputs.id);
        const o = adoptable(
            account,
            account.entries("originAccessControls").find((x) => x.id === id),
            `CloudFront origin access control ${id}`,
            `reading CloudFront Origin Access Control (${id}): NoSuchOriginAccessControl`,
            { kind: "originAccessControls", example: `{ id: ${id}, name: <its name> }` },
        );
        return o
            ? {
                  id,
                  name: o.name,
                  description: o.description ?? "",
                  originAccessControlOriginType: o.originType ?? "s3",
                  signingBehavior: o.signingBehavior ?? "always",
                  signingProtocol: o.signingProtocol ?? "sigv4",
              }
            : { id };
    },
    "mongodbatlas:index/getProject:getProject": (inputs, _region, account) => {
        const projectId = str(inputs.projectId);
        const p = adoptable(
            account,
            account.entries("atlasProjects").find((x) => x.id === projectId),
            `Atlas project ${projectId}`,
            `Atlas has no project ${projectId} (GROUP_NOT_FOUND)`,
            { kind: "atlasProjects", example: `{ id: ${projectId}, name: <its name>, orgId: <its organization> }` },
        );
        return { id: projectId, projectId, ...(p && { name: p.name, orgId: p.orgId }) };
    },
};

/** The existing resource an `import` names, as the account holds it (for the resource's state), by type. */
const IMPORTABLE: Record<string, (id: string, account: Account) => State | undefined> = {
    "aws:s3/bucket:Bucket": (id, a) => (a.entries("buckets").some((b) => b.name === id) ? {} : undefined),
    "aws:elasticache/replicationGroup:ReplicationGroup": (id, a) =>
        a.entries("replicationGroups").some((g) => g.id === id) ? {} : undefined,
    "aws:elasticache/subnetGroup:SubnetGroup": (id, a) =>
        a.entries("cacheSubnetGroups").some((g) => g.name === id) || a.entries("replicationGroups").some((g) => g.subnetGroupName === id)
            ? {}
            : undefined,
    "aws:iam/role:Role": (id, a) => (a.entries("roles").some((r) => r.name === id) ? {} : undefined),
    "aws:iam/rolePolicy:RolePolicy": (id, a) => {
        const [role, policy] = id.split(":");
        return a.entries("roles").some((r) => r.name === role && (r.inlinePolicies ?? []).includes(policy)) ? {} : undefined;
    },
    "aws:cloudfront/distribution:Distribution": (id, a) => {
        const d = a.entries("distributions").find((x) => x.id === id);
        return d && { domainName: d.domainName };
    },
    "aws:cloudfront/originAccessControl:OriginAccessControl": (id, a) =>
        a.entries("originAccessControls").some((o) => o.id === id) ? {} : undefined,
    "mongodbatlas:index/project:Project": (id, a) => (a.entries("atlasProjects").some((p) => p.id === id) ? {} : undefined),
    // `<projectId>-<clusterName>`: the project id is 24 hex digits.
    "mongodbatlas:index/advancedCluster:AdvancedCluster": (id, a) => {
        const c = a.entries("atlasClusters").find((x) => `${x.projectId}-${x.name}` === id);
        return c && { standardSrv: c.standardSrv };
    },
};

/**
 * What an `import` of `type` with `id` finds: the existing resource's own values, as the engine reads
 * them before it diffs. A resource the account does not hold fails the import, as Pulumi's does.
 */
export function imported(type: string, id: string, account: Account): State {
    const find = IMPORTABLE[type];
    if (!find) {
        throw new Error(`the offline engine cannot import ${type} (id ${id})`);
    }
    const found = find(id, account);
    if (found) {
        return found;
    }
    if (account.assuming) {
        account.assume(`${type} ${id}, adopted with the import option`);
        return {};
    }
    return notFound(`importing ${type} with id ${id}: the resource does not exist (the cloud fixture describes no such resource)`);
}

/** The data sources answered from the account. */
export const ACCOUNT_INVOKES: Readonly<Record<string, AccountInvoke>> = {
    ...networkInvokes,
    ...eksInvokes,
    ...iamInvokes,
    ...adoptionInvokes,
};
