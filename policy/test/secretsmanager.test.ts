import { expect } from "chai";
import { PolicyStatement } from "../lib/policy-document";
import { TYPES } from "../lib/tokens";
import { iamRoleSecretsScoped, secretsManagerSecretEncryption, secretsManagerSecretTags } from "../policies/secretsmanager";
import { FakeResource, UNKNOWN_STRING, checkResource, checkStack, messagesOf, urnOf } from "./harness";

const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TAGS = { Environment: "prod", Service: "membrane" };
const secret = (props: Record<string, unknown>): FakeResource => ({
    type: TYPES.secret,
    props: { name: "membrane/prod/credentials", ...props },
});

describe("secretsmanager-secret-tags", () => {
    const check = (props: Record<string, unknown>) => messagesOf(checkResource(secretsManagerSecretTags, secret(props)));

    it("passes a secret tagged Environment and Service (other tags allowed)", () => {
        expect(check({ tags: { ...TAGS, Purpose: "Membrane credentials" } })).to.deep.equal([]);
    });

    for (const [what, tags, missing] of [
        ["no tags", undefined, "Environment and Service"],
        ["no Service tag", { Environment: "prod" }, "Service"],
        ["an empty Environment tag", { Environment: "", Service: "membrane" }, "Environment"],
    ] as const) {
        it(`fails ${what}`, () => {
            expect(check({ tags })).to.deep.equal([
                `The secret has no ${missing} tag. Tag it like every Membrane resource: { Environment: "<environment>", Service: "membrane" }.`,
            ]);
        });
    }

    it("skips tags unknown at preview", () => {
        expect(checkResource(secretsManagerSecretTags, secret({ tags: UNKNOWN_STRING })).violations).to.deep.equal([]);
    });
});

