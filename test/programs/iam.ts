// Iam alone, with fixed bucket ARNs. MEMBRANE_TEST_IAM picks the roles: a comma-separated list of
// "ecs" and one of "irsa-existing", "irsa-create", "pod-identity".
import { Iam, ServiceAccountRoleArgs } from "../../components/iam/iam";

const modes = (process.env.MEMBRANE_TEST_IAM ?? "ecs").split(",");
const eks = (trust: ServiceAccountRoleArgs["trust"]): ServiceAccountRoleArgs => ({
    roleName: "qa-k8s",
    policyName: "qa-k8s-s3",
    clusterName: "qa-cluster",
    namespace: "apps",
    serviceAccount: "membrane-api",
    trust,
});

const iam = new Iam("access", {
    environment: "qa",
    region: "eu-west-1",
    buckets: {
        tmp: { arn: "arn:aws:s3:::t-qa-tmp" },
        connectors: { arn: "arn:aws:s3:::t-qa-connectors" },
        static: { arn: "arn:aws:s3:::t-qa-static" },
    },
    ecsTaskRole: modes.includes("ecs") ? { roleName: "qa-task", policyName: "qa-task-s3" } : undefined,
    eksRole: modes.includes("irsa-existing")
        ? eks({ kind: "irsa", oidcProvider: "existing" })
        : modes.includes("irsa-create")
          ? eks({ kind: "irsa", oidcProvider: "create" })
          : modes.includes("pod-identity")
            ? eks({ kind: "pod-identity" })
            : undefined,
});

export const ecsTaskRoleArn = iam.ecsTaskRoleArn;
export const k8sServiceAccountRoleArn = iam.k8sServiceAccountRoleArn;
export const k8sServiceAccountAnnotations = iam.k8sServiceAccountAnnotations;
