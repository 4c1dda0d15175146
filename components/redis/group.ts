// What a replication group is, for the Redis component, its reader and its adoption review alike: its
// engine, its topology, the member clusters ElastiCache names after it, and the rules of its id. Pure.

export type RedisEngine = "redis" | "valkey";

/** Cluster mode disabled: one shard of `numCacheClusters` nodes. Enabled: `numNodeGroups` shards of a primary and `replicasPerNodeGroup` replicas. */
export type ReplicationTopology =
    | { readonly clusterMode: false; readonly numCacheClusters: number }
    | { readonly clusterMode: true; readonly numNodeGroups: number; readonly replicasPerNodeGroup: number };

/**
 * The member clusters of a replication group, as ElastiCache names them: `<id>-001` … for cluster
 * mode off, `<id>-0001-001` … (shard, then node) for cluster mode on. CloudWatch publishes the
 * group's metrics per member, under the dimension CacheClusterId.
 */
export function memberClusterIds(replicationGroupId: string, topology: ReplicationTopology): string[] {
    const pad = (n: number, width: number) => String(n).padStart(width, "0");
    if (!topology.clusterMode) {
        return Array.from({ length: topology.numCacheClusters }, (_, n) => `${replicationGroupId}-${pad(n + 1, 3)}`);
    }
    return Array.from({ length: topology.numNodeGroups }, (_, s) =>
        Array.from({ length: topology.replicasPerNodeGroup + 1 }, (_, n) => `${replicationGroupId}-${pad(s + 1, 4)}-${pad(n + 1, 3)}`),
    ).flat();
}

/** Whether the group has replicas, which alone publish ReplicationLag. */
export function hasReplicas(topology: ReplicationTopology): boolean {
    return topology.clusterMode ? topology.replicasPerNodeGroup > 0 : topology.numCacheClusters > 1;
}

/**
 * Every rule ElastiCache's CreateReplicationGroup applies to a replication group id that `id` breaks:
 * 1-40 characters, lowercase letters, digits and hyphens, starts with a letter, no two consecutive
 * hyphens, does not end with a hyphen.
 */
export function replicationGroupIdProblems(id: string): string[] {
    const problems: string[] = [];
    if (id.length < 1 || id.length > 40) {
        problems.push(`is ${id.length} characters long; ElastiCache allows 1 to 40`);
    }
    if (!/^[a-z0-9-]*$/.test(id)) {
        problems.push("may contain only lowercase letters, digits and hyphens");
    }
    if (!/^[a-z]/.test(id)) {
        problems.push("must start with a letter");
    }
    if (id.includes("--")) {
        problems.push("must not contain two consecutive hyphens");
    }
    if (id.endsWith("-")) {
        problems.push("must not end with a hyphen");
    }
    return problems;
}
