// The deployments stack's config and the facts of every Membrane stack it deploys, validated in one
// pass: every problem names its config key and the rule, and all of them are reported before the
// program registers anything. Pure: the Membrane project's files come in through a MembraneSource.
import { defaultStaticDomainName } from "../components/config-cdn";

export const PROJECT = "membrane-deployments";

/** Pulumi Cloud's OIDC issuer, for Deployments and ESC alike. */
export const PULUMI_OIDC_URL = "https://api.pulumi.com/oidc";

/** Config as the CLI hands it to the program: fully qualified keys, string values, secret keys. */
export interface RawConfig {
    readonly values: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
}

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
    /** `membrane:regionInNames`: the region ends the names unique beyond it (the replication role, the alarm topics). */
    readonly regionInNames?: boolean;
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
}

export const RUNNERS = ["pulumi-deployments", "github-actions"] as const;
export type Runner = (typeof RUNNERS)[number];

export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

const key = (k: string) => (k.includes(":") ? k : `${PROJECT}:${k}`);

/** Typed reads of the deployments keys; every problem is collected. */
class Reader {
    readonly problems: string[] = [];

    constructor(private readonly raw: RawConfig) {}

    problem(k: string, rule: string): void {
        this.problems.push(`${key(k)}: ${rule}`);
    }

    private value(k: string): string | undefined {
        return this.raw.values[key(k)];
    }

    string(k: string): string {
        return this.value(k) ?? "";
    }

    boolean(k: string): boolean {
        const v = this.value(k);
        if (v !== undefined && v !== "true" && v !== "false") {
            this.problem(k, `must be true or false (got "${v}")`);
        }
        return v === "true";
    }

    list(k: string): string[] {
        const v = this.value(k);
        let parsed: unknown;
        try {
            parsed = v === undefined ? [] : JSON.parse(v);
        } catch {
            parsed = undefined;
        }
        if (!Array.isArray(parsed) || !parsed.every((e) => typeof e === "string")) {
            this.problem(k, `must be a list of strings (got ${v})`);
            return [];
        }
        return parsed;
    }

    isSecret(k: string): boolean {
        return this.raw.secretKeys.includes(key(k));
    }
}

// Pulumi organization logins are lowercase: the console shows them in app.pulumi.com/<org>. AWS compares
// the OIDC audience with the provider's and the trust policy's case-sensitively, and a mismatch fails
// without saying why, so a capital letter is refused here.
const ORGANIZATION = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
// GitHub: owner 1-39 letters, digits and single hyphens; repository 1-100 letters, digits, ".", "_", "-".
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;
// ESC project and environment names: letters, digits, hyphens, underscores and periods.
const ESC_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
// The environment as the Membrane program accepts it (components/config.ts).
const ENVIRONMENT = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const REGION = /^[a-z]{2,4}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;
// Cron as Pulumi schedules take it: five fields of digits, "*", "/", "," and "-".
const CRON = /^\s*([0-9*/,-]+\s+){4}[0-9*/,-]+\s*$/;
// Deployments and ESC take durations as "XhYmZs"; STS allows 15 minutes to 12 hours for a web identity.
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const MIN_SESSION = 15 * 60;
const MAX_SESSION = 12 * 3600;
// IAM role and policy names: 1-64 and 1-128 characters of [\w+=,.@-].
const IAM_NAME = /^[\w+=,.@-]+$/;

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

/** Seconds in an "XhYmZs" duration; undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
    const m = DURATION.exec(text);
    if (!m || text === "") {
        return undefined;
    }
    return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** A glob with `*` as IAM and path filters use it, as a regular expression. */
export function globRegExp(glob: string): RegExp {
    return new RegExp(
        `^${glob
            .split("*")
            .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
            .join(".*")}$`,
    );
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

/** The files of the Membrane program, relative to its folder: a change elsewhere (docs, tests, tools) deploys nothing. */
export const PROGRAM_PATHS = [
    "index.ts",
    "components/**",
    "Pulumi.yaml",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "tsconfig.pulumi.json",
];

export function pathFilters(repoDir: string, stackConfigDir: string, stack: string): string[] {
    const under = (dir: string, p: string) => (dir ? `${dir}/${p}` : p);
    return [...PROGRAM_PATHS.map((p) => under(repoDir, p)), under(stackConfigDir, `Pulumi.${stack}.yaml`)];
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
    if (eksClusterName && !EKS_CLUSTER_NAME.test(eksClusterName)) {
        problem(`membrane:eksClusterName in ${fileName} must be an EKS cluster name (got "${eksClusterName}")`);
    }
    const { secretsKmsKeyArn, existingExecutionRoleName } = secretsFacts(get, str);
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
        environments: file.environments,
        ...(regionInNames && { regionInNames }),
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
    const r = new Reader(raw);
    const warnings: string[] = [];

    const organization = r.string("organization");
    if (organization === "") {
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
    const runner = r.string("runner") as Runner;
    if (!RUNNERS.includes(runner)) {
        r.problem("runner", `must be ${RUNNERS.join(" or ")} (got "${runner}"): both at once would deploy every push twice`);
    }

    const scheduleCron = r.string("driftSchedule");
    if (!CRON.test(scheduleCron)) {
        r.problem("driftSchedule", `must be a cron expression of five fields, such as "0 4 * * *" (got "${scheduleCron}")`);
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
    if (clientId === "" && clientSecret === "") {
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
        };
        if (names.deployRole.length > 64 || !IAM_NAME.test(names.deployRole)) {
            r.problem(
                "stacks",
                `stack "${stack}" makes the deploy role name "${names.deployRole}", which IAM refuses (at most 64 characters of letters, digits and +=,.@_-)`,
            );
        }
        const escEnvironment = { project: escProject, name: stack };
        const envName = `${escProject}/${stack}`;
        if (!facts.environments.includes(envName)) {
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
            paths: pathFilters(repoDir, stackConfigDir, stack),
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
            if (a.facts.environment && globRegExp(`${a.facts.environment}-membrane-*`).test(b.names.deployRole)) {
                r.problem(
                    "stacks",
                    `stack "${b.stack}" makes the deploy role ${b.names.deployRole}, which stack "${a.stack}"'s deploy role could modify (its roles are ${a.facts.environment}-membrane-*)`,
                );
            }
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
    };
}
