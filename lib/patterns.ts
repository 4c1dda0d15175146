// The shapes of the ids and names a stack file holds, as the services define them: one definition for
// both programs' readers. (Name rules that derive from the environment are in naming.ts.)

// EC2 resource ids are the prefix and 8 or 17 hex digits.
export const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
export const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
export const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;

// IAM quotas: role names 1-64 characters, inline policy names 1-128, all [\w+=,.@-].
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
export const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
// A customer managed policy's ARN (the deployments program's boundary, deployments/stack-deployment.ts).
export const POLICY_ARN = /^arn:aws[a-z-]*:iam::\d{12}:policy\/[\w+=,.@/-]+$/;

// EKS CreateCluster: name 1-100 characters, ^[0-9A-Za-z][A-Za-z0-9\-_]*$.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html
export const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

// Kubernetes: a namespace is an RFC 1123 DNS label, a service account name an RFC 1123 subdomain.
// https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
export const K8S_NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const K8S_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// Atlas organization and project ids: 24 lowercase hex digits.
export const ATLAS_ID = /^[0-9a-f]{24}$/;
