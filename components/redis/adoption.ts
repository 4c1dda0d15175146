// Adopting an ElastiCache replication group (the vendor's `<environment>-redis-new` on port 6380, or the
// guide's `<environment>-membrane`). The provider replaces a group whose id, port, subnet group, engine
// (valkey -> redis) or engine version (a downgrade) changes (terraform-provider-aws
// internal/service/elasticache/replication_group.go: ForceNew and customizeDiff*ForceNewOnDowngrade), and
// ElastiCache cannot switch a group out of cluster mode. Pure.
import { Difference, differs, Refusal, Review } from "../adoption";
import type { RedisEngine, ReplicationTopology } from "./group";

/** A replication group as `getReplicationGroup` shows it, with what `getCluster` shows of its first member. */
export interface ExistingReplicationGroup {
    readonly replicationGroupId: string;
    readonly description?: string;
    /** `enabled`, `disabled` or `compatible`. */
    readonly clusterMode?: string;
    readonly nodeType?: string;
    readonly numCacheClusters?: number;
    readonly numNodeGroups?: number;
    readonly replicasPerNodeGroup?: number;
    readonly port?: number;
    readonly automaticFailoverEnabled?: boolean;
    readonly multiAzEnabled?: boolean;
    readonly authTokenEnabled?: boolean;
    readonly snapshotRetentionLimit?: number;
    readonly engine?: string;
    /** The full version, such as 7.1.0. */
    readonly engineVersion?: string;
    readonly parameterGroupName?: string;
    readonly subnetGroupName?: string;
    readonly maintenanceWindow?: string;
    readonly securityGroupIds?: readonly string[];
}

/** What the program registers the group with: the stack's values, or the existing group's where it keeps them. */
export interface RedisSettings {
    readonly port: number;
    readonly engine: RedisEngine;
    readonly engineVersion: string;
    readonly parameterGroupName: string;
    readonly nodeType: string;
    readonly topology: ReplicationTopology;
}

/** What the stack asks for. */
export interface WantedRedis extends RedisSettings {
    readonly description: string;
    readonly subnetGroupName: string;
    readonly automaticFailover: boolean;
    readonly multiAz: boolean;
    readonly maintenanceWindow: string;
    readonly snapshotRetentionLimit: number;
    /** The stack's security group, by its name prefix. */
    readonly securityGroupNamePrefix: string;
    /** The group's subnet group is adopted with it, and takes the stack's subnets. */
    readonly adoptsSubnetGroup: boolean;
    /** membrane:production: Redis keeps a replica of every shard. */
    readonly production: boolean;
}

/** major.minor of a version such as 7.1.0. */
const majorMinor = (v: string | undefined): string | undefined => (v ? v.split(".").slice(0, 2).join(".") : undefined);
const versionNumber = (v: string): number => {
    const [major, minor] = v.split(".").map(Number);
    return major * 1000 + (minor || 0);
};

function existingTopology(e: ExistingReplicationGroup, wanted: ReplicationTopology): ReplicationTopology {
    if (wanted.clusterMode) {
        return {
            clusterMode: true,
            numNodeGroups: e.numNodeGroups ?? wanted.numNodeGroups,
            replicasPerNodeGroup: e.replicasPerNodeGroup ?? wanted.replicasPerNodeGroup,
        };
    }
    return { clusterMode: false, numCacheClusters: e.numCacheClusters ?? wanted.numCacheClusters };
}

/** Cluster mode cannot be switched by this program; the stack must say what the group is. */
function clusterModeRefusal(e: ExistingReplicationGroup, wanted: ReplicationTopology): Refusal[] {
    const existing = e.clusterMode === "enabled" || e.clusterMode === "compatible";
    if (e.clusterMode === undefined || existing === wanted.clusterMode) {
        return [];
    }
    return [
        {
            setting: "cluster mode",
            existing: e.clusterMode,
            stack: wanted.clusterMode ? "enabled" : "disabled",
            replaces: false,
            fix: `Set membrane:redisClusterMode: ${existing}: switching an existing group's cluster mode is a migration in steps that this program does not do (and Membrane reads ${existing ? "REDIS_CLUSTER_URI_1" : "REDIS_URI"} then).`,
        },
    ];
}

/** Engine and version: kept, or refused when the stack's would replace the group (valkey -> redis, a downgrade). */
function engineRefusals(e: ExistingReplicationGroup, w: WantedRedis, keep: boolean): Refusal[] {
    if (keep) {
        return [];
    }
    const refusals: Refusal[] = [];
    if (e.engine === "valkey" && w.engine === "redis") {
        refusals.push({
            setting: "engine",
            existing: "valkey",
            stack: "redis",
            replaces: true,
            fix: "Set membrane:redisEngine: valkey, or membrane:adoptKeepExistingSettings: true (ElastiCache upgrades Redis OSS to Valkey in place, never back).",
        });
    }
    const version = majorMinor(e.engineVersion);
    if (version && e.engine === w.engine && versionNumber(w.engineVersion) < versionNumber(version)) {
        refusals.push({
            setting: "engine version",
            existing: version,
            stack: w.engineVersion,
            replaces: true,
            fix: `Set membrane:redisEngineVersion: "${version}" or newer, or membrane:adoptKeepExistingSettings: true: ElastiCache cannot downgrade.`,
        });
    }
    return refusals;
}

