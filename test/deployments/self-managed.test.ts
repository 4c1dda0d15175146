// The path with no Pulumi Cloud at all (runner github-actions-self-managed): GitHub's OIDC provider, roles
// trusted by one GitHub environment each, the same permission table and boundary as the Pulumi Deployments
// roles, the state bucket and the stacks' keys, the workflow (checked by GitHub's own parser) and the setup
// commands. Evaluated through the offline engine on the `self-managed` fixture.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseDeploymentsConfig } from "../../deployments/config";
import { ConfigError } from "../../lib/config-reader";
import { DEPLOY_PERMISSIONS, deployPolicies, DeployScope } from "../../deployments/permissions";
import { readOnlyTable, stateKeys } from "../../deployments/self-managed";
import { setupCommands } from "../../deployments/setup-commands";
import { stateKeyTags } from "../../deployments/self-managed-stack";
import { PINNED_ACTIONS, ACTIONS, CHECK_JOB, RUNNER_VARIABLE } from "../../deployments/workflow";
import { iamGlobMatches } from "../../lib/glob";
import { runPolicies } from "../../policy/runner";
import { checkStack } from "../../tools/check";
import { DEPLOYMENTS_DIR, main } from "../../tools/deployments-plan";
import { evaluate, Evaluation, PROJECT_DIR, ProgramError, RegisteredResource } from "../../tools/engine";
import { ACCOUNT_ID } from "../../tools/mock-cloud";
import { plannedResources } from "../../tools/plan";
import {
    DEPLOYMENTS_FIXTURES,
    deploymentsError,
    deploymentsStack,
    evaluateDeployments,
    fakeSource,
    fixtureCloud,
    json,
    named,
    PROD_FILE,
    rawDeployments,
    STAGING_FILE,
    expectCredentialFreeCheck,
} from "./harness";
import { runCommand } from "../harness";
import { workflowErrors } from "../workflow-parser";
import { decide } from "../support/iam-sim";

