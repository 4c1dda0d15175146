// The deployments stack's config and the facts of every Membrane stack it deploys, validated in one
// pass: every problem names its config key and the rule, and all of them are reported before the
// program registers anything. Pure: the Membrane project's files come in through a MembraneSource.
import { ConfigError, ConfigReader, fullKey, RawConfig as MembraneRawConfig } from "../lib/config-reader";
import { iamGlobMatches } from "../lib/glob";
import { bucketNameProblems, defaultStaticDomainName, ENVIRONMENT } from "../lib/naming";
import type { DeployScope } from "./permissions";
import { EKS_CLUSTER_NAME, ROLE_NAME, SUBNET_ID, VPC_ID } from "../lib/patterns";

export const PROJECT = "membrane-deployments";

/** Pulumi Cloud's OIDC issuer, for Deployments and ESC alike. */
export const PULUMI_OIDC_URL = "https://api.pulumi.com/oidc";

/** Config as the CLI hands it to the program: fully qualified keys, string values, secret keys. */
export type RawConfig = Pick<MembraneRawConfig, "values" | "secretKeys">;

/** A Membrane stack file's config (YAML values as parsed) and the ESC environments it imports. */
export interface MembraneStackFile {
    readonly config: Readonly<Record<string, unknown>>;
    readonly environments: readonly string[];
}

/** The Membrane project as the deployments program reads it. */
export interface MembraneSource {
    /** The `name:` of the Membrane project's Pulumi.yaml. */
    readonly projectName: string;
    /** The schema's defaults, by fully qualified key. */
    readonly defaults: Readonly<Record<string, unknown>>;
    /** The stacks that have a Pulumi.<stack>.yaml. */
    readonly stackNames: readonly string[];
    /** Path filters, relative to the repository root, that cover every file the program runs from (deployments/program-files.ts). */
    readonly programPaths: readonly string[];
    readStack(stack: string): MembraneStackFile;
}

/** What a Membrane stack's deploy role and settings are derived from, read from its stack file. */
export interface MembraneStackFacts {
    readonly stack: string;
    readonly environment: string;
    readonly production: boolean;
    readonly region: string;
    readonly namePrefix: string;
    readonly vpcId: string;
    readonly privateSubnetIds: readonly string[];
    /** The static files' DNS name in the public zone; absent without `membrane:hostedZoneName`. */
    readonly dns?: { readonly hostedZoneName: string; readonly staticDomainName: string };
    /** `membrane:eksClusterName`; absent without EKS. */
    readonly eksClusterName?: string;
    /** `membrane:secretsKmsKeyArn`: the credentials secret's customer managed key; absent: the AWS managed key. */
    readonly secretsKmsKeyArn?: string;
    /** `membrane:ecsExecutionRoleName` when `membrane:ecsExecutionRole` is existing: a role the deploy role gives a policy. */
    readonly existingExecutionRoleName?: string;
    /** ESC environments the stack file imports. */
    readonly environments: readonly string[];
    /** `membrane:iamPermissionsBoundaryArn` as the stack file sets it (without ESC, the file must). */
    readonly boundaryArnInFile?: string;
    /** `membrane:kmsKeyAdministratorArn` as the stack file sets it (without ESC, the file must). */
    readonly keyAdministratorArnInFile?: string;
    /** `membrane:regionInNames`: the region ends the names unique beyond it (the replication role, the alarm topics). */
    readonly regionInNames?: boolean;
    /** `membrane:ec2InstanceRole`: the stack creates the EC2 instance role and its instance profile. */
    readonly ec2InstanceRole?: boolean;
    /** `membrane:databaseMode` is external: the stack has no Atlas resource, and needs no Atlas credentials. */
    readonly externalDatabase?: boolean;
    /** What the stack adopts (`membrane:existing*`): the deploy role manages those names too. */
    readonly adopted?: {
        readonly buckets: readonly string[];
        readonly replicationGroupId?: string;
        readonly cacheSubnetGroupName?: string;
        readonly roleNames: readonly string[];
        /** The adopted Kubernetes role, which EKS Pod Identity may be handed. */
        readonly k8sRoleName?: string;
        /** An adopted CloudFront distribution, reached by its id until it carries the stack's tags. */
        readonly cloudfrontDistributionId?: string;
    };
}

/** Everything the program creates for one Membrane stack, decided before any resource exists. */
export interface StackPlan {
    readonly stack: string;
    readonly facts: MembraneStackFacts;
    /** The branch whose pushes deploy the stack. */
    readonly branch: string;
    readonly deployCommits: boolean;
    readonly previewPullRequests: boolean;
    /** Path filters, relative to the repository root: a push that changes none of them deploys nothing. */
    readonly paths: readonly string[];
    readonly preRunCommands: readonly string[];
    readonly drift: { readonly scheduleCron: string; readonly autoRemediate: boolean };
    /** The stack's ESC environment, `<project>/<name>`. */
    readonly escEnvironment: { readonly project: string; readonly name: string };
    readonly names: {
        readonly deployRole: string;
        readonly boundaryPolicy: string;
        /** Managed policies are `<deployPolicyPrefix>-<family>`. */
        readonly deployPolicyPrefix: string;
        /** The read-only role of the self-managed path (pull-request previews, drift runs); its policies are `<readRole>-<family>`. */
        readonly readRole: string;
    };
}

