import { expect } from "chai";
import { PolicyDocument, PolicyStatement } from "../lib/policy-document";
import { TYPES } from "../lib/tokens";
import { atlasBackupsAndPitr, atlasClusterModernTls, atlasNoOpenAccessList } from "../policies/atlas";
import { iamNoWildcardActions, iamServiceRoleTrustScoped } from "../policies/iam";
import { FakeResource, UNKNOWN_STRING, checkResource, messagesOf } from "./harness";

describe("iam-no-wildcard-actions", () => {
    const BUCKET_ARN = "arn:aws:s3:::acme-prod-integration-app-connectors";

    const scoped: PolicyStatement[] = [
        { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: BUCKET_ARN },
        { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${BUCKET_ARN}/*` },
    ];
    const documentOf = (statements: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

    const rolePolicy = (statements: PolicyStatement[] = scoped, type: string = TYPES.iamRolePolicy): FakeResource => ({
        type,
        props: { role: "membrane-api", policy: JSON.stringify(documentOf(statements)) },
    });

    const check = (resource: FakeResource) => messagesOf(checkResource(iamNoWildcardActions, resource));

    for (const type of [TYPES.iamRolePolicy, TYPES.iamPolicy, TYPES.iamUserPolicy, TYPES.iamGroupPolicy]) {
        it(`passes scoped actions on ${type}`, () => {
            expect(checkResource(iamNoWildcardActions, rolePolicy(scoped, type))).to.deep.equal({ violations: [] });
        });

        it(`fails s3:* on ${type}`, () => {
            const messages = check(rolePolicy([...scoped, { Effect: "Allow", Action: "s3:*", Resource: BUCKET_ARN }], type));
            expect(messages).to.deep.equal([
                "policy allows s3:*. List the specific actions instead, scoped to the bucket ARN for bucket " +
                    'actions and to "<bucket ARN>/*" for object actions.',
            ]);
        });
    }

    it("fails a bare * action in an array", () => {
        expect(check(rolePolicy([{ Effect: "Allow", Action: ["s3:GetObject", "*"], Resource: "*" }]))[0]).to.match(/^policy allows \*\./);
    });

    it("fails a service wildcard in any case", () => {
        expect(check(rolePolicy([{ Effect: "Allow", Action: "SQS:*", Resource: "*" }]))).to.have.length(1);
    });

    it("fails NotAction on an Allow statement", () => {
        const messages = check(rolePolicy([{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }]));
        expect(messages).to.have.length(1);
        expect(messages[0]).to.match(/^policy allows NotAction "iam:\*"\./);
    });

    it("allows wildcards in Deny statements and prefix wildcards such as s3:Get*", () => {
        const statements = [
            { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
            { Effect: "Deny", NotAction: "s3:*", Resource: "*" },
            { Effect: "Allow", Action: "s3:Get*", Resource: `${BUCKET_ARN}/*` },
        ];
        expect(check(rolePolicy(statements))).to.deep.equal([]);
    });

    it("reads a document given as an object and a single statement", () => {
        const resource: FakeResource = {
            type: TYPES.iamPolicy,
            props: { policy: { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } } },
        };
        expect(check(resource)).to.have.length(1);
    });

    it("checks a role's inline policies but not its trust policy", () => {
        const role = (inline: PolicyStatement[]): FakeResource => ({
            type: TYPES.iamRole,
            props: {
                assumeRolePolicy: JSON.stringify(
                    documentOf([{ Effect: "Allow", Action: "sts:*", Principal: { Service: "ecs-tasks.amazonaws.com" } }]),
                ),
                inlinePolicies: [
                    { name: "scoped", policy: JSON.stringify(documentOf(scoped)) },
                    { name: "extra", policy: JSON.stringify(documentOf(inline)) },
                ],
            },
        });
        expect(check(role([{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "*" }]))).to.deep.equal([]);
        const messages = check(role([{ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }]));
        expect(messages).to.have.length(1);
        expect(messages[0]).to.match(/^inlinePolicies\[1\] allows dynamodb:\*\./);
    });

    it("skips a document that is unknown at preview, missing or malformed", () => {
        for (const policy of [UNKNOWN_STRING, undefined, "{not json"]) {
            const resource: FakeResource = { type: TYPES.iamRolePolicy, props: { role: "r", policy } };
            expect(checkResource(iamNoWildcardActions, resource)).to.deep.equal({ violations: [] });
        }
    });

    const broad = [
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws:iam::aws:policy/PowerUserAccess",
        "arn:aws:iam::aws:policy/AmazonS3FullAccess",
        "arn:aws-us-gov:iam::aws:policy/AmazonElastiCacheFullAccess",
        "arn:aws:iam::aws:policy/job-function/SystemAdministrator-FullAccess",
    ];
    for (const type of [
        TYPES.iamRolePolicyAttachment,
        TYPES.iamUserPolicyAttachment,
        TYPES.iamGroupPolicyAttachment,
        TYPES.iamPolicyAttachment,
    ]) {
        it(`fails an AWS-managed full-access policy attached with ${type}`, () => {
            for (const arn of broad) {
                expect(check({ type, props: { role: "r", policyArn: arn } })).to.deep.equal([
                    `attaches the AWS-managed policy ${arn}, which allows wildcard actions. Attach a policy that lists the specific actions instead.`,
                ]);
            }
        });

        it(`passes a narrow AWS-managed or customer policy attached with ${type}`, () => {
            for (const arn of [
                "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                "arn:aws:iam::111122223333:policy/FullAccess",
                UNKNOWN_STRING,
            ]) {
                expect(check({ type, props: { role: "r", policyArn: arn } })).to.deep.equal([]);
            }
        });
    }

    it("fails a Role whose managedPolicyArns include a full-access policy", () => {
        const messages = check({
            type: TYPES.iamRole,
            props: { managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3FullAccess"] },
        });
        expect(messages).to.deep.equal([
            "attaches the AWS-managed policy arn:aws:iam::aws:policy/AmazonS3FullAccess, which allows wildcard actions. Attach a policy that lists the specific actions instead.",
        ]);
    });

    it("ignores trust-only roles and other resource types", () => {
        const wildcard = JSON.stringify(documentOf([{ Effect: "Allow", Action: "*", Resource: "*" }]));
        expect(check({ type: TYPES.iamRole, props: { assumeRolePolicy: wildcard } })).to.deep.equal([]);
        expect(check({ type: TYPES.bucketPolicy, props: { policy: wildcard } })).to.deep.equal([]);
    });
});

describe("atlas-no-open-access-list", () => {
    const entry = (props: Record<string, unknown>): FakeResource => ({
        type: TYPES.atlasAccessList,
        props: { projectId: "p1", comment: "membrane VPC", ...props },
    });

    it("passes the VPC CIDR", () => {
        expect(checkResource(atlasNoOpenAccessList, entry({ cidrBlock: "10.0.0.0/16" }))).to.deep.equal({ violations: [] });
    });

    it("passes a single address", () => {
        expect(checkResource(atlasNoOpenAccessList, entry({ ipAddress: "203.0.113.10" })).violations).to.deep.equal([]);
    });

    for (const props of [{ cidrBlock: "0.0.0.0/0" }, { cidrBlock: "::/0" }, { ipAddress: "0.0.0.0" }, { cidrBlock: " 0.0.0.0/0 " }]) {
        it(`fails ${JSON.stringify(props)}`, () => {
            const messages = messagesOf(checkResource(atlasNoOpenAccessList, entry(props)));
            expect(messages).to.have.length(1);
            expect(messages[0]).to.match(/^The entry allows .* \(any address\)\. Allow the VPC CIDR/);
        });
    }
});

describe("atlas-backups-and-pitr", () => {
    const cluster = (overrides: Record<string, unknown> = {}): FakeResource => ({
        type: TYPES.atlasCluster,
        props: {
            projectId: "p1",
            name: "membrane-prod",
            clusterType: "REPLICASET",
            backupEnabled: true,
            pitEnabled: true,
            ...overrides,
        },
    });

    it("passes with backups and point-in-time recovery", () => {
        expect(checkResource(atlasBackupsAndPitr, cluster())).to.deep.equal({ violations: [] });
    });

    it("fails without backups", () => {
        expect(messagesOf(checkResource(atlasBackupsAndPitr, cluster({ backupEnabled: false })))).to.deep.equal([
            "backupEnabled is not true. Set backupEnabled and pitEnabled to true (lower this policy to advisory " +
                "for throwaway dev stacks).",
        ]);
    });

    it("fails without point-in-time recovery", () => {
        const messages = messagesOf(checkResource(atlasBackupsAndPitr, cluster({ pitEnabled: undefined })));
        expect(messages).to.have.length(1);
        expect(messages[0]).to.match(/^pitEnabled is not true\./);
    });
});

describe("atlas-cluster-modern-tls", () => {
    const cluster = (advancedConfiguration?: unknown): FakeResource => ({
        type: TYPES.atlasCluster,
        props: {
            projectId: "p1",
            name: "membrane-prod",
            clusterType: "REPLICASET",
            ...(advancedConfiguration !== undefined && { advancedConfiguration }),
        },
    });
    const check = (r: FakeResource) => messagesOf(checkResource(atlasClusterModernTls, r));

    for (const tls of ["TLS1_2", "TLS1_3"]) {
        it(`passes ${tls}`, () => expect(check(cluster({ minimumEnabledTlsProtocol: tls }))).to.deep.equal([]));
    }

    it("passes a value unknown at preview", () => {
        expect(check(cluster({ minimumEnabledTlsProtocol: UNKNOWN_STRING }))).to.deep.equal([]);
    });

    for (const [what, config, shown] of [
        ["no advanced configuration", undefined, "not set"],
        ["no minimum", {}, "not set"],
        ["TLS 1.0", { minimumEnabledTlsProtocol: "TLS1_0" }, '"TLS1_0"'],
        ["TLS 1.1", { minimumEnabledTlsProtocol: "TLS1_1" }, '"TLS1_1"'],
    ] as const) {
        it(`fails ${what}`, () => {
            expect(check(cluster(config))).to.deep.equal([
                `advancedConfiguration.minimumEnabledTlsProtocol is ${shown}. Set it to "TLS1_2" (or "TLS1_3" when every client supports it): left unset, the cluster keeps whatever minimum Atlas gave it, and no deploy ever checks it.`,
            ]);
        });
    }
});

describe("iam-service-role-trust-scoped", () => {
    const ACCOUNT = "111122223333";
    const trust = (statement: Record<string, unknown>): FakeResource => ({
        type: TYPES.iamRole,
        props: { name: "r", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) },
    });
    const ec2 = (extra: Record<string, unknown> = {}) => ({
        Effect: "Allow",
        Principal: { Service: "ec2.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT } },
        ...extra,
    });
    const ecs = (extra: Record<string, unknown> = {}) => ({
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:ecs:us-east-1:${ACCOUNT}:*` } },
        ...extra,
    });
    const check = (r: FakeResource) => messagesOf(checkResource(iamServiceRoleTrustScoped, r));

    it("passes the EC2 and ECS trusts the program writes, and roles of other principals", () => {
        expect(check(trust(ec2()))).to.deep.equal([]);
        expect(check(trust(ec2({ Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } })))).to.deep.equal([]);
        expect(check(trust(ecs()))).to.deep.equal([]);
        expect(check(trust({ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }))).to.deep.equal([]);
    });

    it("skips a trust unknown at preview", () => {
        expect(check({ type: TYPES.iamRole, props: { name: "r", assumeRolePolicy: UNKNOWN_STRING } })).to.deep.equal([]);
    });

    const failing: Array<[string, Record<string, unknown>, RegExp]> = [
        ["EC2 without a condition (the AWS console's default trust)", ec2({ Condition: undefined }), /does not pin aws:SourceAccount/],
        [
            "EC2 pinned by another key",
            ec2({ Condition: { StringEquals: { "aws:PrincipalAccount": ACCOUNT } } }),
            /does not pin aws:SourceAccount/,
        ],
        ["EC2 with a pattern instead of an account", ec2({ Condition: { StringLike: { "aws:SourceAccount": "*" } } }), /does not pin/],
        [
            "EC2 pinned to an empty account (an unset variable)",
            ec2({ Condition: { StringEqualsIfExists: { "aws:SourceAccount": "" } } }),
            /does not pin/,
        ],
        [
            "ECS pinned to a truncated account id",
            ecs({ Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT.slice(1) } } }),
            /does not pin/,
        ],
        ["ECS with IfExists only", ecs({ Condition: { StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT } } }), /\(StringEquals\)/],
        ["EC2 for more than AssumeRole", ec2({ Action: ["sts:AssumeRole", "sts:TagSession"] }), /not only sts:AssumeRole/],
        ["EC2 for sts:*", ec2({ Action: "sts:*" }), /not only sts:AssumeRole/],
        ["EC2 beside an AWS principal", ec2({ Principal: { Service: "ec2.amazonaws.com", AWS: "*" } }), /in the same statement as ec2/],
        [
            "EC2 beside another service",
            ec2({ Principal: { Service: ["ec2.amazonaws.com", "lambda.amazonaws.com"] } }),
            /in the same statement as ec2/,
        ],
    ];
    for (const [what, statement, message] of failing) {
        it(`fails ${what}`, () => {
            const messages = check(trust(statement));
            expect(messages).to.have.lengthOf(1);
            expect(messages[0]).to.match(message);
            expect(messages[0]).to.match(/^The trust policy .*Trust (ec2|ecs-tasks)\.amazonaws\.com alone, for sts:AssumeRole/);
        });
    }
});
