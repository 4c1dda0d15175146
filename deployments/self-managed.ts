// The path without Pulumi Cloud (runner github-actions-self-managed, docs/ci-self-managed.md), as pure
// functions: GitHub's OIDC trust pinned to one GitHub environment per role, the read-only part of the
// permission table, the state bucket's and keys' policies, and where the DIY backend keeps a stack.
import type { PolicyDocument, PolicyStatement } from "../lib/policy-document";
import { PROJECT } from "./config";
import { GITHUB_OIDC_URL } from "./github-actions";
import { DEPLOY_PERMISSIONS, TypePermissions } from "./permissions";
import type { TrustPolicy } from "./trust";

/** The issuer without its scheme: the prefix of the `:aud` and `:sub` condition keys. */
export const GITHUB_OIDC_HOST = GITHUB_OIDC_URL.replace(/^https:\/\//, "");

/** The audience configure-aws-credentials asks GitHub for, and the provider's one client id. */
export const STS_AUDIENCE = "sts.amazonaws.com";

/**
 * The GitHub environments of a stack: `<stack>` for `pulumi up` (its protection rules: the stack's branch
 * only, and required reviewers in production), `<stack>-read` for previews and drift runs.
 */
export const githubEnvironments = (stack: string) => ({ deploy: stack, read: `${stack}-read` });

/** What GitHub sends as `sub` for a job that names an environment. */
export const githubSubject = (repository: string, environment: string) => `repo:${repository}:environment:${environment}`;

/**
 * A role that only jobs of one GitHub environment of one repository can assume. Never a branch (any
 * workflow file on it could ask) and never `pull_request` (any pull request's code could): the
 * environment's protection rules decide which branches and reviewers reach it.
 */
export function githubTrustPolicy(p: {
    readonly providerArn: string;
    readonly repository: string;
    readonly environment: string;
}): TrustPolicy {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "GithubEnvironment",
                Effect: "Allow",
                Principal: { Federated: p.providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE,
                        [`${GITHUB_OIDC_HOST}:sub`]: githubSubject(p.repository, p.environment),
                    },
                },
            },
        ],
    };
}

// What a refresh reads; Get*Object* would read the buckets' data, which no refresh of this program does.
// kms:Decrypt is how Secrets Manager reads the credentials secret for the caller under a customer managed
// key (the table grants it only through Secrets Manager): a refresh of the secret's version needs it.
const READ_ACTION = /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$|^kms:Decrypt$/;
const DATA_READ = /^s3:GetObject/;

/**
 * The read-only part of the permission table: every grant's Describe, Get and List actions (and the
 * Decrypt that reading a secret under a customer managed key takes), with the
 * grant's own resources and conditions. What `pulumi preview --refresh` calls: the look-ups and the
 * reads of every resource. One table, so the read role never lags the deploy role.
 */
export function readOnlyTable(table: Readonly<Record<string, TypePermissions>> = DEPLOY_PERMISSIONS): Record<string, TypePermissions> {
    return Object.fromEntries(
        Object.entries(table).map(([type, p]) => [
            type,
            {
                ...p,
                grants: p.grants
                    .map((g) => ({ ...g, actions: g.actions.filter((a) => READ_ACTION.test(a) && !DATA_READ.test(a)) }))
                    .filter((g) => g.actions.length > 0),
            },
        ]),
    );
}

export const stateBackendUrl = (bucket: string, region: string) => `s3://${bucket}?region=${region}`;
export const secretsProviderUrl = (alias: string, region: string) => `awskms://${alias}?region=${region}`;

/** The key alias of this deployments stack's own secrets provider. */
export const deploymentsKeyAlias = (deploymentsStack: string) => `alias/membrane-state-${PROJECT}-${deploymentsStack}`;

/**
 * Where the DIY backend keeps a project-scoped stack (pulumi/pulumi pkg/backend/diy, state format 1): the
 * checkpoint and its `.bak`/`.gz` variants, the history and backups folders, the lock folder (the DIY
 * backend's project-scoped stacks live in the organization `organization`), and the format's metadata.
 */
export function stateKeys(project: string, stack: string) {
    return {
        meta: ".pulumi/meta.yaml",
        checkpoint: `.pulumi/stacks/${project}/${stack}.json*`,
        history: `.pulumi/history/${project}/${stack}/*`,
        backups: `.pulumi/backups/${project}/${stack}/*`,
        locks: `.pulumi/locks/organization/${project}/${stack}/*`,
    };
}

/**
 * A role's access to one stack's state: list the bucket, read the stack's files, decrypt with the stack's
 * key; with `write`, also write them and remove its own locks. Never a version: object versions are the
 * state's history, and the bucket policy denies deleting them to every role of this program.
 */