export interface AtlasCredentials {
    readonly clientId: string;
    /** Read from a secret config value; the program keeps it a Pulumi secret. */
    readonly clientSecret: string;
}

export interface DeploymentsConfig {
    readonly organization: string;
    readonly repository: string;
    /** The Membrane project's name, as its Pulumi.yaml says. */
    readonly membraneProject: string;
    /** The Membrane project folder in the repository; "" = the root. */
    readonly repoDir: string;
    readonly oidcProvider: "create" | "existing";
    /** "XhYmZs", as Deployments and ESC take it. */
    readonly sessionDuration: string;
    readonly sessionSeconds: number;
    readonly escProject: string;
    readonly atlas?: AtlasCredentials;
    /** Who runs the deployments on push and pull request: Pulumi Deployments or the GitHub Actions workflow. */
    readonly runner: Runner;
    readonly stacks: readonly StackPlan[];
    readonly warnings: readonly string[];
    /** `policyGroup`: publish the pack and enforce it on the stacks as this preventative policy group; absent: none. */
    readonly policyGroup?: string;
    /** With runner github-actions-self-managed: the state backend and GitHub's trust. */
    readonly selfManaged?: SelfManagedConfig;
}

/** The path without Pulumi Cloud (docs/ci-self-managed.md). */
export interface SelfManagedConfig {
    /** The state bucket: `pulumi login s3://<stateBucket>?region=<region>`. */
    readonly stateBucket: string;
    /** The deployments stack's region: the bucket's and the secrets keys'. */
    readonly region: string;
    readonly githubOidcProvider: "create" | "existing";
    /** IAM role or user ARNs that administer the state keys and use them (stack init, local operations). */
    readonly administrators: readonly string[];
    /** GitHub logins and `org/team`s that approve production deploys. */
    readonly productionReviewers: readonly string[];
    /** `branch`, which must be the repository's default branch: GitHub runs scheduled workflows (the drift checks) there. */
    readonly defaultBranch: string;
}

export const SELF_MANAGED = "github-actions-self-managed";

export const RUNNERS = ["pulumi-deployments", "github-actions", SELF_MANAGED] as const;
export type Runner = (typeof RUNNERS)[number];

const key = (k: string) => fullKey(k, PROJECT);

// Pulumi organization logins are lowercase: the console shows them in app.pulumi.com/<org>. AWS compares
// the OIDC audience with the provider's and the trust policy's case-sensitively, and a mismatch fails
// without saying why, so a capital letter is refused here.
const ORGANIZATION = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
// GitHub: owner 1-39 letters, digits and single hyphens; repository 1-100 letters, digits, ".", "_", "-".
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;
// ESC sends another OIDC audience for environments of this project (see the escProject check).
const LEGACY_ESC_PROJECT = "default";
// ESC project and environment names: letters, digits, hyphens, underscores and periods.
const ESC_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const REGION = /^[a-z]{2,4}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
// Deployments and ESC take durations as "XhYmZs"; STS allows 15 minutes to 12 hours for a web identity.
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const MIN_SESSION = 15 * 60;
const MAX_SESSION = 12 * 3600;

/** Every reason `name` is not a usable git branch name (git check-ref-format); empty when it is. */
export function branchProblems(name: string): string[] {
    const problems: string[] = [];
    if (name === "") {
        return ["must not be empty"];
    }
    // git refuses control characters in ref names, as well as these punctuation characters.
    // eslint-disable-next-line no-control-regex
    if (/[\s~^:?*[\\\x00-\x1f\x7f]/.test(name)) {
        problems.push("must not contain spaces or any of ~ ^ : ? * [ \\");
    }
    if (name.includes("..") || name.includes("@{") || name.includes("//")) {
        problems.push('must not contain "..", "@{" or "//"');
    }
    if (/^[-/.]|[/.]$|\.lock$|\/\./.test(name)) {
        problems.push('must not start with "-", "/" or ".", end with "/", "." or ".lock", or have a component starting with "."');
    }
    return problems;
}

/**
 * The fields of a cron expression as Pulumi Cloud's schedules take it: "standard 5-field cron syntax
 * (MIN HOUR DOM MON DOW) evaluated in UTC" (its REST API reference, CreateScheduledDeploymentRequest).
 * The ranges are POSIX crontab's: day of week 0-6 with Sunday 0 (7 and names are extensions of some crons).
 */
export const CRON_FIELDS = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12 },
    { name: "day of week (0-6, Sunday 0)", min: 0, max: 6 },
] as const;

