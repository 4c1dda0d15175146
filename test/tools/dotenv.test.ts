// The .env format: Docker reads it verbatim, and a shell reads it line by line; both get the exact values.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { dotenv, DotenvError, dotenvWarnings, main, readDockerEnvFile } from "../../tools/dotenv";
import { tempDir } from "../support/tmp";

const outputs = {
    STORAGE_PROVIDER: "s3",
    AWS_REGION: "us-east-1",
    TMP_STORAGE_BUCKET: "acme-prod-integration-app-tmp",
    CONNECTORS_STORAGE_BUCKET: "acme-prod-integration-app-connectors",
    STATIC_STORAGE_BUCKET: "acme-prod-integration-app-static",
    TMP_S3_BUCKET: "acme-prod-integration-app-tmp",
    CONNECTORS_S3_BUCKET: "acme-prod-integration-app-connectors",
    STATIC_S3_BUCKET: "acme-prod-integration-app-static",
    COPILOT_S3_BUCKET: "acme-prod-integration-app-tmp",
    BASE_STATIC_URI: "https://static.prod.acme.example.com",
    MONGO_URI: "mongodb+srv://membrane-app:p%40ss%2Fw%3Ard@membrane-prod.ab12c.mongodb.net/membrane?retryWrites=true&w=majority",
    REDIS_URI: "rediss://:Zx81aBcD@master.prod-membrane.abc123.use1.cache.amazonaws.com:6379",
    SECRET: "S".repeat(64),
    ENCRYPTION_SECRET: "E".repeat(64),
    ecsTaskRoleArn: "arn:aws:iam::111122223333:role/prod-membrane-task-role",
};
const variables = Object.fromEntries(Object.entries(outputs).filter(([k]) => k !== "ecsTaskRoleArn"));

/**
 * What `pulumi stack output --shell` prints for a value: the CLI quotes with go-shellquote's Join, which
 * backslash-escapes each of \ ' " ` $ { [ | & ; < > ( ) * ? ! (and a leading ~), and single-quotes the
 * whole word only when it holds a space, tab or newline.
 */
