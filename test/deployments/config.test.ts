// The deployments program's config, as pure functions: what each stack gets, and every input refused
// with a message that names the key and the rule.
import { expect } from "chai";
import {
    branchProblems,
    cronProblems,
    DeploymentsConfig,
    durationSeconds,
    MembraneSource,
    parseDeploymentsConfig,
    pathFilters,
} from "../../deployments/config";
import { ConfigError } from "../../lib/config-reader";
import { iamGlobMatches } from "../../lib/glob";
import { deploymentSettingsArgs, driftScheduleArgs, ROLE_SESSION_NAME, STACK_TAG_NAME, stackTags } from "../../deployments/settings";
import { fakeSource, PROD_FILE, rawDeployments, STAGING_FILE, VALID_DEPLOYMENTS } from "./harness";

const SOURCE = fakeSource({ staging: { config: STAGING_FILE }, prod: { config: PROD_FILE } });

function parse(
    values: Record<string, unknown> = {},
    source: MembraneSource = SOURCE,
    secretKeys = ["atlasClientSecret"],
): DeploymentsConfig {
    return parseDeploymentsConfig(rawDeployments({ ...VALID_DEPLOYMENTS, ...values }, secretKeys), source);
}

function problems(values: Record<string, unknown>, source: MembraneSource = SOURCE, secretKeys = ["atlasClientSecret"]): string[] {
    try {
        parse(values, source, secretKeys);
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return [...(e as ConfigError).problems];
    }
    return [];
}

const stack = (c: DeploymentsConfig, name: string) => c.stacks.find((s) => s.stack === name)!;

