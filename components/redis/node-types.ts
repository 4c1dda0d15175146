// The ElastiCache node types AWS publishes: the list in the ElastiCache API reference's description of
// CacheNodeType ("The following node types are supported by ElastiCache", current and previous generation),
// as @aws-sdk/client-elasticache 3.1127.0 ships it in its models' documentation. A test holds this copy
// equal to that package's list. AWS adds families before the SDK's text lists them (and which types a
// region offers is a separate table), so a type missing here is warned about, never refused. Pure.
import { closest } from "../../lib/config-keys";

const SIZES: Readonly<Record<string, readonly string[]>> = {
    m7g: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    m6g: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    m5: ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
    m4: ["large", "xlarge", "2xlarge", "4xlarge", "10xlarge"],
    t4g: ["micro", "small", "medium"],
    t3: ["micro", "small", "medium"],
    t2: ["micro", "small", "medium"],
    t1: ["micro"],
    m1: ["small", "medium", "large", "xlarge"],
    m3: ["medium", "large", "xlarge", "2xlarge"],
    c1: ["xlarge"],
    r7g: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    r6g: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    r5: ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
    r4: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"],
    m2: ["xlarge", "2xlarge", "4xlarge"],
    r3: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge"],
};

/** Where the list comes from, as a warning names it. */
export const NODE_TYPES_SOURCE = "the ElastiCache API reference's CacheNodeType list (as @aws-sdk/client-elasticache 3.1127.0 ships it)";

/** Every node type the list names, `cache.<family>.<size>`. */
export const ELASTICACHE_NODE_TYPES: readonly string[] = Object.entries(SIZES).flatMap(([family, sizes]) =>
    sizes.map((size) => `cache.${family}.${size}`),
);

/**
 * A warning for a node type the published list does not name, with the nearest one it does (a typo such
 * as cache.t3.mediun); undefined for a listed type.
 */
export function nodeTypeWarning(nodeType: string): string | undefined {
    if (ELASTICACHE_NODE_TYPES.includes(nodeType)) {
        return undefined;
    }
    const nearest = closest(nodeType, ELASTICACHE_NODE_TYPES);
    return (
        `membrane:redisNodeType "${nodeType}" is not among the ${ELASTICACHE_NODE_TYPES.length} node types of ${NODE_TYPES_SOURCE}` +
        `${nearest ? `: did you mean ${nearest}?` : "."} If it is a type newer than that list, ignore this; otherwise ElastiCache refuses it when pulumi up creates the replication group (InvalidParameterValue).`
    );
}