/** Every reason `expr` is not a five-field cron expression with each value in its field's range; empty when it is. */
export function cronProblems(expr: string): string[] {
    const fields = expr.trim().split(/\s+/);
    if (fields.length !== CRON_FIELDS.length || expr.trim() === "") {
        return [`must be a cron expression of five fields (minute hour day-of-month month day-of-week), such as "0 4 * * *"`];
    }
    const problems: string[] = [];
    fields.forEach((field, i) => {
        const { name, min, max } = CRON_FIELDS[i];
        for (const item of field.split(",")) {
            // "*", "*/n", "a", "a-b", "a-b/n"
            const m = /^(?:(\*)|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
            const [lo, hi] = m && !m[1] ? [Number(m[2]), Number(m[3] ?? m[2])] : [min, max];
            const step = m?.[4] === undefined ? 1 : Number(m[4]);
            if (!m || (m[4] !== undefined && m[3] === undefined && !m[1])) {
                problems.push(`its ${name} field "${field}" is not "*", a number, a range a-b or a step */n or a-b/n`);
            } else if (lo < min || hi > max || lo > hi || step < 1) {
                problems.push(`its ${name} field "${field}" is outside ${min}-${max}`);
            }
        }
    });
    return problems;
}

/** Seconds in an "XhYmZs" duration; undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
    const m = DURATION.exec(text);
    if (!m || text === "") {
        return undefined;
    }
    return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** A folder relative to the repository root, without "./" or a trailing "/"; "" = the root. */
const normalizeDir = (dir: string) => dir.replace(/^\.(\/|$)/, "").replace(/\/+$/, "");

/** Where the Membrane project and its stack files are, relative to the repository root. */
export function membraneDirs(raw: RawConfig): { repoDir: string; stackConfigDir: string } {
    const repoDir = normalizeDir(raw.values[key("repoDir")] ?? "");
    return { repoDir, stackConfigDir: normalizeDir(raw.values[key("stackConfigDir")] ?? "") || repoDir };
}

/** The deploy role's name: outside `<environment>-membrane-*`, the roles it manages. */
export const deployRoleName = (stack: string) => `membrane-deploy-${stack}`;

/** The self-managed path's read-only role (previews, drift), outside `<environment>-membrane-*` as well. */
export const readRoleName = (stack: string) => `membrane-read-${stack}`;

/** The program's path filters and the stack's own stack file: a change elsewhere (docs, tests, tools) deploys nothing. */
export function pathFilters(programPaths: readonly string[], stackConfigDir: string, stack: string): string[] {
    return [...programPaths, stackConfigDir ? `${stackConfigDir}/Pulumi.${stack}.yaml` : `Pulumi.${stack}.yaml`];
}

/** The fast stack check (config, program, policy pack; offline): a broken stack never reaches `pulumi up`. */
export const preRunCommands = (stack: string) => [`npm run check -- --stack ${stack}`];

/** The credentials store's key and an existing ECS execution role, which the deploy role's grants name. */
function secretsFacts(
    get: (k: string) => unknown,
    str: (k: string, why: string, required: boolean) => string,
): { secretsKmsKeyArn: string; existingExecutionRoleName: string } {
    const enabled = get("membrane:secretsManager") !== false && get("membrane:secretsManager") !== "false";
    if (!enabled) {
        return { secretsKmsKeyArn: "", existingExecutionRoleName: "" };
    }
    return {
        secretsKmsKeyArn: str("membrane:secretsKmsKeyArn", "may use this key for the credentials secret only", false),
        existingExecutionRoleName:
            get("membrane:ecsExecutionRole") === "existing"
                ? str("membrane:ecsExecutionRoleName", "may give this existing role its read policy", true)
                : "",
    };
}

/** What the account answered for a stack: where its deploy role's grants point. */
export interface AccountAnswers {
    readonly partition: string;
    readonly accountId: string;
    /** The hosted zone's id; ignored without DNS. */
    readonly zoneId: string;
    readonly boundaryArn: string;
    /** The EKS cluster's OIDC issuer without `https://`; "" or absent: none. */
    readonly eksOidcIssuer?: string;
}

/** The scope a stack's deploy role is confined to: its facts and the account's answers. Pure. */
export function deployScope(facts: MembraneStackFacts, a: AccountAnswers): DeployScope {
    return {
        partition: a.partition,
        accountId: a.accountId,
        region: facts.region,
        environment: facts.environment,
        namePrefix: facts.namePrefix,
        vpcId: facts.vpcId,
        privateSubnetIds: facts.privateSubnetIds,
        ...(facts.dns && { dns: { zoneId: a.zoneId, staticDomainName: facts.dns.staticDomainName } }),
        ...(facts.eksClusterName && { eksClusterName: facts.eksClusterName }),
        ...(a.eksOidcIssuer && { eksOidcIssuer: a.eksOidcIssuer }),
        ...(facts.adopted && { adopted: facts.adopted }),
        ...(facts.regionInNames && { nameSuffix: `-${facts.region}` }),
        ...(facts.ec2InstanceRole && { ec2InstanceRole: true }),
        ...(facts.secretsKmsKeyArn && { secretsKmsKeyArn: facts.secretsKmsKeyArn }),
        ...(facts.existingExecutionRoleName && { existingExecutionRoleName: facts.existingExecutionRoleName }),
        boundaryArn: a.boundaryArn,
    };
}

function readFacts(source: MembraneSource, stack: string, problem: (rule: string) => void): MembraneStackFacts | undefined {
    const file = source.readStack(stack);
    const fileName = `Pulumi.${stack}.yaml`;
    const get = (k: string): unknown => (k in file.config ? file.config[k] : source.defaults[k]);
    const missing = (k: string, why: string) =>
        problem(
            `${k} is not set in ${fileName} (the deploy role ${why}); set it there: a value that comes only from an ESC environment cannot be read here`,
        );
    const str = (k: string, why: string, required: boolean): string => {
        const v = get(k);
        if (v !== null && typeof v === "object") {
            problem(`${k} in ${fileName} must be a plain value (the deploy role ${why}), not ${JSON.stringify(v).slice(0, 40)}`);
            return "";
        }
        if (v === undefined || v === "") {
            if (required) {
                missing(k, why);
            }
            return "";
        }
        return String(v);
    };

    const region = str("aws:region", "names the region in every ARN", true);
    if (region && !REGION.test(region)) {
        problem(`aws:region in ${fileName} must be an AWS region such as us-east-1 (got "${region}")`);
    }
    const environment = str("membrane:environment", "is scoped to the resources named after it", true);
    if (environment && !ENVIRONMENT.test(environment)) {
        problem(
            `membrane:environment in ${fileName} must be lowercase letters, digits and hyphens, starting with a letter (got "${environment}")`,
        );
    }
    const productionValue = get("membrane:production");
    const production = productionValue === true || productionValue === "true";
    if (
        productionValue !== undefined &&
        typeof productionValue !== "boolean" &&
        productionValue !== "true" &&
        productionValue !== "false"
    ) {
        problem(`membrane:production in ${fileName} must be true or false (got ${JSON.stringify(productionValue)})`);
    }
    const namePrefix = str("membrane:namePrefix", "is scoped to the buckets named after it", false);
    const vpcId = str("membrane:vpcId", "may create security groups and endpoints in this VPC only", true);
    if (vpcId && !VPC_ID.test(vpcId)) {
        problem(`membrane:vpcId in ${fileName} must be a VPC id (got "${vpcId}")`);
    }
    const subnets = get("membrane:privateSubnetIds");
    const privateSubnetIds = Array.isArray(subnets) ? subnets.map(String) : [];
    if (!Array.isArray(subnets) || privateSubnetIds.length === 0) {
        missing("membrane:privateSubnetIds", "may place interface endpoints in these subnets only");
    } else if (privateSubnetIds.some((s) => !SUBNET_ID.test(s))) {
        problem(`membrane:privateSubnetIds in ${fileName} must be subnet ids (got ${JSON.stringify(privateSubnetIds)})`);
    }
    const hostedZoneName = str("membrane:hostedZoneName", "may change records of this zone only", false).replace(/\.$/, "").toLowerCase();
    const staticName = str("membrane:staticDomainName", "may change the static files' records only", false)
        .replace(/\.$/, "")
        .toLowerCase();
    const eksClusterName = str("membrane:eksClusterName", "may manage this cluster's Pod Identity only", false);
    const adopted = readAdopted((k) => str(k, "manages what the stack adopts by name", false));
    const regionInNamesValue = get("membrane:regionInNames");
    const regionInNames = regionInNamesValue === true || regionInNamesValue === "true";
    const ec2InstanceRoleValue = get("membrane:ec2InstanceRole");
    const ec2InstanceRole = ec2InstanceRoleValue === true || ec2InstanceRoleValue === "true";
    if (eksClusterName && !EKS_CLUSTER_NAME.test(eksClusterName)) {
        problem(`membrane:eksClusterName in ${fileName} must be an EKS cluster name (got "${eksClusterName}")`);
    }
    const { secretsKmsKeyArn, existingExecutionRoleName } = secretsFacts(get, str);
    const externalDatabase = str("membrane:databaseMode", "needs Atlas credentials in atlas mode only", false) === "external";
    return {
        stack,
        environment,
        production,
        region,
        namePrefix,
        vpcId,
        privateSubnetIds,
        ...(hostedZoneName && {
            dns: { hostedZoneName, staticDomainName: staticName || defaultStaticDomainName(environment, hostedZoneName) },
        }),
        ...(eksClusterName && { eksClusterName }),
        ...(secretsKmsKeyArn && { secretsKmsKeyArn }),
        ...(existingExecutionRoleName && { existingExecutionRoleName }),
        ...(externalDatabase && { externalDatabase }),
        environments: file.environments,
        ...(typeof file.config["membrane:iamPermissionsBoundaryArn"] === "string" &&
            file.config["membrane:iamPermissionsBoundaryArn"] !== "" && {
                boundaryArnInFile: file.config["membrane:iamPermissionsBoundaryArn"] as string,
            }),
        ...(typeof file.config["membrane:kmsKeyAdministratorArn"] === "string" &&
            file.config["membrane:kmsKeyAdministratorArn"] !== "" && {
                keyAdministratorArnInFile: file.config["membrane:kmsKeyAdministratorArn"] as string,
            }),
        ...(regionInNames && { regionInNames }),
        ...(ec2InstanceRole && { ec2InstanceRole }),
        ...(adopted && { adopted }),
    };
}

/** The names a stack adopts, read from its `membrane:existing*` keys; undefined when it adopts nothing with a name of its own. */
function readAdopted(str: (key: string) => string): MembraneStackFacts["adopted"] {
    const buckets = ["existingTmpBucket", "existingConnectorsBucket", "existingStaticBucket"]
        .map((k) => str(`membrane:${k}`))
        .filter(Boolean);
    const roleNames = ["existingEcsTaskRoleName", "existingK8sRoleName"].map((k) => str(`membrane:${k}`)).filter(Boolean);
    const k8sRoleName = str("membrane:existingK8sRoleName");
    const replicationGroupId = str("membrane:existingRedisReplicationGroupId");
    const cacheSubnetGroupName = str("membrane:existingRedisSubnetGroupName");
    const cloudfrontDistributionId = str("membrane:existingCloudfrontDistributionId");
    if (buckets.length === 0 && roleNames.length === 0 && !replicationGroupId && !cloudfrontDistributionId) {
        return undefined;
    }
    return {
        buckets,
        roleNames,
        ...(k8sRoleName && { k8sRoleName }),
        ...(replicationGroupId && { replicationGroupId }),
        ...(cacheSubnetGroupName && { cacheSubnetGroupName }),
        ...(cloudfrontDistributionId && { cloudfrontDistributionId }),
    };
}

/**
 * Validates the deployments config and reads every listed Membrane stack. Throws ConfigError with
 * every problem; returns the plan of each stack otherwise.
 */
export function parseDeploymentsConfig(raw: RawConfig, source: MembraneSource): DeploymentsConfig {
    const r = new ConfigReader(raw, PROJECT);
    const warnings: string[] = [];

    const runner = r.string("runner") as Runner;
    if (!RUNNERS.includes(runner)) {
        r.problem(
            "runner",
            `must be ${RUNNERS.slice(0, -1).join(", ")} or ${RUNNERS[RUNNERS.length - 1]} (got "${runner}"): two at once would deploy every push twice`,
        );
    }
    const organization = r.string("organization");
    if (organization === "" && runner === SELF_MANAGED) {
        // Nothing of Pulumi Cloud is used: no organization to name.
    } else if (organization === "") {
        r.problem("organization", "is required: the Pulumi organization whose Deployments and ESC environments assume the deploy roles");
    } else if (organization !== organization.toLowerCase()) {
        r.problem(
            "organization",
            `must be the organization's login in lowercase, as in app.pulumi.com/<org> (got "${organization}"): it is the OIDC audience, which AWS compares case-sensitively, and a mismatch fails silently`,
        );
    } else if (!ORGANIZATION.test(organization)) {
        r.problem(
            "organization",
            `must be a Pulumi organization login: lowercase letters, digits, "-", "_" and "." (got "${organization}")`,
        );
    }

    const repository = r.string("repository");
    const [owner, repo, ...rest] = repository.split("/");
    if (rest.length > 0 || !GITHUB_OWNER.test(owner ?? "") || !GITHUB_REPO.test(repo ?? "") || repo === "." || repo === "..") {
        r.problem("repository", `must be a GitHub repository as owner/name, such as acme/membrane-infra (got "${repository}")`);
    }

    const { repoDir, stackConfigDir } = membraneDirs(raw);

    const branch = r.string("branch");
    const productionBranch = r.string("productionBranch");
    for (const [k, b] of [
        ["branch", branch],
        ["productionBranch", productionBranch],
    ] as const) {
        for (const rule of branchProblems(b)) {
            r.problem(k, `is not a git branch name: it ${rule} (got "${b}")`);
        }
    }
    if (branch !== "" && branch === productionBranch) {
        r.problem(
            "productionBranch",
            `must differ from membrane-deployments:branch ("${branch}"): a push to it would deploy production and the other stacks at once`,
        );
    }

    const deployCommits = r.boolean("deployCommits");
    const previewPullRequests = r.boolean("previewPullRequests");
    const driftAutoRemediate = r.boolean("driftAutoRemediate");

    const scheduleCron = r.string("driftSchedule");
    for (const rule of cronProblems(scheduleCron)) {
        r.problem("driftSchedule", `${rule} (got "${scheduleCron}")`);
    }

    const oidcProvider = r.string("oidcProvider");
    if (oidcProvider !== "create" && oidcProvider !== "existing") {
        r.problem(
            "oidcProvider",
            `must be create or existing (got "${oidcProvider}"): AWS allows one provider for ${PULUMI_OIDC_URL} per account`,
        );
    }

    const sessionDuration = r.string("sessionDuration");
    const sessionSeconds = durationSeconds(sessionDuration);
    if (sessionSeconds === undefined) {
        r.problem("sessionDuration", `must be a duration such as 1h or 1h30m (got "${sessionDuration}")`);
    } else if (sessionSeconds < MIN_SESSION || sessionSeconds > MAX_SESSION) {
        r.problem(
            "sessionDuration",
            `must be between 15m and 12h, the range STS allows for a web identity session (got "${sessionDuration}")`,
        );
    }

    const escProject = r.string("escProject");
    if (!ESC_NAME.test(escProject)) {
        r.problem("escProject", `must be an ESC project name: letters, digits, "-", "_" and "." (got "${escProject}")`);
    } else if (escProject === LEGACY_ESC_PROJECT) {
        r.problem(
            "escProject",
            `must not be "${LEGACY_ESC_PROJECT}": for that legacy project ESC's aws-login sends the audience "${organization}" instead of "aws:${organization}" (Pulumi's ESC guide, "Configuring OIDC: AWS"), which the deploy role's ESC statement does not trust; use a project of its own, such as "membrane"`,
        );
    }

    const clientId = r.string("atlasClientId");
    const clientSecret = r.string("atlasClientSecret");
    if (clientSecret !== "" && !r.isSecret("atlasClientSecret")) {
        r.problem(
            "atlasClientSecret",
            `holds a plain-text value; store it encrypted: pulumi config set --secret ${key("atlasClientSecret")} <value>`,
        );
    }
    if ((clientId === "") !== (clientSecret === "")) {
        r.problem(
            clientId === "" ? "atlasClientId" : "atlasClientSecret",
            "must be set together with the other Atlas service-account key, or both left empty",
        );
    }
    if (clientId === "" && clientSecret === "" && runner !== SELF_MANAGED) {
        warnings.push(
            `${key("atlasClientId")} is empty: the ESC environments carry no Atlas credentials, which stacks in atlas database mode need (add them with pulumi config set)`,
        );
    }

    const stacks = r.list("stacks");
    if (stacks.length === 0) {
        r.problem("stacks", "must list at least one stack of the Membrane project");
    }
    const seen = new Set<string>();
    const plans: StackPlan[] = [];
    for (const stack of stacks) {
        if (seen.has(stack)) {
            r.problem("stacks", `lists "${stack}" twice`);
            continue;
        }
        seen.add(stack);
        if (!source.stackNames.includes(stack)) {
            r.problem(
                "stacks",
                `"${stack}" is not a stack of the Membrane project ${source.projectName} (there is no Pulumi.${stack}.yaml); its stacks are: ${source.stackNames.join(", ") || "(none)"}`,
            );
            continue;
        }
        const facts = readFacts(source, stack, (rule) => r.problem("stacks", `stack "${stack}": ${rule}`));
        if (!facts) {
            continue;
        }
        const names = {
            deployRole: deployRoleName(stack),
            boundaryPolicy: `membrane-boundary-${stack}`,
            deployPolicyPrefix: `membrane-deploy-${stack}`,
            readRole: readRoleName(stack),
        };
        if (!ROLE_NAME.test(names.deployRole)) {
            r.problem(
                "stacks",
                `stack "${stack}" makes the deploy role name "${names.deployRole}", which IAM refuses (at most 64 characters of letters, digits and +=,.@_-)`,
            );
        }
        if (runner === SELF_MANAGED && names.readRole.length > 64) {
            r.problem("stacks", `stack "${stack}" makes the read role name "${names.readRole}", longer than IAM's 64 characters`);
        }
        const escEnvironment = { project: escProject, name: stack };
        const envName = `${escProject}/${stack}`;
        if (runner !== SELF_MANAGED && !facts.environments.includes(envName)) {
            warnings.push(
                `Pulumi.${stack}.yaml does not import the ESC environment ${envName} (environment: [${envName}]): its updates get neither the Atlas credentials nor the permissions boundary from it`,
            );
        }
        plans.push({
            stack,
            facts,
            branch: facts.production ? productionBranch : branch,
            deployCommits,
            // A preview runs the pull request's code with the stack's deploy role; production's role is not lent to unmerged code.
            previewPullRequests: previewPullRequests && !facts.production,
            paths: pathFilters(source.programPaths, stackConfigDir, stack),
            preRunCommands: preRunCommands(stack),
            drift: { scheduleCron, autoRemediate: driftAutoRemediate && !facts.production },
            escEnvironment,
            names,
        });
    }

    // Two stacks of one environment, or a deploy role inside another stack's role pattern, would let
    // one stack's deploy role manage the other's resources.
    for (const a of plans) {
        for (const b of plans) {
            if (
                a !== b &&
                a.facts.environment === b.facts.environment &&
                a.facts.environment !== "" &&
                plans.indexOf(a) < plans.indexOf(b)
            ) {
                r.problem(
                    "stacks",
                    `stacks "${a.stack}" and "${b.stack}" both set membrane:environment to "${a.facts.environment}": their resources share names, so each deploy role could change the other's`,
                );
            }
            if (a.facts.environment && iamGlobMatches(`${a.facts.environment}-membrane-*`, b.names.deployRole)) {
                r.problem(
                    "stacks",
                    `stack "${b.stack}" makes the deploy role ${b.names.deployRole}, which stack "${a.stack}"'s deploy role could modify (its roles are ${a.facts.environment}-membrane-*)`,
                );
            }
            if (runner === SELF_MANAGED && a.facts.environment && iamGlobMatches(`${a.facts.environment}-membrane-*`, b.names.readRole)) {
                r.problem(
                    "stacks",
                    `stack "${b.stack}" makes the read role ${b.names.readRole}, which stack "${a.stack}"'s deploy role could modify (its roles are ${a.facts.environment}-membrane-*)`,
                );
            }
        }
    }

    const policyGroup = r.string("policyGroup");
    if (policyGroup !== "" && !POLICY_GROUP_NAME.test(policyGroup)) {
        r.problem("policyGroup", `must be a policy group name: letters, digits, "-", "_" and "." (got "${policyGroup}")`);
    } else if (policyGroup !== "" && runner === SELF_MANAGED) {
        r.problem(
            "policyGroup",
            `needs Pulumi Cloud, which runner ${SELF_MANAGED} does not use: its workflow runs the pack on every preview and update with --policy-pack; leave policyGroup empty`,
        );
    }
    const selfManaged = runner === SELF_MANAGED ? parseSelfManaged(r, raw, plans, warnings) : undefined;
    if (runner !== SELF_MANAGED) {
        const unused = Object.entries(SELF_MANAGED_DEFAULTS).filter(([k, d]) => (raw.values[key(k)] ?? d) !== d);
        for (const [k] of unused) {
            warnings.push(`${key(k)} is set, but only runner ${SELF_MANAGED} uses it (runner is ${runner}): it is ignored`);
        }
    }

    if (r.problems.length > 0) {
        throw new ConfigError(r.problems);
    }
    return {
        organization,
        repository,
        membraneProject: source.projectName,
        repoDir,
        oidcProvider: oidcProvider as "create" | "existing",
        sessionDuration,
        sessionSeconds: sessionSeconds!,
        escProject,
        ...(clientId && { atlas: { clientId, clientSecret } }),
        runner,
        stacks: plans,
        warnings,
        ...(policyGroup && { policyGroup }),
        ...(selfManaged && { selfManaged }),
    };
}

// The self-managed path's keys and their defaults as the CLI passes them: set with another runner, they are ignored (a warning).
const SELF_MANAGED_DEFAULTS = { stateBucket: "", stateAdministrators: "[]", githubOidcProvider: "create", productionReviewers: "[]" };

// Pulumi Cloud's policy group names, as its console accepts them (conservative: no spaces).
const POLICY_GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
// IAM principals a KMS key policy can name: a role (with its path) or a user.
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
// GitHub logins (1-39 letters, digits, single hyphens) and org/team slugs.
const GITHUB_REVIEWER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\/[a-z0-9][a-z0-9_-]{0,99})?$/;
// KMS alias names: letters, digits, "/", "_" and "-".
const KMS_ALIAS_CHARS = /^[A-Za-z0-9/_-]+$/;

