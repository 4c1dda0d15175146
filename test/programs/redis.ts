// Redis alone, with fixed arguments. MEMBRANE_TEST_MODE: "replicas" (default: VPC CIDR access),
// "security-groups" (access from two groups) or "cluster" (cluster mode, valkey, production).
import { RedisTopology } from "../../components/config-redis";
import { Redis } from "../../components/redis";

const mode = process.env.MEMBRANE_TEST_MODE ?? "replicas";
const cluster = mode === "cluster";
const topology: RedisTopology = cluster
    ? { clusterMode: true, numNodeGroups: 3, replicasPerNodeGroup: 2 }
    : { clusterMode: false, numCacheClusters: 3 };

const redis = new Redis("cache", {
    environment: "qa",
    production: cluster,
    vpcId: "vpc-0123456789abcdef0",
    vpcCidr: "10.40.0.0/16",
    privateSubnetIds: ["subnet-00000000000000001", "subnet-00000000000000002"],
    replicationGroupId: "qa-membrane",
    subnetGroupName: "qa-membrane-redis",
    securityGroupNamePrefix: "qa-membrane-redis-",
    engine: cluster ? "valkey" : "redis",
    engineVersion: cluster ? "8.0" : "7.0",
    parameterGroupName: cluster ? "default.valkey8.cluster.on" : "default.redis7",
    nodeType: "cache.r7g.large",
    topology,
    automaticFailover: true,
    multiAz: true,
    allowedSecurityGroupIds: mode === "security-groups" ? ["sg-0123456789abcdef0", "sg-89abcdef"] : [],
    maintenanceWindow: "tue:03:30-tue:05:00",
    snapshotRetentionLimit: 3,
});

export const uri = redis.uri;
export const endpoint = redis.endpoint;
