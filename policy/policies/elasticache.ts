import { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES, onTypes } from "../lib/tokens";
import { isSet } from "../lib/unknown";

interface ReplicationGroupProps {
    atRestEncryptionEnabled?: boolean;
    transitEncryptionEnabled?: boolean;
    authToken?: string;
    authTokenWo?: string;
    userGroupIds?: string[];
    numCacheClusters?: number;
    replicasPerNodeGroup?: number;
    automaticFailoverEnabled?: boolean;
    multiAzEnabled?: boolean;
}

export const elastiCacheEncryptionAndAuth: ResourceValidationPolicy = {
    name: "elasticache-encryption-and-auth",
    description: "ElastiCache replication groups must encrypt at rest and in transit and require AUTH (Security Hub ElastiCache.4/5/6).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<ReplicationGroupProps>(TYPES.replicationGroup, (props, _args, reportViolation) => {
        if (props.atRestEncryptionEnabled !== true) {
            reportViolation("atRestEncryptionEnabled is not true. Set it to true; it can only be chosen when the group is created.");
        }
        if (props.transitEncryptionEnabled !== true) {
            reportViolation(
                "transitEncryptionEnabled is not true. Set it to true; Membrane connects with rediss:// and " +
                    "an AUTH token requires TLS.",
            );
        }
        const authenticated = isSet(() => props.authToken) || isSet(() => props.authTokenWo) || isSet(() => props.userGroupIds);
        if (!authenticated) {
            reportViolation(
                "Neither authToken nor userGroupIds is set. Set authToken (16-128 alphanumeric characters, " +
                    "kept as a secret) so REDIS_URI can carry it.",
            );
        }
    }),
};

export const elastiCacheHighAvailability: ResourceValidationPolicy = {
    name: "elasticache-high-availability",
    description: "Replicated ElastiCache groups should fail over automatically across AZs (Security Hub ElastiCache.3).",
    enforcementLevel: "advisory",
    validateResource: onTypes<ReplicationGroupProps>(TYPES.replicationGroup, (props, _args, reportViolation) => {
        const replicated = (props.numCacheClusters ?? 0) >= 2 || (props.replicasPerNodeGroup ?? 0) >= 1;
        if (!replicated) {
            return;
        }
        const missing = (["automaticFailoverEnabled", "multiAzEnabled"] as const).filter((flag) => props[flag] !== true);
        if (missing.length > 0) {
            reportViolation(
                `The group has replicas but ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not true. ` +
                    "Set automaticFailoverEnabled and multiAzEnabled to true so a replica takes over when the primary fails.",
            );
        }
    }),
};