function keptOrChanged(e: ExistingReplicationGroup, w: WantedRedis, keep: boolean): { settings: RedisSettings; size: Difference[] } {
    const existing: RedisSettings = {
        port: e.port ?? w.port,
        engine: (e.engine === "redis" || e.engine === "valkey" ? e.engine : w.engine) as RedisEngine,
        engineVersion: majorMinor(e.engineVersion) ?? w.engineVersion,
        parameterGroupName: e.parameterGroupName ?? w.parameterGroupName,
        nodeType: e.nodeType ?? w.nodeType,
        topology: existingTopology(e, w.topology),
    };
    const size = [
        ...differs("engine", e.engine, w.engine),
        ...differs("engine version", majorMinor(e.engineVersion), w.engineVersion),
        ...differs("parameter group", e.parameterGroupName, w.parameterGroupName),
        ...differs("node type", e.nodeType, w.nodeType),
        ...differs("topology", describeTopology(existing.topology), describeTopology(w.topology)),
    ];
    // The port is never the stack's to change: a new port replaces the group, and clients follow REDIS_URI.
    return { settings: keep ? existing : { ...w, port: existing.port }, size };
}

const describeTopology = (t: ReplicationTopology): string =>
    t.clusterMode
        ? `${t.numNodeGroups} shards of ${t.replicasPerNodeGroup + 1} nodes`
        : `${t.numCacheClusters} node${t.numCacheClusters === 1 ? "" : "s"}`;

/** The notes of an adoption: the token, the security groups, and what the look-ups cannot show. */
function redisNotes(e: ExistingReplicationGroup, w: WantedRedis): string[] {
    return [
        e.authTokenEnabled === false
            ? "it gets an AUTH token with the ROTATE strategy: ElastiCache then accepts connections with the token and without it, so running clients keep working; once every client uses the new REDIS_URI, make the token mandatory with aws elasticache modify-replication-group --replication-group-id " +
              `${e.replicationGroupId} --auth-token <token> --auth-token-update-strategy SET --apply-immediately.`
            : "its AUTH token is rotated to a generated one (ROTATE: the old token keeps working until you revoke it; docs/operate.md's Rotating credentials says how).",
        `its security groups${e.securityGroupIds?.length ? ` ${e.securityGroupIds.join(", ")}` : ""} are replaced by this program's ${w.securityGroupNamePrefix}… group (port ${e.port ?? w.port} from the VPC CIDR, or from membrane:redisAllowedSecurityGroupIds): clients outside those stop reaching Redis.`,
        ...(w.adoptsSubnetGroup
            ? [
                  `its subnet group ${w.subnetGroupName} takes the subnets of membrane:privateSubnetIds, in place; ElastiCache refuses to remove a subnet that still holds a node, so list the group's current subnets there.`,
              ]
            : []),
        "encryption at rest and in transit are not visible to the look-ups: a group without them would be replaced, which protection stops at pulumi up; read the preview.",
    ];
}

/** Production keeps a replica of every shard (settings.ts): a kept topology without one is refused. */
function productionRefusal(s: RedisSettings, w: WantedRedis): Refusal[] {
    const single = s.topology.clusterMode ? s.topology.replicasPerNodeGroup === 0 : s.topology.numCacheClusters < 2;
    return w.production && single
        ? [
              {
                  setting: "topology",
                  existing: describeTopology(s.topology),
                  stack: describeTopology(w.topology),
                  replaces: false,
                  fix: "Production keeps a replica of every shard: set membrane:adoptKeepExistingSettings: false, and the stack's replicas are added in place.",
              },
          ]
        : [];
}

/**
 * Compares an existing group with the stack. The id and port are always the group's; with `keep`, so are
 * its engine, version, parameter group, node type and topology. The rest changes in place.
 */
export function reviewReplicationGroup(
    e: ExistingReplicationGroup,
    w: WantedRedis,
    keep: boolean,
): { review: Review; settings: RedisSettings } {
    const { settings, size } = keptOrChanged(e, w, keep);
    const subnetGroup: Refusal[] =
        e.subnetGroupName && e.subnetGroupName !== w.subnetGroupName
            ? [
                  {
                      setting: "subnet group",
                      existing: e.subnetGroupName,
                      stack: w.subnetGroupName,
                      replaces: true,
                      fix: `Set membrane:existingRedisSubnetGroupName: ${e.subnetGroupName}: a replication group cannot change its subnet group.`,
                  },
              ]
            : [];
    const inPlace = [
        ...(keep ? [] : size),
        ...differs("description", e.description, w.description),
        ...differs("automatic failover", e.automaticFailoverEnabled, w.automaticFailover),
        ...differs("Multi-AZ", e.multiAzEnabled, w.multiAz),
        ...differs("maintenance window", e.maintenanceWindow?.toLowerCase(), w.maintenanceWindow),
        ...differs("snapshot retention (days)", e.snapshotRetentionLimit, w.snapshotRetentionLimit),
    ];
    return {
        settings,
        review: {
            what: `replication group ${e.replicationGroupId}`,
            kept: [
                ...(e.port !== undefined && e.port !== w.port
                    ? [{ setting: "port", existing: String(e.port), stack: String(w.port) }]
                    : []),
                ...(keep ? size : []),
            ],
            inPlace,
            notes: [
                ...redisNotes(e, w),
                ...(keep && size.length > 0
                    ? [
                          "the Redis keys still describe the stack's settings, not the kept ones: the alarms per node and the log deliveries (membrane:alarms, membrane:redisLogs) follow them, so set membrane:redisEngine, redisEngineVersion, redisNodeType and the topology keys to the kept values listed above.",
                      ]
                    : []),
            ],
            refusals: [
                ...clusterModeRefusal(e, w.topology),
                ...subnetGroup,
                ...engineRefusals(e, w, keep),
                ...productionRefusal(settings, w),
            ],
        },
    };
}
