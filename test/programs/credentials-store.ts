// CredentialsStore alone, with every reader: a created ECS execution role, a Kubernetes role's policy (by
// name, as IRSA), External Secrets Operator's role under Pod Identity, and a permissions boundary.
// MEMBRANE_TEST_PLAIN_CREDENTIALS=true hands it the credentials as plain values, and records what the store
// hands @pulumi/aws's SecretVersion (exported as `handedToSecretVersion`): that class marks secretString
// secret on its own, so only the record shows that the store keeps the value secret without it.
import * as pulumi from "@pulumi/pulumi";
import type { SecretVersionArgs } from "@pulumi/aws/secretsmanager";
import { CredentialsStore } from "../../components/secrets/credentials-store";

const plainCredentials = process.env.MEMBRANE_TEST_PLAIN_CREDENTIALS === "true";
const credential = (value: string) => (plainCredentials ? pulumi.output(value) : pulumi.secret(value));

const handed: Array<{ args: SecretVersionArgs; opts?: pulumi.CustomResourceOptions }> = [];
if (plainCredentials) {
    // The project's own module of @pulumi/aws namespaces, which this run loads afresh: the package is untouched.
    const modules: { secretsmanager: typeof import("@pulumi/aws/secretsmanager") } = require("../../lib/aws");
    const { SecretVersion } = modules.secretsmanager;
    modules.secretsmanager = Object.create(modules.secretsmanager, {
        SecretVersion: {
            value: class extends SecretVersion {
                constructor(name: string, args: SecretVersionArgs, opts?: pulumi.CustomResourceOptions) {
                    handed.push({ args, opts });
                    super(name, args, opts);
                }
            },
        },
    });
}

const store = new CredentialsStore("vault", {
    environment: "qa",
    region: "eu-west-1",
    secretName: "qa/credentials",
    recoveryWindowInDays: 7,
    credentials: { SECRET: credential("s".repeat(40)), MONGO_URI: credential("mongodb://u:p@h/db") },
    ecsExecutionRole: { kind: "create", roleName: "qa-execution", policyName: "qa-execution-read" },
    k8sReaderPolicyName: "qa-k8s-read",
    esoPodIdentity: { namespace: "eso", serviceAccount: "eso", roleName: "qa-eso", policyName: "qa-eso-read" },
    iam: { k8sServiceAccountRoleName: "qa-k8s", eksClusterName: "qa-cluster" },
    permissionsBoundaryArn: "arn:aws:iam::111122223333:policy/qa-boundary",
});

export const secretArn = store.secretArn;
export const handedToSecretVersion = plainCredentials
    ? handed.map(({ args, opts }) => ({
          secretStringSecret: pulumi.isSecret(pulumi.output(args.secretString ?? "")),
          additionalSecretOutputs: opts?.additionalSecretOutputs ?? [],
      }))
    : undefined;
