// Iam: the roles Membrane's containers assume instead of holding access keys (seed: "IAM Configuration"),
// tightened to what AWS Security Hub (IAM.1/IAM.21) and checkov (CKV_AWS_60/61) expect: one least-privilege
// S3 policy, and trust policies that name one principal with conditions.
import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { PolicyDocument, PolicyStatement } from "../../lib/policy-document";
import { IMPORT_IDS, settle } from "../adoption";
import { reviewRole } from "./adoption";
import { lookup, missingAdoptedMessage, missingClusterMessage, missingOidcProviderMessage, warnAll, StackError } from "../../lib/lookups";
import { BucketPurpose, childName, tags } from "../../lib/naming";

/** How EKS finds the cluster's OIDC provider for IRSA: look the existing one up, or create it here. */
export type OidcProviderMode = "existing" | "create";

/** A role and its inline S3 policy. */
export interface RoleNameArgs {
    /** The IAM role's name. */
    readonly roleName: string;
    /** The name of its inline S3 policy. */
    readonly policyName: string;
    /**
     * Adopt the existing role `roleName` (Pulumi's `import` option, after a look-up), and with `policy` its
     * inline policy `policyName`, whose content is replaced in place; `key` is the stack setting that names
     * the role, for messages. Absent: create both.
     */
    readonly adopt?: { readonly key: string; readonly policy: boolean };
}

/** The Kubernetes service account's role. */
export interface ServiceAccountRoleArgs extends RoleNameArgs {
    /** The EKS cluster the service account is in. */
    readonly clusterName: pulumi.Input<string>;
    /** The service account's namespace. */
    readonly namespace: string;
    /** The service account's name. */
    readonly serviceAccount: string;
    /** IRSA through the cluster's OIDC provider, looked up (`existing`) or created here; or EKS Pod Identity. */
    readonly trust: { readonly kind: "irsa"; readonly oidcProvider: OidcProviderMode } | { readonly kind: "pod-identity" };
}

/** The role of EC2 hosts that run Membrane with Docker or Compose. */
export interface Ec2RoleArgs extends RoleNameArgs {
    /** The instance profile that carries the role to the instances. */
    readonly instanceProfileName: string;
}

export interface IamArgs {
    /** Environment name, for tags. */
    readonly environment: string;
    /** Where the ECS tasks run and the EKS cluster lives; part of the trust conditions. */
    readonly region: string;
    /** The three buckets, whose objects the roles read and write. */
    readonly buckets: Readonly<Record<BucketPurpose, { readonly arn: pulumi.Input<string> }>>;
    /** The ECS task role; absent: none. */
    readonly ecsTaskRole?: RoleNameArgs;
    /** The Kubernetes service account's role; absent: none. */
    readonly eksRole?: ServiceAccountRoleArgs;
    /** The role of EC2 hosts (Docker, Compose) and its instance profile; absent: none. */
    readonly ec2Role?: Ec2RoleArgs;
    /** Permissions boundary of every role; absent: none. */
    readonly permissionsBoundaryArn?: pulumi.Input<string>;
}

const document = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });

/**
 * What Membrane does with its buckets, and nothing else. Bucket-level actions name the buckets,
 * object-level actions name `bucket/*`: an action given a resource of the other kind matches nothing.
 * Connector packages are restored by version id, hence the version actions on the connectors bucket only.
 */
export function s3AccessPolicy(arns: Readonly<Record<BucketPurpose, string>>): PolicyDocument {
    const buckets = [arns.tmp, arns.connectors, arns.static];
    // Bucket names are global: were one deleted and its name taken by another account, the role would read
    // and write that account's bucket. Every grant holds to buckets of the role's own account (IAM's policy
    // variable: no account look-up).
    const own = { StringEquals: { "s3:ResourceAccount": "${aws:PrincipalAccount}" } };
    return document(
        { Sid: "ListBuckets", Effect: "Allow", Action: ["s3:ListBucket"], Resource: buckets, Condition: own },
        {
            Sid: "ReadWriteObjects",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Resource: buckets.map((b) => `${b}/*`),
            Condition: own,
        },
        {
            Sid: "ReadConnectorVersions",
            Effect: "Allow",
            Action: ["s3:GetObjectVersion"],
            Resource: [`${arns.connectors}/*`],
            Condition: own,
        },
        { Sid: "ListConnectorVersions", Effect: "Allow", Action: ["s3:ListBucketVersions"], Resource: [arns.connectors], Condition: own },
    );
}

