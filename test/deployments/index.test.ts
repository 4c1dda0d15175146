// The deployments program (deployments/) on its fixture stacks, through the offline engine: what it
// registers for each Membrane stack, the OIDC provider created or found, the trust policies, the ESC
// environments, and bad input refused before anything is registered.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { runPolicies } from "../../policy/runner";
import { Evaluation, PROJECT_DIR, ProgramError } from "../../tools/engine";
import { HELP, main } from "../../tools/deployments-plan";
import { ACCOUNT_ID } from "../../tools/mock-cloud";
import { plannedResources } from "../../tools/plan";
import { StackConfigError } from "../../lib/stack-files";
import type { DeploymentsConfig } from "../../deployments/config";
import { githubSubjects } from "../../deployments/github-actions";
import { pathGlobs, programFiles } from "../../deployments/program-files";
import { assetText, DEPLOYMENTS_FIXTURES, deploymentsError, deploymentsStack, evaluateDeployments, json, named } from "./harness";
import { runCommand } from "../harness";
import { tempDir } from "../support/tmp";

const OIDC_ARN = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/api.pulumi.com/oidc`;
const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);

describe("deployments program: the acme fixture (two stacks, provider created, Atlas)", () => {
    let ev: Evaluation;
    before(async function () {
        this.timeout(120000);
        ev = await deploymentsStack("acme");
    });

    it("groups everything in components, children named after them", () => {
        const components = ev.resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack").map((r) => [r.type, r.name]);
        expect(components).to.deep.equal([
            ["membrane:deployments:PulumiOidc", "pulumi-oidc"],
            ["membrane:deployments:StackDeployment", "stack-staging"],
            ["membrane:deployments:StackDeployment", "stack-prod"],
        ]);
        for (const r of ev.resources.filter((x) => x.custom)) {
            const parent = ev.resources.find((p) => p.urn === r.parent)!;
            expect(parent.custom, r.name).to.equal(false);
            expect(r.name.startsWith(`${parent.name}-`), r.name).to.equal(true);
        }
    });

    it("creates the IAM OIDC provider for Pulumi Cloud with both audiences: the organization (Deployments) and aws:<org> (ESC)", () => {
        const provider = named(ev, "pulumi-oidc-provider");
        expect(provider.type).to.equal("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
        expect(provider.inputs.url).to.equal("https://api.pulumi.com/oidc");
        expect(provider.inputs.clientIdLists).to.deep.equal(["acme", "aws:acme"]);
        expect(ev.outputs.oidcProviderArn.value).to.equal(OIDC_ARN);
    });

    for (const [stack, branch, production] of [
        ["staging", "main", false],
        ["prod", "release", true],
    ] as const) {
        describe(stack, () => {
            it(`deploys from ${branch} on push, ${production ? "never previewing" : "previewing"} pull requests, with path filters, the stack check, skip-intermediate and the cache`, () => {
                const s = named(ev, `stack-${stack}-settings`);
                expect(s.type).to.equal("pulumiservice:index:DeploymentSettings");
                expect(s.inputs).to.not.have.property("github");
                expect(s.inputs).to.deep.include({ organization: "acme", project: "membrane", stack, cacheOptions: { enable: true } });
                expect(s.inputs.sourceContext).to.deep.equal({ git: { branch: `refs/heads/${branch}` } });
                expect(s.inputs.vcs).to.deep.equal({
                    provider: "github",
                    repository: "acme/membrane-infra",
                    deployCommits: true,
                    previewPullRequests: !production,
                    pullRequestTemplate: false,
                    // The filters derived from the program's imports (test/deployments/program-files.test.ts checks them
                    // against what Node loads), then the stack's own file.
                    paths: [...pathGlobs(programFiles(PROJECT_DIR, ""), ""), `test/fixtures/Pulumi.${stack}.yaml`],
                });
                const op = s.inputs.operationContext as any;
                expect(op.preRunCommands).to.deep.equal(["npm ci --no-audit --no-fund", `npm run check -- --stack ${stack}`]);
                expect(op.options).to.deep.equal({ skipIntermediateDeployments: true, skipInstallDependencies: true });
                expect(op.oidc.aws).to.deep.equal({
                    roleARN: `arn:aws:iam::${ACCOUNT_ID}:role/membrane-deploy-${stack}`,
                    sessionName: `membrane-${stack}-deployments`,
                    duration: "1h",
                });
                expect(op).to.not.have.property("environmentVariables");
            });

            it("waits for the role's policies and the ESC environment before the settings can trigger a deployment", () => {
                const s = named(ev, `stack-${stack}-settings`);
                const needed = ev.resources.filter(
                    (r) =>
                        r.parent === s.parent &&
                        (r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" || r.type === "pulumiservice:index:Environment"),
                );
                expect(needed.length).to.be.greaterThan(3);
                for (const r of needed) {
                    expect(s.dependencies, r.name).to.include(r.urn);
                }
            });

            it("detects drift nightly and never auto-remediates it", () => {
                const d = named(ev, `stack-${stack}-drift`);
                expect(d.inputs).to.deep.equal({
                    organization: "acme",
                    project: "membrane",
                    stack,
                    scheduleCron: "0 4 * * *",
                    autoRemediate: false,
                });
                expect(d.dependencies).to.include(named(ev, `stack-${stack}-settings`).urn);
            });

            it("tags the stack", () => {
                expect(named(ev, `stack-${stack}-tags`).inputs).to.deep.equal({
                    organization: "acme",
                    project: "membrane",
                    stack,
                    tags: {
                        "membrane:environment": stack,
                        "membrane:production": String(production),
                        "membrane:deployBranch": branch,
                        "membrane:escEnvironment": `membrane/${stack}`,
                        "membrane:managedBy": "membrane-deployments/acme",
                    },
                });
            });

            it("trusts Deployments of this org, project and stack only (audience exact), and this stack's ESC environment only", () => {
                const role = named(ev, `stack-${stack}-role`);
                expect(role.inputs.name).to.equal(`membrane-deploy-${stack}`);
                expect(role.inputs.maxSessionDuration).to.equal(3600);
                expect(role.inputs).to.not.have.any.keys("inlinePolicies", "managedPolicyArns");
                expect(json(role, "assumeRolePolicy")).to.deep.equal({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "PulumiDeployments",
                            Effect: "Allow",
                            Principal: { Federated: OIDC_ARN },
                            Action: "sts:AssumeRoleWithWebIdentity",
                            Condition: {
                                StringEquals: { "api.pulumi.com/oidc:aud": "acme" },
                                StringLike: {
                                    "api.pulumi.com/oidc:sub": `pulumi:deploy:org:acme:project:membrane:stack:${stack}:operation:*`,
                                },
                            },
                        },
                        {
                            Sid: "PulumiEscEnvironment",
                            Effect: "Allow",
                            Principal: { Federated: OIDC_ARN },
                            Action: "sts:AssumeRoleWithWebIdentity",
                            Condition: {
                                StringEquals: {
                                    "api.pulumi.com/oidc:aud": "aws:acme",
                                    "api.pulumi.com/oidc:sub": `pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:membrane/${stack}`,
                                },
                            },
                        },
                    ],
                });
            });

            it("attaches one least-privilege managed policy per family of services, and a boundary for the program's roles", () => {
                const attachments = ofType(ev, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) =>
                    a.name.startsWith(`stack-${stack}-`),
                );
                expect(attachments.map((a) => a.inputs.policyArn).sort()).to.deep.equal(
                    ["cache", "cdn", "identity", "network", "observability", "secrets", "storage"].map(
                        (f) => `arn:aws:iam::${ACCOUNT_ID}:policy/membrane-deploy-${stack}-${f}`,
                    ),
                );
                expect(attachments.every((a) => a.inputs.role === `membrane-deploy-${stack}`)).to.equal(true);
                const boundary = named(ev, `stack-${stack}-boundary`);
                expect(boundary.inputs.name).to.equal(`membrane-boundary-${stack}`);
                const region = stack === "prod" ? "us-east-1" : "eu-west-1";
                expect(json(boundary, "policy").Statement.map((s: any) => s.Resource)).to.deep.equal([
                    [`arn:aws:s3:::acme-${stack}-integration-app-*`],
                    [`arn:aws:s3:::acme-${stack}-integration-app-*/*`],
                    [`arn:aws:s3:::acme-${stack}-integration-app-*`],
                    [`arn:aws:s3:::acme-${stack}-integration-app-*/*`],
                    [`arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:membrane/${stack}/*`],
                    ["*"],
                    [`arn:aws:ecr:${region}:${ACCOUNT_ID}:repository/membrane/*`],
                    [`arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:/membrane/${stack}/*:log-stream:*`],
                ]);
                const identity = json(named(ev, `stack-${stack}-deploy-identity`), "policy");
                const create = identity.Statement.find((s: any) => s.Action.includes("iam:CreateRole"));
                expect(create.Condition).to.deep.equal({
                    StringEquals: { "iam:PermissionsBoundary": `arn:aws:iam::${ACCOUNT_ID}:policy/membrane-boundary-${stack}` },
                });
            });

            it("gives the stack an ESC environment: aws-login with the same role, subjectAttributes, the Atlas secret as fn::secret, the boundary as config", () => {
                const env = named(ev, `stack-${stack}-environment`);
                expect(env.inputs).to.deep.include({ organization: "acme", project: "membrane", name: stack });
                expect(env.secretInputs).to.deep.equal(["yaml"]);
                expect(parse(assetText(env, "yaml"))).to.deep.equal({
                    values: {
                        aws: {
                            login: {
                                "fn::open::aws-login": {
                                    oidc: {
                                        roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/membrane-deploy-${stack}`,
                                        sessionName: `membrane-${stack}-esc`,
                                        duration: "1h",
                                        subjectAttributes: ["currentEnvironment.name"],
                                    },
                                },
                            },
                        },
                        atlas: {
                            clientId: "mdb_sa_id_0123456789abcdef01234567",
                            clientSecret: { "fn::secret": "mdb_sa_sk_fixture-secret-value" },
                        },
                        environmentVariables: {
                            AWS_ACCESS_KEY_ID: "${aws.login.accessKeyId}",
                            AWS_SECRET_ACCESS_KEY: "${aws.login.secretAccessKey}",
                            AWS_SESSION_TOKEN: "${aws.login.sessionToken}",
                            MONGODB_ATLAS_CLIENT_ID: "${atlas.clientId}",
                            MONGODB_ATLAS_CLIENT_SECRET: "${atlas.clientSecret}",
                        },
                        pulumiConfig: {
                            "membrane:iamPermissionsBoundaryArn": `arn:aws:iam::${ACCOUNT_ID}:policy/membrane-boundary-${stack}`,
                            "membrane:kmsKeyAdministratorArn": `arn:aws:iam::${ACCOUNT_ID}:role/membrane-deploy-${stack}`,
                        },
                    },
                });
            });
        });
    }

    it("stores no key anywhere: no access key, token or plain secret in any input or output", () => {
        const text = JSON.stringify([
            ev.resources.map((r) =>
                r.secretInputs.length ? { ...r.inputs, ...Object.fromEntries(r.secretInputs.map((k) => [k, "[secret]"])) } : r.inputs,
            ),
            ev.outputs,
        ]);
        expect(text).to.not.match(/AKIA|aws_secret_access_key|PULUMI_ACCESS_TOKEN|mdb_sa_sk_/);
        expect(Object.values(ev.outputs).every((o) => !o.secret)).to.equal(true);
    });

    it("exports each stack's role, boundary and ESC environment", () => {
        expect(ev.outputs.escEnvironments.value).to.deep.equal({ staging: "acme/membrane/staging", prod: "acme/membrane/prod" });
        expect(ev.outputs.deployRoleArns.value).to.deep.equal({
            staging: `arn:aws:iam::${ACCOUNT_ID}:role/membrane-deploy-staging`,
            prod: `arn:aws:iam::${ACCOUNT_ID}:role/membrane-deploy-prod`,
        });
        expect(ev.warnings).to.deep.equal([]);
    });

    it("the policy pack finds nothing", () => {
        expect(runPolicies(plannedResources(ev))).to.deep.equal([]);
    });
});

describe("deployments program: run by the GitHub Actions workflow instead", () => {
    let ev: Evaluation;
    before(async function () {
        this.timeout(60000);
        ev = await evaluateDeployments({ stack: "acme", overrides: { "membrane-deployments:runner": "github-actions" } });
    });

    it("lets the workflow log in with GitHub's OIDC token, for the deploy branches and pull requests of this repository only", () => {
        const issuer = named(ev, "github-actions-issuer");
        expect(ev.resources.find((r) => r.urn === issuer.parent)!.type).to.equal("membrane:deployments:GithubActions");
        expect(issuer.inputs).to.deep.include({
            organization: "acme",
            url: "https://token.actions.githubusercontent.com",
            maxExpirationSeconds: 3600,
        });
        expect((issuer.inputs.policies as any[]).map((p) => p.rules)).to.deep.equal([
            { aud: "urn:pulumi:org:acme", sub: "repo:acme/membrane-infra:ref:refs/heads/main" },
            { aud: "urn:pulumi:org:acme", sub: "repo:acme/membrane-infra:ref:refs/heads/release" },
            { aud: "urn:pulumi:org:acme", sub: "repo:acme/membrane-infra:pull_request" },
        ]);
        // What Pulumi Cloud accepts for an organization token, as its OpenAPI spec (the copy the provider bundles)
        // says in the auth-policy operation: "only `admin` is supported for organization tokens". The rules above
        // confine the token to this repository's deploy refs.
        const spec = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "test", "data", "pulumi-cloud-auth-policy.json"), "utf8"));
        expect(spec.AuthPolicyDefinition.required).to.include("authorizedPermissions");
        const supported = /only `(\w+)` is supported for organization tokens/.exec(spec.operation.description);
        expect(supported, "the spec's statement of what organization tokens take").to.not.equal(null);
        for (const policy of issuer.inputs.policies as any[]) {
            expect(policy).to.deep.include({ decision: "allow", tokenType: "organization", authorizedPermissions: [supported![1]] });
        }
    });

    it("trusts only the pushes of branches that deploy, and pull requests only where one stack previews them", () => {
        const stacks = [
            { branch: "main", deployCommits: true, previewPullRequests: false },
            { branch: "release", deployCommits: false, previewPullRequests: false },
        ] as unknown as DeploymentsConfig["stacks"];
        expect(githubSubjects({ repository: "acme/infra", stacks })).to.deep.equal(["repo:acme/infra:ref:refs/heads/main"]);
        const previewing = [stacks[0], { ...stacks[1], previewPullRequests: true }] as unknown as DeploymentsConfig["stacks"];
        expect(githubSubjects({ repository: "acme/infra", stacks: previewing })).to.deep.equal([
            "repo:acme/infra:ref:refs/heads/main",
            "repo:acme/infra:pull_request",
        ]);
    });

    it("keeps the deployment settings (drift runs need them) but turns Deployments' push and pull request triggers off", () => {
        for (const stack of ["staging", "prod"]) {
            expect(named(ev, `stack-${stack}-settings`).inputs.vcs).to.deep.include({ deployCommits: false, previewPullRequests: false });
        }
        expect(parse(String(ev.outputs.githubWorkflow.value)).jobs).to.have.all.keys("check", "preview-staging", "up-staging", "up-prod");
    });
});

describe("deployments program: the OIDC provider that already exists", () => {
    it("uses the account's provider when the fixture's account has one with both audiences", async function () {
        this.timeout(60000);
        const ev = await deploymentsStack("shared-account");
        expect(ofType(ev, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).to.deep.equal([]);
        expect(
            ev.invokes.filter((i) => i.token === "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider").map((i) => i.inputs),
        ).to.deep.equal([{ url: "https://api.pulumi.com/oidc" }]);
        expect(json(named(ev, "stack-staging-role"), "assumeRolePolicy").Statement[0].Principal).to.deep.equal({ Federated: OIDC_ARN });
        expect(ofType(ev, "pulumiservice:index:OidcIssuer")).to.deep.equal([]);
        expect(ev.warnings).to.deep.equal([
            "membrane-deployments:atlasClientId is empty: the ESC environments carry no Atlas credentials, which stacks in atlas database mode need (add them with pulumi config set)",
        ]);
        expect(parse(assetText(named(ev, "stack-staging-environment"), "yaml")).values).to.not.have.property("atlas");
    });

    it("fails when the account has none: the look-up never invents one", async function () {
        this.timeout(60000);
        const err = await deploymentsError({ stack: "shared-account", cloud: {} });
        expect(err).to.be.instanceOf(ProgramError);
        expect(err.message).to.match(/no IAM OIDC provider for url "https:\/\/api\.pulumi\.com\/oidc"/);
    });

    it("fails, naming the key and the fix, when the provider lacks the ESC audience", async function () {
        this.timeout(60000);
        const err = await deploymentsError({
            stack: "shared-account",
            cloud: { oidcProviders: [{ url: "https://api.pulumi.com/oidc", clientIds: ["acme", "aws:Acme"] }] },
        });
        expect(err.message).to.include(
            `membrane-deployments:oidcProvider is "existing", but the IAM OIDC provider ${OIDC_ARN} lacks the audience aws:acme`,
        );
        expect(err.message).to.include(
            `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${OIDC_ARN} --client-id aws:acme`,
        );
    });
});

describe("deployments program: refused before anything is registered", () => {
    const refused = async (overrides: Record<string, unknown>, pattern: RegExp) => {
        const err = await deploymentsError({ stack: "acme", overrides });
        expect(err).to.be.instanceOf(ProgramError);
        expect(err.message).to.match(pattern);
        expect((err as ProgramError).registered.filter((u) => !u.includes("pulumi:pulumi:Stack"))).to.deep.equal([]);
    };

    it("an unknown stack, a repository not owner/name, an empty or uppercase organization", async function () {
        this.timeout(120000);
        await Promise.all([
            refused(
                { "membrane-deployments:stacks": ["staging", "qa"] },
                /membrane-deployments:stacks: "qa" is not a stack of the Membrane project membrane .* its stacks are: legacy, prod, staging/,
            ),
            refused(
                { "membrane-deployments:repository": "membrane-infra" },
                /membrane-deployments:repository: must be a GitHub repository as owner\/name/,
            ),
            refused({ "membrane-deployments:organization": "" }, /membrane-deployments:organization: is required/),
            refused(
                { "membrane-deployments:organization": "ACME" },
                /membrane-deployments:organization: must be the organization's login in lowercase/,
            ),
        ]);
    });

    it("the Atlas secret in plain text", async function () {
        this.timeout(60000);
        await refused(
            { "membrane-deployments:atlasClientSecret": "mdb_sa_sk_plain" },
            /membrane-deployments:atlasClientSecret: holds a plain-text value/,
        );
    });

    it("a Membrane project folder that does not exist", async function () {
        this.timeout(60000);
        await refused({ "membrane-deployments:repoDir": "infra" }, /membrane-deployments:repoDir: there is no Pulumi\.yaml in "infra"/);
        await refused(
            { "membrane-deployments:stackConfigDir": "../elsewhere" },
            /membrane-deployments:stackConfigDir: must be a folder inside the repository/,
        );
    });

    it("the CLI's own checks first: a missing required key", async function () {
        this.timeout(60000);
        const err = await deploymentsError({ stack: "acme", unset: ["membrane-deployments:repository"] });
        expect(err).to.be.instanceOf(StackConfigError);
        expect(err.message).to.equal("Stack 'acme' is missing configuration value 'repository'");
    });
});

describe("deployments program at preview, where the cloud's values are unknown", () => {
    it("evaluates without crashing and the policy pack raises no mandatory violation", async function () {
        this.timeout(60000);
        const ev = await evaluateDeployments({ stack: "acme", preview: true });
        expect(ofType(ev, "pulumiservice:index:DeploymentSettings")).to.have.lengthOf(2);
        expect(runPolicies(plannedResources(ev)).filter((f) => f.enforcementLevel === "mandatory")).to.deep.equal([]);
    });
});

describe("npm run deployments", () => {
    const run = (argv: string[]) => runCommand(main, argv, DEPLOYMENTS_FIXTURES);

    it("prints its help for --help, exit 0", async () => {
        const { code, out } = await run(["--help"]);
        expect(code).to.equal(0);
        expect(out).to.equal(`${HELP}\n`);
    });

    it("prints what the program would create and the policy pack's verdict, exit 0", async function () {
        this.timeout(60000);
        const { code, out } = await run(["--stack", "acme"]);
        expect(code).to.equal(0);
        expect(out).to.include("Stack membrane-deployments/acme, evaluated offline");
        expect(out).to.include("+ pulumiservice:index:DeploymentSettings");
        expect(out).to.include("Policy pack: no violations");
        expect(out).to.match(/\d+ resources in 3 components/);
    });

    it("loads <stack>.cloud.yaml beside the stack file by itself; without one, lists each look-up as an assumption", async function () {
        this.timeout(60000);
        // The fixture folder has acme.cloud.yaml beside Pulumi.acme.yaml.
        const beside = await run(["--stack", "acme"]);
        expect(beside.code).to.equal(0);
        expect(beside.out).to.not.include("Assumed to exist");
        const dir = tempDir("no-cloud-");
        try {
            fs.copyFileSync(path.join(DEPLOYMENTS_FIXTURES, "Pulumi.acme.yaml"), path.join(dir, "Pulumi.acme.yaml"));
            const alone = await runCommand(main, ["--stack", "acme"], dir);
            expect(alone.code).to.equal(0);
            expect(alone.out).to.include("Assumed to exist, verified by pulumi preview");
            expect(alone.out).to.include("  - public Route 53 hosted zone acme.example.com");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    // The docs' example cloud file listed the OIDC provider only: the zone look-up failed inside the deploy
    // policies' inputs, the engine reported success, and 8 resources came out instead of 41 (issue 20).
    it("a cloud file without a look-up the program needs: exit 2 naming the entry to add, never a shorter plan", async function () {
        this.timeout(60000);
        const dir = tempDir("cloud-");
        const oidc = "oidcProviders:\n  - url: https://api.pulumi.com/oidc\n    clientIds: [acme, aws:acme]\n";
        fs.writeFileSync(path.join(dir, "oidc-only.cloud.yaml"), oidc);
        fs.writeFileSync(
            path.join(dir, "complete.cloud.yaml"),
            `${oidc}hostedZones:\n  - name: acme.example.com\n    id: Z0123456789ABCDEFGHIJ\n` +
                "eksClusters:\n  - name: acme-prod\n    region: us-east-1\n    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/E87178F8BD7F3517DEB81AF928E47A5B\n",
        );
        const partial = await run(["--stack", "acme", "--cloud", path.join(dir, "oidc-only.cloud.yaml")]);
        expect(partial.code).to.equal(2);
        expect(partial.out).to.equal("");
        expect(partial.err).to.include(
            'Membrane stack staging: membrane:hostedZoneName: there is no public Route 53 hosted zone "acme.example.com"',
        );
        expect(partial.err).to.include("add hostedZones: [{ name: acme.example.com, id: <its zone id> }]");
        const complete = await run(["--stack", "acme", "--cloud", path.join(dir, "complete.cloud.yaml"), "--json"]);
        expect(complete.code).to.equal(0);
        const plan = JSON.parse(complete.out) as { components: Array<{ resources: Array<{ type: string }> }> };
        const types = plan.components.flatMap((c) => c.resources.map((r) => r.type));
        expect(types.filter((t) => t === "pulumiservice:index:DeploymentSettings")).to.have.lengthOf(2);
        expect(types.filter((t) => t === "pulumiservice:index:DriftSchedule")).to.have.lengthOf(2);
        expect(types.filter((t) => t === "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length).to.be.greaterThan(2);
    });

    // A look-up that fails inside resource inputs (the EKS cluster's issuer, in the deploy policies) came back
    // as `error serializing property "policyArn": ` seven times and `"policy"` seven times before the cause.
    it("a look-up that fails inside resource inputs: its message once, first, without the SDK's serialization wrappers", async function () {
        this.timeout(60000);
        const dir = tempDir("cloud-");
        const file = path.join(dir, "no-cluster.cloud.yaml");
        fs.writeFileSync(file, "hostedZones:\n  - name: acme.example.com\n    id: Z0123456789ABCDEFGHIJ\n");
        const { code, out, err } = await run(["--stack", "acme", "--cloud", file]);
        expect([code, out]).to.deep.equal([2, ""]);
        expect(err).to.not.include("error serializing");
        expect(err).to.match(/^error: stack acme: reading EKS Cluster \(acme-prod\): couldn't find resource/);
        expect(err.match(/reading EKS Cluster/g)).to.have.lengthOf(1);
        expect(err).to.include("add eksClusters: [{ name: acme-prod, region: us-east-1, oidcIssuer: <its issuer URL> }]");
        expect(err).to.match(/\(in the resource inputs [a-zA-Z, ]*policy/);
    });

    it("prints the workflow with --workflow, and refuses unknown stacks and arguments with exit 2", async function () {
        this.timeout(60000);
        const wf = await run(["--stack", "acme", "--workflow"]);
        expect(wf.code).to.equal(0);
        expect(parse(wf.out).jobs).to.have.all.keys("check", "preview-staging", "up-staging", "up-prod");
        const unknown = await run(["--stack", "nope"]);
        expect(unknown.code).to.equal(2);
        expect(unknown.err).to.match(/unknown deployments stack "nope".*Its stacks: acme, self-managed, shared-account/);
        expect((await run([])).code).to.equal(2);
        expect((await run(["--stack", "acme", "--nope"])).err).to.match(/unknown argument "--nope"/);
    });
});
