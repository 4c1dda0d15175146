// Every command the documentation gives (README.md, docs/*.md, policy/README.md: shell blocks, and inline
// mentions of the CLIs) is checked by a parser: the AWS CLI's own (Debian's awscli, against a closed local
// endpoint), the project's own argument parsers for npm scripts, git's and bash's own, and for pulumi,
// terraform, atlas, kubectl, helm and redis-cli a list of their subcommands and flags taken from each CLI's
// reference (test/data/cli-reference.json, with the source of every command). `npm start` examples are
// also run (test/readme.test.ts).
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs as parseBench } from "../tools/bench";
import { parseArgs as parseCheck } from "../tools/check";
import { HelpRequested } from "../tools/cli";
import { parseArgs as parseDeployments } from "../tools/deployments-plan";
import { main as dotenvMain } from "../tools/dotenv";
import { PROJECT_DIR } from "../tools/engine";
import { main as secretValuesMain } from "../tools/k8s-secret-values";
import { parseArgs as parsePlan } from "../tools/plan";
import { CliReference, DocCommand, docCommands, docSnippets, referenceProblems, shellCommands } from "./support/doc-commands";

const FILES = [
    "README.md",
    ...fs
        .readdirSync(path.join(PROJECT_DIR, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
    "policy/README.md",
];
const DOCS: Record<string, string> = Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(path.join(PROJECT_DIR, f), "utf8")]));
const REFERENCE: Record<string, CliReference> = JSON.parse(
    fs.readFileSync(path.join(__dirname, "data", "cli-reference.json"), "utf8"),
).tools;
const COMMANDS = docCommands(DOCS);
const where = (c: DocCommand) => `${c.snippet.file}:${c.snippet.line}: ${c.argv.join(" ")}`;

/** The AWS CLI v2 this suite uses: AWS_CLI, else the first `aws` on PATH that is version 2. */
function awsCliV2(): string | undefined {
    for (const candidate of [process.env.AWS_CLI, "/usr/bin/aws", "aws"].filter(Boolean) as string[]) {
        const r = spawnSync(candidate, ["--version"], { encoding: "utf8" });
        if (r.status === 0 && /^aws-cli\/2\./.test(`${r.stdout}${r.stderr}`)) {
            return candidate;
        }
    }
    return undefined;
}

/** The Python that runs the AWS CLI at `bin` (its script's #! line). */
function pythonOf(bin: string): string {
    const resolved = execFileSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" }).trim();
    const first = fs.readFileSync(fs.realpathSync(resolved), "utf8").split("\n")[0];
    return first.startsWith("#!") ? first.slice(2).trim().split(/\s+/)[0] : "python3";
}

/** An npm command line checked with the project's own parsers: the script exists, and its arguments parse. */
function npmProblems(argv: readonly string[], partial: boolean): string[] {
    const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts;
    let i = 1;
    const npmOptions = new Set(["--silent", "-s", "--no-audit", "--no-fund"]);
    const skipOptions = () => {
        while (i < argv.length && (npmOptions.has(argv[i]) || argv[i] === "--prefix")) {
            i += argv[i] === "--prefix" ? 2 : 1;
        }
    };
    skipOptions();
    const verb = argv[i++];
    if (verb === undefined) {
        return partial ? [] : ["npm without a command"];
    }
    let script: string;
    if (verb === "ci") {
        skipOptions();
        return i < argv.length ? [`npm ci takes no ${argv[i]} here`] : [];
    } else if (verb === "test" || verb === "start") {
        script = verb;
    } else if (verb === "run" || verb === "run-script") {
        skipOptions();
        script = argv[i++];
    } else {
        return [`npm ${verb}: not a command the docs should use`];
    }
    skipOptions();
    if (!(script in scripts)) {
        return [`npm run ${script}: package.json has no such script`];
    }
    if (i < argv.length && argv[i] !== "--") {
        return [`npm ${script}: ${argv[i]} before "--" goes to npm, not to the script`];
    }
    const args = argv.slice(i + 1);
    const parsers: Record<string, (a: readonly string[]) => void> = {
        start: parsePlan,
        check: parseCheck,
        deployments: parseDeployments,
        bench: parseBench,
        // These read standard input: with valid arguments, the empty input is what they refuse.
        dotenv: (a) => {
            let err = "";
            const code = dotenvMain(
                a,
                "",
                () => undefined,
                (s) => (err += s),
            );
            // --help prints the usage and succeeds.
            if (!(code === 0 && err === "") && !err.includes("nothing on standard input")) {
                throw new Error(err);
            }
        },
        "k8s-secret-values": (a) => {
            let err = "";
            secretValuesMain(
                a,
                "",
                () => undefined,
                (s) => (err += s),
            );
            if (!err.includes("standard input is not JSON")) {
                throw new Error(err);
            }
        },
    };
    const noArguments = (a: readonly string[]) => {
        if (a.length > 0) {
            throw new Error("takes no arguments");
        }
    };
    const parse = parsers[script] ?? noArguments;
    try {
        parse(args);
        return [];
    } catch (e) {
        return e instanceof HelpRequested ? [] : [`npm run ${script} -- ${args.join(" ")}: ${(e as Error).message}`];
    }
}

