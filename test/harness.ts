// Shared helpers over an offline evaluation: find resources by type and name, read a component's children.
import { expect } from "chai";
import { readSettings } from "../components/settings";
import { ConfigError } from "../lib/config-reader";
import * as path from "path";
import { evaluate as evaluateIn, EvaluateOptions, Evaluation, PROJECT_DIR, ProgramError, RegisteredResource } from "../tools/engine";
import type { RawConfig } from "../lib/config-reader";
import { loadCloudFixture } from "../tools/cloud-file";
import type { CloudFixture } from "../tools/mock-cloud";
import { declaredDefaults, declaredKeys } from "../lib/config-source";

const DECLARED_KEYS = declaredKeys(PROJECT_DIR);
const defaults = declaredDefaults(PROJECT_DIR);

/** The tests' own stacks: the project's Pulumi.<stack>.yaml files are the user's, and no test reads them. */
export const FIXTURES = path.join(PROJECT_DIR, "test", "fixtures");

/** The account of the programs that build one component alone (test/programs/): its own zone, cluster and network. */
export const COMPONENT_ACCOUNT: CloudFixture = loadCloudFixture(path.join(FIXTURES, "components.cloud.yaml"));

/**
 * The engine's evaluate, on the fixture stacks unless a test names another folder; each fixture stack's
 * `<stack>.cloud.yaml` is its account, so no look-up is ever answered by an assumption.
 */
export function evaluate(opts: EvaluateOptions): Promise<Evaluation> {
    return evaluateIn({ stackDir: FIXTURES, ...opts });
}

/**
 * The stack's fixture account as if it were in `region`: its subnets in that region's zones (a, b, c, ... as
 * in the file), everything else as the file says. For tests of one stack evaluated in several regions.
 */
export function cloudInRegion(stack: string, region: string): CloudFixture {
    const cloud = loadCloudFixture(path.join(FIXTURES, `${stack}.cloud.yaml`));
    return {
        ...cloud,
        subnets: cloud.subnets?.map((s) => ({ ...s, availabilityZone: `${region}${s.availabilityZone.slice(-1)}` })),
    };
}

export function byType(ev: Evaluation, type: string): RegisteredResource[] {
    return ev.resources.filter((r) => r.type === type);
}

/** The one resource of `type` (named `name`, when given); fails the test when there is not exactly one. */
export function one(ev: Evaluation, type: string, name?: string): RegisteredResource {
    const found = byType(ev, type).filter((r) => name === undefined || r.name === name);
    expect(found, `${type}${name ? ` named ${name}` : ""}`).to.have.lengthOf(1);
    return found[0];
}

export function childrenOf(ev: Evaluation, parent: RegisteredResource): RegisteredResource[] {
    return ev.resources.filter((r) => r.parent === parent.urn);
}

/** Every resource below `root`, at any depth. */
export function descendantsOf(ev: Evaluation, root: RegisteredResource): RegisteredResource[] {
    const out: RegisteredResource[] = [];
    const walk = (p: RegisteredResource) => {
        for (const c of childrenOf(ev, p)) {
            out.push(c);
            walk(c);
        }
    };
    walk(root);
    return out;
}

/**
 * Raw config as the CLI hands it to the program: Pulumi.yaml's defaults, then `values` (bare keys mean
 * `membrane:`; `undefined` removes a key, as if Pulumi.yaml had no default for it).
 */
export function raw(values: Record<string, unknown>, secretKeys: string[] = []): RawConfig {
    const out: Record<string, string> = {};
    const given = Object.fromEntries(Object.entries(values).map(([k, v]) => [k.includes(":") ? k : `membrane:${k}`, v]));
    for (const [key, v] of Object.entries({ ...defaults, ...given })) {
        if (v === undefined) {
            continue;
        }
        out[key] = typeof v === "string" ? v : Array.isArray(v) ? JSON.stringify(v) : String(v);
    }
    return {
        values: out,
        secretKeys: secretKeys.map((k) => (k.includes(":") ? k : `membrane:${k}`)),
        declaredKeys: DECLARED_KEYS,
        stack: out["membrane:environment"] ?? "",
        defaults,
    };
}

