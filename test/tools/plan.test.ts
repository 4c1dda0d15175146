// `npm start`: the offline plan. Exit codes, output, JSON shape, redaction, and the README's diagram.
import { expect } from "chai";
import { FIXTURES, fixtureStack, runCommand } from "../harness";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Evaluation, PROJECT_DIR } from "../../tools/engine";
import { COMPONENT_DESCRIPTIONS, mermaid } from "../../tools/mermaid";
import { UsageError } from "../../tools/cli";
import { defaultStack, HELP, main, parseArgs } from "../../tools/plan";
import { tempDir } from "../support/tmp";

const runPlan = (argv: string[]) => runCommand(main, argv, FIXTURES);

/** Every secret value the stack holds: none may appear in anything the plan prints. */
function secretValues(ev: Evaluation): string[] {
    const values = new Set<string>();
    for (const o of Object.values(ev.outputs).filter((o) => o.secret)) {
        values.add(String(o.value));
    }
    for (const r of ev.resources) {
        for (const k of [...r.secretOutputs, ...r.secretInputs]) {
            const v = r.outputs[k] ?? r.inputs[k];
            if (typeof v === "string" && v.length >= 8) {
                values.add(v);
            }
        }
    }
    return [...values];
}

describe("npm start: arguments", () => {
    it("defaults to text, and to staging, or else the folder's only stack", () => {
        expect(parseArgs([])).to.deep.equal({ format: "text", overrides: {} });
        expect(defaultStack(["prod", "staging"])).to.equal("staging");
        expect(defaultStack(["prod"])).to.equal("prod");
        expect(defaultStack(["dev", "prod"])).to.equal(undefined);
        expect(defaultStack([])).to.equal(undefined);
    });

    it("without --stack in a folder of several stacks but no staging, asks which", async () => {
        const dir = tempDir("membrane-plan-");
        for (const s of ["dev", "prod"]) {
            fs.copyFileSync(path.join(FIXTURES, "Pulumi.prod.yaml"), path.join(dir, `Pulumi.${s}.yaml`));
        }
        let err = "";
        const code = await main(
            [],
            () => undefined,
            (s) => (err += s),
            dir,
        );
        expect(code).to.equal(2);
        expect(err).to.equal("error: say which stack: npm start -- --stack <name> (the stacks of this project: dev, prod)");
    });

    // A --config value is the whole text, as pulumi config set stores it; the schema's type check reads "true" as the boolean.
    it("takes --stack, --json, --mermaid and --config values as text, a list key's as a YAML list", () => {
        expect(parseArgs(["--stack", "prod", "--json"])).to.deep.include({ stack: "prod", format: "json" });
        expect(parseArgs(["-s", "prod", "--mermaid"])).to.deep.include({ stack: "prod", format: "mermaid" });
        expect(parseArgs(["--stack=prod"]).stack).to.equal("prod");
        expect(
            parseArgs(["--config", "membrane:redisClusterMode=true", "-c", "membrane:atlasAccessCidrs=[1.2.3.4/32]"]).overrides,
        ).to.deep.equal({
            "membrane:redisClusterMode": "true",
            "membrane:atlasAccessCidrs": ["1.2.3.4/32"],
        });
    });

    it("refuses --json with --mermaid instead of silently taking the last", () => {
        expect(() => parseArgs(["--json", "--mermaid"])).to.throw(UsageError, /--json, --mermaid and --dotenv exclude each other/);
        expect(parseArgs(["--json", "--json"]).format).to.equal("json");
    });

    it("prints its help for --help and -h, and exits 0", async () => {
        for (const flag of ["--help", "-h"]) {
            const { code, out } = await runPlan([flag]);
            expect(code).to.equal(0);
            expect(out).to.equal(`${HELP}\n`);
            expect(out).to.match(/^usage: npm start -- /);
        }
    });

    it("refuses what it does not know", () => {
        expect(() => parseArgs(["--stak", "prod"])).to.throw(UsageError, /unknown argument "--stak"; usage: npm start/);
        expect(() => parseArgs(["--stack"])).to.throw(UsageError, /--stack needs a name/);
        expect(() => parseArgs(["--config", "novalue"])).to.throw(UsageError, /--config takes <key>=<value>/);
    });
});

