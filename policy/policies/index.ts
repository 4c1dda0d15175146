import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { atlasBackupsAndPitr, atlasClusterModernTls, atlasNoOpenAccessList } from "./atlas";
import { cloudFrontHttpsOnly, cloudFrontModernTls, cloudFrontOriginAccessControl } from "./cloudfront";
import { elastiCacheEncryptionAndAuth, elastiCacheHighAvailability } from "./elasticache";
import { iamNoWildcardActions, iamServiceRoleTrustScoped } from "./iam";
import {
    alarmTopicUsableByCloudWatch,
    productionAlarmsPresent,
    productionConnectorsReplicated,
    productionDataBucketsLogged,
    s3AccessLogsNotIntoSource,
} from "./operations";
import { noBackDoors, noDocumentDb, noElastiCacheServerless } from "./refused";
import { iamRoleSecretsScoped, secretsManagerSecretEncryption, secretsManagerSecretTags } from "./secretsmanager";
import { s3BucketOwnerEnforced, s3BucketPolicyDeniesInsecureTransport, s3ConnectorsBucketVersioned, s3PublicAccessBlock } from "./s3";

export * from "./atlas";
export * from "./cloudfront";
export * from "./elasticache";
export * from "./iam";
export * from "./operations";
export * from "./refused";
export * from "./s3";
export * from "./secretsmanager";

export const resourcePolicies: ResourceValidationPolicy[] = [
    noElastiCacheServerless,
    noDocumentDb,
    noBackDoors,
    s3PublicAccessBlock,
    s3BucketOwnerEnforced,
    s3BucketPolicyDeniesInsecureTransport,
    elastiCacheEncryptionAndAuth,
    elastiCacheHighAvailability,
    cloudFrontHttpsOnly,
    cloudFrontModernTls,
    cloudFrontOriginAccessControl,
    iamNoWildcardActions,
    iamServiceRoleTrustScoped,
    atlasNoOpenAccessList,
    atlasBackupsAndPitr,
    atlasClusterModernTls,
    s3AccessLogsNotIntoSource,
    secretsManagerSecretTags,
    secretsManagerSecretEncryption,
];

export const stackPolicies: StackValidationPolicy[] = [
    s3ConnectorsBucketVersioned,
    iamRoleSecretsScoped,
    alarmTopicUsableByCloudWatch,
    productionConnectorsReplicated,
    productionDataBucketsLogged,
    productionAlarmsPresent,
];

export const allPolicies: Array<ResourceValidationPolicy | StackValidationPolicy> = [...resourcePolicies, ...stackPolicies];
