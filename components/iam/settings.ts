// Iam's keys -> Iam's args: which roles to create (or adopt), for which Kubernetes service account, and how
// EKS trusts them. Pure; every rule names its key and its source.
import { ConfigReader } from "../../lib/config-reader";
import { iamNames, RoleNames } from "../../lib/naming";
import { EKS_CLUSTER_NAME, K8S_NAME, K8S_NAMESPACE, POLICY_ARN } from "../../lib/patterns";
import type { AdoptedRole, AdoptionConfig } from "../adoption-settings";
import type { Stack } from "../stack-settings";
import type { IamArgs, OidcProviderMode, RoleNameArgs } from "./iam";

/** Iam's args but the buckets, which Storage gives it. */
export type IamSettings = Omit<IamArgs, "buckets">;

// IAM quotas: role names 1-64 characters, inline policy and instance profile names 1-128, all [\w+=,.@-].
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
const ROLE_NAME_MAX = 64;
const POLICY_NAME_MAX = 128;
const INSTANCE_PROFILE_NAME_MAX = 128;

function checkNames(r: ConfigReader, names: RoleNames): void {
    if (names.roleName.length > ROLE_NAME_MAX) {
        r.problem(
            "environment",
            `makes the IAM role name "${names.roleName}" ${names.roleName.length} characters long; IAM allows ${ROLE_NAME_MAX}`,
        );
    }
    if (names.policyName.length > POLICY_NAME_MAX) {
        r.problem(
            "environment",
            `makes the IAM policy name "${names.policyName}" ${names.policyName.length} characters long; IAM allows ${POLICY_NAME_MAX}`,
        );
    }
}

/** The EKS cluster, namespace and service account names, each checked against its own rules. */
function readKubernetesNames(r: ConfigReader): { clusterName: string; namespace: string; serviceAccount: string } {
    const clusterName = r.string("eksClusterName");
    const namespace = r.string("k8sNamespace");
    const serviceAccount = r.string("k8sServiceAccount");
    if (clusterName && !EKS_CLUSTER_NAME.test(clusterName)) {
        r.problem(
            "eksClusterName",
            `must be an EKS cluster name: 1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit (got "${clusterName}")`,
        );
    }
    if (!K8S_NAMESPACE.test(namespace)) {
        r.problem(
            "k8sNamespace",
            `must be a Kubernetes namespace name (an RFC 1123 label): at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit (got "${namespace}")`,
        );
    }
    if (!K8S_NAME.test(serviceAccount)) {
        r.problem(
            "k8sServiceAccount",
            `must be a Kubernetes service account name (an RFC 1123 subdomain): at most 253 lowercase letters, digits, hyphens and dots, each part starting and ending with a letter or digit (got "${serviceAccount}")`,
        );
    }
    return { clusterName, namespace, serviceAccount };
}

/** The role switches fit together, and at least one role gives Membrane its buckets. */
function checkRoleChoice(
    r: ConfigReader,
    c: { ecsTaskRole: boolean; ec2InstanceRole: boolean; clusterName: string; podIdentity: boolean; oidcProvider: OidcProviderMode },
): void {
    if (!c.clusterName && c.podIdentity) {
        r.problem(
            "eksPodIdentity",
            "is true but membrane:eksClusterName is empty: Pod Identity associates the role with a service account of a named EKS cluster",
        );
    }
    if (!c.clusterName && c.oidcProvider === "create") {
        r.problem("eksOidcProvider", 'is "create" but membrane:eksClusterName is empty: the OIDC provider is the cluster\'s issuer');
    }
    if (c.podIdentity && c.oidcProvider === "create") {
        r.problem(
            "eksOidcProvider",
            'is "create" but membrane:eksPodIdentity is true: Pod Identity uses no OIDC provider; set one or the other',
        );
    }
    // Without a role the services have no credentials for their buckets: the stack exports no access keys.
    if (!c.ecsTaskRole && !c.ec2InstanceRole && !c.clusterName && !c.podIdentity && c.oidcProvider !== "create") {
        r.problem(
            "ecsTaskRole",
            "is false and membrane:eksClusterName is empty, so no role would give Membrane access to its buckets (membrane:ec2InstanceRole is false too); keep the ECS task role, set the EKS cluster, or turn on the EC2 instance role",
        );
    }
}

/**
 * Reads and validates the IAM keys. The role names derive from the stack, except an adopted role's: each role
 * takes only its own adopted name (a default here would hand the ECS role's to the Kubernetes role).
 */
export function readIam(r: ConfigReader, stack: Stack, adoption: Pick<AdoptionConfig, "ecsTaskRole" | "k8sRole">): IamSettings {
    const ecsTaskRole = r.boolean("ecsTaskRole");
    const ec2InstanceRole = r.boolean("ec2InstanceRole");
    const { clusterName, namespace, serviceAccount } = readKubernetesNames(r);
    const oidcProvider = r.oneOf<OidcProviderMode>("eksOidcProvider", ["existing", "create"]);
    const podIdentity = r.boolean("eksPodIdentity");
    checkRoleChoice(r, { ecsTaskRole, ec2InstanceRole, clusterName, podIdentity, oidcProvider });

    const permissionsBoundaryArn = r.string("iamPermissionsBoundaryArn");
    if (permissionsBoundaryArn && !POLICY_ARN.test(permissionsBoundaryArn)) {
        r.problem(
            "iamPermissionsBoundaryArn",
            `must be an IAM managed policy ARN, arn:aws:iam::<account>:policy/<name> (got "${permissionsBoundaryArn}")`,
        );
    }

    const names = iamNames(stack.environment, stack.nameSuffix);
    if (ecsTaskRole) {
        checkNames(r, names.ecs);
    }
    if (ec2InstanceRole) {
        checkNames(r, names.ec2);
        if (names.ec2.instanceProfileName.length > INSTANCE_PROFILE_NAME_MAX) {
            r.problem(
                "environment",
                `makes the instance profile name "${names.ec2.instanceProfileName}" ${names.ec2.instanceProfileName.length} characters long; IAM allows ${INSTANCE_PROFILE_NAME_MAX}`,
            );
        }
    }
    if (clusterName) {
        checkNames(r, names.eks);
    }
    return {
        environment: stack.environment,
        region: stack.region,
        ...(ecsTaskRole && { ecsTaskRole: role(names.ecs, adoption.ecsTaskRole, "existingEcsTaskRoleName") }),
        ...(ec2InstanceRole && { ec2Role: names.ec2 }),
        ...(clusterName && {
            eksRole: {
                ...role(names.eks, adoption.k8sRole, "existingK8sRoleName"),
                clusterName,
                namespace,
                serviceAccount,
                trust: podIdentity ? { kind: "pod-identity" } : { kind: "irsa", oidcProvider },
            },
        }),
        ...(permissionsBoundaryArn && { permissionsBoundaryArn }),
    };
}

/** The derived names, or the adopted role's name (and inline policy, when it is adopted too); `key` names the role in messages. */
function role(derived: RoleNames, adopted: AdoptedRole | undefined, key: string): RoleNameArgs {
    return adopted
        ? {
              roleName: adopted.roleName,
              policyName: adopted.policyName ?? derived.policyName,
              adopt: { key, policy: adopted.policyName !== undefined },
          }
        : derived;
}