describe("npm start: the plan", () => {
    const evals: Record<string, Evaluation> = {};
    const texts: Record<string, { code: number; out: string; err: string }> = {};
    before(async () => {
        const [prod, staging, prodText, stagingText] = await Promise.all([
            fixtureStack("prod"),
            fixtureStack("staging"),
            runPlan(["--stack", "prod"]),
            runPlan([]),
        ]);
        Object.assign(evals, { prod, staging });
        Object.assign(texts, { prod: prodText, staging: stagingText });
    });

    for (const stack of ["prod", "staging"]) {
        it(`${stack}: exits 0 and prints the resources by component, the policy verdict and the .env`, () => {
            const { code, out, err } = texts[stack];
            expect(err).to.equal("");
            expect(code).to.equal(0);
            expect(out).to.include(`Stack membrane/${stack}, evaluated offline`);
            expect(out).to.match(/^storage {2}membrane:storage:Storage$/m);
            expect(out).to.match(/^ {2}\+ aws:s3\/bucket:Bucket +storage-tmp {2}bucket=acme-[a-z]+-integration-app-tmp/m);
            const custom = evals[stack].resources.filter((r) => r.custom).length;
            expect(out).to.include(`${custom} resources in `);
            expect(out).to.include("Policy pack: no violations");
            expect(out).to.match(/^ {2}STORAGE_PROVIDER=s3$/m);
            expect(out).to.match(
                /^Estimated cost per month in [a-z0-9-]+ .*\n[\s\S]*^ {2}Total of the priced lines: \$\d+\.\d\d per month/m,
            );
            expect(out).to.match(/^Estimated duration of the first pulumi up: [\d.]+–[\d.]+ min/m);
        });

        it(`${stack}: shows secrets as [secret] and never their values`, () => {
            const { out } = texts[stack];
            for (const [name, o] of Object.entries(evals[stack].outputs).filter(([n]) => /^[A-Z]/.test(n))) {
                expect(out, name).to.include(`  ${name}=${o.secret ? "[secret]" : o.value}`);
            }
            for (const v of secretValues(evals[stack])) {
                expect(out.includes(v), `a secret value leaked: ${v.slice(0, 4)}…`).to.equal(false);
            }
        });
    }

    it("--json: the same plan for machines, secrets redacted", async () => {
        const { code, out } = await runPlan(["--stack", "prod", "--json"]);
        expect(code).to.equal(0);
        const plan = JSON.parse(out);
        expect(Object.keys(plan)).to.deep.equal([
            "project",
            "stack",
            "components",
            "totals",
            "policyFindings",
            "env",
            "outputs",
            "warnings",
            "assumptions",
            "estimate",
        ]);
        expect(plan.estimate.cost).to.deep.include({ region: "us-east-1", unclassified: [] });
        expect(plan).to.deep.include({ project: "membrane", stack: "prod", policyFindings: [], warnings: [] });
        expect(plan.components.map((c: any) => c.name)).to.include("storage");
        expect(plan.components[0].resources[0]).to.have.keys(["type", "name", "urn", "protect", "properties"]);
        expect(plan.totals.resources).to.equal(evals.prod.resources.filter((r) => r.custom).length);
        for (const v of secretValues(evals.prod)) {
            expect(out.includes(v), `a secret value leaked: ${v.slice(0, 4)}…`).to.equal(false);
        }
    });

    it("an unknown stack exits 2 and lists the stacks that exist", async () => {
        const { code, out, err } = await runPlan(["--stack", "dev"]);
        expect(code).to.equal(2);
        expect(out).to.equal("");
        expect(err).to.equal(
            'error: unknown stack "dev": there is no Pulumi.dev.yaml. The stacks of this project: legacy, prod, staging\n',
        );
    });

    it("a config error exits 2 with the key's message", async () => {
        const { code, err } = await runPlan(["--stack", "prod", "--config", "membrane:environment=Prod_Env"]);
        expect(code).to.equal(2);
        expect(err).to.match(/^error: stack prod: invalid stack configuration:\n {2}- membrane:environment: must be 2 or more lowercase/);
    });

    it("a CLI-level config error (wrong type) exits 2 with the CLI's message", async () => {
        const { code, err } = await runPlan(["--config", "membrane:production=maybe"]);
        expect(code).to.equal(2);
        expect(err).to.include("Stack 'staging' with configuration key 'production' must be of type 'boolean'");
    });

    it("bad arguments exit 2 with the usage", async () => {
        const { code, err } = await runPlan(["--bogus"]);
        expect(code).to.equal(2);
        expect(err).to.match(/usage: npm start/);
    });
});

