// The credentials store's slice of the stack config: the Secrets Manager secret, its key, and who may
// read it (the ECS execution role, the Kubernetes service-account role, External Secrets Operator's
// controller). Pure; every rule names its key and its source.
import { DOCKER_LINE_MAX_BYTES, hasLineBreak } from "../outputs/dotenv";
import { ConfigReader, fullKey } from "../../lib/config-reader";
import { secretsNames } from "../../lib/naming";
import type { IamConfig } from "../iam/settings";
import { K8S_NAME, K8S_NAMESPACE, ROLE_NAME } from "../../lib/patterns";

export const ECS_EXECUTION_ROLE_MODES = ["create", "existing", "none"] as const;
export type EcsExecutionRoleMode = (typeof ECS_EXECUTION_ROLE_MODES)[number];

/** A role and its inline policy that reads the secret. */
export interface ReaderNames {
    readonly roleName: string;
    readonly policyName: string;
}

/** The ECS task execution role: created here, or an existing one that gets the inline policy only. */
export interface EcsExecutionConfig extends ReaderNames {
    readonly kind: "create" | "existing";
    /** The registry pull secret (a task definition's `repositoryCredentials`), read by the role too. */
    readonly repositoryCredentialsArn?: string;
}

/** EKS Pod Identity: External Secrets Operator reads with its controller's own identity, this role. */
export interface EsoPodIdentityConfig extends ReaderNames {
    readonly namespace: string;
    readonly serviceAccount: string;
}

export interface CredentialsStoreConfig {
    /** `membrane/<environment>/credentials`. */
    readonly secretName: string;
    readonly recoveryWindowInDays: number;
    /** A customer managed key's ARN; undefined = the AWS managed key aws/secretsmanager. */
    readonly kmsKeyArn?: string;
    /** The ECS execution role that reads the secret at task start; undefined: none (no ECS, or `none`). */
    readonly ecsExecution?: EcsExecutionConfig;
    /** IRSA: External Secrets Operator assumes the service-account role, which gets this inline policy. */
    readonly k8sReaderPolicyName?: string;
    /** The EC2 instance role reads the secret for a Docker or Compose host, with this inline policy; undefined without the role. */
    readonly ec2ReaderPolicyName?: string;
    /** Pod Identity: External Secrets Operator's controller role; undefined without EKS, with IRSA, or when turned off. */
    readonly esoPodIdentity?: EsoPodIdentityConfig;
}

export interface SecretsConfig {
    /** The credentials store; undefined when `secretsManager` is false. */
    readonly store?: CredentialsStoreConfig;
}

/**
 * Production keeps a deleted secret 30 days (AWS's maximum and default): a month to notice and restore
 * it. Elsewhere 7 (the shortest window AWS allows besides 0, which deletes without recovery): still an
 * undo, and a destroyed test stack's secret name is free again after a week instead of a month.
 */
export function recoveryWindowInDays(production: boolean): number {
    return production ? 30 : 7;
}

const PARTITION = "aws(-[a-z]+)*";
// A symmetric key's ARN: a key id (UUID) or a multi-Region key id (mrk- and 32 hex digits).
const KMS_KEY_ARN = new RegExp(
    `^arn:${PARTITION}:kms:([a-z0-9-]+):\\d{12}:key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`,
);
const KMS_ALIAS = /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:)?alias\//;
const SECRET_ARN = new RegExp(`^arn:${PARTITION}:secretsmanager:([a-z0-9-]+):\\d{12}:secret:([A-Za-z0-9/_+=.@-]+)-[A-Za-z0-9]{6}$`);

/** The customer managed key: a key ARN in the stack's region, never an alias or a bare id. */
function readKmsKey(r: ConfigReader, region: string): string | undefined {
    const arn = r.string("secretsKmsKeyArn");
    if (!arn) {
        return undefined;
    }
    if (KMS_ALIAS.test(arn)) {
        r.problem(
            "secretsKmsKeyArn",
            `must be the key's ARN, not an alias: IAM policies grant kms:Decrypt on a key ARN, never on an alias (aws kms describe-key --key-id ${arn.replace(/^arn:[^:]+:kms:[^:]+:\d+:/, "")} --query KeyMetadata.Arn) (got "${arn}")`,
        );
        return undefined;
    }
    const m = KMS_KEY_ARN.exec(arn);
    if (!m) {
        r.problem(
            "secretsKmsKeyArn",
            `must be a KMS key ARN, arn:aws:kms:<region>:<account>:key/<key id>; empty = the AWS managed key aws/secretsmanager (got "${arn}")`,
        );
        return undefined;
    }
    if (region && m[2] !== region) {
        r.problem("secretsKmsKeyArn", `is a key in ${m[2]}; Secrets Manager encrypts with a key of the secret's own region, ${region}`);
    }
    return arn;
}