const GITHUB_OIDC_ARN = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`;
const STACKS = ["staging", "prod"] as const;
const SELF_MANAGED_FIXTURES = path.join(DEPLOYMENTS_FIXTURES, "self-managed");
/** The committed example of the self-managed workflow (the repository's own workflow is the Pulumi Cloud one). */
export const SELF_MANAGED_EXAMPLE = "docs/examples/membrane-infrastructure-self-managed.yml";

const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);
const SCOPE: DeployScope = {
    partition: "aws",
    accountId: ACCOUNT_ID,
    region: "eu-west-1",
    environment: "staging",
    namePrefix: "acme-",
    vpcId: "vpc-0f9e8d7c6b5a40321",
    privateSubnetIds: ["subnet-0f9e8d7c6b5a40001"],
    boundaryArn: `arn:aws:iam::${ACCOUNT_ID}:policy/membrane-boundary-staging`,
};
const statements = (doc: any): any[] => (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]);
const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
const actionsOf = (docs: any[]) => docs.flatMap((d) => statements(d).flatMap((s) => asList(s.Action)));
const familyPolicies = (ev: Evaluation, prefix: string) =>
    ev.resources
        .filter((r) => r.type === "aws:iam/policy:Policy" && r.name.startsWith(prefix))
        .map((r) => [r.name.slice(prefix.length), json(r, "policy")] as const);

describe("self-managed path: what the deployments program creates", () => {
    let ev: Evaluation;
    before(async function () {
        this.timeout(120000);
        ev = await deploymentsStack("self-managed");
    });

    it("needs nothing of Pulumi Cloud: no pulumiservice resource, no Pulumi OIDC provider, no ESC", () => {
        expect(ev.resources.filter((r) => r.type.startsWith("pulumiservice:"))).to.deep.equal([]);
        expect(ofType(ev, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").map((r) => r.inputs.url)).to.deep.equal([
            "https://token.actions.githubusercontent.com",
        ]);
        const components = ev.resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack").map((r) => [r.type, r.name]);
        expect(components).to.deep.equal([
            ["membrane:deployments:GithubOidc", "github-oidc"],
            ["membrane:deployments:StateBackend", "state"],
            ["membrane:deployments:SelfManagedStack", "stack-staging"],
            ["membrane:deployments:SelfManagedStack", "stack-prod"],
        ]);
        expect(ev.warnings).to.deep.equal([]);
    });

    it("creates GitHub's OIDC provider with the audience configure-aws-credentials sends", () => {
        const provider = named(ev, "github-oidc-provider");
        expect(provider.inputs).to.deep.include({
            url: "https://token.actions.githubusercontent.com",
            clientIdLists: ["sts.amazonaws.com"],
        });
        expect(ev.outputs.githubOidcProviderArn.value).to.equal(GITHUB_OIDC_ARN);
    });

    for (const stack of STACKS) {
        describe(stack, () => {
            const trust = (name: string) => json(named(ev, name), "assumeRolePolicy");

            it("the deploy role trusts only the stack's GitHub environment: aud sts.amazonaws.com, sub repo:<repo>:environment:<stack>", () => {
                const role = named(ev, `stack-${stack}-role`);
                expect(role.inputs.name).to.equal(`membrane-deploy-${stack}`);
                expect(role.inputs.maxSessionDuration).to.equal(3600);
                expect(trust(`stack-${stack}-role`)).to.deep.equal({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "GithubEnvironment",
                            Effect: "Allow",
                            Principal: { Federated: GITHUB_OIDC_ARN },
                            Action: "sts:AssumeRoleWithWebIdentity",
                            Condition: {
                                StringEquals: {
                                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                    "token.actions.githubusercontent.com:sub": `repo:acme/membrane-infra:environment:${stack}`,
                                },
                            },
                        },
                    ],
                });
            });

            it("the read-only role trusts only the stack's -read environment", () => {
                expect(named(ev, `stack-${stack}-read-role`).inputs.name).to.equal(`membrane-read-${stack}`);
                const [s] = trust(`stack-${stack}-read-role`).Statement;
                expect(s.Condition).to.deep.equal({
                    StringEquals: {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": `repo:acme/membrane-infra:environment:${stack}-read`,
                    },
                });
            });

            it("one table, two trusts: the deploy role's policies and boundary are exactly the Pulumi Deployments role's", async function () {
                this.timeout(60000);
                const cloud = await deploymentsStack("acme");
                const mine = familyPolicies(ev, `stack-${stack}-deploy-`);
                expect(mine.length).to.be.greaterThan(5);
                expect(mine).to.deep.equal(familyPolicies(cloud, `stack-${stack}-deploy-`));
                expect(json(named(ev, `stack-${stack}-boundary`), "policy")).to.deep.equal(
                    json(named(cloud, `stack-${stack}-boundary`), "policy"),
                );
                const attached = ofType(ev, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
                    (a) => a.inputs.role === `membrane-deploy-${stack}`,
                );
                expect(attached.map((a) => a.inputs.policyArn).sort()).to.deep.equal(
                    mine.map(([family]) => `arn:aws:iam::${ACCOUNT_ID}:policy/membrane-deploy-${stack}-${family}`).sort(),
                );
            });

            it("the read-only role gets the table's Describe, Get and List grants only, never the buckets' data", () => {
                // (and kms:Decrypt through Secrets Manager with a customer managed key: see the test below)
                const read = familyPolicies(ev, `stack-${stack}-read-`).map(([, d]) => d);
                const deploy = familyPolicies(ev, `stack-${stack}-deploy-`).map(([, d]) => d);
                const actions = actionsOf(read);
                expect(actions.length).to.be.greaterThan(20);
                for (const a of actions) {
                    expect(a, a).to.match(/^[a-z0-9-]+:(Describe|Get|List)|^kms:Decrypt$/);
                    expect(a).to.not.match(/^s3:GetObject/);
                }
                // Every statement is one the deploy role has too, on the same resources and conditions, with fewer actions.
                const deployStatements = deploy.flatMap(statements);
                for (const s of read.flatMap(statements)) {
                    const same = deployStatements.find(
                        (d) =>
                            JSON.stringify([d.Resource, d.Condition]) === JSON.stringify([s.Resource, s.Condition]) &&
                            asList(s.Action).every((a) => asList(d.Action).includes(a)),
                    );
                    expect(same, JSON.stringify(s)).to.not.equal(undefined);
                }
            });

            it("the read-only role can make every look-up the program makes (what a preview calls in AWS)", () => {
                const read = new Set(actionsOf(familyPolicies(ev, `stack-${stack}-read-`).map(([, d]) => d)));
                const deploy = new Set(actionsOf(familyPolicies(ev, `stack-${stack}-deploy-`).map(([, d]) => d)));
                const lookups = Object.entries(DEPLOY_PERMISSIONS).filter(([type]) => /:get[A-Z][A-Za-z]*$/.test(type));
                expect(lookups.length).to.be.greaterThan(5);
                for (const [type, p] of lookups) {
                    // A look-up reads: a write the table lists beside it (elasticache's tagging) is not what the data source calls.
                    const reads = p.grants.flatMap((g) => g.actions).filter((x) => deploy.has(x) && /:(Describe|Get|List)/.test(x));
                    for (const a of reads) {
                        expect(read.has(a), `${type}: ${a}`).to.equal(true);
                    }
                }
            });

            it("each role reaches only its stack's state: the deploy role writes it and removes its locks, the read role only reads", () => {
                const keyArn = named(ev, `stack-${stack}-state-key`).outputs.arn;
                const bucket = "arn:aws:s3:::acme-pulumi-state";
                const files = [
                    `${bucket}/.pulumi/stacks/membrane/${stack}.json*`,
                    `${bucket}/.pulumi/history/membrane/${stack}/*`,
                    `${bucket}/.pulumi/backups/membrane/${stack}/*`,
                    `${bucket}/.pulumi/locks/organization/membrane/${stack}/*`,
                ];
                const deploy = named(ev, `stack-${stack}-state`);
                expect(deploy.inputs.role).to.equal(`membrane-deploy-${stack}`);
                expect(json(deploy, "policy").Statement).to.deep.equal([
                    { Sid: "StateList", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucket] },
                    { Sid: "StateRead", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucket}/.pulumi/meta.yaml`, ...files] },
                    { Sid: "StateKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [keyArn] },
                    { Sid: "StateWrite", Effect: "Allow", Action: ["s3:PutObject"], Resource: files },
                    {
                        Sid: "StateUnlock",
                        Effect: "Allow",
                        Action: ["s3:DeleteObject"],
                        Resource: [`${bucket}/.pulumi/locks/organization/membrane/${stack}/*`],
                    },
                ]);
                const read = named(ev, `stack-${stack}-read-state`);
                expect(read.inputs.role).to.equal(`membrane-read-${stack}`);
                expect(json(read, "policy").Statement.map((s: any) => s.Sid)).to.deep.equal(["StateList", "StateRead", "StateKey"]);
                // Not another stack's files: prod's pattern does not match prod-eu's checkpoint.
                expect(iamGlobMatches(files[0], `${bucket}/.pulumi/stacks/membrane/${stack}-eu.json`)).to.equal(false);
                expect(iamGlobMatches(files[0], `${bucket}/.pulumi/stacks/membrane/${stack}.json.gz`)).to.equal(true);
            });

            it("gives the stack its own secrets key: rotated, protected, used by its two roles for Decrypt only", () => {
                const key = named(ev, `stack-${stack}-state-key`);
                expect(key.protect).to.equal(true);
                expect(key.retainOnDelete).to.equal(true);
                expect(key.inputs).to.deep.include({ enableKeyRotation: true, deletionWindowInDays: 30 });
                expect(key.inputs.tags).to.deep.equal(stateKeyTags(stack));
                expect(named(ev, `stack-${stack}-state-key-alias`).inputs.name).to.equal(`alias/membrane-state-${stack}`);
                const policy = json(key, "policy");
                const byId = Object.fromEntries(statements(policy).map((s) => [s.Sid, s]));
                expect(byId.StackRolesDecrypt).to.deep.equal({
                    Sid: "StackRolesDecrypt",
                    Effect: "Allow",
                    Principal: {
                        AWS: [
                            `arn:aws:iam::${ACCOUNT_ID}:role/membrane-deploy-${stack}`,
                            `arn:aws:iam::${ACCOUNT_ID}:role/membrane-read-${stack}`,
                        ],
                    },
                    Action: ["kms:Decrypt"],
                    Resource: "*",
                });
                expect(byId.AdministratorsUseTheKey.Principal.AWS).to.deep.equal([
                    `arn:aws:iam::${ACCOUNT_ID}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`,
                ]);
                // The account administers the key (no lock-out) but cannot use it.
                expect(byId.AccountAdministersTheKey.Principal).to.deep.equal({ AWS: `arn:aws:iam::${ACCOUNT_ID}:root` });
                expect(
                    asList(byId.AccountAdministersTheKey.Action).filter((a) => /Decrypt|Encrypt|GenerateDataKey|ReEncrypt/.test(a)),
                ).to.deep.equal([]);
            });
        });
    }

    it("with a customer managed key for the credentials secret, the read role may decrypt it through Secrets Manager only (a refresh reads the secret)", () => {
        const table = readOnlyTable();
        const scope = { ...SCOPE, secretsKmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/0123" };
        const docs = Object.values(deployPolicies(scope, table));
        const decrypt = docs.flatMap(statements).filter((s) => asList(s.Action).includes("kms:Decrypt"));
        expect(decrypt).to.have.lengthOf(1);
        expect(decrypt[0].Resource).to.deep.equal(["arn:aws:kms:eu-west-1:111122223333:key/0123"]);
        expect(decrypt[0].Condition).to.deep.equal(
            Object.values(deployPolicies(scope))
                .flatMap(statements)
                .find((s) => asList(s.Action).includes("kms:Decrypt"))!.Condition,
        );
        expect(JSON.stringify(decrypt[0].Condition)).to.include("kms:ViaService");
        expect(actionsOf(docs).filter((a) => a.startsWith("kms:") && !/^kms:(Describe|Get|List)/.test(a))).to.deep.equal(["kms:Decrypt"]);
    });

    it("a stack's roles cannot decrypt another stack's key", () => {
        const prodKey = json(named(ev, "stack-prod-state-key"), "policy");
        const principals = JSON.stringify(statements(prodKey).filter((s) => s.Effect === "Allow"));
        expect(principals).to.not.include("membrane-deploy-staging").and.not.include("membrane-read-staging");
    });

    it("no deploy or read role can administer a state key, though the deploy table lets it tag a key that has no Environment tag", () => {
        // The table grants no key administration (a key the program creates names its administrator in its key
        // policy), but tagging an untagged key, which a state key is: its key policy must deny that too.
        const kms = actionsOf(familyPolicies(ev, "stack-staging-deploy-").map(([, d]) => d)).filter((a) => a.startsWith("kms:"));
        expect(kms).to.include("kms:TagResource");
        expect(kms).to.not.include.members(["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"]);
        for (const name of ["stack-staging-state-key", "stack-prod-state-key", "state-key"]) {
            const deny = statements(json(named(ev, name), "policy")).find((s) => s.Effect === "Deny")!;
            expect(deny.NotAction, name).to.deep.equal(["kms:Decrypt"]);
            const patterns = asList(deny.Condition.ArnLike["aws:PrincipalArn"]);
            for (const role of ["membrane-deploy-staging", "membrane-read-staging", "membrane-deploy-prod", "membrane-read-prod"]) {
                expect(
                    patterns.some((p) => iamGlobMatches(p, `arn:aws:iam::${ACCOUNT_ID}:role/${role}`)),
                    `${name} ${role}`,
                ).to.equal(true);
            }
            expect(
                patterns.some((p) =>
                    iamGlobMatches(
                        p,
                        `arn:aws:iam::${ACCOUNT_ID}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`,
                    ),
                ),
            ).to.equal(false);
        }
        // Nor do the keys carry the Environment and Service tags that the table's key grants are scoped by.
        for (const key of ofType(ev, "aws:kms/key:Key")) {
            expect(key.inputs.tags, key.name).to.not.have.any.keys("Environment", "Service");
        }
    });

    it("no other principal of the account can use a state key, whatever its IAM policies allow; the account still administers it", async () => {
        // KMS honours an identity policy only where the key policy delegates to the account: a principal
        // allowed kms:* by IAM must still be refused every use of a key that holds a stack's secrets.
        const keyArn = `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
        const kmsAdmin = {
            arn: `arn:aws:iam::${ACCOUNT_ID}:role/ops-kms-admin`,
            identity: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }] }],
        };
        const administrator = `arn:aws:iam::${ACCOUNT_ID}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`;
        const keys = ofType(ev, "aws:kms/key:Key");
        expect(keys.map((k) => k.name).sort()).to.deep.equal(["stack-prod-state-key", "stack-staging-state-key", "state-key"]);
        for (const key of keys) {
            const resourcePolicy = json(key, "policy");
            const decision = (arn: string, action: string, identity: unknown[] = []) =>
                decide({ arn, identity }, { action, resource: keyArn, resourcePolicy });
            for (const action of ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:CreateGrant"]) {
                expect(await decision(kmsAdmin.arn, action, kmsAdmin.identity), `${key.name} ${action}`).to.not.equal("Allowed");
            }
            // Never locked out: the account's IAM administrators keep managing it.
            for (const action of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:EnableKeyRotation"]) {
                expect(await decision(kmsAdmin.arn, action, kmsAdmin.identity), `${key.name} ${action}`).to.equal("Allowed");
            }
            expect(await decision(administrator, "kms:Decrypt"), key.name).to.equal("Allowed");
        }
    });

    it("every key it creates rotates yearly and outlives the program: the stacks' keys and the deployments stack's own", () => {
        for (const key of ofType(ev, "aws:kms/key:Key")) {
            expect(key.inputs, key.name).to.deep.include({ enableKeyRotation: true, deletionWindowInDays: 30 });
            expect([key.protect, key.retainOnDelete], key.name).to.deep.equal([true, true]);
        }
    });

    it("makes the state bucket safely: versioned, SSE, private, TLS-only, its history out of reach of every stack role, protected", () => {
        const bucket = named(ev, "state-bucket");
        expect(bucket.inputs).to.deep.include({ bucket: "acme-pulumi-state", forceDestroy: false });
        expect(bucket.protect).to.equal(true);
        expect(bucket.retainOnDelete).to.equal(true);
        expect(named(ev, "state-bucket-versioning").inputs.versioningConfiguration).to.deep.equal({ status: "Enabled" });
        expect((named(ev, "state-bucket-encryption").inputs.rules as any[])[0].applyServerSideEncryptionByDefault).to.deep.equal({
            sseAlgorithm: "AES256",
        });
        expect(named(ev, "state-bucket-public-access").inputs).to.deep.include({
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        expect((named(ev, "state-bucket-lifecycle").inputs.rules as any[])[0]).to.deep.include({
            noncurrentVersionExpiration: { noncurrentDays: 365 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        });
        const policy = json(named(ev, "state-bucket-policy"), "policy");
        const [deny, tls] = policy.Statement;
        expect(tls.Sid).to.equal("DenyInsecureTransport");
        expect(deny).to.deep.include({
            Effect: "Deny",
            Principal: "*",
            Resource: ["arn:aws:s3:::acme-pulumi-state", "arn:aws:s3:::acme-pulumi-state/*"],
        });
        expect(deny.Action).to.include.members([
            "s3:DeleteObjectVersion",
            "s3:PutBucketVersioning",
            "s3:PutLifecycleConfiguration",
            "s3:PutBucketPolicy",
        ]);
        for (const role of ["membrane-deploy-prod", "membrane-read-staging"]) {
            expect(
                asList(deny.Condition.ArnLike["aws:PrincipalArn"]).some((p) =>
                    iamGlobMatches(p, `arn:aws:iam::${ACCOUNT_ID}:role/${role}`),
                ),
            ).to.equal(true);
        }
    });

    it("no role's policies grant anything on the state bucket beyond its own stack's files, and never a version deletion there", () => {
        const documents = ev.resources
            .filter(
                (r) => (r.type === "aws:iam/policy:Policy" || r.type === "aws:iam/rolePolicy:RolePolicy") && r.name.startsWith("stack-"),
            )
            .map((r) => [r.name, json(r, "policy")] as const);
        for (const [name, doc] of documents) {
            for (const s of statements(doc)) {
                const onState = asList(s.Resource).filter((r) => r.startsWith("arn:aws:s3:::acme-pulumi-state"));
                if (onState.length > 0) {
                    expect(name, name).to.match(/-(read-)?state$/);
                    expect(asList(s.Action), name).to.not.include("s3:DeleteObjectVersion");
                }
            }
        }
    });

    it("the policy pack finds nothing, and nothing is secret", () => {
        expect(runPolicies(plannedResources(ev))).to.deep.equal([]);
        expect(Object.values(ev.outputs).every((o) => !o.secret)).to.equal(true);
    });

    it("exports the backend, each stack's secrets provider, roles and boundary", () => {
        expect(ev.outputs.stateBackend.value).to.equal("s3://acme-pulumi-state?region=us-east-1");
        expect(ev.outputs.secretsProviders.value).to.deep.equal({
            staging: "awskms://alias/membrane-state-staging?region=us-east-1",
            prod: "awskms://alias/membrane-state-prod?region=us-east-1",
        });
        expect(ev.outputs.deploymentsSecretsProvider.value).to.equal(
            "awskms://alias/membrane-state-membrane-deployments-self-managed?region=us-east-1",
        );
        expect(ev.outputs.readRoleArns.value).to.deep.equal({
            staging: `arn:aws:iam::${ACCOUNT_ID}:role/membrane-read-staging`,
            prod: `arn:aws:iam::${ACCOUNT_ID}:role/membrane-read-prod`,
        });
        expect(named(ev, "state-key-alias").inputs.name).to.equal("alias/membrane-state-membrane-deployments-self-managed");
    });
});

describe("self-managed path: GitHub's OIDC provider that already exists", () => {
    it("uses it when it lists sts.amazonaws.com", async function () {
        this.timeout(60000);
        const ev = await evaluateDeployments({
            stack: "self-managed",
            overrides: { "membrane-deployments:githubOidcProvider": "existing" },
            cloud: {
                ...fixtureCloud("self-managed"),
                oidcProviders: [{ url: "https://token.actions.githubusercontent.com", clientIds: ["sts.amazonaws.com"] }],
            },
        });
        expect(ofType(ev, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).to.deep.equal([]);
        expect(json(named(ev, "stack-prod-role"), "assumeRolePolicy").Statement[0].Principal).to.deep.equal({ Federated: GITHUB_OIDC_ARN });
    });

    it("refuses it without the audience, naming the key and the command that adds it", async function () {
        this.timeout(60000);
        const err = await deploymentsError({
            stack: "self-managed",
            overrides: { "membrane-deployments:githubOidcProvider": "existing" },
            cloud: {
                ...fixtureCloud("self-managed"),
                oidcProviders: [{ url: "https://token.actions.githubusercontent.com", clientIds: ["sigstore"] }],
            },
        });
        expect(err.message).to.include(
            `membrane-deployments:githubOidcProvider is "existing", but the IAM OIDC provider ${GITHUB_OIDC_ARN} lacks the audience sts.amazonaws.com`,
        );
        expect(err.message).to.include(`--open-id-connect-provider-arn ${GITHUB_OIDC_ARN} --client-id sts.amazonaws.com`);
    });
});

describe("self-managed path: the workflow", () => {
    let ev: Evaluation;
    let text: string;
    let wf: any;
    before(async function () {
        this.timeout(120000);
        ev = await deploymentsStack("self-managed");
        text = String(ev.outputs.githubWorkflow.value);
        wf = parse(text);
    });
    const stepOf = (job: any, action: string) => (job.steps as any[]).find((s) => s.uses === action);
    /** The jobs that run pulumi, without the credential-free check job. */
    const deployJobs = () => Object.entries<any>(wf.jobs).filter(([id]) => id !== CHECK_JOB);

    it("GitHub's parser finds no error in it, nor in the committed example", async function () {
        this.timeout(30000);
        expect(await workflowErrors(text)).to.deep.equal([]);
        expect(await workflowErrors(fs.readFileSync(path.join(PROJECT_DIR, SELF_MANAGED_EXAMPLE), "utf8"))).to.deep.equal([]);
    });

    it("previews pull requests of non-production stacks, runs up on pushes, checks drift nightly and on demand", () => {
        expect(Object.keys(wf.jobs)).to.deep.equal([CHECK_JOB, "preview-staging", "up-staging", "drift-staging", "up-prod", "drift-prod"]);
        expect(wf.on.push.branches).to.deep.equal(["main", "release"]);
        // Pull requests into every stack's branch trigger it (the check job); only main's preview staging.
        expect(wf.on.pull_request.branches).to.deep.equal(["main", "release"]);
        expect(wf.on.schedule).to.deep.equal([{ cron: "0 4 * * *" }]);
        expect(wf.on).to.have.property("workflow_dispatch");
        expect(wf.on.push.paths).to.include("lib/**").and.include("test/fixtures/deployments/self-managed/Pulumi.prod.yaml");
        for (const [id, job] of deployJobs()) {
            expect(job.if, id).to.match(new RegExp(`^vars\\.${RUNNER_VARIABLE} == 'github-actions-self-managed' && `));
        }
        expect(wf.jobs["up-prod"].if).to.include("github.event_name == 'push' && github.ref == 'refs/heads/release'");
        expect(wf.jobs["drift-prod"].if).to.include("github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'");
    });

    it("every job names the GitHub environment its role trusts, and nothing else can assume that role", () => {
        for (const [id, job] of deployJobs()) {
            const roleArn = stepOf(job, ACTIONS.awsCredentials).with["role-to-assume"];
            const role = ev.resources.find(
                (r) => r.type === "aws:iam/role:Role" && `arn:aws:iam::${ACCOUNT_ID}:role/${r.inputs.name}` === roleArn,
            ) as RegisteredResource;
            expect(role, id).to.not.equal(undefined);
            const sub = json(role, "assumeRolePolicy").Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"];
            expect(sub, id).to.equal(`repo:acme/membrane-infra:environment:${job.environment}`);
            const stack = id.replace(/^(preview|up|drift)-/, "");
            expect(role.inputs.name, id).to.equal(id.startsWith("up-") ? `membrane-deploy-${stack}` : `membrane-read-${stack}`);
        }
        expect(wf.jobs["up-prod"].environment).to.equal("prod");
        expect(wf.jobs["drift-prod"].environment).to.equal("prod-read");
    });

    it("runs pulumi on the S3 backend with the policy pack, after npm ci and the offline check, credentials only after both", () => {
        for (const [id, job] of deployJobs()) {
            const steps = job.steps as any[];
            const pulumi = stepOf(job, ACTIONS.pulumi);
            const credentials = stepOf(job, ACTIONS.awsCredentials);
            expect(pulumi.with["cloud-url"], id).to.equal("s3://acme-pulumi-state?region=us-east-1");
            expect(pulumi.with["stack-name"], id).to.equal(id.replace(/^(preview|up|drift)-/, ""));
            expect(credentials.with, id).to.deep.include({ "aws-region": "us-east-1", "role-duration-seconds": 3600 });
            expect(steps.indexOf(credentials), id).to.be.greaterThan(steps.findIndex((s) => s.run === "npm ci"));
            expect(steps.indexOf(credentials), id).to.equal(steps.indexOf(pulumi) - 1);
            if (id.startsWith("drift-")) {
                expect(pulumi.with, id).to.deep.include({ command: "preview", refresh: true, "expect-no-changes": true });
                expect(steps[0].with.ref, id).to.equal(id === "drift-prod" ? "release" : "main");
            } else {
                expect(pulumi.with, id).to.deep.include({ command: id.startsWith("up-") ? "up" : "preview", policyPacks: "policy" });
                expect(
                    steps.findIndex((s) => /^npm run check -- --stack /.test(s.run ?? "")),
                    id,
                ).to.be.lessThan(steps.indexOf(credentials));
            }
        }
    });

    it("two runs never apply one stack at once, and a running update is never cancelled", () => {
        for (const stack of STACKS) {
            expect(wf.jobs[`up-${stack}`].concurrency).to.deep.equal({ group: `membrane-${stack}-up`, "cancel-in-progress": false });
            expect(wf.jobs[`drift-${stack}`].concurrency.group).to.not.equal(`membrane-${stack}-up`);
        }
        const groups = Object.values<any>(wf.jobs).map((j) => j.concurrency.group);
        expect(new Set(groups).size).to.equal(groups.length);
    });

    it("pins every action to a release's full commit SHA, keeps no token in .git, caches nothing, and reads no secret but Atlas's", () => {
        const uses = [...text.matchAll(/^\s*(?:- )?uses: (\S+) # (\S+)$/gm)];
        // Four actions in each deploy job; checkout and setup-node in the check job.
        expect(uses.length).to.equal(deployJobs().length * 4 + 2);
        for (const [, ref, release] of uses) {
            const pinned = Object.values(PINNED_ACTIONS).find((a) => ref === `${a.repository}@${a.sha}`);
            expect(pinned?.release, ref).to.equal(release);
        }
        expect(text.match(/uses: /g)!.length).to.equal(uses.length);
        expect(text).to.not.match(
            /PULUMI_ACCESS_TOKEN|AWS_ACCESS_KEY_ID|aws-secret-access-key|PULUMI_CONFIG_PASSPHRASE|pulumi\/auth-actions/,
        );
        expect([...new Set([...text.matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]))]).to.deep.equal([
            "MONGODB_ATLAS_CLIENT_ID",
            "MONGODB_ATLAS_CLIENT_SECRET",
        ]);
        for (const [, job] of deployJobs()) {
            expect(job.steps[0].with["persist-credentials"]).to.equal(false);
            expect(stepOf(job, ACTIONS.setupNode).with).to.deep.equal({ "node-version": 22, "package-manager-cache": false });
            expect(Object.keys(stepOf(job, ACTIONS.pulumi).env)).to.deep.equal(["MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET"]);
        }
        expect(wf.permissions).to.deep.equal({ contents: "read", "id-token": "write" });
    });

    it("checks every stack on every pull request, before any deploy, with no credential and no OIDC token", () => {
        expectCredentialFreeCheck(wf.jobs[CHECK_JOB], ["staging", "prod"]);
        for (const stack of STACKS) {
            expect(
                wf.on.pull_request.paths.some((p: string) => p.endsWith(`Pulumi.${stack}.yaml`)),
                stack,
            ).to.equal(true);
        }
    });

    it("the committed example is the one the example deployments stack generates", async function () {
        this.timeout(60000);
        const fixtures = path.relative(PROJECT_DIR, SELF_MANAGED_FIXTURES);
        const example = await evaluate({
            dir: DEPLOYMENTS_DIR,
            stack: "self-managed-example",
            overrides: { "membrane-deployments:stackConfigDir": fixtures },
        });
        const expected = String(example.outputs.githubWorkflow.value).split(`${fixtures}/Pulumi.`).join("Pulumi.");
        expect(fs.readFileSync(path.join(PROJECT_DIR, SELF_MANAGED_EXAMPLE), "utf8"), "regenerate it (see the test)").to.equal(expected);
    });
});

