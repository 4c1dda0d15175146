// The .env format: Docker reads it verbatim, and a shell reads it line by line; both get the exact values.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dotenv, DotenvError, readDockerEnvFile } from "../tools/dotenv";

const outputs = {
    STORAGE_PROVIDER: "s3",
    MONGO_URI: "mongodb+srv://membrane-app:p%40ss%2Fw%3Ard@membrane-prod.ab12c.mongodb.net/membrane?retryWrites=true&w=majority",
    REDIS_URI: "rediss://:Zx81aBcD@master.prod-membrane.abc123.use1.cache.amazonaws.com:6379",
    BASE_STATIC_URI: "https://static.prod.acme.example.com",
    ecsTaskRoleArn: "arn:aws:iam::111122223333:role/prod-membrane-task-role",
};
const variables = Object.fromEntries(Object.entries(outputs).filter(([k]) => k !== "ecsTaskRoleArn"));

describe(".env writer", () => {
    it("writes Membrane's variables only, sorted, NAME=value with the value verbatim", () => {
        expect(dotenv(outputs)).to.equal(
            [
                "BASE_STATIC_URI=https://static.prod.acme.example.com",
                `MONGO_URI=${outputs.MONGO_URI}`,
                `REDIS_URI=${outputs.REDIS_URI}`,
                "STORAGE_PROVIDER=s3",
                "",
            ].join("\n"),
        );
    });

    it("is read back exactly by Docker's --env-file rules", () => {
        expect(readDockerEnvFile(dotenv(outputs))).to.deep.equal(variables);
    });

    it("is read back exactly by a POSIX shell, line by line", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "membrane-dotenv-"));
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

    it("shows why --shell output is not for Docker: quoted values keep their quotes there", () => {
        const shellLine = `MONGO_URI='${outputs.MONGO_URI}'`;
        expect(readDockerEnvFile(shellLine).MONGO_URI).to.equal(`'${outputs.MONGO_URI}'`);
    });

    it("refuses values it cannot write faithfully, and redacted secrets", () => {
        expect(() => dotenv({ SECRET: "a\nb" })).to.throw(DotenvError, /SECRET contains a line break/);
        expect(() => dotenv({ SECRET: "[secret]" })).to.throw(DotenvError, /--show-secrets/);
        expect(() => dotenv({ AWS_REGION: 1 })).to.throw(DotenvError, /AWS_REGION is not a string/);
    });

    it("works as a filter on pulumi stack output --json", () => {
        const tsnode = require.resolve("ts-node/register/transpile-only");
        const run = spawnSync(process.execPath, ["--require", tsnode, path.join(__dirname, "..", "tools", "dotenv.ts")], {
            input: JSON.stringify(outputs),
            encoding: "utf8",
        });
        expect(run.status).to.equal(0);
        expect(run.stdout).to.equal(dotenv(outputs));
        const bad = spawnSync(process.execPath, ["--require", tsnode, path.join(__dirname, "..", "tools", "dotenv.ts")], {
            input: "not json",
            encoding: "utf8",
        });
        expect(bad.status).to.equal(2);
        expect(bad.stderr).to.match(/usage: pulumi stack output --json --show-secrets/);
    });
});
