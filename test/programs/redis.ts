// Redis alone, with fixed arguments. MEMBRANE_TEST_MODE: "replicas" (default: VPC CIDR access),
// "security-groups" (access from two groups, one of them known only as an output, as from another
// stack) or "cluster" (cluster mode, valkey, production).
import * as pulumi from "@pulumi/pulumi";
import type { ReplicationTopology } from "../../components/redis/group";
import { Redis } from "../../components/redis/redis";

const mode = process.env.MEMBRANE_TEST_MODE ?? "replicas";
const cluster = mode === "cluster";
const topology: ReplicationTopology = cluster
    ? { clusterMode: true, numNodeGroups: 3, replicasPerNodeGroup: 2 }
    : { clusterMode: false, numCacheClusters: 3 };

const redis = new Redis("cache", {
    environment: "qa",
    production: cluster,
    vpcId: "vpc-0a1b2c3d",
    vpcCidr: "10.40.0.0/16",
    privateSubnetIds: ["subnet-0a1b2c3d", "subnet-0e1f2a3b"],
    region: "eu-west-1",
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
    allowedSecurityGroups:
        mode === "security-groups" ? { "sg-0123456789abcdef0": "sg-0123456789abcdef0", app: pulumi.output("sg-89abcdef") } : {},
    maintenanceWindow: "tue:03:30-tue:05:00",
    snapshotRetentionLimit: 3,
});

export const uri = redis.uri;
export const endpoint = redis.endpoint;