describe("self-managed path: the setup commands", () => {
    let commands: string;
    before(async function () {
        this.timeout(120000);
        commands = String((await deploymentsStack("self-managed")).outputs.setupCommands.value);
    });
    const lines = () => commands.split("\n");

    it("move this stack's state into the bucket, then create each Membrane stack with its own key and its boundary", () => {
        const l = lines();
        const order = [
            "pulumi stack change-secrets-provider 'awskms://alias/membrane-state-membrane-deployments-self-managed?region=us-east-1'",
            "pulumi stack export --file self-managed.checkpoint.json",
            "pulumi login 's3://acme-pulumi-state?region=us-east-1'",
            "pulumi stack init self-managed --secrets-provider 'awskms://alias/membrane-state-membrane-deployments-self-managed?region=us-east-1'",
            "pulumi stack import --file self-managed.checkpoint.json && rm self-managed.checkpoint.json",
            "cd ..",
            "pulumi stack init staging --secrets-provider 'awskms://alias/membrane-state-staging?region=us-east-1'",
            `pulumi config set --stack staging membrane:iamPermissionsBoundaryArn arn:aws:iam::${ACCOUNT_ID}:policy/membrane-boundary-staging`,
            `pulumi config set --stack staging membrane:kmsKeyAdministratorArn arn:aws:iam::${ACCOUNT_ID}:role/membrane-deploy-staging`,
            "pulumi stack init prod --secrets-provider 'awskms://alias/membrane-state-prod?region=us-east-1'",
            `pulumi config set --stack prod membrane:iamPermissionsBoundaryArn arn:aws:iam::${ACCOUNT_ID}:policy/membrane-boundary-prod`,
            `pulumi config set --stack prod membrane:kmsKeyAdministratorArn arn:aws:iam::${ACCOUNT_ID}:role/membrane-deploy-prod`,
            "gh variable set MEMBRANE_DEPLOY_RUNNER --repo acme/membrane-infra --body github-actions-self-managed",
        ];
        const at = order.map((c) => l.indexOf(c));
        expect(
            at.every((i) => i >= 0),
            JSON.stringify(at),
        ).to.equal(true);
        expect([...at].sort((a, b) => a - b)).to.deep.equal(at);
        expect(commands).to.include(
            "git add test/fixtures/deployments/self-managed/Pulumi.staging.yaml test/fixtures/deployments/self-managed/Pulumi.prod.yaml",
        );
    });

    it("create the GitHub environments the roles trust: the stack's branch only, reviewers for production, read environments as the jobs need", () => {
        const env = (name: string) => {
            const l = lines();
            const i = l.indexOf(
                `gh api --method PUT repos/acme/membrane-infra/environments/${name} --input - <<${name === "prod" ? "EOF" : "'EOF'"}`,
            );
            expect(i, name).to.be.greaterThan(-1);
            expect(l[i + 2]).to.equal("EOF");
            // The reviewers' ids are looked up by the shell; any number stands in for them here.
            const body = JSON.parse(l[i + 1].replace(/\$\(gh api [^)]+\)/g, "42"));
            const branch = /-f name=(\S+) -f type=branch$/.exec(l[i + 3] ?? "")?.[1];
            return { body, branch };
        };
        expect(env("staging")).to.deep.equal({
            body: { deployment_branch_policy: { protected_branches: false, custom_branch_policies: true } },
            branch: "main",
        });
        expect(env("prod")).to.deep.equal({
            body: {
                prevent_self_review: true,
                can_admins_bypass: false,
                reviewers: [
                    { type: "User", id: 42 },
                    { type: "Team", id: 42 },
                ],
                deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
            },
            branch: "release",
        });
        expect(commands).to.include("$(gh api users/alice --jq .id)").and.include("$(gh api orgs/acme/teams/platform --jq .id)");
        // Pull requests preview staging from any branch; prod's read role serves only the nightly check on the default branch.
        expect(env("staging-read")).to.deep.equal({ body: { deployment_branch_policy: null }, branch: undefined });
        expect(env("prod-read")).to.deep.equal({
            body: { deployment_branch_policy: { protected_branches: false, custom_branch_policies: true } },
            branch: "main",
        });
        for (const e of ["staging", "staging-read", "prod", "prod-read"]) {
            expect(commands).to.include(`gh secret set MONGODB_ATLAS_CLIENT_SECRET --env ${e} --repo acme/membrane-infra`);
        }
    });
});

