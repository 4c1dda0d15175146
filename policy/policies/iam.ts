import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { parsePolicyDocument, wildcardGrants } from "../lib/policy-document";
import { TYPES } from "../lib/tokens";
import { readKnown } from "../lib/unknown";

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