export function stateAccessPolicy(p: {
    readonly partition: string;
    readonly bucket: string;
    readonly project: string;
    readonly stack: string;
    readonly keyArn: string;
    readonly write: boolean;
}): PolicyDocument {
    const bucketArn = `arn:${p.partition}:s3:::${p.bucket}`;
    const k = stateKeys(p.project, p.stack);
    const object = (key: string) => `${bucketArn}/${key}`;
    const stackFiles = [k.checkpoint, k.history, k.backups, k.locks].map(object);
    const statements: PolicyStatement[] = [
        // The backend lists the stacks and the lock folder; and S3 answers a missing key with 404 (not 403) only to a caller who may list.
        { Sid: "StateList", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn] },
        { Sid: "StateRead", Effect: "Allow", Action: ["s3:GetObject"], Resource: [object(k.meta), ...stackFiles] },
        { Sid: "StateKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [p.keyArn] },
    ];
    if (p.write) {
        statements.push(
            { Sid: "StateWrite", Effect: "Allow", Action: ["s3:PutObject"], Resource: stackFiles },
            { Sid: "StateUnlock", Effect: "Allow", Action: ["s3:DeleteObject"], Resource: [object(k.locks)] },
        );
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** The roles this program creates for the self-managed path, as `aws:PrincipalArn` patterns. */
export const stackRolePatterns = (partition: string, accountId: string) => [
    `arn:${partition}:iam::${accountId}:role/membrane-deploy-*`,
    `arn:${partition}:iam::${accountId}:role/membrane-read-*`,
];

/** What the state bucket denies every deploy and read role, whatever policy is attached to them later. */
export const STATE_BUCKET_DENIED = [
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:DeleteObjectVersion",
    "s3:PutBucketPolicy",
    "s3:PutBucketVersioning",
    "s3:PutLifecycleConfiguration",
];

/** The state bucket's statements beside the TLS-only deny: no role of a stack can erase the state's history. */
export function stateBucketStatements(bucketArn: string, partition: string, accountId: string): PolicyStatement[] {
    return [
        {
            Sid: "DenyStackRolesHistoryDeletion",
            Effect: "Deny",
            Principal: "*",
            Action: [...STATE_BUCKET_DENIED],
            Resource: [bucketArn, `${bucketArn}/*`],
            Condition: { ArnLike: { "aws:PrincipalArn": stackRolePatterns(partition, accountId) } },
        },
    ];
}

/** Managing a key, not using it: what the account (its IAM administrators) may always do, so no key is ever locked out. */
export const KEY_ADMINISTRATION = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
];

/** What the administrators do with a secrets provider key: create a stack's data key, and read secrets locally. */
export const KEY_USE = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"];

/**
 * A secrets provider key's policy, naming its users: the administrators, and (for a Membrane stack's key)
 * that stack's deploy and read roles, which only decrypt the stack's data key. The account keeps the
 * administration actions only, through IAM, so the key can never become unmanageable; it gets no use of
 * the key. Every role of this program is denied everything but Decrypt: the deploy table lets a deploy
 * role tag a key that has no Environment tag yet (the alarm topic's key), which must never reach a state key.
 */
export function stateKeyPolicy(p: {
    readonly partition: string;
    readonly accountId: string;
    readonly administrators: readonly string[];
    readonly decrypters: readonly string[];
}): PolicyDocument {
    const statements: PolicyStatement[] = [
        {
            Sid: "AccountAdministersTheKey",
            Effect: "Allow",
            Principal: { AWS: `arn:${p.partition}:iam::${p.accountId}:root` },
            Action: [...KEY_ADMINISTRATION],
            Resource: "*",
        },
        {
            Sid: "AdministratorsUseTheKey",
            Effect: "Allow",
            Principal: { AWS: [...p.administrators] },
            Action: [...KEY_USE],
            Resource: "*",
        },
    ];
    if (p.decrypters.length > 0) {
        statements.push({
            Sid: "StackRolesDecrypt",
            Effect: "Allow",
            Principal: { AWS: [...p.decrypters] },
            Action: ["kms:Decrypt"],
            Resource: "*",
        });
    }
    statements.push({
        Sid: "DenyStackRolesAnythingElse",
        Effect: "Deny",
        Principal: { AWS: "*" },
        NotAction: ["kms:Decrypt"],
        Resource: "*",
        Condition: { ArnLike: { "aws:PrincipalArn": stackRolePatterns(p.partition, p.accountId) } },
    });
    return { Version: "2012-10-17", Statement: statements };
}
