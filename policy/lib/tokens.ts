import { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { asList } from "./values";

/** Exact type tokens; those of @pulumi/aws v7 (`Bucket`, not v6's `BucketV2`). */
export const TYPES = {
    bucket: "aws:s3/bucket:Bucket",
    bucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
    bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketOwnershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    distribution: "aws:cloudfront/distribution:Distribution",
    iamRole: "aws:iam/role:Role",
    iamPolicy: "aws:iam/policy:Policy",
    iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
    iamUserPolicy: "aws:iam/userPolicy:UserPolicy",
    iamGroupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    iamRolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    iamUserPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    iamGroupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    iamPolicyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    secret: "aws:secretsmanager/secret:Secret",
    atlasAccessList: "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList",
    atlasCluster: "mongodbatlas:index/advancedCluster:AdvancedCluster",
    cloudControlResource: "aws:cloudcontrol/resource:Resource",
    bucketLogging: "aws:s3/bucketLogging:BucketLogging",
    bucketReplicationConfig: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    snsTopic: "aws:sns/topic:Topic",
    nativeExtensionResource: "aws-native:index:ExtensionResource",
} as const;

/** `prefixes` must be lower-case; the type matches in any casing. */
export function hasTypePrefix(type: string, prefixes: readonly string[]): boolean {
    const lower = type.toLowerCase();
    return prefixes.some((prefix) => lower.startsWith(prefix));
}

type PropsValidation<T> = (props: T, args: ResourceValidationArgs, reportViolation: ReportViolation) => void;

/** A resource validation that only looks at resources of the given type(s). */
export function onTypes<T>(types: string | readonly string[], validate: PropsValidation<T>): ResourceValidation {
    const wanted = asList(types) as string[];
    return (args, reportViolation) => {
        if (wanted.includes(args.type)) {
            validate(args.props as T, args, reportViolation);
        }
    };
}