/** A complete, valid raw config to vary one key at a time. */
export const VALID: Record<string, unknown> = {
    "aws:region": "us-east-1",
    environment: "prod",
    namePrefix: "acme-",
    vpcId: "vpc-0a1b2c3d4e5f60718",
    vpcCidr: "10.20.0.0/16",
    privateSubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
    // As in both fixture stacks; without a zone the config warns that the CDN uses CloudFront's default certificate.
    hostedZoneName: "acme.example.com",
    atlasOrgId: "5f1e2d3c4b5a697887766554",
    atlasAccessCidrs: ["203.0.113.24/32"],
};

/**
 * What a stack that adopts an install brings besides the resources' keys: the running Membrane's SECRET and
 * ENCRYPTION_SECRET, encrypted (docs/adopt.md step 3); without ENCRYPTION_SECRET an adoption is refused.
 */
export const ADOPTED_SECRETS: { readonly values: Record<string, unknown>; readonly secretKeys: string[] } = {
    values: { existingSecret: "s".repeat(40), existingEncryptionSecret: "e".repeat(40) },
    secretKeys: ["existingSecret", "existingEncryptionSecret"],
};

export function policyOf(r: RegisteredResource): any {
    const p = r.inputs.policy;
    return typeof p === "string" ? JSON.parse(p) : p;
}

/** The one resource of `type` (named `name`, when given) inside the stack's one component of `componentType`. */
export function oneIn(ev: Evaluation, componentType: string, type: string, name?: string): RegisteredResource {
    const found = descendantsOf(ev, one(ev, componentType)).filter((r) => r.type === type && (name === undefined || r.name === name));
    expect(found, `${type}${name ? ` named ${name}` : ""} in ${componentType}`).to.have.lengthOf(1);
    return found[0];
}

/** The problems readSettings reports for VALID with `values` over it; [] when it accepts them. */
export function problemsOf(values: Record<string, unknown>, secretKeys: string[] = []): string[] {
    try {
        readSettings(raw({ ...VALID, ...values }, secretKeys));
        return [];
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return [...(e as ConfigError).problems];
    }
}

/** The ProgramError an evaluation fails with; fails the test when the program succeeds. */
export async function programError(opts: Parameters<typeof evaluate>[0]): Promise<ProgramError> {
    try {
        await evaluate(opts);
    } catch (e) {
        expect(e).to.be.instanceOf(ProgramError);
        return e as ProgramError;
    }
    return expect.fail("the program should have failed");
}

const fixtureStacks = new Map<string, Promise<Evaluation>>();

/** A fixture stack evaluated as its file stands, once per test run: the evaluations are read-only. */
export function fixtureStack(stack: string): Promise<Evaluation> {
    if (!fixtureStacks.has(stack)) {
        fixtureStacks.set(stack, evaluate({ stack }));
    }
    return fixtureStacks.get(stack)!;
}

/** A command's `main` (tools/plan.ts, tools/deployments-plan.ts) run on `argv` with `stackDir`: its exit code and what it wrote. */
export async function runCommand(
    main: (argv: string[], write: (s: string) => void, writeError: (s: string) => void, stackDir?: string) => Promise<number>,
    argv: string[],
    stackDir: string,
): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await main(
        argv,
        (s) => (out += `${s}\n`),
        (s) => (err += `${s}\n`),
        stackDir,
    );
    return { code, out, err };
}

/** A valid value other than Pulumi.yaml's default for each key only Atlas reads (ATLAS_ONLY_KEYS), in a non-production stack. */
export const ATLAS_KEYS_CHANGED: Record<string, unknown> = {
    atlasOrgId: "5f1e2d3c4b5a697887766554",
    atlasProjectId: "6a1b2c3d4e5f607182930a4b",
    atlasInstanceSize: "M20",
    mongoVersion: "7.0",
    mongoDatabase: "app",
    mongoUsername: "app-user",
    atlasAccessCidrs: ["198.51.100.7/32"],
    atlasAllowAnywhere: true,
    atlasPrivateLink: true,
    atlasPrivateEndpointWaitMinutes: 5,
    atlasBackupHourlyRetentionDays: 3,
    atlasBackupDailyRetentionDays: 8,
    atlasBackupWeeklyRetentionWeeks: 5,
    atlasBackupMonthlyRetentionMonths: 13,
    atlasPitWindowDays: 5,
    atlasAlertReplicationLagSeconds: 300,
    atlasAlertDiskPercent: 85,
    atlasAlertConnectionsPercent: 75,
};
