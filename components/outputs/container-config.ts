// From the stack's variables and the credentials secret to what the containers' deployments take, ready
// to paste: an ECS task definition's `environment` and `secrets`, External Secrets Operator's manifests,
// and a values fragment for the vendor's Helm chart. The builders are pure; `containerOutputs` applies them
// to the stack's outputs.
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { IRSA_ROLE_ANNOTATION } from "../iam/iam";

/** The Kubernetes Secret External Secrets Operator creates, for the containers' `envFrom`. */
export const K8S_SECRET_NAME = "membrane-secrets";
/** The SecretStore that reads the credentials secret. */
export const SECRET_STORE_NAME = "membrane-secrets-manager";
/** External Secrets Operator's served API (its v1beta1 API is no longer served since v0.17). */
export const ESO_API_VERSION = "external-secrets.io/v1";

/** A task definition's `environment`: the non-secret variables, sorted by name. */
export function ecsEnvironment(plain: Readonly<Record<string, string>>): Array<{ name: string; value: string }> {
    return Object.keys(plain)
        .sort()
        .map((name) => ({ name, value: plain[name] }));
}

/** A task definition's `secrets`: each credential from its JSON key in the secret, `<arn>:<KEY>::` (current version). */
export function ecsSecrets(secretArn: string, names: readonly string[]): Array<{ name: string; valueFrom: string }> {
    return [...names].sort().map((name) => ({ name, valueFrom: `${secretArn}:${name}::` }));
}

export interface ExternalSecretsParams {
    /** Membrane's namespace: where the SecretStore, the ExternalSecret and the Kubernetes Secret live. */
    readonly namespace: string;
    /** aws:region, the secret's region. */
    readonly region: string;
    /** The Secrets Manager secret's name. */
    readonly secretName: string;
    /** IRSA: the service account whose role reads the secret; absent (Pod Identity): the controller's own identity. */
    readonly serviceAccount?: string;
}

/**
 * A SecretStore for Secrets Manager in the secret's region (with IRSA, authenticated as Membrane's service
 * account, whose role reads the secret; with Pod Identity, no auth block: the controller's own identity)
 * and an ExternalSecret that extracts every JSON key of the secret into the Kubernetes Secret
 * `membrane-secrets`, refreshed hourly. Two YAML documents, for `kubectl apply -f`.
 */
export function externalSecretsManifest(p: ExternalSecretsParams): string {
    const auth = p.serviceAccount ? { auth: { jwt: { serviceAccountRef: { name: p.serviceAccount } } } } : {};
    const store = {
        apiVersion: ESO_API_VERSION,
        kind: "SecretStore",
        metadata: { name: SECRET_STORE_NAME, namespace: p.namespace },
        spec: { provider: { aws: { service: "SecretsManager", region: p.region, ...auth } } },
    };
    const externalSecret = {
        apiVersion: ESO_API_VERSION,
        kind: "ExternalSecret",
        metadata: { name: K8S_SECRET_NAME, namespace: p.namespace },
        spec: {
            refreshInterval: "1h",
            secretStoreRef: { name: SECRET_STORE_NAME, kind: "SecretStore" },
            target: { name: K8S_SECRET_NAME, creationPolicy: "Owner" },
            dataFrom: [{ extract: { key: p.secretName } }],
        },
    };
    return withoutFinalNewline([store, externalSecret].map((doc) => stringify(doc)).join("---\n"));
}

export interface HelmValuesParams {
    /** The service account the chart creates and the pods run as: the one the roles trust. */
    readonly serviceAccount: string;
    /** IRSA: the service-account role, for the `eks.amazonaws.com/role-arn` annotation; absent with Pod Identity. */
    readonly roleArn?: string;
    /** The non-secret variables, the chart's `config:` map. */
    readonly config: Readonly<Record<string, string>>;
}

