// Helpers for the deployments program's tests: its fixture stacks (test/fixtures/deployments), each
// with an optional `<stack>.cloud.yaml` of what already exists in the AWS account.
import { expect } from "chai";
import { ACTIONS } from "../../deployments/workflow";
import * as fs from "fs";
import * as path from "path";
import type { MembraneSource, MembraneStackFile, RawConfig } from "../../deployments/config";
import { pathGlobs, programFiles } from "../../deployments/program-files";
import { DEPLOYMENTS_DIR, loadCloudFixture } from "../../tools/deployments-plan";
import { evaluate, EvaluateOptions, Evaluation, PROJECT_DIR, ProgramError, RegisteredResource } from "../../tools/engine";
import type { CloudFixture } from "../../tools/mock-cloud";
import { loadProject } from "../../lib/stack-files";
import { FIXTURES } from "../harness";

export const DEPLOYMENTS_FIXTURES = path.join(FIXTURES, "deployments");

/** The fixture's account: `<stack>.cloud.yaml` beside the stack file, or an empty account. */
export function fixtureCloud(stack: string): CloudFixture | undefined {
    const file = path.join(DEPLOYMENTS_FIXTURES, `${stack}.cloud.yaml`);
    return fs.existsSync(file) ? loadCloudFixture(file) : undefined;
}

/**
 * The plain text of the fixture's encrypted values, as the CLI would decrypt them (the engine cannot: it puts
 * a placeholder in their place). A `secret:` in a stack file is refused, as the CLI reads it as plain text.
 */
export const DECRYPTED: Record<string, { secret: string }> = {
    "membrane-deployments:atlasClientSecret": { secret: "mdb_sa_sk_fixture-secret-value" },
};

/** The deployments program on a fixture stack, with the fixture's account unless `cloud` says otherwise. */
export function evaluateDeployments(opts: Omit<EvaluateOptions, "dir">): Promise<Evaluation> {
    return evaluate({
        dir: DEPLOYMENTS_DIR,
        stackDir: DEPLOYMENTS_FIXTURES,
        cloud: fixtureCloud(opts.stack),
        ...opts,
        overrides: { ...(opts.stack === "acme" ? DECRYPTED : {}), ...opts.overrides },
    });
}

const cached = new Map<string, Promise<Evaluation>>();

/** A deployments fixture stack as its file stands, evaluated once per test run. */
export function deploymentsStack(stack: string): Promise<Evaluation> {
    if (!cached.has(stack)) {
        cached.set(stack, evaluateDeployments({ stack }));
    }
    return cached.get(stack)!;
}

export async function deploymentsError(opts: Omit<EvaluateOptions, "dir">): Promise<Error> {
    try {
        await evaluateDeployments(opts);
    } catch (e) {
        return e as Error;
    }
    throw new Error("the deployments program should have failed");
}

export function named(ev: Evaluation, name: string): RegisteredResource {
    const found = ev.resources.filter((r) => r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one resource named ${name}, found ${found.length}`);
    }
    return found[0];
}

export const json = (r: RegisteredResource, key: string): any => JSON.parse(String(r.inputs[key]));

/** The text of an asset input (the ESC environment's YAML). */
export const assetText = (r: RegisteredResource, key: string): string => String((r.inputs[key] as { text: string }).text);

/** The deployments program's defaults from its Pulumi.yaml, as the CLI would pass them. */
const DEFAULTS: Record<string, string> = Object.fromEntries(
    Object.entries(loadProject(DEPLOYMENTS_DIR).config)
        .filter(([, e]) => e.default !== undefined)
        .map(([k, e]) => [k, typeof e.default === "string" ? e.default : JSON.stringify(e.default)]),
);

/** Raw deployments config: the schema's defaults, then `values` (bare keys are `membrane-deployments:`). */
export function rawDeployments(values: Record<string, unknown>, secretKeys: string[] = []): RawConfig {
    const out: Record<string, string> = { ...DEFAULTS };
    for (const [k, v] of Object.entries(values)) {
        const full = k.includes(":") ? k : `membrane-deployments:${k}`;
        if (v === undefined) {
            delete out[full];
        } else {
            out[full] = typeof v === "string" ? v : JSON.stringify(v);
        }
    }
    return { values: out, secretKeys: secretKeys.map((k) => (k.includes(":") ? k : `membrane-deployments:${k}`)) };
}

export const VALID_DEPLOYMENTS = {
    organization: "acme",
    repository: "acme/membrane-infra",
    stacks: ["staging", "prod"],
    atlasClientId: "mdb_sa_id_0123456789abcdef01234567",
    atlasClientSecret: "mdb_sa_sk_test",
};

const MEMBRANE_DEFAULTS = Object.fromEntries(
    Object.entries(loadProject(path.resolve(DEPLOYMENTS_DIR, "..")).config)
        .filter(([, e]) => e.default !== undefined)
        .map(([k, e]) => [k, e.default]),
);

/** A Membrane project in memory: the real schema's defaults and the given stack files. */
export function fakeSource(stacks: Record<string, Partial<MembraneStackFile> & { config: Record<string, unknown> }>): MembraneSource {
    return {
        projectName: "membrane",
        defaults: MEMBRANE_DEFAULTS,
        stackNames: Object.keys(stacks).sort(),
        programPaths: pathGlobs(programFiles(PROJECT_DIR, ""), ""),
        readStack: (stack) => ({ environments: [`membrane/${stack}`], ...stacks[stack] }),
    };
}

export const STAGING_FILE = {
    "aws:region": "eu-west-1",
    "membrane:environment": "staging",
    "membrane:namePrefix": "acme-",
    "membrane:vpcId": "vpc-0f9e8d7c6b5a40321",
    "membrane:privateSubnetIds": ["subnet-0f9e8d7c6b5a40001", "subnet-0f9e8d7c6b5a40002"],
    "membrane:hostedZoneName": "acme.example.com",
};

export const PROD_FILE = {
    "aws:region": "us-east-1",
    "membrane:environment": "prod",
    "membrane:production": true,
    "membrane:namePrefix": "acme-",
    "membrane:vpcId": "vpc-0a1b2c3d4e5f60718",
    "membrane:privateSubnetIds": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
    "membrane:hostedZoneName": "acme.example.com",
    "membrane:eksClusterName": "acme-prod",
};

export { ProgramError };

/**
 * The pull requests' check job of a generated workflow: `npm run check` of `stacks` with no credential (no
 * secret, variable, OIDC token, environment or login action) and `contents: read` only, since a job's own
 * permissions replace the workflow's.
 */
export function expectCredentialFreeCheck(check: any, stacks: readonly string[]): void {
    expect(check.if).to.equal("github.event_name == 'pull_request'");
    expect(check.permissions).to.deep.equal({ contents: "read" });
    expect(check.steps.map((s: any) => s.uses ?? s.run)).to.deep.equal([
        ACTIONS.checkout,
        ACTIONS.setupNode,
        "npm ci",
        `npm run check -- ${stacks.map((s) => `--stack ${s}`).join(" ")}`,
    ]);
    expect(check.steps[0].with).to.deep.equal({ "persist-credentials": false });
    expect(JSON.stringify(check)).to.not.match(
        /secrets\.|vars\.|id-token|auth-actions|pulumi\/actions|configure-aws-credentials|environment/,
    );
}