/**
 * ECS tasks of this account in this region only: AWS's recommended confused-deputy conditions for a
 * task role (aws:SourceAccount and aws:SourceArn).
 */
export function ecsTaskTrustPolicy(p: { accountId: string; partition: string; region: string }): PolicyDocument {
    return document({
        Sid: "EcsTasksAssumeRole",
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
            StringEquals: { "aws:SourceAccount": p.accountId },
            ArnLike: { "aws:SourceArn": `arn:${p.partition}:ecs:${p.region}:${p.accountId}:*` },
        },
    });
}

/**
 * EC2 instances of this account. `IfExists`: AWS documents aws:SourceAccount for services that act for a
 * resource's owner, but neither EC2's documentation nor the Service Authorization Reference says that EC2
 * sets it when it hands an instance its profile's credentials; a plain StringEquals would then lock every
 * instance out. With IfExists the account is pinned whenever EC2 sends it, and instances always get
 * credentials. Who may put the role on an instance is iam:PassRole's decision, which never crosses accounts.
 */
export function ec2TrustPolicy(p: { accountId: string }): PolicyDocument {
    return document({
        Sid: "Ec2AssumeRole",
        Effect: "Allow",
        Principal: { Service: "ec2.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEqualsIfExists: { "aws:SourceAccount": p.accountId } },
    });
}

/** The issuer without its scheme: the prefix of the `:sub` and `:aud` condition keys. */
export function issuerHost(issuer: string): string {
    return issuer.replace(/^https:\/\//, "");
}

/** IRSA: tokens of one service account, issued for STS, by the cluster's OIDC provider. */
export function irsaTrustPolicy(p: { providerArn: string; issuer: string; namespace: string; serviceAccount: string }): PolicyDocument {
    const host = issuerHost(p.issuer);
    return document({
        Sid: "ServiceAccountAssumeRoleWithWebIdentity",
        Effect: "Allow",
        Principal: { Federated: p.providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
            StringEquals: {
                [`${host}:sub`]: `system:serviceaccount:${p.namespace}:${p.serviceAccount}`,
                [`${host}:aud`]: "sts.amazonaws.com",
            },
        },
    });
}

/**
 * EKS Pod Identity. The service needs sts:TagSession to pass the session tags EKS adds to every
 * request; the conditions on those tags pin the role to one cluster, namespace and service account,
 * so another association in the account cannot use it.
 */
export function podIdentityTrustPolicy(p: { clusterArn: string; namespace: string; serviceAccount: string }): PolicyDocument {
    return document({
        Sid: "EksPodIdentityAssumeRole",
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
            StringEquals: {
                "aws:RequestTag/eks-cluster-arn": p.clusterArn,
                "aws:RequestTag/kubernetes-namespace": p.namespace,
                "aws:RequestTag/kubernetes-service-account": p.serviceAccount,
            },
        },
    });
}

/** The annotation an IRSA service account needs to receive the role's credentials. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

export class Iam extends pulumi.ComponentResource {
    /** The S3 access policy every role gets, as JSON. */
    readonly s3AccessPolicy: pulumi.Output<string>;
    /** The ECS task role's ARN; undefined when the role is off. */
    readonly ecsTaskRoleArn?: pulumi.Output<string>;
    /** The Kubernetes service account's role ARN and name, resolved once its S3 policy is attached; undefined without an EKS cluster. */
    readonly k8sServiceAccountRoleArn?: pulumi.Output<string>;
    readonly k8sServiceAccountRoleName?: pulumi.Output<string>;
    /** The service account the Kubernetes role is for; undefined without an EKS cluster. */
    readonly k8sServiceAccount?: { readonly namespace: string; readonly name: string };
    /** IRSA only: the annotations the service account needs. Pod Identity needs none. */
    readonly k8sServiceAccountAnnotations?: pulumi.Output<Record<string, string>>;
    /** IRSA only: the ARN of the cluster's OIDC provider, looked up or created. */
    readonly oidcProviderArn?: pulumi.Output<string>;
    /** The EC2 instance role's ARN and name, resolved once its S3 policy is attached; undefined when the role is off. */
    readonly ec2InstanceRoleArn?: pulumi.Output<string>;
    readonly ec2InstanceRoleName?: pulumi.Output<string>;
    /** The instance profile to launch Docker or Compose hosts with; undefined when the role is off. */
    readonly ec2InstanceProfileName?: pulumi.Output<string>;
    /**
     * The EKS cluster's name, once the look-up has found it; undefined without an EKS cluster. Whatever else
     * targets the cluster takes it from here, so a cluster the account does not hold stops the preview first.
     * Not among the registered outputs: it is the cluster's own name, not something this component made.
     */
    readonly eksClusterName?: pulumi.Output<string>;

    private readonly environment: string;
    private readonly region: string;
    private readonly permissionsBoundaryArn?: pulumi.Input<string>;
    private where?: { accountId: pulumi.Output<string>; partition: pulumi.Output<string> };

    constructor(name: string, args: IamArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:iam:Iam", name, {}, opts);
        this.environment = args.environment;
        this.region = args.region;
        this.permissionsBoundaryArn = args.permissionsBoundaryArn;
        const b = args.buckets;
        // Built once, attached to every role.
        this.s3AccessPolicy = pulumi
            .all([b.tmp.arn, b.connectors.arn, b.static.arn])
            .apply(([t, c, s]) => JSON.stringify(s3AccessPolicy({ tmp: t, connectors: c, static: s })));

        if (args.ecsTaskRole) {
            this.ecsTaskRoleArn = this.ecsTaskRole(name, args.ecsTaskRole);
        }
        if (args.ec2Role) {
            const ec2 = this.ec2Role(name, args.ec2Role);
            this.ec2InstanceRoleArn = ec2.roleArn;
            this.ec2InstanceRoleName = ec2.roleName;
            this.ec2InstanceProfileName = ec2.profileName;
        }
        const eks = args.eksRole;
        const cluster = eks && this.cluster(eks.clusterName);
        this.eksClusterName = cluster?.name;
        this.k8sServiceAccount = eks && { namespace: eks.namespace, name: eks.serviceAccount };
        if (eks?.trust.kind === "pod-identity") {
            const role = this.podIdentityRole(name, eks, cluster!);
            this.k8sServiceAccountRoleArn = role.arn;
            this.k8sServiceAccountRoleName = role.name;
        } else if (eks?.trust.kind === "irsa") {
            const irsa = this.irsaRole(name, eks, cluster!, eks.trust.oidcProvider);
            this.k8sServiceAccountRoleArn = irsa.role.arn;
            this.k8sServiceAccountRoleName = irsa.role.name;
            this.oidcProviderArn = irsa.providerArn;
            this.k8sServiceAccountAnnotations = irsa.role.arn.apply((arn): Record<string, string> => ({ [IRSA_ROLE_ANNOTATION]: arn }));
        }

        this.registerOutputs({
            s3AccessPolicy: this.s3AccessPolicy,
            ecsTaskRoleArn: this.ecsTaskRoleArn,
            k8sServiceAccountRoleArn: this.k8sServiceAccountRoleArn,
            k8sServiceAccountRoleName: this.k8sServiceAccountRoleName,
            k8sServiceAccount: this.k8sServiceAccount,
            k8sServiceAccountAnnotations: this.k8sServiceAccountAnnotations,
            oidcProviderArn: this.oidcProviderArn,
            ec2InstanceRoleArn: this.ec2InstanceRoleArn,
            ec2InstanceRoleName: this.ec2InstanceRoleName,
            ec2InstanceProfileName: this.ec2InstanceProfileName,
        });
    }

    /** The account and partition, read once, and only by the roles whose trust conditions name them. */
    private account(): { accountId: pulumi.Output<string>; partition: pulumi.Output<string> } {
        return (this.where ??= {
            accountId: aws.getCallerIdentityOutput({}, { parent: this }).accountId,
            partition: aws.getPartitionOutput({}, { parent: this }).partition,
        });
    }

    private ecsTaskRole(name: string, names: RoleNameArgs): pulumi.Output<string> {
        const { accountId, partition } = this.account();
        const trust = pulumi
            .all([accountId, partition])
            .apply(([a, p]) => JSON.stringify(ecsTaskTrustPolicy({ accountId: a, partition: p, region: this.region })));
        return this.roleWithS3Access(childName(name, "ecs-task"), names, trust).arn;
    }

    /**
     * The role of Docker and Compose hosts on EC2, and its instance profile: the role's name and ARN and the
     * profile's name, each resolved once the role's S3 policy is attached.
     */
    private ec2Role(
        name: string,
        ec2: Ec2RoleArgs,
    ): { roleArn: pulumi.Output<string>; roleName: pulumi.Output<string>; profileName: pulumi.Output<string> } {
        const trust = this.account().accountId.apply((accountId) => JSON.stringify(ec2TrustPolicy({ accountId })));
        const role = this.roleWithS3Access(childName(name, "ec2"), ec2, trust);
        const profile = new aws.iam.InstanceProfile(
            childName(name, "ec2-profile"),
            { name: ec2.instanceProfileName, role: role.name, tags: tags(this.environment) },
            { parent: this },
        );
        return {
            roleArn: role.arn,
            roleName: role.name,
            profileName: pulumi.all([profile.name, role.arn]).apply(([n]) => n),
        };
    }

    /** The service account's role, trusted by EKS Pod Identity, and its association with the service account. */
    private podIdentityRole(
        name: string,
        eks: ServiceAccountRoleArgs,
        cluster: pulumi.Output<aws.eks.GetClusterResult>,
    ): { arn: pulumi.Output<string>; name: pulumi.Output<string> } {
        // The cluster's own ARN: a cluster the account does not hold stops the preview here, not at the association.
        const clusterArn = cluster.arn;
        const trust = clusterArn.apply((arn) =>
            JSON.stringify(podIdentityTrustPolicy({ clusterArn: arn, namespace: eks.namespace, serviceAccount: eks.serviceAccount })),
        );
        const role = this.roleWithS3Access(childName(name, "k8s"), eks, trust);
        new aws.eks.PodIdentityAssociation(
            childName(name, "k8s-pod-identity"),
            {
                clusterName: eks.clusterName,
                namespace: eks.namespace,
                serviceAccount: eks.serviceAccount,
                roleArn: role.arn,
                tags: tags(this.environment),
            },
            { parent: this },
        );
        return role;
    }

    /** The service account's role, trusted through the cluster's OIDC provider (IRSA). */
    private irsaRole(
        name: string,
        eks: ServiceAccountRoleArgs,
        cluster: pulumi.Output<aws.eks.GetClusterResult>,
        provider: OidcProviderMode,
    ): { role: { arn: pulumi.Output<string>; name: pulumi.Output<string> }; providerArn: pulumi.Output<string> } {
        const issuer = pulumi.all([cluster.identities, eks.clusterName]).apply(([ids, clusterName]) => {
            const url = ids[0]?.oidcs[0]?.issuer;
            if (!url) {
                throw new StackError(`EKS cluster "${clusterName}" reports no OIDC issuer, which IRSA needs`);
            }
            return url;
        });
        const providerArn =
            provider === "existing" ? this.existingOidcProvider(eks.clusterName, issuer) : this.createdOidcProvider(name, issuer);
        const trust = pulumi
            .all([providerArn, issuer])
            .apply(([arn, url]) =>
                JSON.stringify(
                    irsaTrustPolicy({ providerArn: arn, issuer: url, namespace: eks.namespace, serviceAccount: eks.serviceAccount }),
                ),
            );
        const subject = `system:serviceaccount:${eks.namespace}:${eks.serviceAccount}`;
        return { role: this.roleWithS3Access(childName(name, "k8s"), eks, trust, subject), providerArn };
    }

    /**
     * A role with the S3 policy inline, as a separate RolePolicy and never also in the role's
     * inlinePolicies/managedPolicyArns (the two would fight at every deploy). Returns the role's ARN and
     * name, resolved once the policy is attached, so that whoever uses the role can already reach the buckets.
     */
    private roleWithS3Access(
        name: string,
        names: RoleNameArgs,
        assumeRolePolicy: pulumi.Output<string>,
        serviceAccount?: string,
    ): { arn: pulumi.Output<string>; name: pulumi.Output<string> } {
        const adopt = names.adopt;
        const role = new aws.iam.Role(
            childName(name, "role"),
            {
                name: adopt ? this.adoptedRole(names, adopt.key, assumeRolePolicy, serviceAccount) : names.roleName,
                assumeRolePolicy,
                permissionsBoundary: this.permissionsBoundaryArn,
                tags: tags(this.environment),
            },
            { parent: this, protect: adopt !== undefined, import: adopt && IMPORT_IDS.role(names.roleName) },
        );
        const policy = new aws.iam.RolePolicy(
            childName(name, "s3-access"),
            { name: names.policyName, role: role.name, policy: this.s3AccessPolicy },
            {
                parent: this,
                protect: adopt?.policy === true,
                import: adopt?.policy ? IMPORT_IDS.rolePolicy(names.roleName, names.policyName) : undefined,
            },
        );
        return {
            arn: pulumi.all([role.arn, policy.id]).apply(([arn]) => arn),
            name: pulumi.all([role.name, policy.id]).apply(([n]) => n),
        };
    }

    /** The adopted role's name, once its review is settled: a role at another path is refused; trust and boundary change in place. */
    private adoptedRole(names: RoleNameArgs, key: string, trust: pulumi.Output<string>, serviceAccount?: string): pulumi.Output<string> {
        const opts = { parent: this };
        const roleName = names.roleName;
        const found = lookup(
            Promise.all([aws.iam.getRole({ name: roleName }, opts), aws.iam.getRolePolicies({ roleName }, opts)]),
            (reason) => missingAdoptedMessage(key, `the IAM role ${roleName}`, reason),
        );
        return pulumi.all([found, trust, this.permissionsBoundaryArn]).apply(([[role, inline], wantedTrust, boundary]) => {
            const existing = { ...role, inlinePolicies: inline.policyNames };
            const wanted = {
                key,
                trust: JSON.parse(wantedTrust),
                permissionsBoundary: boundary,
                policyName: names.policyName,
                serviceAccount,
            };
            warnAll(settle(reviewRole(existing, wanted)), this);
            return roleName;
        });
    }

    /** The EKS cluster; one the account does not hold stops the preview, naming membrane:eksClusterName. */
    private cluster(clusterName: pulumi.Input<string>): pulumi.Output<aws.eks.GetClusterResult> {
        return pulumi
            .output(clusterName)
            .apply((n) =>
                lookup(aws.eks.getCluster({ name: n }, { parent: this }), (reason) => missingClusterMessage(n, this.region, reason)),
            );
    }

    /**
     * AWS allows one provider per issuer URL in an account, and most clusters already have theirs. A cluster
     * without one stops the preview, naming membrane:eksOidcProvider: create.
     */
    private existingOidcProvider(clusterName: pulumi.Input<string>, issuer: pulumi.Output<string>): pulumi.Output<string> {
        return pulumi
            .all([clusterName, issuer])
            .apply(([cluster, url]) =>
                lookup(aws.iam.getOpenIdConnectProvider({ url }, { parent: this }), (reason) =>
                    missingOidcProviderMessage(cluster, url, reason),
                ).then((p) => p.arn),
            );
    }

    /**
     * The seed's provider. tls.getCertificate lists the chain root first, so certificates[0] is the
     * topmost CA the issuer presents: the "top intermediate CA" whose thumbprint AWS asks for.
     */
    private createdOidcProvider(name: string, issuer: pulumi.Output<string>): pulumi.Output<string> {
        const chain = tls.getCertificateOutput({ url: issuer }, { parent: this });
        const provider = new aws.iam.OpenIdConnectProvider(
            childName(name, "oidc-provider"),
            {
                url: issuer,
                clientIdLists: ["sts.amazonaws.com"],
                thumbprintLists: [chain.certificates.apply((certs) => certs[0].sha1Fingerprint)],
                tags: tags(this.environment),
            },
            { parent: this },
        );
        return provider.arn;
    }
}