/**
 * A values fragment for the vendor's chart (`oci://harbor.integration.app/helm/integration-app`): the service
 * account the pods run as, with its IRSA annotation, and the non-secret variables under `config:`, the map
 * the chart is documented to read every variable from. The service account goes under both spellings the
 * vendor uses, `serviceaccount` (its aws/eks README, chart 0.2.3) and `serviceAccount` (its Helm page): the
 * chart itself is behind registry credentials, and a chart ignores values it does not read. The
 * credentials are not here: `npm run k8s-secret-values` adds them from the Secret that External Secrets
 * Operator writes.
 */
export function helmValues(p: HelmValuesParams): string {
    const annotations = p.roleArn ? { annotations: { [IRSA_ROLE_ANNOTATION]: p.roleArn } } : {};
    const serviceAccount = () => ({ create: true, name: p.serviceAccount, ...annotations });
    const config = Object.fromEntries(
        Object.keys(p.config)
            .sort()
            .map((k) => [k, p.config[k]]),
    );
    return withoutFinalNewline(
        stringify({
            serviceAccount: serviceAccount(),
            serviceaccount: serviceAccount(),
            app: { serviceAccountName: p.serviceAccount },
            config,
        }),
    );
}

/** `pulumi stack output <name>` adds a newline to a string output: `> file` then ends with exactly one. */
function withoutFinalNewline(text: string): string {
    return text.replace(/\n$/, "");
}

export interface ContainerOutputsArgs {
    /** aws:region. */
    readonly region: string;
    /** The non-secret variables. */
    readonly plain: Readonly<Record<string, pulumi.Input<string>>>;
    /** The names of the credential variables: the secret's JSON keys. */
    readonly credentialNames: readonly string[];
    /** The credentials store: its secret, and the ECS execution role when it created one. */
    readonly store: {
        readonly secretArn: pulumi.Output<string>;
        readonly secretName: pulumi.Output<string>;
        readonly ecsExecutionRoleArn?: pulumi.Output<string>;
    };
    /**
     * The Iam component's roles: ECS deployments with the task role; Kubernetes ones with the service account's
     * role, whose ARN annotates the service account under IRSA (the annotations are absent with Pod Identity).
     */
    readonly iam: {
        readonly ecsTaskRoleArn?: pulumi.Output<string>;
        readonly k8sServiceAccount?: { readonly namespace: string; readonly name: string };
        readonly k8sServiceAccountRoleArn?: pulumi.Output<string>;
        readonly k8sServiceAccountAnnotations?: pulumi.Output<Record<string, string>>;
    };
}

/** The stack outputs of the container deployments (camelCase, none of them a variable). */
export function containerOutputs(a: ContainerOutputsArgs): Record<string, pulumi.Output<unknown>> {
    const plain = pulumi.all(a.plain);
    const { store, iam } = a;
    const out: Record<string, pulumi.Output<unknown>> = { credentialsSecretArn: store.secretArn, credentialsSecretName: store.secretName };
    if (iam.ecsTaskRoleArn) {
        out.ecsEnvironment = plain.apply(ecsEnvironment);
        out.ecsSecrets = store.secretArn.apply((arn) => ecsSecrets(arn, a.credentialNames));
        if (store.ecsExecutionRoleArn) {
            out.ecsExecutionRoleArn = store.ecsExecutionRoleArn;
        }
    }
    const serviceAccount = iam.k8sServiceAccount;
    if (serviceAccount) {
        const irsaRoleArn = iam.k8sServiceAccountAnnotations && iam.k8sServiceAccountRoleArn;
        out.k8sExternalSecretsManifest = store.secretName.apply((secretName) =>
            externalSecretsManifest({
                namespace: serviceAccount.namespace,
                region: a.region,
                secretName,
                ...(irsaRoleArn && { serviceAccount: serviceAccount.name }),
            }),
        );
        out.k8sHelmValues = pulumi
            .all([plain, irsaRoleArn])
            .apply(([config, roleArn]) => helmValues({ serviceAccount: serviceAccount.name, config, ...(roleArn && { roleArn }) }));
    }
    return out;
}