describe("secretsmanager-secret-encryption", () => {
    const check = (props: Record<string, unknown>, config = {}) =>
        messagesOf(checkResource(secretsManagerSecretEncryption, secret({ tags: TAGS, ...props }), config));

    it("passes the AWS managed key (no kmsKeyId) and a customer managed key by its ARN, replicas included", () => {
        expect(check({})).to.deep.equal([]);
        expect(
            check({ kmsKeyId: KEY, replicas: [{ region: "eu-west-1", kmsKeyId: KEY.replace("us-east-1", "eu-west-1") }] }),
        ).to.deep.equal([]);
        expect(check({ kmsKeyId: UNKNOWN_STRING })).to.deep.equal([]);
    });

    for (const [what, props, where] of [
        ["an alias", { kmsKeyId: "alias/membrane" }, 'kmsKeyId is "alias/membrane"'],
        ["a bare key id", { kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" }, 'kmsKeyId is "1234abcd-12ab-34cd-56ef-1234567890ab"'],
        [
            "a replica's alias ARN",
            { replicas: [{ kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:alias/x" }] },
            'replicas[0].kmsKeyId is "arn:aws:kms:eu-west-1:111122223333:alias/x"',
        ],
    ] as const) {
        it(`fails ${what}`, () => {
            expect(check(props)).to.deep.equal([
                `${where}. Name a customer managed key by its ARN (arn:aws:kms:<region>:<account>:key/<id>): the readers' kms:Decrypt grants name the key ARN, never an alias or a bare id. Leave kmsKeyId unset for the AWS managed key.`,
            ]);
        });
    }

    it("with requireCustomerManagedKey, fails the AWS managed key and passes a customer key", () => {
        const config = { "secretsmanager-secret-encryption": { requireCustomerManagedKey: true } };
        expect(check({}, config)).to.have.lengthOf(1);
        expect(check({}, config)[0]).to.match(
            /^The secret uses the AWS managed key aws\/secretsmanager, and this pack requires a customer managed key/,
        );
        expect(check({ kmsKeyId: KEY }, config)).to.deep.equal([]);
        // An empty key id is the AWS managed key too.
        expect(check({ kmsKeyId: "" }, config)).to.have.lengthOf(1);
    });
});

describe("iam-role-secrets-scoped", () => {
    const OWN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:membrane/prod/credentials-AbC123";
    const role = (name: string, environment?: string, inline?: PolicyStatement[]): FakeResource => ({
        type: TYPES.iamRole,
        name,
        props: {
            name,
            ...(environment && { tags: { Environment: environment, Service: "membrane" } }),
            ...(inline && { inlinePolicies: [{ name: "inline", policy: JSON.stringify({ Version: "2012-10-17", Statement: inline }) }] }),
        },
    });
    const rolePolicy = (name: string, roleName: string, statements: PolicyStatement[], dependsOn?: string): FakeResource => ({
        type: TYPES.iamRolePolicy,
        name,
        props: { name, role: roleName, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) },
        ...(dependsOn && { dependencies: [dependsOn] }),
    });
    const read = (...Resource: string[]): PolicyStatement => ({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource });
    const check = (resources: FakeResource[], config = {}) => messagesOf(checkStack(iamRoleSecretsScoped, resources, config));

    it("passes reads of the role's own environment's secrets, patterns under membrane/<environment>/ included", () => {
        expect(
            check([
                role("prod-membrane-execution-role", "prod"),
                rolePolicy("read", "prod-membrane-execution-role", [read(OWN, OWN.replace("credentials-AbC123", "*"))]),
                rolePolicy("s3", "prod-membrane-execution-role", [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]),
            ]),
        ).to.deep.equal([]);
    });

    const beyond: Array<[string, PolicyStatement, string]> = [
        ["every secret", read("*"), "*"],
        [
            "another environment's secret",
            read(OWN.replace("membrane/prod/", "membrane/staging/")),
            OWN.replace("membrane/prod/", "membrane/staging/"),
        ],
        [
            "a prefix that also matches prod-eu",
            read(OWN.replace("membrane/prod/credentials-AbC123", "membrane/prod*")),
            OWN.replace("membrane/prod/credentials-AbC123", "membrane/prod*"),
        ],
        [
            "a secret outside membrane/",
            read(OWN.replace("membrane/prod/credentials", "prod-harbor-pull")),
            OWN.replace("membrane/prod/credentials", "prod-harbor-pull"),
        ],
        ["secretsmanager:* on every secret", { Effect: "Allow", Action: "secretsmanager:*", Resource: "*" }, "*"],
        ["secretsmanager:Get* on every secret", { Effect: "Allow", Action: ["secretsmanager:Get*"], Resource: ["*"] }, "*"],
        ["NotAction that leaves GetSecretValue in", { Effect: "Allow", NotAction: "iam:*", Resource: "*" }, "*"],
        ["BatchGetSecretValue on every secret", { Effect: "Allow", Action: "secretsmanager:BatchGetSecretValue", Resource: "*" }, "*"],
        ["NotResource", { Effect: "Allow", Action: "secretsmanager:GetSecretValue", NotResource: OWN }, `NotResource "${OWN}"`],
    ];
    for (const [what, statement, shown] of beyond) {
        it(`fails ${what}, naming the resource`, () => {
            const messages = check([role("prod-membrane-k8s-role", "prod"), rolePolicy("read", "prod-membrane-k8s-role", [statement])]);
            expect(messages).to.deep.equal([
                `policy of read lets a role read secrets beyond membrane/prod/*: ${shown}. Grant secretsmanager:GetSecretValue on the stack's own secrets only (arn:aws:secretsmanager:<region>:<account>:secret:membrane/prod/*).`,
            ]);
        });
    }

    it("ignores Deny statements and actions that read no value (DescribeSecret, ListSecrets)", () => {
        expect(
            check([
                role("r", "prod"),
                rolePolicy("p", "r", [
                    { Effect: "Deny", Action: "secretsmanager:*", Resource: "*" },
                    { Effect: "Allow", Action: ["secretsmanager:DescribeSecret", "secretsmanager:ListSecrets"], Resource: "*" },
                ]),
            ]),
        ).to.deep.equal([]);
    });

    it("reads a role's inline policies too", () => {
        expect(check([role("r", "prod", [read("*")])])).to.have.lengthOf(1);
    });

    it("finds the role by dependency when its name is unknown, and takes its environment", () => {
        const policy = rolePolicy("p", UNKNOWN_STRING, [read(OWN)], urnOf(TYPES.iamRole, "staging-role"));
        expect(check([role("staging-role", "staging"), policy])).to.deep.equal([
            `policy of p lets a role read secrets beyond membrane/staging/*: ${OWN}. Grant secretsmanager:GetSecretValue on the stack's own secrets only (arn:aws:secretsmanager:<region>:<account>:secret:membrane/staging/*).`,
        ]);
    });

    it("in a stack with roles of two environments, each role is held to its own Environment tag", () => {
        // The stack's roles share no one environment, so only the role's own tag can refuse a staging role prod's credentials.
        const stagingReadsProd = rolePolicy("staging-read", "staging-membrane-task-role", [read(OWN)]);
        expect(
            check([role("prod-membrane-task-role", "prod"), role("staging-membrane-task-role", "staging"), stagingReadsProd]),
        ).to.deep.equal([
            `policy of staging-read lets a role read secrets beyond membrane/staging/*: ${OWN}. Grant secretsmanager:GetSecretValue on the stack's own secrets only (arn:aws:secretsmanager:<region>:<account>:secret:membrane/staging/*).`,
        ]);
        expect(
            check([
                role("prod-membrane-task-role", "prod", [read(OWN)]),
                role("staging-membrane-task-role", "staging", [read(OWN.replace("membrane/prod/", "membrane/staging/"))]),
            ]),
        ).to.deep.equal([]);
    });

    it("an existing role outside the stack takes the stack's environment, or the pack's environment setting", () => {
        const policy = rolePolicy("existing-read", "acme-ecs-execution", [read(OWN)]);
        expect(check([role("prod-membrane-task-role", "prod"), policy])).to.deep.equal([]);
        expect(check([role("staging-membrane-task-role", "staging"), policy])).to.have.lengthOf(1);
        expect(check([policy], { "iam-role-secrets-scoped": { environment: "staging" } })).to.have.lengthOf(1);
        // The pack's environment setting wins over a role's own tag.
        expect(
            check([role("prod-membrane-task-role", "prod", [read(OWN)])], { "iam-role-secrets-scoped": { environment: "staging" } }),
        ).to.have.lengthOf(1);
        // With no way to tell the environment, any one membrane/<environment>/ passes, and nothing else.
        expect(check([policy])).to.deep.equal([]);
        // Roles of two environments in one stack tell none: neither is taken for the role outside it.
        const stagingRead = rolePolicy("existing-read", "acme-ecs-execution", [read(OWN.replace("membrane/prod/", "membrane/staging/"))]);
        expect(check([role("a", "prod"), role("b", "staging"), stagingRead])).to.deep.equal([]);
        expect(check([role("b", "staging"), role("a", "prod"), policy])).to.deep.equal([]);
        expect(check([rolePolicy("p", "x", [read("*")])])[0]).to.match(/beyond membrane\/<environment>\/\*: \*\./);
    });

    // Unknown environment: any ONE environment's secrets pass. A wildcard in the environment's place is
    // every environment's credentials, production's included.
    for (const pattern of ["membrane/*/credentials-AbC123", "membrane/*/*", "membrane/pr?d/credentials-AbC123", "membrane/prod*/*"]) {
        it(`fails ${pattern} when the environment is unknown: a wildcard in the environment's place reads every environment's secrets`, () => {
            const resource = OWN.replace("membrane/prod/credentials-AbC123", pattern);
            expect(check([rolePolicy("existing-read", "acme-ecs-execution", [read(resource)])])).to.deep.equal([
                `policy of existing-read lets a role read secrets beyond membrane/<environment>/*: ${resource}. Grant secretsmanager:GetSecretValue on the stack's own secrets only (arn:aws:secretsmanager:<region>:<account>:secret:membrane/<environment>/*).`,
            ]);
        });
    }

    it("skips documents unknown at preview", () => {
        expect(check([role("r", "prod"), { type: TYPES.iamRolePolicy, props: { role: "r", policy: UNKNOWN_STRING } }])).to.deep.equal([]);
    });
});