describe("self-managed path: the Membrane stack files", () => {
    it("pass the offline check the workflow runs before every preview and up, without ESC", async function () {
        this.timeout(120000);
        for (const stack of STACKS) {
            const verdict = await checkStack(stack, PROJECT_DIR, SELF_MANAGED_FIXTURES);
            expect(verdict.problems, stack).to.deep.equal([]);
            expect(verdict.code, stack).to.equal(0);
        }
    });

    it("a stack file that still imports its ESC environment is refused, naming the fix", async function () {
        this.timeout(60000);
        const err = await deploymentsError({
            stack: "self-managed",
            overrides: { "membrane-deployments:stackConfigDir": "test/fixtures" },
        });
        expect(err).to.be.instanceOf(ProgramError);
        expect(err.message).to.include(
            'membrane-deployments:stacks: stack "staging": Pulumi.staging.yaml imports the ESC environment membrane/staging, which a self-managed backend cannot open; delete its environment: lines',
        );
    });
});

// stateKeys is what the roles' state statements are built from; the DIY backend's layout it mirrors
// (pulumi/pulumi pkg/backend/diy: StackBasePath, HistoryDir, BackupDir, stackLockDir with the fully qualified
// name organization/<project>/<stack>) is restated here so a change to one side fails.
describe("self-managed path: the DIY backend's layout", () => {
    it("keeps a project-scoped stack under .pulumi/{stacks,history,backups,locks/organization}/<project>/<stack>", () => {
        expect(stateKeys("membrane", "prod")).to.deep.equal({
            meta: ".pulumi/meta.yaml",
            checkpoint: ".pulumi/stacks/membrane/prod.json*",
            history: ".pulumi/history/membrane/prod/*",
            backups: ".pulumi/backups/membrane/prod/*",
            locks: ".pulumi/locks/organization/membrane/prod/*",
        });
    });
});

