// The @pulumi/aws modules this program uses, each loaded on its own (as components/aws.ts does for the
// Membrane program): the package's index loads some 250 service modules, and tsc reads 2,000 more files.
export * as eks from "@pulumi/aws/eks";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as route53 from "@pulumi/aws/route53";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
