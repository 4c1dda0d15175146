// Writes test/data/: excerpts of what the consumers of this project's output publish, each with its
// source, so that the suite checks against their data and not against a copy of ours. Run it again to
// refresh them (it needs the repository mirrors and Debian's awscli package named below):
//   node --require ./tools/register.js test/support/extract-reference-data.ts
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

const DATA = path.join(__dirname, "..", "data");
const MIRRORS = "/work/.mirror";

function gitShow(repo: string, rev: string, file: string): string {
    return execFileSync("git", [`--git-dir=${MIRRORS}/${repo.replace("/", "+")}/repo`, "show", `${rev}:${file}`], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
}

function gitCommit(repo: string, rev: string): string {
    return execFileSync("git", [`--git-dir=${MIRRORS}/${repo.replace("/", "+")}/repo`, "rev-parse", `${rev}^{commit}`], {
        encoding: "utf8",
    }).trim();
}

function write(name: string, value: unknown): void {
    fs.writeFileSync(path.join(DATA, name), `${JSON.stringify(value, null, 1)}\n`);
}

/** Every `#/types/...` a schema fragment refers to, transitively. */
function reachableTypes(schema: any, roots: unknown[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const visit = (v: unknown): void => {
        if (Array.isArray(v)) {
            v.forEach(visit);
        } else if (v && typeof v === "object") {
            for (const [k, x] of Object.entries(v)) {
                if (k === "$ref" && typeof x === "string" && x.startsWith("#/types/")) {
                    const name = x.slice("#/types/".length);
                    if (!(name in out)) {
                        out[name] = schema.types[name];
                        visit(schema.types[name]);
                    }
                } else {
                    visit(x);
                }
            }
        }
    };
    roots.forEach(visit);
    return out;
}

function pulumiservice(): void {
    const repo = "pulumi/pulumi-pulumiservice";
    const tag = "v1.3.0";
    const file = "provider/cmd/pulumi-resource-pulumiservice/schema.json";
    const schema = JSON.parse(gitShow(repo, tag, file));
    const resources = Object.fromEntries(Object.entries(schema.resources).filter(([token]) => token.startsWith("pulumiservice:index:")));
    write("pulumiservice-schema.json", {
        source: { repository: repo, tag, commit: gitCommit(repo, tag), path: file },
        excerpt: "every pulumiservice:index:* resource, and every type they refer to",
        resources,
        types: reachableTypes(schema, Object.values(resources)),
    });
}

/** The CRD's v1 openAPIV3Schema; for a SecretStore, the aws provider only (the others are pruned). */
function esoSchema(yamlText: string, kind: string): unknown {
    const { parse } = require("yaml") as typeof import("yaml");
    const crd = parse(yamlText);
    const v1 = crd.spec.versions.find((v: any) => v.name === "v1");
    const schema = v1.schema.openAPIV3Schema;
    if (kind === "SecretStore") {
        const provider = schema.properties.spec.properties.provider;
        provider.properties = { aws: provider.properties.aws };
    }
    return { served: v1.served, schema };
}

function externalSecrets(): void {
    const repo = "external-secrets/external-secrets";
    for (const tag of ["v0.16.0", "v2.9.0"]) {
        const files = {
            SecretStore: "config/crds/bases/external-secrets.io_secretstores.yaml",
            ExternalSecret: "config/crds/bases/external-secrets.io_externalsecrets.yaml",
        };
        write(`external-secrets-${tag}-crds.json`, {
            source: { repository: repo, tag, commit: gitCommit(repo, tag), paths: Object.values(files) },
            excerpt: "the v1 version of each CRD: served, and its openAPIV3Schema (a SecretStore's providers but aws pruned)",
            crds: Object.fromEntries(Object.entries(files).map(([kind, f]) => [kind, esoSchema(gitShow(repo, tag, f), kind)])),
        });
    }
}

/** The shapes RegisterTaskDefinition takes, from the AWS CLI's own model, without documentation. */
function ecsModel(): void {
    const file = "/usr/lib/python3/dist-packages/awscli/botocore/data/ecs/2014-11-13/service-2.json";
    const text = fs.readFileSync(file, "utf8");
    const model = JSON.parse(text);
    const shapes: Record<string, any> = {};
    const visit = (name: string): void => {
        if (name in shapes) {
            return;
        }
        const { documentation: _d, ...shape } = model.shapes[name];
        if (shape.members) {
            shape.members = Object.fromEntries(
                Object.entries(shape.members).map(([m, { documentation: _md, ...rest }]: [string, any]) => [m, rest]),
            );
        }
        shapes[name] = shape;
        for (const ref of [shape.member, shape.key, shape.value, ...Object.values(shape.members ?? {})]) {
            if (ref) {
                visit((ref as { shape: string }).shape);
            }
        }
    };
    visit("RegisterTaskDefinitionRequest");
    const version = execFileSync("dpkg-query", ["-W", "-f=${Version}", "awscli"], { encoding: "utf8" });
    write("ecs-register-task-definition-model.json", {
        source: {
            package: `Debian awscli ${version}`,
            path: file,
            sha256: createHash("sha256").update(text).digest("hex"),
            apiVersion: model.metadata.apiVersion,
        },
        excerpt: "the shapes reachable from RegisterTaskDefinitionRequest, documentation removed",
        shapes,
    });
}

/** STS's RoleSessionName, which Deployments and ESC pass to AssumeRoleWithWebIdentity. */
function stsSessionName(): void {
    const file = "/usr/lib/python3/dist-packages/awscli/botocore/data/sts/2011-06-15/service-2.json";
    const text = fs.readFileSync(file, "utf8");
    const model = JSON.parse(text);
    const member = model.shapes.AssumeRoleWithWebIdentityRequest.members.RoleSessionName.shape;
    const version = execFileSync("dpkg-query", ["-W", "-f=${Version}", "awscli"], { encoding: "utf8" });
    write("sts-role-session-name.json", {
        source: { package: `Debian awscli ${version}`, path: file, sha256: createHash("sha256").update(text).digest("hex") },
        excerpt: "AssumeRoleWithWebIdentityRequest.RoleSessionName's shape",
        shape: { name: member, ...model.shapes[member] },
    });
}

/** The resource addresses of the vendor's Terraform modules, by file. */
function vendorTerraform(): void {
    const repo = "membranehq/self-hosting-infra";
    const commit = gitCommit(repo, "HEAD");
    const files = execFileSync("git", [`--git-dir=${MIRRORS}/${repo.replace("/", "+")}/repo`, "ls-tree", "-r", "--name-only", commit], {
        encoding: "utf8",
    })
        .split("\n")
        .filter((f) => /^(aws\/ecs|aws\/eks|mongo_atlas)\/[^/]+\.tf$/.test(f));
    const modules: Record<string, Record<string, string[]>> = {};
    for (const f of files) {
        const addresses = [...gitShow(repo, commit, f).matchAll(/^resource "([a-z0-9_]+)" "([A-Za-z0-9_-]+)"/gm)].map(
            (m) => `${m[1]}.${m[2]}`,
        );
        if (addresses.length > 0) {
            const [dir, file] = [path.dirname(f), path.basename(f)];
            (modules[dir] ??= {})[file] = addresses;
        }
    }
    write("vendor-terraform-resources.json", { source: { repository: repo, commit }, modules });
}

pulumiservice();
externalSecrets();
ecsModel();
stsSessionName();
vendorTerraform();
