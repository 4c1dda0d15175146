// Hostile input (issue 22) and the first day's rough edges (issue 24), case by case: each found by hand or
// by generated input, each now a config error that names its key, a refusal that says why, or a warning.
// The few cases that need a real process (exit codes, a slow pipe, signals) spawn one; the rest run in this one.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { formatDotenv } from "../../components/outputs/dotenv";
import { main as checkMain, plainTextSecrets } from "../../tools/check";
import { main as dotenvMain, readDockerEnvFile, writeDotenv } from "../../tools/dotenv";
import { evaluate as evaluateIn, PROJECT_DIR } from "../../tools/engine";
import { main as planMain, parseArgs, plannedResources } from "../../tools/plan";
import { runPolicies } from "../../policy/runner";
import { FIXTURES, problemsOf, runCommand } from "../harness";
import { tempDir } from "../support/tmp";

const STAGING = fs.readFileSync(path.join(FIXTURES, "Pulumi.staging.yaml"), "utf8");
const HOOK = path.join(PROJECT_DIR, "tools", "register.js");

/** A folder of stack files (and the staging fixture's cloud file for each): `stacks` maps a stack's name to its text. */
function stackDir(stacks: Record<string, string>): string {
    const dir = tempDir("membrane-hostile-");
    for (const [stack, text] of Object.entries(stacks)) {
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
        fs.copyFileSync(path.join(FIXTURES, "staging.cloud.yaml"), path.join(dir, `${stack}.cloud.yaml`));
    }
    return dir;
}

/** The staging fixture with `lines` added to its config (and `preamble` before it). */
function staging(lines: string, preamble = ""): string {
    return `${preamble}${STAGING.trimEnd()}\n${lines.replace(/^/gm, "  ")}\n`;
}

/** `npm start` on `argv`, in this process. */
function plan(argv: string[], dir: string) {
    return runCommand(planMain, argv, dir);
}

/** A command's entry, in a real process: what `npm start` or `npm run check` run, on a folder of the tests' stacks. */
function command(tool: "plan" | "check", argv: string[], dir: string, announce = false): string {
    const main =
        tool === "plan"
            ? `require("./tools/plan").main(${JSON.stringify(argv)}, (s) => console.log(s), (s) => console.error(s), ${JSON.stringify(dir)})`
            : `require("./tools/check").main(${JSON.stringify(argv)}, (s) => console.log(s), ${JSON.stringify(dir)})`;
    // `announce`: say on stderr when the command has written everything, before runMain ends the process.
    return `require("./tools/cli").runMain(() => ${main}${announce ? '.then((code) => (process.stderr.write("written\\n"), code))' : ""})`;
}

const BOMB =
    "b0: &b0 [x]\n" +
    Array.from({ length: 9 }, (_, i) => `b${i + 1}: &b${i + 1} [${Array(9).fill(`*b${i}`).join(", ")}]`).join("\n") +
    "\n";