function pulumiShellQuote(word: string): string {
    if (/[ \t\n]/.test(word)) {
        return word
            .split("'")
            .map((part) => (part ? `'${part}'` : ""))
            .join("\\'");
    }
    return word.replace(/[\\'"`${[|&;<>()*?!]|^~/g, (c) => `\\${c}`);
}

function shellValue(line: string, name: string): string {
    const run = spawnSync("sh", ["-c", `${line}\nprintf '%s' "$${name}"`], { encoding: "utf8", env: { PATH: process.env.PATH } });
    return run.stdout;
}

describe(".env writer", () => {
    it("writes Membrane's variables only, sorted, NAME=value with the value verbatim", () => {
        const text = dotenv(outputs);
        expect(text.split("\n")).to.deep.equal([
            ...Object.keys(variables)
                .sort()
                .map((k) => `${k}=${(variables as Record<string, string>)[k]}`),
            "",
        ]);
        expect(text).to.not.include("ecsTaskRoleArn");
    });

    it("is read back exactly by Docker's --env-file rules", () => {
        expect(readDockerEnvFile(dotenv(outputs))).to.deep.equal(variables);
    });

    it("is read back exactly by a POSIX shell, line by line", () => {
        const dir = tempDir("membrane-dotenv-");
        try {
            const file = path.join(dir, ".env");
            fs.writeFileSync(file, dotenv(outputs));
            const script = `while IFS= read -r l; do export "$l"; done < "$1"; node -e 'const n=${JSON.stringify(Object.keys(variables))}; console.log(JSON.stringify(Object.fromEntries(n.map(k=>[k,process.env[k]]))))'`;
            const run = spawnSync("sh", ["-c", script, "sh", file], { encoding: "utf8", env: { PATH: process.env.PATH } });
            expect(run.stderr).to.equal("");
            expect(JSON.parse(run.stdout)).to.deep.equal(variables);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("shows why --shell output is not for Docker: the CLI's backslash escapes stay in the value there", () => {
        const line = `MONGO_URI=${pulumiShellQuote(outputs.MONGO_URI)}`;
        expect(line).to.equal(
            "MONGO_URI=mongodb+srv://membrane-app:p%40ss%2Fw%3Ard@membrane-prod.ab12c.mongodb.net/membrane\\?retryWrites=true\\&w=majority",
        );
        // A shell removes the escapes, so `source` gets the value...
        expect(shellValue(line, "MONGO_URI")).to.equal(outputs.MONGO_URI);
        // ...while Docker keeps them, and the URI breaks.
        expect(readDockerEnvFile(line).MONGO_URI).to.not.equal(outputs.MONGO_URI);
        expect(readDockerEnvFile(line).MONGO_URI).to.include("\\?retryWrites=true\\&w=majority");
        // And a value with a space is single-quoted, which a shell also undoes.
        expect(pulumiShellQuote("a b'c")).to.equal("'a b'\\''c'");
        expect(shellValue(`X=${pulumiShellQuote("a b'c")}`, "X")).to.equal("a b'c");
    });

    it("refuses values it cannot write faithfully, and redacted secrets", () => {
        expect(() => dotenv({ ...variables, SECRET: "a\nb" })).to.throw(DotenvError, /SECRET contains a line break/);
        expect(() => dotenv({ ...variables, SECRET: "[secret]" })).to.throw(DotenvError, /--show-secrets/);
        expect(() => dotenv({ ...variables, AWS_REGION: 1 })).to.throw(DotenvError, /AWS_REGION is not a string/);
    });

    it("refuses the {} of a stack that was never deployed, and any output without Membrane's variables", () => {
        expect(() => dotenv({})).to.throw(
            DotenvError,
            /^the outputs lack Membrane's STORAGE_PROVIDER, AWS_REGION, .*REDIS_URI or REDIS_CLUSTER_URI_1, MONGO_URI, SECRET, ENCRYPTION_SECRET: is this/,
        );
        const { MONGO_URI: _, ...noMongo } = variables;
        expect(() => dotenv(noMongo)).to.throw(DotenvError, /^the outputs lack Membrane's MONGO_URI:/);
        const { REDIS_URI: __, ...withoutRedis } = variables;
        expect(() => dotenv(withoutRedis)).to.throw(DotenvError, /^the outputs lack Membrane's REDIS_URI or REDIS_CLUSTER_URI_1:/);
        expect(dotenv({ ...withoutRedis, REDIS_CLUSTER_URI_1: "rediss://:t@h:6379" })).to.include(
            "REDIS_CLUSTER_URI_1=rediss://:t@h:6379\n",
        );
    });

    it("refuses the output of a stack deployed before both bucket spellings existed: pulumi up first", () => {
        const { TMP_S3_BUCKET: _, CONNECTORS_S3_BUCKET: __, STATIC_S3_BUCKET: ___, COPILOT_S3_BUCKET: ____, ...older } = variables;
        expect(() => dotenv(older)).to.throw(
            DotenvError,
            /^the outputs lack Membrane's TMP_S3_BUCKET, CONNECTORS_S3_BUCKET, STATIC_S3_BUCKET, COPILOT_S3_BUCKET: .*pulumi up/,
        );
    });

    it("warns about values that compose or a shell would alter, and not about the generated ones", () => {
        expect(dotenvWarnings(outputs)).to.deep.equal([]);
        expect(
            dotenvWarnings({
                ...variables,
                SECRET: "abc$HOME",
                MONGO_URI: "mongodb://h/db #x",
                ENCRYPTION_SECRET: " padded",
                BASE_STATIC_URI: "'q'",
            }),
        ).to.deep.equal([
            "BASE_STATIC_URI holds a leading quote (compose strips quotes): with docker compose use env_file with format: raw; docker run --env-file reads it as is",
            "ENCRYPTION_SECRET holds leading or trailing spaces (compose and shells trim them): with docker compose use env_file with format: raw; docker run --env-file reads it as is",
            'MONGO_URI holds a " #" (compose cuts it as a comment): with docker compose use env_file with format: raw; docker run --env-file reads it as is',
            "SECRET holds a $ (compose interpolates it): with docker compose use env_file with format: raw; docker run --env-file reads it as is",
        ]);
    });

    it("writes the file given with --out readable by its owner only, even over an existing file", () => {
        const dir = tempDir("membrane-dotenv-");
        try {
            const file = path.join(dir, ".env");
            fs.writeFileSync(file, "OLD=1\n", { mode: 0o644 });
            let err = "";
            expect(
                main(
                    ["--out", file],
                    JSON.stringify(outputs),
                    () => undefined,
                    (s) => (err += s),
                ),
            ).to.equal(0);
            expect(err).to.equal("");
            expect(fs.readFileSync(file, "utf8")).to.equal(dotenv(outputs));
            expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("warns when the shell format goes to a file named as Docker's env files are, and names a shell's name instead", () => {
        const dir = tempDir("membrane-dotenv-");
        try {
            const run = (argv: string[], redirectedTo?: string) => {
                let err = "";
                const code = main(
                    argv,
                    JSON.stringify(outputs),
                    () => undefined,
                    (s) => (err += s),
                    redirectedTo,
                );
                return { code, err };
            };
            for (const name of [".env", "prod.env"]) {
                const file = path.join(dir, name);
                const { code, err } = run(["--format", "shell", "--out", file]);
                // A hint, not a refusal: the file is written.
                expect(code, name).to.equal(0);
                expect(fs.readFileSync(file, "utf8"), name).to.equal(dotenv(outputs, "shell"));
                expect(err, name).to.include("dotenv: warning: --format shell").and.include(`--out ${file}.sh`);
                expect(run(["--format", "shell"], file).err, `> ${name}`).to.include(`--out ${file}.sh`);
            }
            for (const argv of [
                ["--format", "shell", "--out", path.join(dir, ".env.sh")],
                ["--out", path.join(dir, ".env")],
                ["--format", "shell"],
            ]) {
                expect(run(argv).err, argv.join(" ")).to.equal("");
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("sees where standard output was redirected to, where the system tells (Linux)", function () {
        if (!fs.existsSync("/proc/self/fd/1")) {
            this.skip();
        }
        const dir = tempDir("membrane-dotenv-");
        try {
            const file = path.join(dir, ".env");
            const fd = fs.openSync(file, "w", 0o600);
            const hook = path.join(__dirname, "..", "..", "tools", "register.js");
            const run = spawnSync(
                process.execPath,
                ["--require", hook, path.join(__dirname, "..", "..", "tools", "dotenv.ts"), "--format", "shell"],
                { input: JSON.stringify(outputs), stdio: ["pipe", fd, "pipe"], encoding: "utf8" },
            );
            fs.closeSync(fd);
            expect(run.status).to.equal(0);
            expect(fs.readFileSync(file, "utf8")).to.equal(dotenv(outputs, "shell"));
            expect(run.stderr).to.include(`--out ${file}.sh`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("as a filter: stdout on success; exit 2 with the usage on bad input, and nothing written", () => {
        let out = "";
        expect(
            main(
                [],
                JSON.stringify(outputs),
                (s) => (out += s),
                () => undefined,
            ),
        ).to.equal(0);
        expect(out).to.equal(dotenv(outputs));
        for (const [argv, input] of [
            [["--out"], JSON.stringify(outputs)],
            [[], ""],
            [[], "not json"],
            [[], "{}"],
            [["--bogus"], JSON.stringify(outputs)],
        ] as const) {
            let err = "";
            let written = "";
            expect(
                main(
                    argv,
                    input,
                    (s) => (written += s),
                    (s) => (err += s),
                ),
            ).to.equal(2);
            expect(written).to.equal("");
            expect(err).to.match(/usage: pulumi stack output --json --show-secrets/);
        }
    });

    it("runs as npm run dotenv does (a real process reading stdin)", () => {
        const hook = path.join(__dirname, "..", "..", "tools", "register.js");
        const run = spawnSync(process.execPath, ["--require", hook, path.join(__dirname, "..", "..", "tools", "dotenv.ts")], {
            input: JSON.stringify(outputs),
            encoding: "utf8",
        });
        expect(run.status).to.equal(0);
        expect(run.stdout).to.equal(dotenv(outputs));
    });
});