/** A git command line against git's own list of the subcommand's options. */
function gitProblems(argv: readonly string[]): string[] {
    const r = spawnSync("git", [argv[1], "--git-completion-helper"], { encoding: "utf8" });
    if (r.status !== 0) {
        return [`git ${argv[1]}: ${r.stderr.trim()}`];
    }
    const options = new Set(r.stdout.split(/\s+/).map((o) => o.replace(/=$/, "")));
    return argv
        .slice(2)
        .filter((w) => w.startsWith("--"))
        .map((w) => w.split("=")[0])
        .filter((o) => !options.has(o))
        .map((o) => `git ${argv[1]}: unknown option ${o}`);
}

/** Shell builtins and utilities whose use the shell's own parse (bash -n) covers. */
const SHELL = new Set(["cd", "export", "rm", "umask", "printf", "install"]);

function localProblems(c: DocCommand): string[] {
    const [cmd] = c.argv;
    if (cmd === "npm") {
        return npmProblems(c.argv, c.snippet.inline);
    }
    if (cmd in REFERENCE) {
        return referenceProblems(REFERENCE[cmd], c.argv, c.snippet.inline);
    }
    if (cmd === "git") {
        return gitProblems(c.argv);
    }
    if (cmd === "node" || cmd === "date") {
        // Pure computations (a timestamp): run them.
        const r = spawnSync(cmd === "node" ? process.execPath : "date", c.argv.slice(1), { encoding: "utf8" });
        return r.status === 0 && /^\d+\s*$/.test(r.stdout) ? [] : [`${cmd}: ${r.stderr || r.stdout}`];
    }
    if (cmd === "jq") {
        // jq compiles its filter before it reads input: an empty object runs it without output.
        const r = spawnSync("jq", c.argv.slice(1), { input: "{}", encoding: "utf8" });
        return r.error ? [`jq: ${r.error.message}`] : r.status === 0 ? [] : [`jq: ${r.stderr.trim()}`];
    }
    if (SHELL.has(cmd) && !c.snippet.inline) {
        return [];
    }
    return [`no parser checks ${cmd}: give it one in test/doc-commands.test.ts`];
}