const NO_TRACE = /\n\s+at [^\n]*[(:]\d+/;

describe("hostile input: crashes and unhelpful refusals", () => {
    it("an alias to no anchor is a config error with file:line:col and the key, in npm start and npm run check", async () => {
        const dir = stackDir({ staging: staging("membrane:alarmEmail: *nope") });
        const p = await plan(["--stack", "staging"], dir);
        expect(p.code).to.equal(2);
        expect(p.err).to.match(
            /Pulumi\.staging\.yaml:\d+:24: membrane:alarmEmail: the alias \*nope refers to no anchor &nope defined before it/,
        );
        expect(p.err).to.not.match(NO_TRACE);
        const out: string[] = [];
        expect(await checkMain([], (s) => out.push(s), dir)).to.equal(2);
        expect(out.join("\n")).to.match(/✘ staging: invalid\n\s+- Pulumi\.staging\.yaml:\d+:\d+: membrane:alarmEmail: the alias \*nope/);
    });

    it("an alias bomb is refused at once (exit 2, file:line:col), and npm run check still checks the other stacks: real processes", function () {
        this.timeout(60_000);
        const dir = stackDir({ bomb: staging("membrane:alarmEmail: *b9", BOMB), staging: STAGING });
        const run = (tool: "plan" | "check", argv: string[]) =>
            spawnSync(process.execPath, ["--require", HOOK, "-e", command(tool, argv, dir)], { cwd: PROJECT_DIR, encoding: "utf8" });
        const p = run("plan", ["--stack", "bomb"]);
        expect(p.status, p.stderr).to.equal(2);
        expect(p.stderr).to.match(/Pulumi\.bomb\.yaml:\d+:\d+: b\d: the aliases expand the document past 10000 values \(an alias bomb\?\)/);
        expect(p.stderr).to.not.include("internal error");
        expect(p.stderr).to.not.match(NO_TRACE);
        const c = run("check", []);
        expect(c.status, c.stderr).to.equal(2);
        expect(c.stdout).to.match(/^✘ bomb: invalid\n\s+- Pulumi\.bomb\.yaml:\d+:\d+: /m);
        expect(c.stdout).to.match(/^✔ staging: \d+ resources, config valid/m);
    });

    it("--config takes the whole text; a list that is not YAML names --config, the key and how to quote", async () => {
        for (const value of ["[", "{", "*x", "a: b: c", "@ops", "%ops@example.com", "acme- #corp"]) {
            expect(parseArgs(["--config", `membrane:namePrefix=${value}`]).overrides["membrane:namePrefix"]).to.equal(value);
        }
        const dir = stackDir({ staging: STAGING });
        const p = await plan(["--stack", "staging", "--config", "membrane:alarmEmail=@ops"], dir);
        expect(p.code).to.equal(2);
        expect(p.err).to.include('membrane:alarmEmail: must be an email address such as ops@example.com (got "@ops")');
        const list = await plan(["--stack", "staging", "--config", "membrane:corsAllowedOrigins=["], dir);
        expect(list.code).to.equal(2);
        expect(list.err).to.include(
            `error: --config membrane:corsAllowedOrigins: "[" is not a YAML list (Flow sequence must end with a ], at column 2): write the list in brackets, its items quoted, and the whole argument in single quotes for your shell: --config 'membrane:corsAllowedOrigins=["first", "second"]'`,
        );
    });

    it("a rule between two keys names both; a hex number is named as not decimal", () => {
        expect(problemsOf({ atlasBackupHourlyRetentionDays: "16" })).to.deep.equal([
            "membrane:atlasBackupDailyRetentionDays and membrane:atlasBackupHourlyRetentionDays: keep daily snapshots 7 days, less than the 6-hourly ones (16 days); Atlas keeps less frequent snapshots at least as long: raise the first or lower the second",
        ]);
    });

    it("npm run dotenv: JSON null, a list or a number is refused by name; --help is its help", () => {
        for (const [input, what] of [
            ["null", "null"],
            ["[]", "a JSON list"],
            ["3", "a JSON number"],
        ]) {
            let err = "";
            expect(
                dotenvMain(
                    [],
                    input,
                    () => undefined,
                    (s) => (err += s),
                ),
            ).to.equal(2);
            expect(err).to.include(`dotenv: the input is ${what}, not the object of outputs pulumi stack output --json prints`);
        }
        let out = "";
        expect(dotenvMain(["--help"], "", (s) => (out += s), fail)).to.equal(0);
        expect(out)
            .to.match(/^usage: pulumi stack output --json --show-secrets/)
            .and.to.include("--format shell");
    });

    it("a cloud file with a misspelt kind is exit 2 naming the kind it meant, without a stack trace", async () => {
        const dir = stackDir({ staging: STAGING });
        fs.appendFileSync(path.join(dir, "staging.cloud.yaml"), "hostedZone: []\n");
        const p = await plan(["--stack", "staging"], dir);
        expect(p.code).to.equal(2);
        expect(p.err).to.include('staging.cloud.yaml: "hostedZone" is not a kind a cloud file describes (did you mean hostedZones?)');
        expect(p.err).to.not.match(NO_TRACE);
    });

    it("a refused evaluation leaves no rejection behind for the process that embeds it", async () => {
        const seen: unknown[] = [];
        const listener = (reason: unknown) => seen.push(reason);
        process.on("unhandledRejection", listener);
        try {
            for (let i = 0; i < 3; i++) {
                await evaluateIn({ stack: "staging", stackDir: FIXTURES, overrides: { "membrane:vpcId": "nope" } }).then(
                    () => expect.fail("the stack should be refused"),
                    (e: Error) => expect(e.message).to.include("membrane:vpcId"),
                );
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
            expect(seen).to.deep.equal([]);
            expect(process.listeners("unhandledRejection")).to.include(listener);
        } finally {
            process.off("unhandledRejection", listener);
        }
    });
});

function fail(s: string): never {
    throw new Error(`unexpected: ${s}`);
}

describe("hostile input: silent acceptance that changes meaning", () => {
    it("{ secret: plaintext } in a stack file is refused for every secret key, in npm start and npm run check", async () => {
        const dir = stackDir({
            staging: staging(
                "membrane:existingSecret:\n  secret: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nmembrane:externalMongoUri:\n  secret: mongodb://u:p@h/db",
            ),
        });
        const p = await plan(["--stack", "staging"], dir);
        expect(p.code).to.equal(2);
        for (const key of ["membrane:existingSecret", "membrane:externalMongoUri"]) {
            expect(p.err).to.include(
                `${key}: "secret:" holds the value in plain text in the stack file; only "secure:" values are encrypted`,
            );
        }
        expect(p.err).to.not.include("aaaaaaaaaa").and.not.include("u:p@h");
        const out: string[] = [];
        expect(await checkMain([], (s) => out.push(s), dir)).to.equal(2);
        expect(out.join("\n")).to.include('membrane:existingSecret: "secret:" holds the value in plain text');
    });

    it("npm run check accepts the settings whose names merely contain 'secret', as npm start does", async () => {
        const settings = {
            "membrane:secretsManager": "false",
            "membrane:secretsKmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "membrane:ecsRepositoryCredentialsSecretArn":
                "arn:aws:secretsmanager:eu-west-1:111122223333:secret:membrane/staging/registry-AbCdEf",
            "membrane:acceptShortExistingSecrets": "false",
        };
        expect(plainTextSecrets(settings)).to.deep.equal([]);
        expect(
            plainTextSecrets({ "aws:secretKey": "wJalr", "mongodbatlas:privateKey": "k", "membrane:existingSecret": "s" }),
        ).to.have.lengthOf(3);
        const lines = Object.entries({ ...settings, "membrane:secretsManager": "true" })
            .map(([k, v]) => `${k}: "${v}"`)
            .join("\n");
        const out: string[] = [];
        expect(await checkMain([], (s) => out.push(s), stackDir({ staging: staging(lines) })), out.join("\n")).to.equal(0);
    });

    it("atlasAllowAnywhere and the pack agree: the program warns that the pack still refuses 0.0.0.0/0, and the stack's policy config lowers it", async () => {
        const text = STAGING.replace(
            "membrane:atlasAccessCidrs:\n    - 203.0.113.24/32",
            "membrane:atlasAllowAnywhere: true\n  membrane:atlasAccessCidrs:\n    - 0.0.0.0/0",
        );
        const dir = stackDir({ staging: text });
        const p = await plan(["--stack", "staging"], dir);
        expect(p.code).to.equal(1);
        expect(p.out).to.include("[mandatory] atlas-no-open-access-list");
        expect(p.out).to.include('--policy-pack-config <file> with {"atlas-no-open-access-list": "advisory"}');
        const ev = await evaluateIn({ stack: "staging", stackDir: dir });
        const lowered = runPolicies(plannedResources(ev), { "atlas-no-open-access-list": "advisory" });
        expect(lowered.filter((f) => f.policyName === "atlas-no-open-access-list").map((f) => f.enforcementLevel)).to.deep.equal([
            "advisory",
        ]);
        expect(lowered.some((f) => f.enforcementLevel === "mandatory")).to.equal(false);
        const docs = fs.readFileSync(path.join(PROJECT_DIR, "docs", "resources.md"), "utf8");
        expect(docs).to.include("--policy-pack-config").and.to.include('"atlas-no-open-access-list": "advisory"');
    });

    it("an integer beyond 2^53 is refused, as written, never rounded", () => {
        expect(problemsOf({ alarmRedisEvictions: "9007199254740993" })).to.deep.equal([
            "membrane:alarmRedisEvictions: must be between 0 and 1000000 (got 9007199254740993)",
        ]);
    });

    it("a --config value with ' #' is the whole value: acme- #corp is refused, never planned as acme-", async () => {
        const p = await plan(["--stack", "staging", "--config", "membrane:namePrefix=acme- #corp"], stackDir({ staging: STAGING }));
        expect(p.code).to.equal(2);
        expect(p.err).to.include(
            'membrane:namePrefix: must be lowercase letters, digits and hyphens, starting with a letter or digit: it begins every bucket name (got "acme- #corp"); write acme-corp',
        );
    });

    it("CIDRs with leading zeros are refused, with the form to write", () => {
        expect(problemsOf({ vpcCidr: "010.020.000.000/16" })).to.deep.equal([
            'membrane:vpcCidr: has a number with a leading zero, which some tools read as octal: write 10.20.0.0/16 (got "010.020.000.000/16")',
        ]);
        expect(problemsOf({ atlasAccessCidrs: ["203.0.113.024/32"] })).to.deep.equal([
            'membrane:atlasAccessCidrs: "203.0.113.024/32" has a number with a leading zero, which some tools read as octal: write 203.0.113.24/32',
        ]);
    });

    it("a region the provider does not list is refused with the nearest one; aws:skipRegionValidation lets a newer one through", () => {
        expect(problemsOf({ "aws:region": "us-east-9" })).to.deep.equal([
            'aws:region: is not a region the AWS provider knows (did you mean us-east-1?); for a region newer than the 46 that @pulumi/aws lists, update it (npm install @pulumi/aws@latest) or set aws:skipRegionValidation: true (got "us-east-9")',
        ]);
        expect(problemsOf({ "aws:region": "xx-nowhere-42" })[0]).to.match(
            /^aws:region: is not a region the AWS provider knows; for a region newer/,
        );
        // Let through, and then judged by what depends on it: Atlas has no clusters there.
        const newer = problemsOf({ "aws:region": "us-east-9", "aws:skipRegionValidation": "true", s3ReplicaRegion: "us-west-2" });
        expect(newer).to.have.lengthOf(1);
        expect(newer[0]).to.match(/^aws:region: Atlas has no dedicated clusters in AWS region "us-east-9"/);
    });

    it("CORS origins are parsed by the WHATWG URL parser: scheme and host (and a valid port) only, as a browser sends them", () => {
        expect(
            problemsOf({
                corsAllowedOrigins: ["https://..", "https://app.acme.com:99999", "https://App.acme.com", "https://app.acme.com:443"],
            }),
        ).to.deep.equal([
            'membrane:corsAllowedOrigins: "https://.." is not an origin: its host ".." is not a DNS name or an IP address',
            'membrane:corsAllowedOrigins: "https://app.acme.com:99999" is not an origin: its port 99999 is above 65535',
            'membrane:corsAllowedOrigins: "https://App.acme.com" is not an origin as a browser sends it, so it would never match: write https://app.acme.com',
            'membrane:corsAllowedOrigins: "https://app.acme.com:443" is not an origin as a browser sends it, so it would never match: write https://app.acme.com',
        ]);
        expect(problemsOf({ corsAllowedOrigins: ["https://app.acme.com", "http://localhost:3000", "*"] })).to.deep.equal([]);
    });

    it("invisible characters in names, emails and ids are refused, once, shown escaped", () => {
        expect(problemsOf({ mongoDatabase: "membrane2\t" })).to.deep.equal([
            'membrane:mongoDatabase: contains an invisible character (U+0009 at position 10), which would become part of the name, address or id: type the value again (got "membrane2\\u{9}")',
        ]);
        expect(problemsOf({ alarmEmail: "ops\u200b@example.com" })).to.deep.equal([
            'membrane:alarmEmail: contains an invisible character (U+200B at position 4), which would become part of the name, address or id: type the value again (got "ops\\u{200B}@example.com")',
        ]);
        expect(problemsOf({ namePrefix: "acme\u00a0-" })).to.have.lengthOf(1);
    });

    it("mongoVersion 8.0 means the same in a file and in --config: the text 8.0, as the CLI reads it", async () => {
        const fromFile = await evaluateIn({ stack: "staging", stackDir: stackDir({ staging: staging("membrane:mongoVersion: 8.0") }) });
        const fromFlag = await evaluateIn({
            stack: "staging",
            stackDir: FIXTURES,
            overrides: parseArgs(["-c", "membrane:mongoVersion=8.0"]).overrides,
        });
        for (const ev of [fromFile, fromFlag]) {
            const cluster = ev.resources.find((r) => r.type === "mongodbatlas:index/advancedCluster:AdvancedCluster");
            expect(cluster?.inputs.mongoDbMajorVersion).to.equal("8.0");
        }
    });
});

describe("hostile input: leaks and output that breaks its reader", () => {
    const outputs = {
        STORAGE_PROVIDER: "s3",
        AWS_REGION: "us-east-1",
        TMP_STORAGE_BUCKET: "t",
        CONNECTORS_STORAGE_BUCKET: "c",
        STATIC_STORAGE_BUCKET: "s",
        TMP_S3_BUCKET: "t",
        CONNECTORS_S3_BUCKET: "c",
        STATIC_S3_BUCKET: "s",
        COPILOT_S3_BUCKET: "t",
        BASE_STATIC_URI: "https://static.example.com",
        REDIS_URI: "rediss://:tok@h:6379",
        MONGO_URI: "mongodb+srv://u:p@h/membrane?retryWrites=true&w=majority",
        SECRET: "a$(touch pwned);b`id`",
        ENCRYPTION_SECRET: "e".repeat(40),
    };
    /** Values a shell would read otherwise: quotes, backslashes, spaces, a ' #'. */
    const quoted = { ...outputs, ENCRYPTION_SECRET: `it's "quoted" \\ and $HOME # not a comment  ` };

    it("--out a folder: exit 2, and no temporary file left with the secrets", () => {
        const dir = tempDir("membrane-out-");
        const folder = path.join(dir, "o1");
        fs.mkdirSync(folder);
        let err = "";
        expect(dotenvMain(["--out", folder], JSON.stringify(outputs), fail, (s) => (err += s))).to.equal(2);
        expect(err).to.include(`${folder} is a folder: give the file to write`);
        expect(fs.readdirSync(dir)).to.deep.equal(["o1"]);
        expect(fs.readdirSync(folder)).to.deep.equal([]);
        // And when the write itself fails, after the temporary file exists: it is removed.
        const file = path.join(dir, ".env");
        expect(() =>
            writeDotenv(file, "X=1\n", () => {
                fs.mkdirSync(file);
                fs.writeFileSync(path.join(file, "keep"), "");
            }),
        ).to.throw(/cannot write/);
        expect(fs.readdirSync(dir).sort()).to.deep.equal([".env", "o1"]);
    });

    it("a signal during the write ends the process only after the rename, and leaves no temporary file: a real process", function () {
        this.timeout(30_000);
        const dir = tempDir("membrane-signal-");
        const file = path.join(dir, ".env");
        const script = `require("./tools/dotenv").writeDotenv(${JSON.stringify(file)}, "X=1\\n", () => { process.kill(process.pid, "SIGTERM"); const t = Date.now(); while (Date.now() - t < 200); }); setTimeout(() => process.exit(0), 2000);`;
        const run = spawnSync(process.execPath, ["--require", HOOK, "-e", script], { cwd: PROJECT_DIR, encoding: "utf8" });
        expect(run.signal, "the default action would kill it mid-write").to.equal(null);
        expect(run.status, run.stderr).to.equal(143);
        expect(fs.readdirSync(dir)).to.deep.equal([".env"]);
        expect(fs.readFileSync(file, "utf8")).to.equal("X=1\n");
    });

    it("a plan bigger than a pipe's buffer reaches a slow reader whole: a real process", function () {
        this.timeout(60_000);
        const dir = tempDir("membrane-pipe-");
        const marker = path.join(dir, "stderr");
        const out = path.join(dir, "stdout");
        // The reader waits until the command has written everything (it says so on stderr), and half a second
        // more, in which a process that exits without letting its output drain would exit, cutting it at 64 KiB.
        const plan = `"$1" --require "$2" -e "$3" 2>"$4"`;
        const reader = `(while ! grep -q written "$4"; do sleep 0.1; done; sleep 0.5; cat > "$5")`;
        const run = spawnSync(
            "sh",
            [
                "-c",
                `${plan} | ${reader}`,
                "sh",
                process.execPath,
                HOOK,
                command("plan", ["--stack", "prod", "--json"], FIXTURES, true),
                marker,
                out,
            ],
            { cwd: PROJECT_DIR, encoding: "utf8" },
        );
        expect(run.status, run.stderr).to.equal(0);
        const text = fs.readFileSync(out, "utf8");
        expect(text.length).to.be.greaterThan(65_536);
        expect(JSON.parse(text).stack).to.equal("prod");
    });

    it("the shell format survives bash: &, $(…), backticks and ; are text; the raw format would run them", () => {
        const dir = tempDir("membrane-bash-");
        const shell = path.join(dir, "env.sh");
        const raw = path.join(dir, ".env");
        fs.writeFileSync(shell, formatDotenv(outputs, "shell"));
        fs.writeFileSync(raw, formatDotenv(outputs, "raw"));
        const read = (file: string) =>
            spawnSync(
                "bash",
                ["--norc", "-c", `cd "$1"; set -a; . "$2" 2>/dev/null; printf '%s\\0%s' "$MONGO_URI" "$SECRET"`, "bash", dir, file],
                {
                    encoding: "utf8",
                    env: { PATH: process.env.PATH },
                },
            );
        expect(read(shell).stdout.split("\0")).to.deep.equal([outputs.MONGO_URI, outputs.SECRET]);
        fs.writeFileSync(shell, formatDotenv(quoted, "shell"));
        const all = spawnSync("bash", ["--norc", "-c", `set -a; . "$1"; printf '%s' "$ENCRYPTION_SECRET"`, "bash", shell], {
            encoding: "utf8",
            env: { PATH: process.env.PATH },
        });
        expect(all.stdout).to.equal(quoted.ENCRYPTION_SECRET);
        expect(fs.existsSync(path.join(dir, "pwned"))).to.equal(false);
        expect(read(raw).stdout.split("\0")).to.not.deep.equal([outputs.MONGO_URI, outputs.SECRET]);
        expect(fs.existsSync(path.join(dir, "pwned")), "the raw .env is not for source").to.equal(true);
        expect(readDockerEnvFile(fs.readFileSync(raw))).to.deep.equal(outputs);
    });

    it("a value over Docker's line limit, and a lone surrogate, are refused by name", () => {
        const long = { ...outputs, SECRET: "s".repeat(65_535 - "SECRET=".length) };
        expect(readDockerEnvFile(dotenvOf(long)).SECRET).to.equal(long.SECRET);
        expect(() => dotenvOf({ ...outputs, SECRET: `${long.SECRET}s` })).to.throw(
            /^SECRET=… is a line of 65536 bytes; Docker's --env-file reads lines of at most 65535 bytes \(bufio.Scanner: token too long\)$/,
        );
        expect(() => readDockerEnvFile(`SECRET=${long.SECRET}s\n`)).to.throw("bufio.Scanner: token too long");
        expect(() => dotenvOf({ ...outputs, SECRET: "a\ud800b" })).to.throw(/^SECRET holds half of a UTF-16 surrogate pair alone/);
        expect(problemsOf({ existingSecret: "x".repeat(70_000) }, ["existingSecret"])).to.deep.equal([
            "membrane:existingSecret: is 70000 bytes long: SECRET would be a .env line longer than the 65535 bytes Docker's --env-file reads (the value is secret and not shown)",
        ]);
    });
});

function dotenvOf(vars: Record<string, string>): string {
    return formatDotenv(vars);
}

describe("the first day's rough edges (issue 24)", () => {
    it("--secret takes a secret for one offline run: shown as [secret], never written to a file", async () => {
        const dir = stackDir({ staging: STAGING });
        const before = fs.readdirSync(dir).sort();
        const uri = "mongodb+srv://app:s3cr3t-pw@cluster0.ab12c.mongodb.net/membrane";
        const p = await plan(
            ["--stack", "staging", "-c", "membrane:databaseMode=external", "--secret", `membrane:externalMongoUri=${uri}`, "--dotenv"],
            dir,
        );
        expect(p.code, p.err).to.equal(0);
        expect(p.out).to.include("MONGO_URI=[secret]");
        expect(p.out + p.err).to.not.include("s3cr3t-pw");
        expect(fs.readdirSync(dir).sort()).to.deep.equal(before);
        const plain = await plan(
            ["--stack", "staging", "-c", "membrane:databaseMode=external", "-c", `membrane:externalMongoUri=${uri}`],
            dir,
        );
        expect(plain.code).to.equal(2);
        expect(plain.err).to.include("(for one offline run: npm start -- --secret membrane:externalMongoUri=<value>)");
    });

    it("--dotenv prints the .env the stack gives, secrets redacted, which Docker's rules read", async () => {
        const p = await plan(["--stack", "staging", "--dotenv"], FIXTURES);
        expect(p.code).to.equal(0);
        const env = readDockerEnvFile(p.out);
        expect(env).to.include({ AWS_REGION: "eu-west-1", SECRET: "[secret]", MONGO_URI: "[secret]", STORAGE_PROVIDER: "s3" });
        expect(p.out).to.match(/^# The \.env of stack staging/);
        const shell = await plan(["--stack", "staging", "--dotenv=shell"], FIXTURES);
        expect(shell.out).to.include("AWS_REGION='eu-west-1'\n");
    });

    it("an uppercase prefix is one error that names the fix; a region typo names the nearest region, not all of them", () => {
        expect(problemsOf({ namePrefix: "Kestrel-" })).to.deep.equal([
            'membrane:namePrefix: must be lowercase letters, digits and hyphens, starting with a letter or digit: it begins every bucket name (got "Kestrel-"); write kestrel-',
        ]);
        const typo = problemsOf({ "aws:region": "eu-wset-1" });
        expect(typo).to.have.lengthOf(1);
        expect(typo[0]).to.include("(did you mean eu-west-1?)").and.not.include("ap-southeast");
    });

    it("alarmEmail with alarms off, and an EKS stack that leaves ecsTaskRole at its default, are warned with the key that turns them off", async () => {
        const off = await evaluateIn({
            stack: "staging",
            stackDir: FIXTURES,
            overrides: { "membrane:alarms": "false", "membrane:alarmEmail": "ops@example.com" },
        });
        expect(off.warnings).to.include(
            "membrane:alarmEmail is set but membrane:alarms is false, so no alarm or Atlas alert is made for it to receive: set membrane:alarms: true, or remove membrane:alarmEmail.",
        );
        const prod = fs.readFileSync(path.join(FIXTURES, "Pulumi.prod.yaml"), "utf8").replace(/^ {2}membrane:ecsTaskRole: .*\n/m, "");
        const dir = tempDir("membrane-eks-");
        fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), prod);
        fs.copyFileSync(path.join(FIXTURES, "prod.cloud.yaml"), path.join(dir, "prod.cloud.yaml"));
        const eks = await evaluateIn({ stack: "prod", stackDir: dir });
        expect(eks.warnings[0]).to.match(
            /^membrane:eksClusterName is set and membrane:ecsTaskRole is left at its default, true, .* set membrane:ecsTaskRole: false/,
        );
        const chosen = await evaluateIn({ stack: "prod", stackDir: dir, overrides: { "membrane:ecsTaskRole": "false" } });
        expect(chosen.warnings.filter((w) => w.includes("ecsTaskRole"))).to.deep.equal([]);
        const roles = (ev: typeof chosen) => ev.resources.filter((r) => r.type === "aws:iam/role:Role").map((r) => String(r.inputs.name));
        expect(roles(eks).filter((n) => /task-role|execution-role/.test(n))).to.have.lengthOf(2);
        expect(roles(chosen).filter((n) => /task-role|execution-role/.test(n))).to.deep.equal([]);
    });

    it("the README states no time for npm test but the benchmark's", () => {
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        expect(readme).to.not.include("about a minute");
        expect(readme).to.match(/npm run bench/);
    });
});