/** The key alias of a Membrane stack's secrets provider (`awskms://alias/...`): one key per stack. */
export const stateKeyAlias = (stack: string) => `alias/membrane-state-${stack}`;

/**
 * The self-managed path's keys, checked against the stacks: the bucket must be one no deploy role can
 * manage, every production stack needs reviewers, and the stack files must work without ESC.
 */
function parseSelfManaged(r: ConfigReader, raw: RawConfig, plans: readonly StackPlan[], warnings: string[]): SelfManagedConfig {
    const region = raw.values["aws:region"] ?? "";
    if (!REGION.test(region)) {
        r.problem(
            "aws:region",
            `must be the AWS region of the state bucket and keys, such as us-east-1 (got "${region}"): set it with pulumi config set aws:region`,
        );
    }
    const stateBucket = r.string("stateBucket");
    if (stateBucket === "") {
        r.problem(
            "stateBucket",
            `is required with runner ${SELF_MANAGED}: the S3 bucket to create for the stacks' state, such as acme-pulumi-state`,
        );
    }
    for (const rule of stateBucket ? bucketNameProblems(stateBucket) : []) {
        r.problem("stateBucket", `${rule} (got "${stateBucket}")`);
    }
    for (const p of plans) {
        if (stateBucket && p.facts.adopted?.buckets.includes(stateBucket)) {
            r.problem(
                "stateBucket",
                `"${stateBucket}" is a bucket stack "${p.stack}" adopts, which its deploy role manages: choose another name`,
            );
        }
        if (stateBucket && iamGlobMatches(`${p.facts.namePrefix}${p.facts.environment}-integration-app-*`, stateBucket)) {
            r.problem(
                "stateBucket",
                `"${stateBucket}" is inside stack "${p.stack}"'s bucket names (${p.facts.namePrefix}${p.facts.environment}-integration-app-*), which its deploy role manages: it could delete the state; choose another name`,
            );
        }
    }
    const githubOidcProvider = r.string("githubOidcProvider");
    if (githubOidcProvider !== "create" && githubOidcProvider !== "existing") {
        r.problem(
            "githubOidcProvider",
            `must be create or existing (got "${githubOidcProvider}"): AWS allows one provider for https://token.actions.githubusercontent.com per account`,
        );
    }
    const administrators = r.list("stateAdministrators");
    if (administrators.length === 0) {
        r.problem(
            "stateAdministrators",
            "must list at least one IAM role or user ARN: who administers the state keys and runs pulumi stack init (your administrator role: aws sts get-caller-identity, then aws iam get-role --role-name <name> --query Role.Arn)",
        );
    }
    for (const a of administrators.filter((x) => !IAM_PRINCIPAL_ARN.test(x))) {
        r.problem(
            "stateAdministrators",
            `"${a}" is not an IAM role or user ARN (arn:aws:iam::<account>:role/<path/name>); an assumed-role session ARN is not accepted by a key policy`,
        );
    }
    const productionReviewers = r.list("productionReviewers");
    for (const who of productionReviewers.filter((x) => !GITHUB_REVIEWER.test(x))) {
        r.problem("productionReviewers", `"${who}" is not a GitHub login (alice) or team (acme/platform)`);
    }
    if (productionReviewers.length > 6) {
        r.problem(
            "productionReviewers",
            `lists ${productionReviewers.length}; a GitHub environment takes at most six users or teams as required reviewers`,
        );
    }
    const production = plans.filter((p) => p.facts.production).map((p) => p.stack);
    if (production.length > 0 && productionReviewers.length === 0) {
        r.problem(
            "productionReviewers",
            `must name at least one GitHub user or team: production stack${production.length > 1 ? "s" : ""} ${production.join(", ")} deploy only after a reviewer approves in the GitHub environment`,
        );
    }
    if (r.string("atlasClientId") !== "" || r.string("atlasClientSecret") !== "") {
        r.problem(
            r.string("atlasClientId") !== "" ? "atlasClientId" : "atlasClientSecret",
            `has no ESC environment to go to with runner ${SELF_MANAGED}: store the Atlas service account as secrets of the stacks' GitHub environments instead (docs/ci-self-managed.md), and leave this empty`,
        );
    }
    if (raw.values[key("driftAutoRemediate")] === "true") {
        r.problem(
            "driftAutoRemediate",
            `is not available with runner ${SELF_MANAGED}: the nightly drift job fails and notifies; a reviewer decides, and a push (or a re-run of the up job) applies`,
        );
    }
    for (const p of plans) {
        const where = `stack "${p.stack}"`;
        if (!KMS_ALIAS_CHARS.test(p.stack)) {
            r.problem(
                "stacks",
                `${where} cannot name its secrets key ${stateKeyAlias(p.stack)}: KMS aliases allow letters, digits, "/", "_" and "-"`,
            );
        }
        if (p.facts.environments.length > 0) {
            r.problem(
                "stacks",
                `${where}: Pulumi.${p.stack}.yaml imports the ESC environment${p.facts.environments.length > 1 ? "s" : ""} ${p.facts.environments.join(", ")}, which a self-managed backend cannot open; delete its environment: lines (the credentials come from the workflow)`,
            );
        }
        const boundary = p.facts.boundaryArnInFile;
        if (boundary !== undefined && !boundary.endsWith(`:policy/${p.names.boundaryPolicy}`)) {
            r.problem(
                "stacks",
                `${where}: membrane:iamPermissionsBoundaryArn in Pulumi.${p.stack}.yaml is ${boundary}, but its deploy role creates roles only with the boundary ${p.names.boundaryPolicy}; set it to this program's permissionsBoundaryArns.${p.stack} output`,
            );
        } else if (boundary === undefined) {
            warnings.push(
                `Pulumi.${p.stack}.yaml does not set membrane:iamPermissionsBoundaryArn: without ESC the stack file must, or the deploy role refuses to create its roles; set it once this program has run (the setupCommands output has the command)`,
            );
        }
        const administrator = p.facts.keyAdministratorArnInFile;
        if (administrator !== undefined && !administrator.endsWith(`:role/${p.names.deployRole}`)) {
            r.problem(
                "stacks",
                `${where}: membrane:kmsKeyAdministratorArn in Pulumi.${p.stack}.yaml is ${administrator}, but the keys the stack creates must name its deploy role ${p.names.deployRole}, the only role that can manage them; set it to this program's deployRoleArns.${p.stack} output`,
            );
        } else if (administrator === undefined) {
            warnings.push(
                `Pulumi.${p.stack}.yaml does not set membrane:kmsKeyAdministratorArn: without ESC the stack file must, or KMS refuses the deploy role the keys it creates (their key policy names their administrator); set it once this program has run (the setupCommands output has the command)`,
            );
        }
    }
    return {
        stateBucket,
        region,
        githubOidcProvider: githubOidcProvider as SelfManagedConfig["githubOidcProvider"],
        administrators,
        productionReviewers,
        defaultBranch: raw.values[key("branch")] ?? "",
    };
}