describe("the documentation's commands", () => {
    it("are found: the shell blocks and inline commands of every page", () => {
        expect(Object.keys(DOCS)).to.include.members([
            "README.md",
            "docs/deployments.md",
            "docs/engine.md",
            "docs/resources.md",
            "policy/README.md",
        ]);
        expect(COMMANDS.length).to.be.greaterThan(250);
        const tools = new Set(COMMANDS.map((c) => c.argv[0]));
        expect([...tools]).to.include.members(["aws", "pulumi", "terraform", "atlas", "kubectl", "helm", "npm"]);
    });

    it("split as a shell splits them: pipes, &&, $(…), redirections, continuations, placeholders", () => {
        expect(
            shellCommands(
                "(umask 077; pulumi stack output dotenv -s prod > .env)\nPROJECT=$(pulumi stack output atlasProjectId -s prod)   # x\n" +
                    "aws s3 sync s3://a \\\n  s3://b --region <region> 2>&1 | npm run --silent dotenv -- --out .env && cd deployments",
            ),
        ).to.deep.equal([
            ["umask", "077"],
            ["pulumi", "stack", "output", "dotenv", "-s", "prod"],
            ["pulumi", "stack", "output", "atlasProjectId", "-s", "prod"],
            ["aws", "s3", "sync", "s3://a", "s3://b", "--region", "placeholder"],
            ["npm", "run", "--silent", "dotenv", "--", "--out", ".env"],
            ["cd", "deployments"],
        ]);
        expect(docSnippets("x.md", "Run `pulumi up --stack prod` or `pulumi`.\n```sh\nnpm test\n```\n").map((s) => s.text)).to.deep.equal([
            "npm test\n",
            "pulumi up --stack prod",
        ]);
    });

    it("chain no cd after a command that can fail: a failed check would leave the reader in the wrong folder", () => {
        // Shell blocks and inline spans alike (an inline `cd .. && … && cd back` starts with no CLI's name).
        const chained = Object.entries(DOCS).flatMap(([file, text]) =>
            text
                .split("\n")
                .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
                .filter(({ line }) => /&&\s*cd\s/.test(line))
                .map(({ line, at }) => `${at}: ${line.trim()}`),
        );
        expect(chained).to.deep.equal([]);
    });

    it("every shell block is valid shell (bash -n)", () => {
        for (const [file, md] of Object.entries(DOCS)) {
            for (const s of docSnippets(file, md).filter((x) => !x.inline)) {
                // <placeholders> are the docs' convention, not redirections.
                const r = spawnSync("bash", ["-n"], { input: s.text.replace(/<[A-Za-z][^<>\n]*>/g, "placeholder"), encoding: "utf8" });
                expect(r.status, `${file}:${s.line}: ${r.stderr}`).to.equal(0);
            }
        }
    });

    it("pulumi, terraform, atlas, kubectl, helm, redis-cli, npm, git, jq and node lines parse with their CLI's rules", () => {
        const problems = COMMANDS.filter((c) => c.argv[0] !== "aws").flatMap((c) => localProblems(c).map((p) => `${where(c)}\n      ${p}`));
        expect(problems).to.deep.equal([]);
    });

    it("the reference check refuses what the CLIs refuse", () => {
        const pulumi = REFERENCE.pulumi;
        expect(referenceProblems(pulumi, ["pulumi", "stack", "rm", "--preserve-configs", "prod"])).to.deep.equal([
            "pulumi stack rm: unknown flag --preserve-configs",
        ]);
        expect(referenceProblems(pulumi, ["pulumi", "stak", "rm"])).to.deep.equal(["pulumi stak rm: no such command in the reference"]);
        expect(referenceProblems(pulumi, ["pulumi", "stack", "otput", "x"])).to.have.lengthOf(1);
        expect(referenceProblems(REFERENCE.terraform, ["terraform", "state", "push", "--force", "f"])).to.deep.equal([]);
        expect(referenceProblems(REFERENCE.terraform, ["terraform", "state", "push", "-forcee", "f"])).to.have.lengthOf(1);
        expect(referenceProblems(REFERENCE.atlas, ["atlas", "backups", "restores", "start", "pitr"])).to.have.lengthOf(1);
        expect(npmProblems(["npm", "start", "--", "--stack", "prod", "--jsn"], false)).to.have.lengthOf(1);
        expect(npmProblems(["npm", "start", "--stack", "prod"], false)).to.have.lengthOf(1);
        expect(npmProblems(["npm", "run", "deploy"], false)).to.deep.equal(["npm run deploy: package.json has no such script"]);
    });

    it("aws lines parse with the AWS CLI's own parser, in one batch against a closed local endpoint", function () {
        this.timeout(60000);
        const aws = awsCliV2();
        if (!aws) {
            // CI installs Debian's awscli (.ci/run): there, a missing CLI fails the suite instead of skipping it.
            expect(process.env.CI ?? "", "the AWS CLI v2 is missing: apt-get install -y awscli").to.equal("");
            this.skip();
        }
        const lines = COMMANDS.filter((c) => c.argv[0] === "aws");
        const probes = [
            { argv: ["s3api", "list-object-versions", "--bucket", "b", "--prefixx", "k"], mode: "parse", ok: false },
            { argv: ["s3api", "list-object-versions"], mode: "parse", ok: false },
            { argv: ["s3control", "create-job", "--account-id", "1", "--operation", '{"S3Replicate":{}}'], mode: "parse", ok: false },
            { argv: ["elasticache", "modify-replication-group", "--auth-tokn"], mode: "names", ok: false },
        ];
        const requests = [
            ...lines.map((c) => ({ argv: c.argv.slice(1), mode: c.snippet.inline ? "names" : "parse" })),
            ...probes.map(({ argv, mode }) => ({ argv, mode })),
        ];
        const r = spawnSync(pythonOf(aws!), [path.join(__dirname, "support", "aws-cli-check.py")], {
            input: JSON.stringify(requests),
            encoding: "utf8",
            timeout: 50000,
        });
        expect(r.status, r.stderr).to.equal(0);
        const results: Array<{ ok: boolean; rc: number; error: string }> = JSON.parse(r.stdout);
        const failed = lines.flatMap((c, i) => (results[i].ok ? [] : [`${where(c)}\n      exit ${results[i].rc}: ${results[i].error}`]));
        expect(failed).to.deep.equal([]);
        // The parser is the one that refuses: a typo, a missing required option, a value outside the API model.
        expect(results.slice(lines.length).map((x) => x.ok)).to.deep.equal(probes.map((p) => p.ok));
        expect(results[lines.length].rc).to.equal(252);
        expect(lines.length).to.be.greaterThan(10);
    });
});
