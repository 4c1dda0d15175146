// CredentialsStore alone, with every reader: a created ECS execution role, a Kubernetes role's policy (by
// name, as IRSA), External Secrets Operator's role under Pod Identity, and a permissions boundary.
import * as pulumi from "@pulumi/pulumi";
import { CredentialsStore } from "../../components/credentials-store";

const store = new CredentialsStore("vault", {
    environment: "qa",
    region: "eu-west-1",
    secretName: "qa/credentials",
    recoveryWindowInDays: 7,
    credentials: { SECRET: pulumi.secret("s".repeat(40)), MONGO_URI: pulumi.secret("mongodb://u:p@h/db") },
    ecsExecutionRole: { kind: "create", roleName: "qa-execution", policyName: "qa-execution-read" },
    k8sReader: { roleName: "qa-k8s", policyName: "qa-k8s-read" },
    esoPodIdentity: { clusterName: "qa-cluster", namespace: "eso", serviceAccount: "eso", roleName: "qa-eso", policyName: "qa-eso-read" },
    permissionsBoundaryArn: "arn:aws:iam::111122223333:policy/qa-boundary",
});

export const secretArn = store.secretArn;
