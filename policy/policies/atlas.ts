import { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES, onTypes } from "../lib/tokens";
import { UNKNOWN, readKnown } from "../lib/unknown";

interface AccessListProps {
    cidrBlock?: string;
    ipAddress?: string;
}

const OPEN_CIDR_BLOCKS = ["0.0.0.0/0", "::/0"];
const OPEN_IP_ADDRESSES = ["0.0.0.0"];

export const atlasNoOpenAccessList: ResourceValidationPolicy = {
    name: "atlas-no-open-access-list",
    description: "MongoDB Atlas IP access lists must not open the project to the whole internet.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<AccessListProps>(TYPES.atlasAccessList, (props, _args, reportViolation) => {
        const cidr = props.cidrBlock?.trim();
        const ip = props.ipAddress?.trim();
        const open = (cidr !== undefined && OPEN_CIDR_BLOCKS.includes(cidr)) || (ip !== undefined && OPEN_IP_ADDRESSES.includes(ip));
        if (open) {
            reportViolation(
                `The entry allows ${cidr ?? ip} (any address). Allow the VPC CIDR or the NAT gateway addresses ` +
                    "instead, or use a PrivateLink endpoint.",
            );
        }
    }),
};

interface AdvancedClusterProps {
    backupEnabled?: boolean;
    pitEnabled?: boolean;
}

export const atlasBackupsAndPitr: ResourceValidationPolicy = {
    name: "atlas-backups-and-pitr",
    description: "MongoDB Atlas clusters must have cloud backups and point-in-time recovery enabled.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<AdvancedClusterProps>(TYPES.atlasCluster, (props, _args, reportViolation) => {
        const missing = (["backupEnabled", "pitEnabled"] as const).filter((flag) => props[flag] !== true);
        if (missing.length > 0) {
            reportViolation(
                `${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not true. Set backupEnabled and ` +
                    "pitEnabled to true (lower this policy to advisory for throwaway dev stacks).",
            );
        }
    }),
};

// mongodbatlas v4 documents TLS1_2 and TLS1_3 for minimumEnabledTlsProtocol; older clusters may still say TLS1_0 or TLS1_1.
const MODERN_TLS = ["TLS1_2", "TLS1_3"];

interface AdvancedClusterTlsProps {
    advancedConfiguration?: { minimumEnabledTlsProtocol?: string };
}

export const atlasClusterModernTls: ResourceValidationPolicy = {
    name: "atlas-cluster-modern-tls",
    description:
        "MongoDB Atlas clusters must say their minimum TLS version, TLS 1.2 or newer (advancedConfiguration.minimumEnabledTlsProtocol), rather than keep whatever Atlas defaulted them to.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<AdvancedClusterTlsProps>(TYPES.atlasCluster, (props, _args, reportViolation) => {
        const tls = readKnown(() => props.advancedConfiguration?.minimumEnabledTlsProtocol);
        if (tls === UNKNOWN || (typeof tls === "string" && MODERN_TLS.includes(tls))) {
            return;
        }
        reportViolation(
            `advancedConfiguration.minimumEnabledTlsProtocol is ${tls === undefined || tls === "" ? "not set" : JSON.stringify(tls)}. ` +
                'Set it to "TLS1_2" (or "TLS1_3" when every client supports it): left unset, the cluster keeps whatever minimum Atlas gave it, and no deploy ever checks it.',
        );
    }),
};