describe("deployments config: what each stack gets", () => {
    const c = parse();

    it("reads the Membrane project's name and each stack's facts from its files", () => {
        expect(c.membraneProject).to.equal("membrane");
        expect(stack(c, "prod").facts).to.deep.include({
            environment: "prod",
            production: true,
            region: "us-east-1",
            namePrefix: "acme-",
            vpcId: "vpc-0a1b2c3d4e5f60718",
            eksClusterName: "acme-prod",
            dns: { hostedZoneName: "acme.example.com", staticDomainName: "static.prod.acme.example.com" },
        });
        expect(stack(c, "staging").facts.production).to.equal(false);
        expect(stack(c, "staging").facts.eksClusterName).to.equal(undefined);
    });

    it("reads the names a stack adopts, and nothing for a stack that adopts nothing", () => {
        const adopting = fakeSource({
            staging: { config: STAGING_FILE },
            prod: {
                config: {
                    ...PROD_FILE,
                    "membrane:existingTmpBucket": "prod-integration-app-tmp",
                    "membrane:existingRedisReplicationGroupId": "prod-redis-new",
                    "membrane:existingRedisSubnetGroupName": "prod-redis-subnet-group",
                    "membrane:existingEcsTaskRoleName": "prod-ecs-task-role",
                },
            },
        });
        expect(stack(parse({}, adopting), "prod").facts.adopted).to.deep.equal({
            buckets: ["prod-integration-app-tmp"],
            roleNames: ["prod-ecs-task-role"],
            replicationGroupId: "prod-redis-new",
            cacheSubnetGroupName: "prod-redis-subnet-group",
        });
        expect(stack(c, "prod").facts.adopted).to.equal(undefined);
    });

    it("reads membrane:regionInNames, which ends the replication role's and the alarm topics' names", () => {
        const regional = fakeSource({
            staging: { config: STAGING_FILE },
            prod: { config: { ...PROD_FILE, "membrane:regionInNames": true } },
        });
        expect(stack(parse({}, regional), "prod").facts.regionInNames).to.equal(true);
        expect(stack(c, "prod").facts.regionInNames).to.equal(undefined);
    });

    it("reads membrane:ec2InstanceRole, for which the deploy role may create the instance profile and pass the role", () => {
        const withRole = fakeSource({
            staging: { config: STAGING_FILE },
            prod: { config: { ...PROD_FILE, "membrane:ec2InstanceRole": true } },
        });
        expect(stack(parse({}, withRole), "prod").facts.ec2InstanceRole).to.equal(true);
        expect(stack(c, "prod").facts.ec2InstanceRole).to.equal(undefined);
    });

    it("reads the credentials secret's key and an existing ECS execution role, which the deploy role's grants name", () => {
        const key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        const withStore = (extra: Record<string, unknown>) =>
            stack(parse({}, fakeSource({ staging: { config: { ...STAGING_FILE, ...extra } }, prod: { config: PROD_FILE } })), "staging")
                .facts;
        const facts = withStore({
            "membrane:secretsKmsKeyArn": key,
            "membrane:ecsExecutionRole": "existing",
            "membrane:ecsExecutionRoleName": "acme-ecs-execution",
        });
        expect(facts).to.deep.include({ secretsKmsKeyArn: key, existingExecutionRoleName: "acme-ecs-execution" });
        // The defaults: the AWS managed key and a created role, which the table's role pattern covers.
        expect(stack(c, "staging").facts).to.not.have.any.keys("secretsKmsKeyArn", "existingExecutionRoleName");
        // Without the store, neither is used.
        expect(withStore({ "membrane:secretsManager": false, "membrane:secretsKmsKeyArn": key })).to.not.have.property("secretsKmsKeyArn");
        expect(
            problems(
                {},
                fakeSource({
                    staging: { config: { ...STAGING_FILE, "membrane:ecsExecutionRole": "existing" } },
                    prod: { config: PROD_FILE },
                }),
            ),
        ).to.deep.equal([
            'membrane-deployments:stacks: stack "staging": membrane:ecsExecutionRoleName is not set in Pulumi.staging.yaml (the deploy role may give this existing role its read policy); set it there: a value that comes only from an ESC environment cannot be read here',
        ]);
    });

    it("deploys non-production stacks from main and production from the release branch", () => {
        expect(stack(c, "staging").branch).to.equal("main");
        expect(stack(c, "prod").branch).to.equal("release");
        const other = parse({ branch: "develop", productionBranch: "production" });
        expect(other.stacks.map((s) => [s.stack, s.branch])).to.deep.equal([
            ["staging", "develop"],
            ["prod", "production"],
        ]);
    });

    it("previews pull requests for non-production stacks only: production's role is never lent to unmerged code", () => {
        expect(stack(c, "staging").previewPullRequests).to.equal(true);
        expect(stack(c, "prod").previewPullRequests).to.equal(false);
        expect(parse({ previewPullRequests: false }).stacks.every((s) => !s.previewPullRequests)).to.equal(true);
    });

    it("deploys on push unless deployCommits is false", () => {
        expect(c.stacks.every((s) => s.deployCommits)).to.equal(true);
        expect(parse({ deployCommits: false }).stacks.some((s) => s.deployCommits)).to.equal(false);
    });

    it("filters on the program's files and the stack's own stack file only", () => {
        expect(stack(c, "prod").paths).to.deep.equal([...SOURCE.programPaths, "Pulumi.prod.yaml"]);
        expect(SOURCE.programPaths).to.include.members(["index.ts", "components/**", "lib/**", "Pulumi.yaml", "package-lock.json"]);
        expect(stack(c, "staging").paths).to.include("Pulumi.staging.yaml").and.not.include("Pulumi.prod.yaml");
        expect(pathFilters(["infra/membrane/index.ts", "infra/membrane/components/**"], "infra/membrane/stacks", "prod")).to.deep.equal([
            "infra/membrane/index.ts",
            "infra/membrane/components/**",
            "infra/membrane/stacks/Pulumi.prod.yaml",
        ]);
        expect(parse({ repoDir: "./infra/membrane/" }).repoDir).to.equal("infra/membrane");
    });

    it("runs the fast stack check, not the test suite, before every operation", () => {
        expect(stack(c, "prod").preRunCommands).to.deep.equal(["npm run check -- --stack prod"]);
    });

    it("detects drift nightly and never remediates production automatically", () => {
        expect(stack(c, "prod").drift).to.deep.equal({ scheduleCron: "0 4 * * *", autoRemediate: false });
        const remediating = parse({ driftAutoRemediate: true, driftSchedule: "30 2 * * 1-5" });
        expect(stack(remediating, "staging").drift).to.deep.equal({ scheduleCron: "30 2 * * 1-5", autoRemediate: true });
        expect(stack(remediating, "prod").drift.autoRemediate).to.equal(false);
    });

    it("names the deploy role outside <environment>-membrane-*, the roles it manages", () => {
        expect(stack(c, "prod").names).to.deep.equal({
            deployRole: "membrane-deploy-prod",
            boundaryPolicy: "membrane-boundary-prod",
            deployPolicyPrefix: "membrane-deploy-prod",
            readRole: "membrane-read-prod",
        });
        expect(iamGlobMatches("prod-membrane-*", "membrane-deploy-prod")).to.equal(false);
    });

    it("gives each stack the ESC environment <escProject>/<stack>", () => {
        expect(stack(c, "prod").escEnvironment).to.deep.equal({ project: "membrane", name: "prod" });
        expect(stack(parse({ escProject: "infra" }), "staging").escEnvironment).to.deep.equal({ project: "infra", name: "staging" });
    });

    it("sessions last an hour by default, and the Atlas secret is kept", () => {
        expect(c).to.deep.include({
            sessionDuration: "1h",
            sessionSeconds: 3600,
            oidcProvider: "create",
            escProject: "membrane",
            runner: "pulumi-deployments",
        });
        expect(c.atlas).to.deep.equal({ clientId: VALID_DEPLOYMENTS.atlasClientId, clientSecret: "mdb_sa_sk_test" });
    });

    it("builds DeploymentSettings with the vcs block (not the deprecated github one), OIDC, skip-intermediate and the cache", () => {
        const args = deploymentSettingsArgs(c, stack(c, "prod"), "arn:aws:iam::111122223333:role/membrane-deploy-prod");
        expect(args).to.not.have.property("github");
        expect(args.sourceContext).to.deep.equal({ git: { branch: "refs/heads/release" } });
        expect(args.vcs).to.deep.equal({
            provider: "github",
            repository: "acme/membrane-infra",
            deployCommits: true,
            previewPullRequests: false,
            pullRequestTemplate: false,
            paths: stack(c, "prod").paths,
        });
        expect(args.operationContext.oidc.aws).to.deep.equal({
            roleARN: "arn:aws:iam::111122223333:role/membrane-deploy-prod",
            sessionName: "membrane-prod-deployments",
            duration: "1h",
        });
        expect(args.operationContext.oidc.aws.sessionName).to.match(ROLE_SESSION_NAME).and.not.include("${");
        // The dependencies are installed by the first pre-run command, so the check never runs without them.
        expect(args.operationContext.preRunCommands).to.deep.equal(["npm ci --no-audit --no-fund", "npm run check -- --stack prod"]);
        expect(args.operationContext.options).to.deep.equal({ skipIntermediateDeployments: true, skipInstallDependencies: true });
        expect(args.cacheOptions).to.deep.equal({ enable: true });
        const viaActions = deploymentSettingsArgs({ ...c, runner: "github-actions" }, stack(c, "staging"), "r");
        expect(viaActions.vcs).to.deep.include({ deployCommits: false, previewPullRequests: false });
        expect(deploymentSettingsArgs({ ...c, repoDir: "infra" }, stack(c, "prod"), "r").sourceContext.git).to.deep.equal({
            branch: "refs/heads/release",
            repoDir: "infra",
        });
        expect(driftScheduleArgs(c, stack(c, "prod"))).to.deep.equal({
            organization: "acme",
            project: "membrane",
            stack: "prod",
            scheduleCron: "0 4 * * *",
            autoRemediate: false,
        });
    });

    it("tags each stack with its environment, branch, ESC environment and the deployments stack that manages it", () => {
        const tags = stackTags(stack(c, "prod"), "membrane-deployments/acme");
        expect(tags).to.deep.equal({
            "membrane:environment": "prod",
            "membrane:production": "true",
            "membrane:deployBranch": "release",
            "membrane:escEnvironment": "membrane/prod",
            "membrane:managedBy": "membrane-deployments/acme",
        });
        for (const name of Object.keys(tags)) {
            expect(name).to.match(STACK_TAG_NAME);
        }
    });

    it("warns when a stack file does not import its ESC environment, and when there are no Atlas credentials", () => {
        const source = fakeSource({ staging: { config: STAGING_FILE, environments: [] }, prod: { config: PROD_FILE } });
        const c2 = parse({ atlasClientId: "", atlasClientSecret: "" }, source, []);
        expect(c2.warnings).to.have.lengthOf(2);
        expect(c2.warnings[0]).to.match(/atlasClientId is empty/);
        expect(c2.warnings[1]).to.match(/^Pulumi\.staging\.yaml does not import the ESC environment membrane\/staging/);
        expect(c.warnings).to.deep.equal([]);
    });
});

