// CredentialsStore: Membrane's credential variables in one AWS Secrets Manager secret, where ECS (task
// definition `secrets`), Kubernetes (External Secrets Operator) and Docker or Compose hosts on EC2 read
// them, and the roles that may read exactly that secret: the ECS task execution role, the Kubernetes
// service-account role (IRSA), External Secrets Operator's controller role (Pod Identity), or the EC2
// instance role. The values come from the stack (generated and kept in
// state), so the secret is a copy: it has no rotation schedule, and only `pulumi up` writes it.
import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument, PolicyStatement } from "../../lib/policy-document";
import { ecsTaskTrustPolicy, podIdentityTrustPolicy } from "../iam/iam";
import { childName, tags } from "../../lib/naming";

/** The ECS task execution role: created here, or an existing one that gets the inline policy only. */
export interface ExecutionRoleArgs {
    /** `create`: a role of this program, with AWS's managed ECS execution policy; `existing`: only the inline policy. */
    readonly kind: "create" | "existing";
    /** The role's name (created, or existing). */
    readonly roleName: string;
    /** The name of the inline policy that reads the secret. */
    readonly policyName: string;
    /** The registry pull secret (`repositoryCredentials.credentialsParameter`) the role may read too; absent: none. */
    readonly repositoryCredentialsArn?: string;
}

/** The roles the Iam component made that may read the secret, by name, and the EKS cluster it looked up. */
export interface IamReaders {
    /** IRSA: the Kubernetes service account's role, which External Secrets Operator assumes. */
    readonly k8sServiceAccountRoleName?: pulumi.Input<string>;
    /** The EC2 instance role of Docker and Compose hosts. */
    readonly ec2InstanceRoleName?: pulumi.Input<string>;
    /** The cluster External Secrets Operator's controller runs in, for Pod Identity. */
    readonly eksClusterName?: pulumi.Input<string>;
}

/** EKS Pod Identity: External Secrets Operator reads with its controller's own identity, a role made here. */
export interface EsoPodIdentityArgs {
    /** The controller's service account: namespace and name. */
    readonly namespace: string;
    /** The controller's service account's name. */
    readonly serviceAccount: string;
    /** The role's name and the name of its inline policy. */
    readonly roleName: string;
    /** The name of the role's inline policy. */
    readonly policyName: string;
}

export interface CredentialsStoreArgs {
    /** Environment name, for tags. */
    readonly environment: string;
    /** Protect the secret from deletion. Default false. */
    readonly production?: boolean;
    /** aws:region: the secret's region, where ECS tasks and EKS run. */
    readonly region: string;
    /** The secret's name, `membrane/<environment>/credentials`. */
    readonly secretName: string;
    /** Days a deleted secret can be restored (7 to 30). */
    readonly recoveryWindowInDays: number;
    /** A customer managed KMS key's ARN; absent: the AWS managed key aws/secretsmanager. */
    readonly kmsKeyArn?: string;
    /** The credential variables by name (secret outputs): the secret's JSON keys and values. */
    readonly credentials: Readonly<Record<string, pulumi.Input<string>>>;
    /** The ECS task execution role; absent: none. */
    readonly ecsExecutionRole?: ExecutionRoleArgs;
    /** IRSA: the inline policy that lets `iam.k8sServiceAccountRoleName` read the secret for External Secrets Operator; absent: none. */
    readonly k8sReaderPolicyName?: string;
    /** The inline policy that lets `iam.ec2InstanceRoleName` read the secret when a Docker or Compose host starts; absent: none. */
    readonly ec2ReaderPolicyName?: string;
    /** Pod Identity: External Secrets Operator's controller role, in the cluster `iam.eksClusterName`; absent: none. */
    readonly esoPodIdentity?: EsoPodIdentityArgs;
    /** The Iam component's roles that the reader policies above attach to, and its EKS cluster; absent: none. */
    readonly iam?: IamReaders;
    /** Permissions boundary of every role created here; absent: none. */
    readonly permissionsBoundaryArn?: pulumi.Input<string>;
}

/** The secret's value: the credentials as a JSON object with sorted keys, so unchanged values give the same bytes. */
export function credentialsJson(credentials: Readonly<Record<string, string>>): string {
    return JSON.stringify(
        Object.fromEntries(
            Object.keys(credentials)
                .sort()
                .map((k) => [k, credentials[k]]),
        ),
    );
}

/** The ECS agent reads the secret (GetSecretValue); External Secrets Operator also describes it. */
export const ECS_READ_ACTIONS = ["secretsmanager:GetSecretValue"] as const;
export const ESO_READ_ACTIONS = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"] as const;