/** The pull secret of the vendor's registry: a full secret ARN under `membrane/<environment>/`, in the stack's region. */
function readRepositoryCredentials(r: ConfigReader, ctx: { environment: string; region: string }): string | undefined {
    const arn = r.string("ecsRepositoryCredentialsSecretArn");
    if (!arn) {
        return undefined;
    }
    const m = SECRET_ARN.exec(arn);
    const prefix = `membrane/${ctx.environment}/`;
    if (!m) {
        r.problem(
            "ecsRepositoryCredentialsSecretArn",
            `must be a Secrets Manager secret's full ARN, arn:aws:secretsmanager:<region>:<account>:secret:${prefix}<name>-<6 characters> (got "${arn}")`,
        );
    } else if (!m[3].startsWith(prefix)) {
        r.problem(
            "ecsRepositoryCredentialsSecretArn",
            `must name a secret under ${prefix}: the roles' permissions boundary and the policy pack allow reading those secrets only (got "${m[3]}")`,
        );
    } else if (ctx.region && m[2] !== ctx.region) {
        r.problem("ecsRepositoryCredentialsSecretArn", `is a secret in ${m[2]}; the roles may read secrets of ${ctx.region} only`);
    }
    return arn;
}

/** The ECS execution role's mode and, for `existing`, its name. */
function readExecutionRole(r: ConfigReader): { mode: EcsExecutionRoleMode; existingName: string } {
    const mode = r.oneOf("ecsExecutionRole", ECS_EXECUTION_ROLE_MODES);
    const existingName = r.string("ecsExecutionRoleName");
    if (mode === "existing" && !existingName) {
        r.problem(
            "ecsExecutionRoleName",
            'is required when membrane:ecsExecutionRole is "existing": the name of the role to give read access',
        );
    } else if (mode !== "existing" && existingName) {
        r.problem(
            "ecsExecutionRoleName",
            `is set but membrane:ecsExecutionRole is "${mode}": set ecsExecutionRole to "existing", or leave the name empty`,
        );
    } else if (existingName && !ROLE_NAME.test(existingName)) {
        r.problem("ecsExecutionRoleName", `must be an IAM role name: 1 to 64 letters, digits and +=,.@_- (got "${existingName}")`);
    }
    return { mode, existingName };
}

/** `<namespace>/<name>` of External Secrets Operator's controller service account; "" = none. */
function readEsoServiceAccount(r: ConfigReader): { namespace: string; serviceAccount: string } | undefined {
    const value = r.string("esoServiceAccount");
    if (!value) {
        return undefined;
    }
    const [namespace, serviceAccount, ...rest] = value.split("/");
    if (rest.length > 0 || !namespace || !serviceAccount || !K8S_NAMESPACE.test(namespace) || !K8S_NAME.test(serviceAccount)) {
        r.problem(
            "esoServiceAccount",
            `must be <namespace>/<service account> of External Secrets Operator's controller, both Kubernetes names (got "${value}")`,
        );
        return undefined;
    }
    return { namespace, serviceAccount };
}

/** The variable each secret key becomes in the .env and the credentials secret. */
const SECRET_VARIABLE: Readonly<Record<string, string>> = {
    existingSecret: "SECRET",
    existingEncryptionSecret: "ENCRYPTION_SECRET",
    externalMongoUri: "MONGO_URI",
};

/**
 * Values that go into the .env and the secret must be one line each, and one Docker reads: checked here,
 * before anything is created, so the program's `dotenv` output never fails at `pulumi up`, and never
 * repeating the value.
 */
function checkOneLine(r: ConfigReader): void {
    for (const [key, variable] of Object.entries(SECRET_VARIABLE)) {
        const value = r.unchecked(key);
        if (hasLineBreak(value)) {
            r.problem(
                key,
                "contains a line break, which no .env reader and no environment variable keeps (the value is secret and not shown)",
            );
        } else if (Buffer.byteLength(`${variable}=${value}`, "utf8") > DOCKER_LINE_MAX_BYTES) {
            r.problem(
                key,
                `is ${Buffer.byteLength(value, "utf8")} bytes long: ${variable} would be a .env line longer than the ${DOCKER_LINE_MAX_BYTES} bytes Docker's --env-file reads (the value is secret and not shown)`,
            );
        }
    }
}

interface StoreSettings {
    readonly kmsKeyArn?: string;
    readonly execution: { mode: EcsExecutionRoleMode; existingName: string };
    readonly repositoryCredentialsArn?: string;
    readonly eso?: { namespace: string; serviceAccount: string };
}