describe("deployments config: refused inputs, each naming its key and rule", () => {
    const only = (values: Record<string, unknown>, source?: MembraneSource, secretKeys?: string[]) => {
        const p = problems(values, source, secretKeys);
        expect(p, JSON.stringify(p)).to.have.lengthOf(1);
        return p[0];
    };

    it("an unknown stack name, with the stacks that exist", () => {
        expect(only({ stacks: ["staging", "qa"] })).to.equal(
            'membrane-deployments:stacks: "qa" is not a stack of the Membrane project membrane (there is no Pulumi.qa.yaml); its stacks are: prod, staging',
        );
        expect(only({ stacks: [] })).to.equal("membrane-deployments:stacks: must list at least one stack of the Membrane project");
        expect(only({ stacks: ["prod", "prod"] })).to.equal('membrane-deployments:stacks: lists "prod" twice');
    });

    it("a repository that is not owner/name", () => {
        for (const repository of [
            "membrane-infra",
            "acme/",
            "/infra",
            "acme/infra/sub",
            "https://github.com/acme/infra",
            "ac me/infra",
            "-acme/infra",
            "",
        ]) {
            expect(only({ repository }), repository).to.equal(
                `membrane-deployments:repository: must be a GitHub repository as owner/name, such as acme/membrane-infra (got "${repository}")`,
            );
        }
    });

    it("an empty organization", () => {
        expect(only({ organization: "" })).to.equal(
            "membrane-deployments:organization: is required: the Pulumi organization whose Deployments and ESC environments assume the deploy roles",
        );
    });

    it("an organization with capitals, whose OIDC audience would never match", () => {
        expect(only({ organization: "Acme" })).to.match(
            /^membrane-deployments:organization: must be the organization's login in lowercase, as in app\.pulumi\.com\/<org> \(got "Acme"\): it is the OIDC audience, which AWS compares case-sensitively, and a mismatch fails silently$/,
        );
        expect(only({ organization: "acme corp" })).to.match(/^membrane-deployments:organization: must be a Pulumi organization login/);
        // A wildcard would reach the StringLike subject of every deploy role's trust policy.
        expect(only({ organization: "ac*me" })).to.match(/^membrane-deployments:organization: must be a Pulumi organization login/);
    });

    it("branches git would refuse, and one branch for production and the rest", () => {
        expect(only({ branch: "feature branch" })).to.match(
            /^membrane-deployments:branch: is not a git branch name: it must not contain spaces/,
        );
        expect(only({ productionBranch: "" })).to.equal(
            'membrane-deployments:productionBranch: is not a git branch name: it must not be empty (got "")',
        );
        expect(only({ productionBranch: "main" })).to.match(
            /^membrane-deployments:productionBranch: must differ from membrane-deployments:branch \("main"\)/,
        );
        expect(branchProblems("release/2024.1")).to.deep.equal([]);
        expect(branchProblems("refs..x")).to.have.lengthOf(1);
        expect(branchProblems("x.lock")).to.have.lengthOf(1);
        // A wildcard branch would widen GitHub's OIDC subject and the push filter.
        expect(branchProblems("rel*")).to.have.lengthOf(1);
        expect(branchProblems("rel?")).to.have.lengthOf(1);
    });

    it("a drift schedule that is not cron, a session outside what STS allows, an OIDC mode or ESC project that does not exist", () => {
        expect(only({ driftSchedule: "nightly" })).to.match(
            /^membrane-deployments:driftSchedule: must be a cron expression of five fields/,
        );
        expect(only({ driftSchedule: "61 4 * * *" })).to.equal(
            'membrane-deployments:driftSchedule: its minute field "61" is outside 0-59 (got "61 4 * * *")',
        );
        expect(only({ escProject: "default" })).to.match(
            /^membrane-deployments:escProject: must not be "default": for that legacy project ESC's aws-login sends the audience "acme" instead of "aws:acme"/,
        );
        expect(only({ sessionDuration: "60" })).to.match(/^membrane-deployments:sessionDuration: must be a duration such as 1h/);
        expect(only({ sessionDuration: "13h" })).to.match(/^membrane-deployments:sessionDuration: must be between 15m and 12h/);
        expect(only({ sessionDuration: "10m" })).to.match(/^membrane-deployments:sessionDuration: must be between 15m and 12h/);
        expect(durationSeconds("1h30m")).to.equal(5400);
        expect(durationSeconds("")).to.equal(undefined);
        expect(only({ oidcProvider: "import" })).to.match(/^membrane-deployments:oidcProvider: must be create or existing/);
        expect(only({ escProject: "my env" })).to.match(/^membrane-deployments:escProject: must be an ESC project name/);
        expect(only({ runner: "both" })).to.equal(
            'membrane-deployments:runner: must be pulumi-deployments, github-actions or github-actions-self-managed (got "both"): two at once would deploy every push twice',
        );
    });

    it("validates cron fields by range, day of week 0-6 with Sunday 0, as Pulumi Cloud's standard five-field cron", () => {
        for (const ok of ["0 4 * * *", "*/15 0-23/2 1,15,31 1-12 0-6", "30 2 * * 1-5", "0 0 * * 0", "59 23 31 12 6"]) {
            expect(cronProblems(ok), ok).to.deep.equal([]);
        }
        expect(cronProblems("0 24 * * *")).to.deep.equal(['its hour field "24" is outside 0-23']);
        expect(cronProblems("0 4 0 * *")).to.deep.equal(['its day of month field "0" is outside 1-31']);
        expect(cronProblems("0 4 * 13 *")).to.deep.equal(['its month field "13" is outside 1-12']);
        expect(cronProblems("0 4 * * 7")).to.deep.equal(['its day of week (0-6, Sunday 0) field "7" is outside 0-6']);
        expect(cronProblems("0 4 * * 5-1")).to.have.lengthOf(1);
        expect(cronProblems("*/0 4 * * *")).to.have.lengthOf(1);
        expect(cronProblems("0 4 * * MON")).to.deep.equal([
            'its day of week (0-6, Sunday 0) field "MON" is not "*", a number, a range a-b or a step */n or a-b/n',
        ]);
        expect(cronProblems("5/10 4 * * *")).to.have.lengthOf(1);
        expect(cronProblems("0 4 * *")).to.have.lengthOf(1);
        expect(cronProblems("")).to.have.lengthOf(1);
    });

    it("the Atlas secret in plain text, or half a credential", () => {
        expect(only({}, SOURCE, [])).to.equal(
            "membrane-deployments:atlasClientSecret: holds a plain-text value; store it encrypted: pulumi config set --secret membrane-deployments:atlasClientSecret <value>",
        );
        expect(only({ atlasClientSecret: "" })).to.equal(
            "membrane-deployments:atlasClientSecret: must be set together with the other Atlas service-account key, or both left empty",
        );
    });

    it("a Membrane stack whose scope cannot be read from its stack file", () => {
        const { "membrane:vpcId": _vpc, ...withoutVpc } = PROD_FILE;
        const source = fakeSource({ staging: { config: STAGING_FILE }, prod: { config: withoutVpc } });
        expect(only({}, source)).to.equal(
            'membrane-deployments:stacks: stack "prod": membrane:vpcId is not set in Pulumi.prod.yaml (the deploy role may create security groups and endpoints in this VPC only); set it there: a value that comes only from an ESC environment cannot be read here',
        );
        const secure = fakeSource({
            staging: { config: { ...STAGING_FILE, "membrane:environment": { secure: "v1:abc" } } },
            prod: { config: PROD_FILE },
        });
        expect(only({}, secure)).to.match(
            /^membrane-deployments:stacks: stack "staging": membrane:environment in Pulumi\.staging\.yaml must be a plain value/,
        );
        const upper = fakeSource({
            staging: { config: { ...STAGING_FILE, "membrane:environment": "Staging" } },
            prod: { config: PROD_FILE },
        });
        expect(only({}, upper)).to.match(
            /^membrane-deployments:stacks: stack "staging": membrane:environment in Pulumi\.staging\.yaml must be lowercase/,
        );
    });

    it("two stacks of one environment, whose deploy roles would share resources", () => {
        const source = fakeSource({ staging: { config: STAGING_FILE }, prod: { config: PROD_FILE }, qa: { config: STAGING_FILE } });
        expect(only({ stacks: ["staging", "qa"] }, source)).to.match(
            /^membrane-deployments:stacks: stacks "staging" and "qa" both set membrane:environment to "staging": their resources share names/,
        );
    });

    it("a deploy role that would fall inside another stack's managed roles", () => {
        const source = fakeSource({
            staging: { config: { ...STAGING_FILE, "membrane:environment": "membrane-deploy-x" } },
            "x-membrane-y": { config: PROD_FILE },
        });
        expect(problems({ stacks: ["staging", "x-membrane-y"] }, source)).to.deep.include(
            'membrane-deployments:stacks: stack "x-membrane-y" makes the deploy role membrane-deploy-x-membrane-y, which stack "staging"\'s deploy role could modify (its roles are membrane-deploy-x-membrane-*)',
        );
    });

    it("reports every problem at once", () => {
        const p = problems({ organization: "Acme", repository: "x", stacks: ["nope"], sessionDuration: "2d" });
        expect(p.map((m) => m.split(":").slice(0, 2).join(":"))).to.deep.equal([
            "membrane-deployments:organization",
            "membrane-deployments:repository",
            "membrane-deployments:sessionDuration",
            "membrane-deployments:stacks",
        ]);
    });
});
