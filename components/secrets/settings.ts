// The secrets' keys -> AppSecrets' and CredentialsStore's args: the secrets to keep, the Secrets Manager
// secret, its key, and who may read it (the ECS execution role, the Kubernetes service-account role, External
// Secrets Operator's controller, the EC2 instance role). Pure; every rule names its key and its source.
import * as pulumi from "@pulumi/pulumi";
import { ConfigReader, fullKey } from "../../lib/config-reader";
import { secretsNames } from "../../lib/naming";
import { K8S_NAME, K8S_NAMESPACE, ROLE_NAME } from "../../lib/patterns";
import type { IamSettings } from "../iam/settings";
import { DOCKER_LINE_MAX_BYTES, hasLineBreak } from "../outputs/dotenv";
import type { Stack } from "../stack-settings";
import type { AppSecretsArgs } from "./app-secrets";
import type { CredentialsStoreArgs, ExecutionRoleArgs } from "./credentials-store";

export const ECS_EXECUTION_ROLE_MODES = ["create", "existing", "none"] as const;
export type EcsExecutionRoleMode = (typeof ECS_EXECUTION_ROLE_MODES)[number];

/** The store's args but the credentials and the Iam component's roles, which the program gives it. */
export type CredentialsStoreSettings = Omit<CredentialsStoreArgs, "credentials" | "iam">;

// Membrane asks for secrets of at least 32 characters.
const MIN_SECRET_LENGTH = 32;

/** The SSM parameter where the vendor's aws/ecs module keeps each secret, and its ECS task definitions read it from (ssm.tf, ecs.tf). */
export function vendorSsmParameter(environment: string, key: "existingSecret" | "existingEncryptionSecret"): string {
    return `/${environment}/integration-app/${key === "existingSecret" ? "secret" : "encryption-secret"}`;
}

/** The command that sets `key` to the value the vendor's install keeps in SSM, the value never on a command line of its own. */
export function setFromSsmCommand(environment: string, key: "existingSecret" | "existingEncryptionSecret"): string {
    return `pulumi config set --secret ${fullKey(key)} "$(aws ssm get-parameter --with-decryption --name ${vendorSsmParameter(environment, key)} --query Parameter.Value --output text)"`;
}

/**
 * An adoption (`adopting`: the adoption keys the stack sets) takes over a running Membrane, which encrypted
 * every credential it stored with its ENCRYPTION_SECRET: generating a new one would make all of them
 * unreadable, so an adoption without existingEncryptionSecret is refused unless adoptNoStoredCredentials says
 * there is nothing to lose. A new SECRET only signs every user out: a warning.
 */
function checkAdoptedSecrets(
    r: ConfigReader,
    environment: string,
    adopting: readonly string[],
    given: { existingSecret: boolean; existingEncryptionSecret: boolean },
): void {
    const noStored = r.boolean("adoptNoStoredCredentials");
    if (adopting.length === 0) {
        if (noStored) {
            r.warn(
                "membrane:adoptNoStoredCredentials is true but the stack adopts nothing (no membrane:existing* resource key is set): it has no effect; set it back to false.",
            );
        }
        return;
    }
    const keys = adopting.length > 2 ? `${adopting.slice(0, 2).join(", ")} and ${adopting.length - 2} more` : adopting.join(" and ");
    const env = environment || "<env>";
    const whereVendor = (key: "existingSecret" | "existingEncryptionSecret") =>
        `The vendor's aws/ecs module keeps it in the SSM parameter ${vendorSsmParameter(env, key)}, which its task definitions read (use the vendor's environment in the name if it is not "${env}"; with its aws/eks chart it is ${key === "existingSecret" ? "SECRET" : "ENCRYPTION_SECRET"} in your Helm values); docs/adopt.md step 1 backs it up`;
    if (!given.existingEncryptionSecret && !noStored) {
        r.problem(
            "existingEncryptionSecret",
            `is empty but the stack adopts an existing install (${keys}): the program would generate a new ENCRYPTION_SECRET, and every credential the running Membrane stored would become unreadable. ` +
                `Set the one it uses: ${setFromSsmCommand(env, "existingEncryptionSecret")}. ${whereVendor("existingEncryptionSecret")}. ` +
                "If that install has stored no credentials yet, set membrane:adoptNoStoredCredentials: true instead",
        );
    } else if (given.existingEncryptionSecret && noStored) {
        r.warn(
            "membrane:adoptNoStoredCredentials is true but membrane:existingEncryptionSecret is set: the value is kept, and adoptNoStoredCredentials has no effect; set it back to false.",
        );
    }
    if (!given.existingSecret) {
        r.warn(
            `membrane:existingSecret is empty but the stack adopts an existing install (${keys}): the program generates a new SECRET, which signs every user of the running Membrane out once. ` +
                `To keep their sessions: ${setFromSsmCommand(env, "existingSecret")}. ${whereVendor("existingSecret")}.`,
        );
    }
}

/**
 * SECRET and ENCRYPTION_SECRET to keep, as secrets; absent: generate. A value under 32 characters is refused,
 * unless `acceptShortExistingSecrets` says it is the one a running Membrane already uses: replacing
 * ENCRYPTION_SECRET would make every stored credential unreadable. The values are never repeated. `adopting`:
 * the adoption keys the stack sets, which make an empty existingEncryptionSecret a problem.
 */
