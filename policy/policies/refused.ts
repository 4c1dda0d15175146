import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { declaredResources } from "../lib/cloudformation";
import { TYPES, hasTypePrefix } from "../lib/tokens";

// aws-native has changed the casing of module and member names between versions, so the
// refused services are matched by lower-cased prefix rather than by an exact token list.
const ELASTICACHE_SERVERLESS_PREFIXES = ["aws:elasticache/serverlesscache", "aws-native:elasticache:serverlesscache"];
// "aws-native:docdb" also covers "aws-native:docdbelastic:*".
const DOCUMENTDB_PREFIXES = ["aws:docdb/", "aws-native:docdb"];

const CLOUDFORMATION_STACK_TYPES = [
    "aws:cloudformation/stack:stack",
    "aws:cloudformation/stackset:stackset",
    "aws-native:cloudformation:stack",
    "aws-native:cloudformation:stackset",
];

// Resources that create an arbitrary CloudFormation type through Cloud Control, and the
// input holding that type name.
const CLOUD_CONTROL_TYPE_INPUTS: Record<string, string> = {
    [TYPES.cloudControlResource.toLowerCase()]: "typeName",
    [TYPES.nativeExtensionResource.toLowerCase()]: "type",
};

export const isElastiCacheServerlessType = (type: string) => hasTypePrefix(type, ELASTICACHE_SERVERLESS_PREFIXES);
export const isDocumentDbType = (type: string) => hasTypePrefix(type, DOCUMENTDB_PREFIXES);

type RefusedService = "ElastiCache Serverless" | "DocumentDB";

/** Which refused service an AWS CloudFormation type name (e.g. `AWS::DocDB::DBCluster`) belongs to. */
export function refusedCloudFormationService(cfnType: string): RefusedService | undefined {
    const lower = cfnType.trim().toLowerCase();
    if (lower.startsWith("aws::elasticache::serverlesscache")) {
        return "ElastiCache Serverless";
    }
    // "aws::docdb" also covers "AWS::DocDBElastic::*".
    if (lower.startsWith("aws::docdb")) {
        return "DocumentDB";
    }
    return undefined;
}

export const ELASTICACHE_SERVERLESS_MESSAGE =
    "Membrane cannot use ElastiCache Serverless: it runs in cluster mode only, has no AUTH token " +
    "(only RBAC users) and does not support SELECT. Use an ElastiCache replication group " +
    "(aws.elasticache.ReplicationGroup) with transit encryption and an AUTH token instead.";

export const DOCUMENTDB_MESSAGE =
    "Membrane cannot use Amazon DocumentDB: it is not API-compatible enough with MongoDB for Membrane. " +
    "Use MongoDB Atlas (mongodbatlas.AdvancedCluster) or self-hosted MongoDB instead.";

function refusalMessage(service: RefusedService): string {
    return service === "DocumentDB" ? DOCUMENTDB_MESSAGE : ELASTICACHE_SERVERLESS_MESSAGE;
}

export const noElastiCacheServerless: ResourceValidationPolicy = {
    name: "no-elasticache-serverless",
    description: "Membrane cannot run on ElastiCache Serverless; use an ElastiCache replication group.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (isElastiCacheServerlessType(args.type)) {
            reportViolation(ELASTICACHE_SERVERLESS_MESSAGE);
        }
    },
};

export const noDocumentDb: ResourceValidationPolicy = {
    name: "no-documentdb",
    description: "Membrane cannot run on Amazon DocumentDB; use MongoDB Atlas or self-hosted MongoDB.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (isDocumentDbType(args.type)) {
            reportViolation(DOCUMENTDB_MESSAGE);
        }
    },
};

function reportRefused(type: string, where: string, reportViolation: ReportViolation) {
    const service = refusedCloudFormationService(type);
    if (service) {
        reportViolation(`${where} creates ${type}. ${refusalMessage(service)}`);
    }
}

export const noBackDoors: ResourceValidationPolicy = {
    name: "no-back-doors",
    description: "CloudFormation stacks and Cloud Control resources must not create ElastiCache Serverless or DocumentDB.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const type = args.type.toLowerCase();
        if (CLOUDFORMATION_STACK_TYPES.includes(type)) {
            // Only templateBody can be checked offline; a stack given by templateUrl is not read.
            const body: unknown = args.props.templateBody;
            for (const { logicalId, type: cfnType } of body === undefined ? [] : declaredResources(body)) {
                const where =
                    logicalId === undefined ? "The CloudFormation template" : `The CloudFormation template (resource ${logicalId})`;
                reportRefused(cfnType, where, reportViolation);
            }
            return;
        }
        const typeInput = CLOUD_CONTROL_TYPE_INPUTS[type];
        const typeName: unknown = typeInput === undefined ? undefined : args.props[typeInput];
        if (typeof typeName === "string") {
            reportRefused(typeName, "The Cloud Control resource", reportViolation);
        }
    },
};
