import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { PolicyStatement, parsePolicyDocument, statementsOf, wildcardGrants } from "../lib/policy-document";
import { TYPES } from "../lib/tokens";
import { UNKNOWN, readKnown } from "../lib/unknown";
import { asList, getIgnoringCase, isRecord } from "../lib/values";

interface PolicyProps {
    policy?: unknown;
}

interface RoleProps {
    inlinePolicies?: Array<{ name?: string; policy?: unknown }>;
}

/** Permission documents of an IAM resource; a role's assumeRolePolicy is a trust policy and is left out. */
function permissionDocuments(args: ResourceValidationArgs): Array<[string, unknown]> {
    if (args.type === TYPES.iamRole) {
        const inline = readKnown(() => (args.props as RoleProps).inlinePolicies);
        if (!Array.isArray(inline)) {
            return [];
        }
        return inline.map((p, i): [string, unknown] => [`inlinePolicies[${i}]`, readKnown(() => p.policy)]);
    }
    return [["policy", readKnown(() => (args.props as PolicyProps).policy)]];
}

const IAM_PERMISSION_TYPES: readonly string[] = [
    TYPES.iamPolicy,
    TYPES.iamRolePolicy,
    TYPES.iamUserPolicy,
    TYPES.iamGroupPolicy,
    TYPES.iamRole,
];

const IAM_ATTACHMENT_TYPES: readonly string[] = [
    TYPES.iamRolePolicyAttachment,
    TYPES.iamUserPolicyAttachment,
    TYPES.iamGroupPolicyAttachment,
    TYPES.iamPolicyAttachment,
];

// AWS-managed policies whose documents allow `*` or `service:*`: attaching one is a wildcard grant too.
const BROAD_MANAGED_POLICY =
    /^arn:aws[a-z-]*:iam::aws:policy\/(?:[\w+=,.@-]+\/)*(AdministratorAccess|PowerUserAccess|[\w+=,.@-]*FullAccess)$/;

/** The AWS-managed broad policies a resource attaches (attachment resources and a Role's managedPolicyArns). */
export function broadManagedPolicies(args: { type: string; props: Record<string, unknown> }): string[] {
    let arns: unknown[] = [];
    if (IAM_ATTACHMENT_TYPES.includes(args.type)) {
        arns = [readKnown(() => args.props.policyArn)];
    } else if (args.type === TYPES.iamRole) {
        const managed = readKnown(() => args.props.managedPolicyArns);
        arns = Array.isArray(managed) ? managed : [];
    }
    return arns.filter((a): a is string => typeof a === "string" && BROAD_MANAGED_POLICY.test(a));
}

export const iamNoWildcardActions: ResourceValidationPolicy = {
    name: "iam-no-wildcard-actions",
    description:
        "IAM permission policies must not allow `*` or `service:*` actions, nor use NotAction, nor attach AWS-managed full-access policies (Security Hub IAM.1/IAM.21).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const arn of broadManagedPolicies(args)) {
            reportViolation(
                `attaches the AWS-managed policy ${arn}, which allows wildcard actions. Attach a policy that lists ` +
                    "the specific actions instead.",
            );
        }
        if (!IAM_PERMISSION_TYPES.includes(args.type)) {
            return;
        }
        for (const [where, value] of permissionDocuments(args)) {
            const document = parsePolicyDocument(value);
            const grants = document === undefined ? [] : wildcardGrants(document);
            if (grants.length > 0) {
                reportViolation(
                    `${where} allows ${grants.join(", ")}. List the specific actions instead, scoped to the ` +
                        'bucket ARN for bucket actions and to "<bucket ARN>/*" for object actions.',
                );
            }
        }
    },
};

/**
 * The service principals of roles the program makes, and the operators each may pin aws:SourceAccount
 * with: ECS documents the key for task roles (StringEquals); for EC2 IfExists (components/iam/iam.ts says why).
 */
const SOURCE_ACCOUNT_OPERATORS: Readonly<Record<string, readonly string[]>> = {
    "ecs-tasks.amazonaws.com": ["StringEquals"],
    "ec2.amazonaws.com": ["StringEquals", "StringEqualsIfExists"],
};

/** The problems of one trust statement that admits `service`: more than AssumeRole, other principals, no account pinned. */
function serviceTrustProblems(statement: PolicyStatement, service: string): string[] {
    const problems: string[] = [];
    const actions = asList(statement.Action);
    if (statement.NotAction !== undefined || actions.length === 0 || actions.some((a) => a !== "sts:AssumeRole")) {
        problems.push(`lets ${service} do ${JSON.stringify(statement.NotAction ?? statement.Action ?? null)}, not only sts:AssumeRole`);
    }
    const principal = statement.Principal;
    const others = isRecord(principal) ? Object.keys(principal).filter((k) => k !== "Service") : ["*"];
    const services = isRecord(principal) ? asList(principal.Service) : [];
    if (others.length > 0 || services.length > 1) {
        problems.push(`trusts ${JSON.stringify(principal)} in the same statement as ${service}`);
    }
    const pinned = SOURCE_ACCOUNT_OPERATORS[service].some((op) => {
        const value = getIgnoringCase(getIgnoringCase(statement.Condition, op), "aws:SourceAccount");
        return value === UNKNOWN || asList(value).some((v) => typeof v === "string" && /^\d{12}$/.test(v));
    });
    if (!pinned) {
        problems.push(`does not pin aws:SourceAccount to an account (${SOURCE_ACCOUNT_OPERATORS[service].join(" or ")})`);
    }
    return problems;
}

export const iamServiceRoleTrustScoped: ResourceValidationPolicy = {
    name: "iam-service-role-trust-scoped",
    description:
        "A role trusted by ECS tasks or EC2 instances lets that service do sts:AssumeRole only, trusts no other principal in the same statement, and pins aws:SourceAccount to the account (CKV_AWS_60/61).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.iamRole) {
            return;
        }
        const document = parsePolicyDocument(readKnown(() => args.props.assumeRolePolicy));
        const statements = document === undefined ? [] : statementsOf(document);
        for (const statement of statements.filter((s) => typeof s.Effect === "string" && s.Effect.toLowerCase() === "allow")) {
            const principal = statement.Principal;
            const services = isRecord(principal) ? asList(principal.Service).filter((s): s is string => typeof s === "string") : [];
            for (const service of services.filter((s) => s in SOURCE_ACCOUNT_OPERATORS)) {
                for (const problem of serviceTrustProblems(statement, service)) {
                    reportViolation(
                        `The trust policy ${problem}. Trust ${service} alone, for sts:AssumeRole, with Condition ` +
                            `{ ${SOURCE_ACCOUNT_OPERATORS[service][0]}: { "aws:SourceAccount": "<account id>" } }: otherwise ` +
                            "the service may hand this role's credentials to someone else's resources.",
                    );
                }
            }
        }
    },
};