export function readAppSecrets(r: ConfigReader, stack: Stack, adopting: readonly string[] = []): AppSecretsArgs {
    const acceptShort = r.boolean("acceptShortExistingSecrets");
    const short: string[] = [];
    const read = (key: string) => {
        const v = r.secret(key);
        if (v !== "" && v.length < MIN_SECRET_LENGTH && acceptShort) {
            short.push(key);
            r.warn(
                `${fullKey(key)} is ${v.length} characters long, under the ${MIN_SECRET_LENGTH} Membrane asks for; it is kept because membrane:acceptShortExistingSecrets is true (the value a running Membrane uses). ` +
                    (key === "existingEncryptionSecret"
                        ? "Never replace it: it encrypts every credential Membrane stores."
                        : "Replace it with 32 or more random characters when you can: users then sign in again."),
            );
        } else if (v !== "" && v.length < MIN_SECRET_LENGTH) {
            r.problem(
                key,
                `must be at least ${MIN_SECRET_LENGTH} characters long (got ${v.length}); if it is the value your running Membrane already uses, set membrane:acceptShortExistingSecrets: true to keep it`,
            );
        }
        return v;
    };
    const existingSecret = read("existingSecret");
    const existingEncryptionSecret = read("existingEncryptionSecret");
    checkAdoptedSecrets(r, stack.environment, adopting, {
        existingSecret: existingSecret !== "",
        existingEncryptionSecret: existingEncryptionSecret !== "",
    });
    if (acceptShort && short.length === 0) {
        r.warn(
            `membrane:acceptShortExistingSecrets is true but neither membrane:existingSecret nor membrane:existingEncryptionSecret is shorter than ${MIN_SECRET_LENGTH} characters: it has no effect; set it back to false.`,
        );
    }
    return {
        production: stack.production,
        existingSecret: existingSecret ? pulumi.secret(existingSecret) : undefined,
        existingEncryptionSecret: existingEncryptionSecret ? pulumi.secret(existingEncryptionSecret) : undefined,
    };
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
function storeArgs(stack: Stack, iam: IamSettings, s: StoreSettings): CredentialsStoreSettings {
    const names = secretsNames(stack.environment, stack.nameSuffix);
    const ecs = iam.ecsTaskRole && s.execution.mode !== "none";
    const ecsExecutionRole: ExecutionRoleArgs | undefined = ecs
        ? {
              kind: s.execution.mode === "existing" ? "existing" : "create",
              roleName: s.execution.mode === "existing" ? s.execution.existingName : names.execution.roleName,
              policyName: names.execution.policyName,
              ...(s.repositoryCredentialsArn && { repositoryCredentialsArn: s.repositoryCredentialsArn }),
          }
        : undefined;
    const trust = iam.eksRole?.trust.kind;
    return {
        environment: stack.environment,
        production: stack.production,
        region: stack.region,
        secretName: names.secretName,
        recoveryWindowInDays: recoveryWindowInDays(stack.production),
        ...(s.kmsKeyArn && { kmsKeyArn: s.kmsKeyArn }),
        ...(ecsExecutionRole && { ecsExecutionRole }),
        ...(trust === "irsa" && { k8sReaderPolicyName: names.k8sReaderPolicyName }),
        ...(iam.ec2Role && { ec2ReaderPolicyName: names.ec2ReaderPolicyName }),
        ...(trust === "pod-identity" && s.eso && { esoPodIdentity: { ...names.eso, ...s.eso } }),
        permissionsBoundaryArn: iam.permissionsBoundaryArn,
    };
}

/**
 * Pulumi.yaml's default for esoServiceAccount (ESO's Helm chart's service account and namespace), which
 * the config a program receives cannot tell from a value set by hand: no warning for it. A test fails
 * if the two differ (the defaults raise no warning).
 */
export const DEFAULT_ESO = "external-secrets/external-secrets";

/** Set keys that change nothing here, each with the reason: a warning, not an error. */
function ignoredKeyWarnings(r: ConfigReader, enabled: boolean, iam: IamSettings, s: StoreSettings): string[] {
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
 * Reads and validates the store's keys; undefined when `secretsManager` is false. `iam` decides which roles
 * read the secret. Set keys that change nothing are warned about.
 */
export function readCredentialsStore(r: ConfigReader, stack: Stack, iam: IamSettings): CredentialsStoreSettings | undefined {
    checkOneLine(r);
    const enabled = r.boolean("secretsManager");
    const settings: StoreSettings = {
        kmsKeyArn: readKmsKey(r, stack.region),
        execution: readExecutionRole(r),
        repositoryCredentialsArn: readRepositoryCredentials(r, stack),
        eso: readEsoServiceAccount(r),
    };
    for (const warning of ignoredKeyWarnings(r, enabled, iam, settings)) {
        r.warn(warning);
    }
    if (enabled) {
        checkNameLengths(r, stack.environment, stack.nameSuffix);
    }
    return enabled ? storeArgs(stack, iam, settings) : undefined;
}
