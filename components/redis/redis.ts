// Redis: the seed's ElastiCache replication group (never ElastiCache Serverless, which Membrane does not
// support) with its subnet group, a security group that admits only port 6379 from the VPC or from given
// security groups, and a generated AUTH token. Encrypted at rest and in transit (ElastiCache.4/5/6).
import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { IMPORT_IDS, settle } from "../adoption";
import { ExistingReplicationGroup, RedisSettings, reviewReplicationGroup, WantedRedis } from "./adoption";
import { hasReplicas, memberClusterIds, RedisEngine, ReplicationTopology } from "./group";
import { lookup, missingAdoptedMessage, StackError, warnAll } from "../../lib/lookups";
import { lookUpNetwork } from "../network";
import { childName, tags } from "../../lib/naming";

export const REDIS_PORT = 6379;

export interface RedisArgs {
    /** Environment name, for tags. */
    readonly environment: string;
    /** Protect the replication group, so neither `pulumi destroy` nor a replacing change can take Membrane's Redis away unannounced. Default false. */
    readonly production?: boolean;
    /** The VPC of the security group. */
    readonly vpcId: pulumi.Input<string>;
    /** The clients allowed when `allowedSecurityGroups` is empty: the VPC's CIDR. */
    readonly vpcCidr: pulumi.Input<string>;
    /** Private subnets of the subnet group (ElastiCache.7), in `vpcId` and `region`. */
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** aws:region: where the subnets must be. */
    readonly region: string;
    /**
     * Security groups allowed instead of `vpcCidr`, each under a key that names its rule (`<name>-ingress-<key>`;
     * a changed key replaces the rule). Empty or absent: the VPC CIDR.
     */
    readonly allowedSecurityGroups?: Readonly<Record<string, pulumi.Input<string>>>;
    /** The replication group's id. */
    readonly replicationGroupId: string;
    /** The subnet group's name. */
    readonly subnetGroupName: string;
    /** The security group's name prefix: a replacement group is created before the old one goes. */
    readonly securityGroupNamePrefix: string;
    /** `redis` (Redis OSS) or `valkey`. */
    readonly engine: RedisEngine;
    /** major.minor, a version ElastiCache offers for the engine. */
    readonly engineVersion: string;
    /** The parameter group, `.cluster.on` in cluster mode. */
    readonly parameterGroupName: string;
    /** The node type, such as cache.t3.medium. */
    readonly nodeType: string;
    /** Shards and replicas. */
    readonly topology: ReplicationTopology;
    /** Promote a replica when the primary fails. */
    readonly automaticFailover: boolean;
    /** Spread the nodes over availability zones. */
    readonly multiAz: boolean;
    /** Weekly window, `ddd:hh24:mi-ddd:hh24:mi` in UTC. */
    readonly maintenanceWindow: string;
    /** Days of automatic snapshots; 0 turns them off. */
    readonly snapshotRetentionLimit: number;
    /** Daily window, `hh24:mi-hh24:mi` in UTC, in which the day's snapshot starts; absent: ElastiCache chooses one. */
    readonly snapshotWindow?: string;
    /**
     * Adopt the existing group `replicationGroupId` (Pulumi's `import` option, after a look-up) instead of
     * creating one; it keeps its port. Absent: create the group.
     */
    readonly adopt?: RedisAdoption;
    /** CloudWatch Logs log groups that receive the slow log and (Redis 6.2+, Valkey) the engine log, as JSON; absent: none. */
    readonly logGroups?: { readonly slowLog: pulumi.Input<string>; readonly engineLog?: pulumi.Input<string> };
}

/** How an existing replication group is adopted. */
export interface RedisAdoption {
    /** Its subnet group (`subnetGroupName`) is adopted too. */
    readonly subnetGroup: boolean;
    /** It keeps its engine, version, parameter group, node type and topology instead of the args'. */
    readonly keepExistingSettings: boolean;
    /** A difference that replaces the group is allowed: it is then not protected, and deleted before it is created again. */
    readonly allowReplacement: boolean;
}

const DESCRIPTION = "Membrane Redis cluster";

/** The group's settings as the args give them. */
function argsSettings(args: RedisArgs): RedisSettings {
    const { engine, engineVersion, parameterGroupName, nodeType, topology } = args;
    return { port: REDIS_PORT, engine, engineVersion, parameterGroupName, nodeType, topology };
}

/**
 * The group's shape. Cluster mode off is ElastiCache's default; ClusterMode is left unset then, since older
 * engines (Redis 6.x) predate the parameter. An adopted group's mode is the args' (a different one is refused).
 */