/** Which readers the stack's roles make: ECS with the task role, Kubernetes with the service-account role, EC2 hosts with theirs. */
function storeConfig(environment: string, production: boolean, iam: IamConfig, s: StoreSettings, nameSuffix = ""): CredentialsStoreConfig {
    const names = secretsNames(environment, nameSuffix);
    const ecs = iam.ecsTaskRole && s.execution.mode !== "none";
    const ecsExecution: EcsExecutionConfig | undefined = ecs
        ? {
              kind: s.execution.mode === "existing" ? "existing" : "create",
              roleName: s.execution.mode === "existing" ? s.execution.existingName : names.execution.roleName,
              policyName: names.execution.policyName,
              ...(s.repositoryCredentialsArn && { repositoryCredentialsArn: s.repositoryCredentialsArn }),
          }
        : undefined;
    const trust = iam.eksRole?.trust.kind;
    return {
        secretName: names.secretName,
        recoveryWindowInDays: recoveryWindowInDays(production),
        ...(s.kmsKeyArn && { kmsKeyArn: s.kmsKeyArn }),
        ...(ecsExecution && { ecsExecution }),
        ...(trust === "irsa" && { k8sReaderPolicyName: names.k8sReaderPolicyName }),
        ...(iam.ec2Role && { ec2ReaderPolicyName: names.ec2ReaderPolicyName }),
        ...(trust === "pod-identity" && s.eso && { esoPodIdentity: { ...names.eso, ...s.eso } }),
    };
}

/**
 * Pulumi.yaml's default for esoServiceAccount (ESO's Helm chart's service account and namespace), which
 * the config a program receives cannot tell from a value set by hand: no warning for it. A test fails
 * if the two differ (the defaults raise no warning).
 */
export const DEFAULT_ESO = "external-secrets/external-secrets";

/** Set keys that change nothing here, each with the reason: a warning, not an error. */
function ignoredKeyWarnings(r: ConfigReader, enabled: boolean, iam: IamConfig, s: StoreSettings): string[] {
    const set = (keys: string[]) => keys.filter((k) => r.has(k));
    const warn = (keys: string[], why: string) =>
        keys.length === 0 ? [] : [`${keys.map((k) => fullKey(k)).join(", ")} ${keys.length > 1 ? "are" : "is"} set but ignored: ${why}.`];
    if (!enabled) {
        return warn(
            set(["secretsKmsKeyArn", "ecsExecutionRoleName", "ecsRepositoryCredentialsSecretArn"]),
            "membrane:secretsManager is false",
        );
    }
    const ecsKeys = set(["ecsExecutionRoleName", "ecsRepositoryCredentialsSecretArn"]);
    const eso = r.string("esoServiceAccount");
    return [
        ...(!iam.ecsTaskRole ? warn(ecsKeys, "membrane:ecsTaskRole is false, so there is no ECS execution role") : []),
        ...(iam.ecsTaskRole && s.execution.mode === "none" ? warn(ecsKeys, 'membrane:ecsExecutionRole is "none"') : []),
        ...(iam.eksRole?.trust.kind !== "pod-identity" && eso && eso !== DEFAULT_ESO
            ? warn(["esoServiceAccount"], "it applies with EKS Pod Identity only (membrane:eksPodIdentity)")
            : []),
    ];
}

/** The role names this program makes must fit IAM's 64 characters (its policy names are far below 128). */
function checkNameLengths(r: ConfigReader, environment: string, nameSuffix = ""): void {
    const names = secretsNames(environment, nameSuffix);
    for (const role of [names.execution.roleName, names.eso.roleName].filter((n) => n.length > 64)) {
        r.problem("environment", `makes the IAM role name "${role}" ${role.length} characters long; IAM allows 64`);
    }
}

/**
 * Reads and validates the store's keys. `ctx` holds already-read values; `iam` decides which roles read
 * the secret. Warnings (set keys that change nothing) go to `warnings`.
 */
export function readSecretsConfig(
    r: ConfigReader,
    ctx: { environment: string; region: string; production: boolean; nameSuffix?: string },
    iam: IamConfig,
    warnings: string[],
): SecretsConfig {
    checkOneLine(r);
    const enabled = r.boolean("secretsManager");
    const settings: StoreSettings = {
        kmsKeyArn: readKmsKey(r, ctx.region),
        execution: readExecutionRole(r),
        repositoryCredentialsArn: readRepositoryCredentials(r, ctx),
        eso: readEsoServiceAccount(r),
    };
    warnings.push(...ignoredKeyWarnings(r, enabled, iam, settings));
    if (enabled) {
        checkNameLengths(r, ctx.environment, ctx.nameSuffix);
    }
    return enabled ? { store: storeConfig(ctx.environment, ctx.production, iam, settings, ctx.nameSuffix) } : {};
}
