import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PolicyStatement, parsePolicyDocument, statementsOf } from "../lib/policy-document";
import { TYPES, onTypes } from "../lib/tokens";
import { UNKNOWN, knownString, readKnown } from "../lib/unknown";
import { asList, isRecord } from "../lib/values";
import { iamGlobMatches } from "../lib/glob";

/** The tags every Membrane resource carries; the deploy role and cost reports select by them. */
export const REQUIRED_SECRET_TAGS = ["Environment", "Service"] as const;

interface SecretProps {
    tags?: Record<string, string>;
    kmsKeyId?: string;
    replicas?: Array<{ region?: string; kmsKeyId?: string }>;
}

export const secretsManagerSecretTags: ResourceValidationPolicy = {
    name: "secretsmanager-secret-tags",
    description: "Secrets Manager secrets must carry the Environment and Service tags every Membrane resource carries.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<SecretProps>(TYPES.secret, (props, _args, reportViolation) => {
        const tags = readKnown(() => props.tags);
        if (tags === UNKNOWN) {
            return;
        }
        const missing = REQUIRED_SECRET_TAGS.filter((k) => !isRecord(tags) || typeof tags[k] !== "string" || tags[k] === "");
        if (missing.length > 0) {
            reportViolation(
                `The secret has no ${missing.join(" and ")} tag. Tag it like every Membrane resource: ` +
                    '{ Environment: "<environment>", Service: "membrane" }.',
            );
        }
    }),
};

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

interface SecretEncryptionConfig {
    requireCustomerManagedKey?: boolean;
}

/** The key settings of a secret and its replicas that are neither absent nor a key ARN. */
function keysNotByArn(props: SecretProps): string[] {
    const bad: string[] = [];
    const check = (where: string, value: unknown) => {
        if (
            value !== UNKNOWN &&
            value !== undefined &&
            value !== null &&
            value !== "" &&
            !(typeof value === "string" && KMS_KEY_ARN.test(value))
        ) {
            bad.push(`${where} is ${JSON.stringify(value)}`);
        }
    };
    check(
        "kmsKeyId",
        readKnown(() => props.kmsKeyId),
    );
    const replicas = readKnown(() => props.replicas);
    asList(replicas === UNKNOWN ? [] : replicas).forEach((r, i) =>
        check(
            `replicas[${i}].kmsKeyId`,
            readKnown(() => (r as { kmsKeyId?: unknown }).kmsKeyId),
        ),
    );
    return bad;
}

export const secretsManagerSecretEncryption: ResourceValidationPolicy = {
    name: "secretsmanager-secret-encryption",
    description:
        "Secrets Manager secrets are encrypted with the AWS managed key or a customer managed key named by its ARN, which IAM grants can name; with requireCustomerManagedKey, always a customer managed key (checkov CKV_AWS_149).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            requireCustomerManagedKey: {
                type: "boolean",
                default: false,
                description: "Refuse secrets encrypted with the AWS managed key aws/secretsmanager.",
            },
        },
    },
    validateResource: onTypes<SecretProps>(TYPES.secret, (props, args, reportViolation) => {
        for (const problem of keysNotByArn(props)) {
            reportViolation(
                `${problem}. Name a customer managed key by its ARN (arn:aws:kms:<region>:<account>:key/<id>): the readers' ` +
                    "kms:Decrypt grants name the key ARN, never an alias or a bare id. Leave kmsKeyId unset for the AWS managed key.",
            );
        }
        const kmsKeyId = readKnown(() => props.kmsKeyId);
        if (args.getConfig<SecretEncryptionConfig>().requireCustomerManagedKey === true && (kmsKeyId === undefined || kmsKeyId === "")) {
            reportViolation(
                "The secret uses the AWS managed key aws/secretsmanager, and this pack requires a customer managed key: " +
                    "set membrane:secretsKmsKeyArn (kmsKeyId) to a symmetric KMS key's ARN in the secret's region.",
            );
        }
    }),
};

// Actions that return a secret's value. BatchGetSecretValue also needs GetSecretValue on each secret.
const SECRET_READ_ACTIONS = ["secretsmanager:getsecretvalue", "secretsmanager:batchgetsecretvalue"];

const wildcardMatch = (pattern: string, value: string) => iamGlobMatches(pattern, value, true);