describe("npm start: its own process", () => {
    // What a user sees: the program, its SDKs and Node.js print nothing to stderr on a valid stack, so that
    // a warning there is always one to act on.
    it("prints nothing to stderr for the valid fixture stacks prod and staging, and exits 0", function () {
        this.timeout(60000);
        const stacks = ["prod", "staging"];
        // One process for both: what is printed at the SDKs' load is printed once either way.
        const runs = stacks.map(
            (stack) => `(s) => plan.main(["--stack", ${JSON.stringify(stack)}], console.log, console.error, ${JSON.stringify(FIXTURES)})`,
        );
        const script = `const plan = require("./tools/plan"); [${runs.join(", ")}].reduce((p, run) => p.then((codes) => run().then((c) => [...codes, c])), Promise.resolve([])).then((codes) => { process.exitCode = Math.max(...codes); })`;
        const run = spawnSync(process.execPath, ["--require", "./tools/register.js", "-e", script], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
            env: { ...process.env, NODE_OPTIONS: "" },
        });
        expect(run.status, run.stderr).to.equal(0);
        for (const stack of stacks) {
            expect(run.stdout).to.include(`Stack membrane/${stack}, evaluated offline`);
        }
        expect(run.stderr).to.equal("");
    });
});

describe("README diagram", () => {
    it("is the diagram npm start -- --stack prod --mermaid generates", async () => {
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        const block = /```mermaid\n([\s\S]*?)```/.exec(readme);
        expect(block, "a mermaid block in README.md").to.not.equal(null);
        expect(block![1]).to.equal(mermaid(await fixtureStack("prod")));
    });
});

describe("npm start: policy violations", () => {
    it("exits 1 on a mandatory violation and prints it: an Atlas access list open to the world", async () => {
        const { code, out } = await runPlan([
            "--config",
            "membrane:atlasAllowAnywhere=true",
            "--config",
            "membrane:atlasAccessCidrs=[0.0.0.0/0]",
        ]);
        expect(code).to.equal(1);
        expect(out).to.match(
            /^Policy pack:\n {2}\[mandatory\] atlas-no-open-access-list urn:pulumi:staging::membrane::membrane:database:Database\$mongodbatlas:index\/projectIpAccessList:ProjectIpAccessList::/m,
        );
    });
});

describe("the architecture diagram", () => {
    it("describes every component of the fixture stacks in the user's words", async () => {
        for (const stack of ["prod", "staging"]) {
            const ev = await fixtureStack(stack);
            for (const c of ev.resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack")) {
                expect(COMPONENT_DESCRIPTIONS, c.type).to.have.property(c.type);
            }
        }
        const prod = mermaid(await fixtureStack("prod"));
        expect(prod).to.include(
            'storage["<b>Storage</b><br/>S3 buckets<br/>acme-prod-integration-app-tmp<br/>acme-prod-integration-app-connectors<br/>acme-prod-integration-app-static"]',
        );
        expect(prod).to.include("ElastiCache redis 7.1<br/>2 nodes, cache.t3.medium");
        expect(prod).to.include("membrane-prod: M10 replica set, over PrivateLink");
        expect(prod).to.include('database -- "MONGO_URI" --> env');
        expect(mermaid(await fixtureStack("staging"))).to.include("1 node, cache.t3.medium");
    });
});
