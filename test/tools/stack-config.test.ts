import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { resolveStackConfig } from "../../tools/stack-config";
import { listStacks, loadProject, Project, readStackFile, StackConfigError, UnknownStackError, loadStackFile } from "../../lib/stack-files";
import { PROJECT_DIR } from "../../tools/engine";
import { FIXTURES } from "../harness";
import { tempDir } from "../support/tmp";

const project: Project = {
    name: "demo",
    dir: ".",
    main: ".",
    runtime: { name: "nodejs", options: {} },
    config: {
        "demo:name": { type: "string" },
        "demo:count": { type: "integer", default: 2 },
        "demo:on": { type: "boolean", default: false },
        "demo:list": { type: "array", items: { type: "string" }, default: [] },
        "demo:token": { type: "string", secret: true },
    },
};

function problems(stack: Record<string, unknown>): string[] {
    try {
        resolveStackConfig(project, "dev", stack);
        return [];
    } catch (e) {
        expect(e).to.be.instanceOf(StackConfigError);
        return (e as StackConfigError).problems;
    }
}

describe("stack config, resolved as the CLI resolves it", () => {
    it("fills defaults and passes values as the CLI does: scalars as text, lists as JSON, secrets listed", () => {
        const r = resolveStackConfig(project, "dev", {
            "demo:name": "x",
            "demo:token": { secure: "AAABAxyz" },
            "aws:region": "eu-west-1",
        });
        expect(r.values).to.deep.equal({
            "demo:name": "x",
            "demo:count": "2",
            "demo:on": "false",
            "demo:list": "[]",
            "demo:token": "offline-placeholder-for-an-encrypted-value",
            "aws:region": "eu-west-1",
        });
        expect(r.secretKeys).to.deep.equal(["demo:token"]);
    });

    it("takes a decrypted secret given as { secret } (an override, npm start --secret) and keeps it secret", () => {
        const r = resolveStackConfig(project, "dev", { "demo:name": "x" }, { "demo:token": { secret: "s3cr3t" } });
        expect(r.values["demo:token"]).to.equal("s3cr3t");
        expect(r.secretKeys).to.deep.equal(["demo:token"]);
    });

    it("refuses { secret: plaintext } in a stack file: only secure: is encrypted", () => {
        expect(problems({ "demo:name": "x", "demo:token": { secret: "s3cr3t" } })).to.deep.equal([
            "Stack 'dev' is missing configuration value 'token'",
            'demo:token: "secret:" holds the value in plain text in the stack file; only "secure:" values are encrypted: pulumi config set --secret demo:token <value>',
        ]);
    });

    it("accepts integers and booleans written as strings, as the CLI does", () => {
        const r = resolveStackConfig(project, "dev", {
            "demo:name": "x",
            "demo:token": { secure: "a" },
            "demo:count": "5",
            "demo:on": "true",
        });
        expect(r.values["demo:count"]).to.equal("5");
        expect(r.values["demo:on"]).to.equal("true");
    });

    it("refuses missing keys that have no default, naming all of them", () => {
        expect(problems({})).to.deep.equal(["Stack 'dev' is missing configuration values 'name' and 'token'"]);
        expect(problems({ "demo:token": { secure: "a" } })).to.deep.equal(["Stack 'dev' is missing configuration value 'name'"]);
    });

    it("refuses values of the wrong type", () => {
        expect(
            problems({ "demo:name": "x", "demo:token": { secure: "a" }, "demo:count": "two", "demo:on": "yes", "demo:list": [1] }),
        ).to.deep.equal([
            `Stack 'dev' with configuration key 'count' must be of type 'integer': write a whole number in decimal digits (got "two")`,
            `Stack 'dev' with configuration key 'on' must be of type 'boolean': write true or false (got "yes")`,
            `Stack 'dev' with configuration key 'list' must be of type 'array<string>': every item must be text; quote the items YAML reads otherwise (1): - "1"`,
        ]);
        expect(problems({ "demo:name": ["x"], "demo:token": { secure: "a" } })).to.deep.equal([
            "Stack 'dev' with configuration key 'name' must be of type 'string'",
        ]);
    });

    it("hints at the usual causes of a wrong type: a hex or decimal-point number, a capitalised boolean, a list written as one string", () => {
        const p: Project = {
            ...project,
            config: {
                ...project.config,
                "demo:version": { type: "string", default: "7.1" },
                "demo:subnets": { type: "array", items: { type: "string" }, default: [] },
            },
        };
        const fail = (stack: Record<string, unknown>) => {
            try {
                resolveStackConfig(p, "dev", { "demo:name": "x", "demo:token": { secure: "a" }, ...stack });
            } catch (e) {
                return (e as StackConfigError).problems;
            }
            return expect.fail("should have refused");
        };
        expect(fail({ "demo:count": "0x10" })).to.deep.equal([
            `Stack 'dev' with configuration key 'count' must be of type 'integer': write a whole number in decimal digits (got "0x10")`,
        ]);
        expect(fail({ "demo:count": "" })).to.deep.equal([
            "Stack 'dev' with configuration key 'count' must be of type 'integer': it has no value; give one, or delete the line to take the default (2)",
        ]);
        expect(fail({ "demo:on": "True" })).to.deep.equal([
            `Stack 'dev' with configuration key 'on' must be of type 'boolean': write true or false, in lowercase (got "True")`,
        ]);
        expect(fail({ "demo:subnets": ["subnet-1", 8] })).to.deep.equal([
            `Stack 'dev' with configuration key 'subnets' must be of type 'array<string>': every item must be text; quote the items YAML reads otherwise (8): - "8"`,
        ]);
        expect(fail({ "demo:subnets": '["subnet-1", subnet-2]' })[0]).to.match(/pulumi config set --path 'demo:subnets\[0\]' subnet-1$/);
        expect(fail({ "demo:subnets": "subnet-1,subnet-2" })).to.deep.equal([
            "Stack 'dev' with configuration key 'subnets' must be of type 'array<string>': give a YAML list (one \"- item\" per line), or set the items one by one: pulumi config set --path 'demo:subnets[0]' subnet-1",
        ]);
    });

    // The CLI decodes a config value into a Go string first (config/value.go), and go-yaml sets a scalar's
    // text as written: an unquoted 8.0 is "8.0" to the program, never a number to be refused or rounded.
    it("reads every scalar of a stack file as its text, as the CLI does: 8.0 stays 8.0, a null is empty", () => {
        const dir = tempDir("membrane-stack-");
        fs.writeFileSync(
            path.join(dir, "Pulumi.dev.yaml"),
            'config:\n  membrane:redisEngineVersion: 8.0\n  membrane:vpcId: "vpc-1"\n  membrane:production: true\n  membrane:alarmEmail:\n  membrane:n: 9007199254740993\n',
        );
        const file = readStackFile(dir, "dev");
        expect(file.config).to.deep.equal({
            "membrane:redisEngineVersion": "8.0",
            "membrane:vpcId": "vpc-1",
            "membrane:production": "true",
            "membrane:alarmEmail": "",
            "membrane:n": "9007199254740993",
        });
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("refuses a bare key in a stack file as the CLI does; a bare --config key is the project's", () => {
        expect(problems({ name: "x", "demo:token": { secure: "a" } })).to.deep.equal([
            "Stack 'dev' is missing configuration value 'name'",
            "could not parse name as a configuration key (configuration keys should be of the form `<namespace>:<name>`); write demo:name",
        ]);
        expect(resolveStackConfig(project, "dev", { "demo:token": { secure: "a" } }, { name: "x" }).values["demo:name"]).to.equal("x");
    });

    it("refuses a plain-text value for a secret key", () => {
        expect(problems({ "demo:name": "x", "demo:token": "plain" })).to.deep.equal([
            "Stack 'dev' with configuration key 'token' must be encrypted as it's secret",
        ]);
    });

    it("refuses a secret key whose default is plain text, as the CLI does", () => {
        const p: Project = { ...project, config: { "demo:pw": { type: "string", secret: true, default: "" } } };
        expect(() => resolveStackConfig(p, "dev", {})).to.throw(StackConfigError, /configuration key 'pw' must be encrypted/);
    });

    it("loads this project's schema: every key typed and described, every optional key with a default", () => {
        const p = loadProject(PROJECT_DIR);
        expect(p.name).to.equal("membrane");
        const keys = Object.keys(p.config);
        expect(keys.length).to.be.greaterThan(30);
        for (const [key, entry] of Object.entries(p.config)) {
            expect(key, key).to.match(/^membrane:[a-z][A-Za-z0-9]*$/);
            expect(entry.type, key).to.be.oneOf(["string", "integer", "boolean", "array"]);
            expect(entry.description, key).to.be.a("string").and.not.equal("");
        }
        const required = keys.filter((k) => p.config[k].default === undefined).sort();
        expect(required).to.deep.equal(["membrane:environment", "membrane:privateSubnetIds", "membrane:vpcCidr", "membrane:vpcId"]);
    });

    it("lists the stacks and refuses an unknown one, naming those that exist", () => {
        expect(listStacks(FIXTURES)).to.deep.equal(["legacy", "prod", "staging"]);
        expect(() => loadStackFile(FIXTURES, "dev")).to.throw(
            UnknownStackError,
            "no stack file Pulumi.dev.yaml; the stacks of this project are: legacy, prod, staging",
        );
        expect(() => loadStackFile(FIXTURES, "../etc/passwd")).to.throw(UnknownStackError);
    });

    it("keeps secrets out of the stack files", () => {
        for (const stack of listStacks(FIXTURES)) {
            const values = loadStackFile(FIXTURES, stack);
            for (const [key, value] of Object.entries(values)) {
                if (/secret|password|token|uri|key$/i.test(key) && !/^membrane:(existing|external)/.test(key)) {
                    expect.fail(`${stack}: ${key} looks like a secret`);
                }
                if (/^membrane:(existingSecret|existingEncryptionSecret|externalMongoUri)$/.test(key)) {
                    expect(value, `${stack}: ${key}`).to.have.property("secure");
                }
            }
        }
    });
});