describe("self-managed path: its config, refused before anything is registered", () => {
    const SELF_MANAGED_RAW = {
        runner: "github-actions-self-managed",
        repository: "acme/membrane-infra",
        stacks: ["staging", "prod"],
        stateBucket: "acme-pulumi-state",
        stateAdministrators: ["arn:aws:iam::111122223333:role/platform-admin"],
        productionReviewers: ["alice"],
        "aws:region": "us-east-1",
    };
    const boundary = (stack: string) => ({
        "membrane:iamPermissionsBoundaryArn": `arn:aws:iam::111122223333:policy/membrane-boundary-${stack}`,
        "membrane:kmsKeyAdministratorArn": `arn:aws:iam::111122223333:role/membrane-deploy-${stack}`,
    });
    const SOURCE = fakeSource({
        staging: { config: { ...STAGING_FILE, ...boundary("staging") }, environments: [] },
        prod: { config: { ...PROD_FILE, ...boundary("prod") }, environments: [] },
    });
    const parse = (values: Record<string, unknown> = {}, source = SOURCE) =>
        parseDeploymentsConfig(rawDeployments({ ...SELF_MANAGED_RAW, ...values }), source);
    const problems = (values: Record<string, unknown>, source = SOURCE): string[] => {
        try {
            parse(values, source);
        } catch (e) {
            expect(e).to.be.instanceOf(ConfigError);
            return [...(e as ConfigError).problems];
        }
        return [];
    };

    it("needs no Pulumi organization, and reads the backend's keys", () => {
        const c = parse();
        expect(c.organization).to.equal("");
        expect(c.selfManaged).to.deep.equal({
            stateBucket: "acme-pulumi-state",
            region: "us-east-1",
            githubOidcProvider: "create",
            administrators: ["arn:aws:iam::111122223333:role/platform-admin"],
            productionReviewers: ["alice"],
            defaultBranch: "main",
        });
        expect(c.warnings).to.deep.equal([]);
        // The Pulumi Cloud runners still need the organization.
        expect(problems({ runner: "github-actions" })).to.include(
            "membrane-deployments:organization: is required: the Pulumi organization whose Deployments and ESC environments assume the deploy roles",
        );
    });

    it("its keys set with a Pulumi Cloud runner are ignored, with a warning", () => {
        const c = parse({ runner: "pulumi-deployments", organization: "acme", atlasClientId: undefined });
        expect(c.selfManaged).to.equal(undefined);
        expect(c.warnings.filter((w) => w.includes("only runner github-actions-self-managed uses it"))).to.deep.equal([
            "membrane-deployments:stateBucket is set, but only runner github-actions-self-managed uses it (runner is pulumi-deployments): it is ignored",
            "membrane-deployments:stateAdministrators is set, but only runner github-actions-self-managed uses it (runner is pulumi-deployments): it is ignored",
            "membrane-deployments:productionReviewers is set, but only runner github-actions-self-managed uses it (runner is pulumi-deployments): it is ignored",
        ]);
    });

    it("a missing or invalid state bucket, or one a deploy role manages", () => {
        expect(problems({ stateBucket: "" })).to.deep.equal([
            "membrane-deployments:stateBucket: is required with runner github-actions-self-managed: the S3 bucket to create for the stacks' state, such as acme-pulumi-state",
        ]);
        expect(problems({ stateBucket: "Acme_State" })).to.include(
            'membrane-deployments:stateBucket: may contain only lowercase letters, digits, hyphens and dots (got "Acme_State")',
        );
        expect(problems({ stateBucket: "acme-prod-integration-app-state" })).to.deep.equal([
            'membrane-deployments:stateBucket: "acme-prod-integration-app-state" is inside stack "prod"\'s bucket names (acme-prod-integration-app-*), which its deploy role manages: it could delete the state; choose another name',
        ]);
        expect(problems({ "aws:region": "" })[0]).to.match(/^aws:region: must be the AWS region of the state bucket and keys/);
    });

    it("no administrator, an assumed-role session instead of a role, reviewers missing for production or more than six", () => {
        expect(problems({ stateAdministrators: [] })[0]).to.match(
            /^membrane-deployments:stateAdministrators: must list at least one IAM role or user ARN/,
        );
        expect(problems({ stateAdministrators: ["arn:aws:sts::111122223333:assumed-role/Admin/alice"] })[0]).to.match(
            /^membrane-deployments:stateAdministrators: "arn:aws:sts::111122223333:assumed-role\/Admin\/alice" is not an IAM role or user ARN/,
        );
        expect(problems({ productionReviewers: [] })).to.deep.equal([
            "membrane-deployments:productionReviewers: must name at least one GitHub user or team: production stack prod deploy only after a reviewer approves in the GitHub environment",
        ]);
        expect(problems({ productionReviewers: ["a", "b", "c", "d", "e", "f", "g"] })[0]).to.match(/at most six users or teams/);
        expect(problems({ productionReviewers: ["not a login"] })).to.deep.equal([
            'membrane-deployments:productionReviewers: "not a login" is not a GitHub login (alice) or team (acme/platform)',
        ]);
        expect(problems({ productionReviewers: [], stacks: ["staging"] })).to.deep.equal([]);
    });

    it("what only Pulumi Cloud can do: Atlas credentials for ESC, a policy group, automatic remediation", () => {
        expect(
            problems({ atlasClientId: "mdb_sa_id_0123456789abcdef01234567" }).some((p) =>
                /^membrane-deployments:atlasClientId: has no ESC environment to go to with runner github-actions-self-managed/.test(p),
            ),
        ).to.equal(true);
        expect(problems({ policyGroup: "membrane" })[0]).to.match(/^membrane-deployments:policyGroup: needs Pulumi Cloud/);
        expect(problems({ driftAutoRemediate: true })[0]).to.match(
            /^membrane-deployments:driftAutoRemediate: is not available with runner github-actions-self-managed/,
        );
        expect(problems({ githubOidcProvider: "reuse" })[0]).to.match(
            /^membrane-deployments:githubOidcProvider: must be create or existing/,
        );
    });

    it("a stack file with another boundary, or none (a warning with the fix), or a stack name no KMS alias takes", () => {
        const other = fakeSource({
            staging: {
                config: {
                    ...STAGING_FILE,
                    ...boundary("staging"),
                    "membrane:iamPermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/other",
                },
                environments: [],
            },
            prod: { config: { ...PROD_FILE, ...boundary("prod") }, environments: [] },
        });
        expect(problems({}, other)).to.deep.equal([
            'membrane-deployments:stacks: stack "staging": membrane:iamPermissionsBoundaryArn in Pulumi.staging.yaml is arn:aws:iam::111122223333:policy/other, but its deploy role creates roles only with the boundary membrane-boundary-staging; set it to this program\'s permissionsBoundaryArns.staging output',
        ]);
        const none = fakeSource({ staging: { config: STAGING_FILE, environments: [] } });
        expect(parse({ stacks: ["staging"] }, none).warnings).to.deep.equal([
            "Pulumi.staging.yaml does not set membrane:iamPermissionsBoundaryArn: without ESC the stack file must, or the deploy role refuses to create its roles; set it once this program has run (the setupCommands output has the command)",
            "Pulumi.staging.yaml does not set membrane:kmsKeyAdministratorArn: without ESC the stack file must, or KMS refuses the deploy role the keys it creates (their key policy names their administrator); set it once this program has run (the setupCommands output has the command)",
        ]);
        const otherAdministrator = fakeSource({
            staging: {
                config: {
                    ...STAGING_FILE,
                    ...boundary("staging"),
                    "membrane:kmsKeyAdministratorArn": "arn:aws:iam::111122223333:role/admin",
                },
                environments: [],
            },
        });
        expect(problems({ stacks: ["staging"] }, otherAdministrator)).to.deep.equal([
            'membrane-deployments:stacks: stack "staging": membrane:kmsKeyAdministratorArn in Pulumi.staging.yaml is arn:aws:iam::111122223333:role/admin, but the keys the stack creates must name its deploy role membrane-deploy-staging, the only role that can manage them; set it to this program\'s deployRoleArns.staging output',
        ]);
        const dotted = fakeSource({ "staging.eu": { config: { ...STAGING_FILE, ...boundary("staging.eu") }, environments: [] } });
        expect(problems({ stacks: ["staging.eu"] }, dotted)).to.deep.equal([
            'membrane-deployments:stacks: stack "staging.eu" cannot name its secrets key alias/membrane-state-staging.eu: KMS aliases allow letters, digits, "/", "_" and "-"',
        ]);
    });

    it("setup commands store Atlas service accounts for the stacks that have Atlas only: none for databaseMode external", () => {
        const source = fakeSource({
            staging: { config: { ...STAGING_FILE, ...boundary("staging"), "membrane:databaseMode": "external" }, environments: [] },
            prod: { config: { ...PROD_FILE, ...boundary("prod") }, environments: [] },
        });
        const c = parse({}, source);
        expect(c.stacks.map((s) => [s.stack, s.facts.externalDatabase ?? false])).to.deep.equal([
            ["staging", true],
            ["prod", false],
        ]);
        const arns = (kind: string) => Object.fromEntries(["staging", "prod"].map((s) => [s, `arn:aws:iam::111122223333:${kind}-${s}`]));
        const text = setupCommands(c, { deploymentsStack: "platform", boundaryArns: arns("policy/b"), deployRoleArns: arns("role/d") });
        const secrets = text.split("\n").filter((l) => l.startsWith("gh secret set "));
        expect(secrets).to.deep.equal(
            ["prod", "prod-read"].flatMap((e) =>
                ["MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET"].map(
                    (k) => `gh secret set ${k} --env ${e} --repo acme/membrane-infra`,
                ),
            ),
        );
        expect(text).to.include("#    None for staging (membrane:databaseMode external: no Atlas resource).");
        // Both Atlas stacks: every environment gets them, and no such line.
        const both = setupCommands(parse(), {
            deploymentsStack: "platform",
            boundaryArns: arns("policy/b"),
            deployRoleArns: arns("role/d"),
        });
        expect(both.split("\n").filter((l) => l.startsWith("gh secret set "))).to.have.lengthOf(8);
        expect(both).to.not.include("None for");
    });
});

describe("npm run deployments on the self-managed fixture", () => {
    it("prints the plan, the pack's verdict, and where the setup commands come from, exit 0", async function () {
        this.timeout(60000);
        const { code, out } = await runCommand(main, ["--stack", "self-managed"], DEPLOYMENTS_FIXTURES);
        expect(code).to.equal(0);
        expect(out).to.include("Policy pack: no violations");
        expect(out).to.include("+ aws:kms/key:Key");
        expect(out).to.include("stateBackend: s3://acme-pulumi-state?region=us-east-1");
        expect(out).to.include("setupCommands: (after pulumi up: pulumi stack output setupCommands)");
        expect(out).to.not.include("gh api");
    });
});