function topologyInputs(
    clusterMode: boolean,
    topology: pulumi.Output<ReplicationTopology>,
): Pick<aws.elasticache.ReplicationGroupArgs, "clusterMode" | "numNodeGroups" | "replicasPerNodeGroup" | "numCacheClusters"> {
    if (!clusterMode) {
        return { numCacheClusters: topology.apply((t) => (t.clusterMode ? 0 : t.numCacheClusters)) };
    }
    const cluster = topology.apply((t) => (t.clusterMode ? t : { numNodeGroups: 0, replicasPerNodeGroup: 0 }));
    return {
        clusterMode: "enabled",
        numNodeGroups: cluster.numNodeGroups,
        replicasPerNodeGroup: cluster.replicasPerNodeGroup,
    };
}

/** An existing group as the two look-ups show it. */
function existingGroup(
    g: aws.elasticache.GetReplicationGroupResult,
    c: aws.elasticache.GetClusterResult | undefined,
): ExistingReplicationGroup {
    return {
        replicationGroupId: g.replicationGroupId,
        description: g.description,
        clusterMode: g.clusterMode,
        nodeType: g.nodeType,
        numCacheClusters: g.numCacheClusters,
        numNodeGroups: g.numNodeGroups,
        replicasPerNodeGroup: g.replicasPerNodeGroup,
        port: g.port,
        automaticFailoverEnabled: g.automaticFailoverEnabled,
        multiAzEnabled: g.multiAzEnabled,
        authTokenEnabled: g.authTokenEnabled,
        snapshotRetentionLimit: g.snapshotRetentionLimit,
        engine: c?.engine,
        engineVersion: c?.engineVersion,
        parameterGroupName: c?.parameterGroupName,
        subnetGroupName: c?.subnetGroupName,
        maintenanceWindow: c?.maintenanceWindow,
        securityGroupIds: c?.securityGroupIds,
    };
}

/** ElastiCache's log delivery to CloudWatch Logs, one entry per log the group sends. */
export function logDeliveryConfigurations(
    logGroups: RedisArgs["logGroups"],
): aws.types.input.elasticache.ReplicationGroupLogDeliveryConfiguration[] | undefined {
    if (!logGroups) {
        return undefined;
    }
    const delivery = (logType: string, destination: pulumi.Input<string>) => ({
        destinationType: "cloudwatch-logs",
        destination,
        logFormat: "json",
        logType,
    });
    return [delivery("slow-log", logGroups.slowLog), ...(logGroups.engineLog ? [delivery("engine-log", logGroups.engineLog)] : [])];
}

/** `rediss://` (TLS) with the AUTH token as the password and no user name, as Membrane reads REDIS_URI. */
export function redisUri(token: string, endpoint: string, port: number): string {
    return `rediss://:${token}@${endpoint}:${port}`;
}

export class Redis extends pulumi.ComponentResource {
    /** The primary endpoint, or in cluster mode the configuration endpoint (cluster clients discover the nodes from it). */
    readonly endpoint: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    /** `rediss://:<token>@<endpoint>:6379`, secret. */
    readonly uri: pulumi.Output<string>;
    /** Whether the group is a cluster: Membrane then reads REDIS_CLUSTER_URI_1 instead of REDIS_URI. */
    readonly clusterMode: boolean;
    /** The security group of the cache nodes. */
    readonly securityGroupId: pulumi.Output<string>;
    /** The replication group's id (an adopted group keeps its own), for the aws elasticache commands of the runbooks. */
    readonly replicationGroupId: pulumi.Output<string>;
    readonly replicationGroupArn: pulumi.Output<string>;
    /**
     * The group's member clusters, as ElastiCache names them after the id the args give, and whether it has
     * replicas: what CloudWatch publishes metrics for, and so what Monitoring alarms on.
     */
    readonly members: { readonly replicationGroupId: string; readonly memberClusterIds: readonly string[]; readonly replicas: boolean };

    constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:redis:Redis", name, {}, opts);
        const settings = args.adopt ? this.adoptedSettings(args, args.adopt) : pulumi.output(argsSettings(args));
        const network = this.checkedNetwork(args);
        const adoptsSubnetGroup = args.adopt?.subnetGroup === true;
        const subnetGroup = new aws.elasticache.SubnetGroup(
            childName(name, "subnets"),
            {
                name: args.subnetGroupName,
                description: "Private subnets of Membrane Redis",
                subnetIds: network.subnetIds,
                tags: tags(args.environment),
            },
            {
                parent: this,
                protect: adoptsSubnetGroup,
                import: adoptsSubnetGroup ? IMPORT_IDS.cacheSubnetGroup(args.subnetGroupName) : undefined,
            },
        );
        const { securityGroup, ingressRules } = this.securityGroup(name, args, settings.port, network.vpcCidr);
        const authToken = this.authToken(name);
        const group = this.replicationGroup(name, args, settings, { subnetGroup, securityGroup, ingressRules, authToken });