/** `amazonaws.com`, or China's `amazonaws.com.cn`: the suffix of the service names in kms:ViaService. */
export function dnsSuffix(partition: string): string {
    return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

/** AWS's managed policy for the ECS agent: pull from ECR, write to CloudWatch Logs. */
export function ecsExecutionManagedPolicyArn(partition: string): string {
    return `arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`;
}

/**
 * Read access to the secret and nothing else: `actions` on the secret's ARN, GetSecretValue on the
 * registry pull secret when there is one, and, with a customer managed key, kms:Decrypt on that key only
 * through Secrets Manager in the secret's region (the AWS managed key needs no grant).
 */
export function secretsReadPolicy(p: {
    secretArn: string;
    actions: readonly string[];
    region: string;
    kmsKeyArn?: string;
    repositoryCredentialsArn?: string;
}): PolicyDocument {
    const statements: PolicyStatement[] = [
        { Sid: "ReadMembraneCredentials", Effect: "Allow", Action: [...p.actions], Resource: [p.secretArn] },
    ];
    if (p.repositoryCredentialsArn) {
        statements.push({
            Sid: "ReadRegistryCredentials",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue"],
            Resource: [p.repositoryCredentialsArn],
        });
    }
    if (p.kmsKeyArn) {
        const partition = p.kmsKeyArn.split(":")[1];
        statements.push({
            Sid: "DecryptThroughSecretsManager",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: [p.kmsKeyArn],
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${p.region}.${dnsSuffix(partition)}` } },
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** What `iam` must give for an argument that names one of its roles (or its cluster). */
function fromIam(iam: IamReaders | undefined, field: keyof IamReaders, arg: string): pulumi.Input<string> {
    const value = iam?.[field];
    if (value === undefined) {
        throw new Error(`CredentialsStore: ${arg} needs iam.${field}`);
    }
    return value;
}

export class CredentialsStore extends pulumi.ComponentResource {
    /** The secret's ARN (with Secrets Manager's 6-character suffix), resolved once its value is stored. */
    readonly secretArn: pulumi.Output<string>;
    /** The secret's name, `membrane/<environment>/credentials`: External Secrets Operator's `extract.key`. */
    readonly secretName: pulumi.Output<string>;
    /** The created ECS execution role's ARN, resolved once it may read the secret; undefined when none is created. */
    readonly ecsExecutionRoleArn?: pulumi.Output<string>;
    /** Pod Identity: External Secrets Operator's controller role; undefined otherwise. */
    readonly esoRoleArn?: pulumi.Output<string>;

    private readonly args: CredentialsStoreArgs;
    private rawSecretArn: pulumi.Output<string>;
    private where?: { accountId: pulumi.Output<string>; partition: pulumi.Output<string> };

    constructor(name: string, args: CredentialsStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:secrets:CredentialsStore", name, {}, opts);
        this.args = args;
        const secret = new aws.secretsmanager.Secret(
            childName(name, "secret"),
            {
                name: args.secretName,
                description:
                    "Membrane's credential variables for ECS and Kubernetes; written by Pulumi from the stack's outputs, do not edit",
                kmsKeyId: args.kmsKeyArn,
                recoveryWindowInDays: args.recoveryWindowInDays,
                tags: tags(args.environment, { Purpose: "Membrane credentials" }),
            },
            { parent: this, protect: args.production ?? false },
        );
        const value = pulumi.all(args.credentials).apply((c) => credentialsJson(c));
        const version = new aws.secretsmanager.SecretVersion(
            childName(name, "version"),
            { secretId: secret.id, secretString: pulumi.secret(value) },
            { parent: this, additionalSecretOutputs: ["secretString"] },
        );
        this.rawSecretArn = secret.arn;
        this.secretArn = pulumi.all([secret.arn, version.id]).apply(([arn]) => arn);
        this.secretName = secret.name;
        this.ecsExecutionRoleArn = args.ecsExecutionRole && this.ecsReader(name, args.ecsExecutionRole);
        if (args.k8sReaderPolicyName) {
            const role = fromIam(args.iam, "k8sServiceAccountRoleName", "k8sReaderPolicyName");
            this.readPolicy(childName(name, "k8s-read"), role, args.k8sReaderPolicyName, ESO_READ_ACTIONS);
        }
        // A Docker or Compose host fetches the value at start (get-secret-value), as the ECS agent does.
        if (args.ec2ReaderPolicyName) {
            const role = fromIam(args.iam, "ec2InstanceRoleName", "ec2ReaderPolicyName");
            this.readPolicy(childName(name, "ec2-read"), role, args.ec2ReaderPolicyName, ECS_READ_ACTIONS);
        }
        this.esoRoleArn =
            args.esoPodIdentity && this.esoRole(name, args.esoPodIdentity, fromIam(args.iam, "eksClusterName", "esoPodIdentity"));
        this.registerOutputs({
            secretArn: this.secretArn,
            secretName: this.secretName,
            ecsExecutionRoleArn: this.ecsExecutionRoleArn,
            esoRoleArn: this.esoRoleArn,
        });
    }

    /** The account and partition, read once, and only by the roles whose trust conditions name them. */
    private account(): { accountId: pulumi.Output<string>; partition: pulumi.Output<string> } {
        return (this.where ??= {
            accountId: aws.getCallerIdentityOutput({}, { parent: this }).accountId,
            partition: aws.getPartitionOutput({}, { parent: this }).partition,
        });
    }

    /** The inline policy that lets `role` read the secret (and the pull secret, for ECS). */
    private readPolicy(
        name: string,
        role: pulumi.Input<string>,
        policyName: string,
        actions: readonly string[],
        repositoryCredentialsArn?: string,
    ): aws.iam.RolePolicy {
        const { region, kmsKeyArn } = this.args;
        const policy = this.rawSecretArn.apply((secretArn) =>
            JSON.stringify(secretsReadPolicy({ secretArn, actions, region, kmsKeyArn, repositoryCredentialsArn })),
        );
        return new aws.iam.RolePolicy(name, { name: policyName, role, policy }, { parent: this });
    }

    /**
     * The ECS execution role: trusted by ECS tasks of this account and region only (as the task role), with
     * AWS's managed execution policy and the inline read policy. An existing role gets the inline policy only.
     */
    private ecsReader(name: string, e: ExecutionRoleArgs): pulumi.Output<string> | undefined {
        if (e.kind === "existing") {
            this.readPolicy(childName(name, "ecs-execution-read"), e.roleName, e.policyName, ECS_READ_ACTIONS, e.repositoryCredentialsArn);
            return undefined;
        }
        const { accountId, partition } = this.account();
        const trust = pulumi
            .all([accountId, partition])
            .apply(([a, p]) => JSON.stringify(ecsTaskTrustPolicy({ accountId: a, partition: p, region: this.args.region })));
        const role = this.role(childName(name, "ecs-execution-role"), e.roleName, trust);
        const managed = new aws.iam.RolePolicyAttachment(
            childName(name, "ecs-execution-managed"),
            { role: role.name, policyArn: partition.apply(ecsExecutionManagedPolicyArn) },
            { parent: this },
        );
        const read = this.readPolicy(
            childName(name, "ecs-execution-read"),
            role.name,
            e.policyName,
            ECS_READ_ACTIONS,
            e.repositoryCredentialsArn,
        );
        return pulumi.all([role.arn, managed.id, read.id]).apply(([arn]) => arn);
    }

    /** External Secrets Operator's controller role under Pod Identity, and its association with the controller's service account. */
    private esoRole(name: string, eso: EsoPodIdentityArgs, clusterName: pulumi.Input<string>): pulumi.Output<string> {
        const { accountId, partition } = this.account();
        const clusterArn = pulumi.interpolate`arn:${partition}:eks:${this.args.region}:${accountId}:cluster/${clusterName}`;
        const trust = clusterArn.apply((arn) =>
            JSON.stringify(podIdentityTrustPolicy({ clusterArn: arn, namespace: eso.namespace, serviceAccount: eso.serviceAccount })),
        );
        const role = this.role(childName(name, "eso-role"), eso.roleName, trust);
        const read = this.readPolicy(childName(name, "eso-read"), role.name, eso.policyName, ESO_READ_ACTIONS);
        const roleArn = pulumi.all([role.arn, read.id]).apply(([arn]) => arn);
        new aws.eks.PodIdentityAssociation(
            childName(name, "eso-pod-identity"),
            {
                clusterName,
                namespace: eso.namespace,
                serviceAccount: eso.serviceAccount,
                roleArn,
                tags: tags(this.args.environment),
            },
            { parent: this },
        );
        return roleArn;
    }

    private role(name: string, roleName: string, assumeRolePolicy: pulumi.Output<string>): aws.iam.Role {
        return new aws.iam.Role(
            name,
            { name: roleName, assumeRolePolicy, permissionsBoundary: this.args.permissionsBoundaryArn, tags: tags(this.args.environment) },
            { parent: this },
        );
    }
}