/** True when an Allow statement's actions (wildcards included) let it read a secret's value. */
function readsSecrets(statement: PolicyStatement): boolean {
    if (typeof statement.Effect !== "string" || statement.Effect.toLowerCase() !== "allow") {
        return false;
    }
    if (statement.NotAction !== undefined) {
        const excluded = asList(statement.NotAction).filter((a): a is string => typeof a === "string");
        return SECRET_READ_ACTIONS.some((read) => !excluded.some((a) => wildcardMatch(a, read)));
    }
    return asList(statement.Action).some((a) => typeof a === "string" && SECRET_READ_ACTIONS.some((read) => wildcardMatch(a, read)));
}

const MEMBRANE_SECRET = /^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:membrane\/([^/*?]+)\/.+$/;

/** The resources of a secret-reading statement outside `membrane/<environment>/` (any one environment when unknown). */
function resourcesBeyond(statement: PolicyStatement, environment: string | undefined): string[] {
    if (statement.NotResource !== undefined) {
        return [`NotResource ${JSON.stringify(statement.NotResource)}`];
    }
    return asList(statement.Resource)
        .map((r) => (typeof r === "string" ? r : JSON.stringify(r)))
        .filter((r) => {
            const m = MEMBRANE_SECRET.exec(r);
            return !m || (environment !== undefined && m[1] !== environment);
        });
}

interface ScopedReadConfig {
    environment?: string;
}

/** A role's Environment tag, when known. */
const environmentOf = (role: PolicyResource | undefined): string | undefined =>
    role && knownString(() => (role.props.tags as Record<string, unknown> | undefined)?.Environment);

/** The permission documents of roles in the stack, with the role each belongs to (when the stack has it). */
function roleDocuments(
    resources: PolicyResource[],
): Array<{ resource: PolicyResource; where: string; role?: PolicyResource; document: unknown }> {
    const roles = resources.filter((r) => r.type === TYPES.iamRole);
    const out: Array<{ resource: PolicyResource; where: string; role?: PolicyResource; document: unknown }> = [];
    for (const r of resources) {
        if (r.type === TYPES.iamRolePolicy) {
            const name = knownString(() => r.props.role);
            const role =
                roles.find((x) => name !== undefined && knownString(() => x.props.name) === name) ??
                roles.find((x) => [...r.dependencies, ...(r.propertyDependencies.role ?? [])].some((d) => d.urn === x.urn));
            out.push({ resource: r, where: "policy", role, document: readKnown(() => r.props.policy) });
        } else if (r.type === TYPES.iamRole) {
            const inline = readKnown(() => r.props.inlinePolicies);
            asList(inline === UNKNOWN ? [] : inline).forEach((p, i) =>
                out.push({
                    resource: r,
                    where: `inlinePolicies[${i}]`,
                    role: r,
                    document: readKnown(() => (p as { policy?: unknown }).policy),
                }),
            );
        }
    }
    return out;
}

/** The stack's environment: the pack's config, else the one Environment tag its roles share. */
function stackEnvironment(resources: PolicyResource[], config: ScopedReadConfig): string | undefined {
    if (config.environment) {
        return config.environment;
    }
    const tagged = new Set(
        resources
            .filter((r) => r.type === TYPES.iamRole)
            .map(environmentOf)
            .filter((e) => e !== undefined),
    );
    return tagged.size === 1 ? [...tagged][0] : undefined;
}

export const iamRoleSecretsScoped: StackValidationPolicy = {
    name: "iam-role-secrets-scoped",
    description:
        "A role's policy may read Secrets Manager secrets under membrane/<environment>/ of its own environment only (its Environment tag, or the pack's environment setting).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            environment: {
                type: "string",
                description: "The stack's membrane:environment; default: the Environment tag of the stack's roles.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<ScopedReadConfig>();
        const fallback = stackEnvironment(args.resources, config);
        for (const { resource, where, role, document } of roleDocuments(args.resources)) {
            const parsed = parsePolicyDocument(document);
            const environment = config.environment || environmentOf(role) || fallback;
            const beyond =
                parsed === undefined
                    ? []
                    : statementsOf(parsed)
                          .filter(readsSecrets)
                          .flatMap((s) => resourcesBeyond(s, environment));
            if (beyond.length > 0) {
                const scope = `membrane/${environment ?? "<environment>"}/*`;
                reportViolation(
                    `${where} of ${resource.name} lets a role read secrets beyond ${scope}: ${beyond.join(", ")}. Grant ` +
                        `secretsmanager:GetSecretValue on the stack's own secrets only (arn:aws:secretsmanager:<region>:<account>:secret:${scope}).`,
                    resource.urn,
                );
            }
        }
    },
};