        this.clusterMode = args.topology.clusterMode;
        this.endpoint = this.clusterMode ? group.configurationEndpointAddress : group.primaryEndpointAddress;
        this.port = group.port.apply((p) => p ?? REDIS_PORT);
        this.uri = pulumi.secret(
            pulumi.all([authToken.result, this.endpoint, this.port]).apply(([token, endpoint, port]) => redisUri(token, endpoint, port)),
        );
        this.securityGroupId = securityGroup.id;
        this.replicationGroupArn = group.arn;
        this.replicationGroupId = group.replicationGroupId;
        this.members = {
            replicationGroupId: args.replicationGroupId,
            memberClusterIds: memberClusterIds(args.replicationGroupId, args.topology),
            replicas: hasReplicas(args.topology),
        };
        this.registerOutputs({
            replicationGroupId: this.replicationGroupId,
            endpoint: this.endpoint,
            port: this.port,
            uri: this.uri,
            clusterMode: this.clusterMode,
            securityGroupId: this.securityGroupId,
            replicationGroupArn: this.replicationGroupArn,
            members: this.members,
        });
    }

    /**
     * The nodes' security group: port 6379 from the VPC CIDR, or from each allowed group. Rules live in
     * separate rule resources only, never inline: mixing the two makes them overwrite each other. No
     * egress rule: the provider removes AWS's default allow-all egress when it creates the group, and
     * the nodes never open connections; security groups are stateful, so replies to clients flow.
     */
    private securityGroup(
        name: string,
        args: RedisArgs,
        port: pulumi.Output<number>,
        vpcCidr: pulumi.Output<string>,
    ): { securityGroup: aws.ec2.SecurityGroup; ingressRules: aws.vpc.SecurityGroupIngressRule[] } {
        const securityGroup = new aws.ec2.SecurityGroup(
            childName(name, "sg"),
            {
                namePrefix: args.securityGroupNamePrefix,
                description: "Security group for Membrane Redis",
                vpcId: args.vpcId,
                tags: tags(args.environment),
            },
            { parent: this },
        );
        const allowed = Object.entries(args.allowedSecurityGroups ?? {});
        const sources: Array<{ suffix: string; description: pulumi.Input<string>; source: aws.vpc.SecurityGroupIngressRuleArgs }> =
            allowed.length === 0
                ? [
                      {
                          suffix: "ingress-vpc",
                          description: "Redis from VPC",
                          source: { securityGroupId: securityGroup.id, ipProtocol: "tcp", cidrIpv4: vpcCidr },
                      },
                  ]
                : allowed.map(([key, sg]) => ({
                      suffix: `ingress-${key}`,
                      description: pulumi.interpolate`Redis from ${sg}`,
                      source: { securityGroupId: securityGroup.id, ipProtocol: "tcp", referencedSecurityGroupId: sg },
                  }));
        const ingressRules = sources.map(
            ({ suffix, description, source }) =>
                new aws.vpc.SecurityGroupIngressRule(
                    childName(name, suffix),
                    { ...source, description, fromPort: port, toPort: port, tags: tags(args.environment) },
                    { parent: this },
                ),
        );
        return { securityGroup, ingressRules };
    }

    /**
     * The subnets and the VPC CIDR, once looked up: the subnets in the VPC and the region, and, when a rule
     * admits it, the CIDR one of the VPC's blocks. A range the VPC does not have would admit none of the
     * containers, which only shows when they run. The look-ups run at preview too.
     */
    private checkedNetwork(args: RedisArgs): { subnetIds: pulumi.Output<string[]>; vpcCidr: pulumi.Output<string> } {
        const admitsCidr = Object.keys(args.allowedSecurityGroups ?? {}).length === 0;
        const checked = pulumi.all([args.vpcId, args.vpcCidr, args.privateSubnetIds]).apply(async ([vpcId, vpcCidr, subnetIds]) => {
            const network = await lookUpNetwork({ vpcId, vpcCidr: admitsCidr ? vpcCidr : undefined, subnetIds, region: args.region }, this);
            if (network.problems.length > 0) {
                throw new StackError(`Redis cannot be created:\n${network.problems.map((p) => `  - ${p}`).join("\n")}`);
            }
            return { subnetIds, vpcCidr };
        });
        return { subnetIds: checked.subnetIds, vpcCidr: checked.vpcCidr };
    }

    /**
     * Alphanumeric: valid for ElastiCache AUTH (16-128 printable characters) and nothing to escape in
     * the URI. Every input is a constant: a changed input would generate, and roll out, a new token.
     */
    private authToken(name: string): random.RandomPassword {
        return new random.RandomPassword(
            childName(name, "auth-token"),
            { length: 64, special: false, upper: true, lower: true, numeric: true, minUpper: 1, minLower: 1, minNumeric: 1 },
            { parent: this },
        );
    }

    /**
     * The existing group's settings, read at preview as at up: its port always, and with
     * `keepExistingSettings` its size and versions. A difference that would replace it is refused, naming
     * the key, unless `allowReplacement`; what changes in place is warned.
     */
    private adoptedSettings(args: RedisArgs, adopt: RedisAdoption): pulumi.Output<RedisSettings> {
        const opts = { parent: this };
        const id = args.replicationGroupId;
        const missing = (what: string) => (reason: string) => missingAdoptedMessage("existingRedisReplicationGroupId", what, reason);
        const wanted: WantedRedis = {
            ...argsSettings(args),
            description: DESCRIPTION,
            subnetGroupName: args.subnetGroupName,
            automaticFailover: args.automaticFailover,
            multiAz: args.multiAz,
            maintenanceWindow: args.maintenanceWindow,
            snapshotRetentionLimit: args.snapshotRetentionLimit,
            securityGroupNamePrefix: args.securityGroupNamePrefix,
            adoptsSubnetGroup: adopt.subnetGroup,
            production: args.production ?? false,
        };
        const reviewed = lookup(
            aws.elasticache.getReplicationGroup({ replicationGroupId: id }, opts),
            missing(`the replication group ${id}`),
        ).then(async (group) => {
            const member = [...(group.memberClusters ?? [])].sort()[0];
            const cluster = member
                ? await lookup(aws.elasticache.getCluster({ clusterId: member }, opts), missing(`its node ${member}`))
                : undefined;
            const { review, settings } = reviewReplicationGroup(existingGroup(group, cluster), wanted, adopt.keepExistingSettings);
            warnAll(settle(review, adopt.allowReplacement), this);
            return settings;
        });
        return pulumi.output(reviewed);
    }

    private replicationGroup(
        name: string,
        args: RedisArgs,
        settings: pulumi.Output<RedisSettings>,
        deps: {
            subnetGroup: aws.elasticache.SubnetGroup;
            securityGroup: aws.ec2.SecurityGroup;
            ingressRules: aws.vpc.SecurityGroupIngressRule[];
            authToken: random.RandomPassword;
        },
    ): aws.elasticache.ReplicationGroup {
        return new aws.elasticache.ReplicationGroup(
            childName(name, "cache"),
            {
                replicationGroupId: args.replicationGroupId,
                description: DESCRIPTION,
                engine: settings.engine,
                engineVersion: settings.engineVersion,
                nodeType: settings.nodeType,
                parameterGroupName: settings.parameterGroupName,
                port: settings.port,
                ...topologyInputs(args.topology.clusterMode, settings.topology),
                subnetGroupName: deps.subnetGroup.name,
                securityGroupIds: [deps.securityGroup.id],
                automaticFailoverEnabled: args.automaticFailover,
                multiAzEnabled: args.multiAz,
                maintenanceWindow: args.maintenanceWindow,
                snapshotRetentionLimit: args.snapshotRetentionLimit,
                snapshotWindow: args.snapshotWindow,
                logDeliveryConfigurations: logDeliveryConfigurations(args.logGroups),
                atRestEncryptionEnabled: true,
                transitEncryptionEnabled: true,
                authToken: deps.authToken.result,
                // Applied only when the token changes (a replaced RandomPassword): ROTATE keeps the old token
                // valid next to the new one, so running containers stay connected until they are redeployed.
                authTokenUpdateStrategy: "ROTATE",
                autoMinorVersionUpgrade: true,
                // What `pulumi up` shows is what runs: no change left pending until the maintenance window,
                // and a rotated token works as soon as the new REDIS_URI is handed out.
                applyImmediately: true,
                tags: tags(args.environment),
            },
            // The data is ephemeral, so no retainOnDelete; but in production a destroy or a replacing
            // change (id, port, subnet group, encryption at rest) would stop Membrane: it must be unprotected first.
            // An adopted group is protected too, unless the stack allows replacing it (same id: delete first).
            {
                parent: this,
                protect: ((args.production ?? false) || args.adopt !== undefined) && !args.adopt?.allowReplacement,
                deleteBeforeReplace: args.adopt?.allowReplacement,
                import: args.adopt ? IMPORT_IDS.replicationGroup(args.replicationGroupId) : undefined,
                dependsOn: deps.ingressRules,
            },
        );
    }
}
