// The runbooks of adoption's rollback (docs/adopt.md) and of tearing down (docs/operate.md) say what the
// program protects and retains, and what stays in the vendor's Terraform: each claim is derived here from
// what the program registers, or from the vendor's modules (test/data/vendor-terraform-resources.json), so
// the runbooks cannot drift from them.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import type { Evaluation, RegisteredResource } from "../tools/engine";
import { PROJECT_DIR } from "../tools/engine";
import { vendorSsmParameter } from "../components/secrets/settings";
import { SECRET_KEYS } from "../lib/config-reader";
import { evaluate, fixtureStack } from "./harness";

const page = (name: string) => fs.readFileSync(path.join(PROJECT_DIR, "docs", name), "utf8");
const adopt = page("adopt.md");
const operate = page("operate.md");
/** The text of `doc` from `from` to `to` (or to the next heading of `from`'s level, or the end). */
function section(doc: string, from: string, to?: string): string {
    const start = doc.indexOf(from);
    expect(start, from).to.be.greaterThan(-1);
    const level = /^#+ /.exec(from)?.[0];
    const end = to !== undefined ? doc.indexOf(to, start) : level ? doc.indexOf(`\n${level}`, start + from.length) : -1;
    return doc.slice(start, end === -1 ? undefined : end);
}

/** What `pulumi state delete --target-dependents` forgets with the adopted resources: they and everything depending on them. */
function forgottenWithAdopted(ev: Evaluation): Set<string> {
    const forgotten = new Set(ev.resources.filter((r) => r.importId).map((r) => r.urn));
    for (let grew = true; grew;) {
        grew = false;
        for (const r of ev.resources) {
            if (!forgotten.has(r.urn) && (r.dependencies.some((d) => forgotten.has(d)) || (r.parent && forgotten.has(r.parent)))) {
                forgotten.add(r.urn);
                grew = true;
            }
        }
    }
    return forgotten;
}

const names = (rs: RegisteredResource[]) => rs.map((r) => r.name).sort();

describe("docs/adopt.md: rollback of an adoption", () => {
    it("step 4 names exactly the protected resources left once step 1 forgot the adopted ones", async () => {
        const ev = await fixtureStack("legacy");
        const forgotten = forgottenWithAdopted(ev);
        const left = ev.resources.filter((r) => r.protect && !forgotten.has(r.urn));
        const step4 = section(adopt, "4. Remove what the program created.");
        const named = [...step4.slice(0, step4.indexOf("```sh")).matchAll(/`([a-z0-9-]+)`/g)]
            .map((m) => m[1])
            .filter((n) => ev.resources.some((r) => r.name === n));
        expect(named.sort()).to.deep.equal(names(left));
        // Which of them the destroy leaves in the account.
        expect(names(left.filter((r) => r.retainOnDelete))).to.deep.equal([
            "logs-bucket",
            "replication-connectors-replica",
            "replication-logs",
        ]);
        expect(step4).to.include("The three buckets are retained");
    });

    it("pushes the Terraform backup with -force and removes the stack keeping its file", () => {
        const rollback = section(adopt, "## Rollback");
        expect(rollback.match(/terraform state push [^`]*/g)?.every((c) => c.startsWith("terraform state push -force "))).to.equal(true);
        expect(rollback).to.include("pulumi state unprotect --all --yes --stack prod");
        expect(rollback).to.include("pulumi stack rm --preserve-config");
    });
});

describe("docs/operate.md: tearing down", () => {
    let created: Evaluation;
    let adopted: Evaluation;
    before(async function () {
        this.timeout(120000);
        [created, adopted] = await Promise.all([
            evaluate({ stack: "prod", overrides: { "membrane:production": false } }),
            evaluate({ stack: "legacy", overrides: { "membrane:production": false } }),
        ]);
    });

    it("production: false lifts protection and retention from everything the program created", () => {
        expect(created.resources.filter((r) => r.protect || r.retainOnDelete)).to.deep.equal([]);
    });

    it("an adopted stack keeps its adopted resources protected, and the buckets and Atlas ones retained", () => {
        expect(names(adopted.resources.filter((r) => r.protect))).to.deep.equal(names(adopted.resources.filter((r) => r.importId)));
        expect(
            adopted.resources
                .filter((r) => r.retainOnDelete)
                .map((r) => r.type)
                .sort(),
        ).to.deep.equal([
            "aws:s3/bucket:Bucket",
            "aws:s3/bucket:Bucket",
            "aws:s3/bucket:Bucket",
            "mongodbatlas:index/advancedCluster:AdvancedCluster",
            "mongodbatlas:index/project:Project",
        ]);
        expect(section(operate, "## Tearing down")).to.include("pulumi state unprotect --all --yes --stack prod");
    });

    it("says the recovery window the credentials secret has after that up: 7 days, not production's 30", async () => {
        const window = (ev: Evaluation) =>
            ev.resources.find((r) => r.type === "aws:secretsmanager/secret:Secret")!.inputs.recoveryWindowInDays;
        expect(window(await fixtureStack("prod"))).to.equal(30);
        expect(window(created)).to.equal(7);
        expect(section(operate, "## Tearing down")).to.include("from production's 30 days to 7");
    });
});

describe("docs/operate.md: rolling back a config change", () => {
    const rollback = () => section(operate, "## Rolling back a config change");

    it("names every key the program takes only as a secret as restored by the file's revert", () => {
        const paragraph = section(rollback(), "**Secrets set with `pulumi config set --secret`**", "\n\n");
        const named = [...paragraph.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]);
        expect(named).to.have.members([...SECRET_KEYS]);
    });

    it("names every secret the program generates as one a revert cannot bring back", async () => {
        // What the page calls each generated secret, by the logical name of its RandomPassword.
        const called: Record<string, string> = {
            "app-secrets-secret": "`SECRET`",
            "app-secrets-encryption-secret": "`ENCRYPTION_SECRET`",
            "redis-auth-token": "the Redis AUTH token",
            "database-user-password": "the Atlas password",
        };
        const generated = (await fixtureStack("prod")).resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
        expect(generated.map((r) => r.name)).to.have.members(Object.keys(called));
        const bullet = section(rollback(), "- **A generated secret that was replaced**", "\n- ");
        for (const phrase of Object.values(called)) {
            expect(bullet, phrase).to.include(phrase);
        }
    });
});

describe("docs/adopt.md: what stays in the vendor's Terraform after an adoption", () => {
    const vendor = JSON.parse(fs.readFileSync(path.join(__dirname, "data", "vendor-terraform-resources.json"), "utf8"));
    const adoption = section(adopt, "# Adopting an existing install", "## Rollback");
    const stateRm = new Set(
        [...adoption.replace(/\\\n/g, " ").matchAll(/terraform state rm ([^\n#]+)/g)].flatMap((m) => m[1].trim().split(/\s+/)),
    );
    const stays = adoption.slice(adoption.indexOf("What stays in Terraform"));

    for (const module of ["aws/ecs", "mongo_atlas", "aws/eks"]) {
        it(`${module}: every resource is taken out of Terraform's state by the runbook, or its file is named as staying`, () => {
            const files: Record<string, string[]> = vendor.modules[module];
            for (const [file, addresses] of Object.entries(files)) {
                const ecsTwin: string[] | undefined = vendor.modules["aws/ecs"][file];
                const removed = (a: string) => stateRm.has(a) || (module === "aws/eks" && ecsTwin?.every((x) => stateRm.has(x)));
                if (!addresses.every(removed)) {
                    expect(stays, `${module}/${file} (${addresses.filter((a) => !removed(a)).join(", ")})`).to.include(`\`${file}\``);
                }
            }
        });
    }

    // Each `terraform state rm` command ends with the module it runs in: `# aws/ecs`, `# aws/eks`, `# mongo_atlas`.
    const commands = [...adoption.replace(/\\\n/g, " ").matchAll(/terraform state rm ([^\n#]+)#\s*(\S+)/g)].map((m) => ({
        module: m[2],
        addresses: m[1].trim().split(/\s+/),
    }));
    const removedIn = (module: string) => new Set(commands.filter((c) => c.module === module).flatMap((c) => c.addresses));

    it("removes only addresses the vendor's modules declare, each command its own module's (aws/ecs, aws/eks, mongo_atlas)", () => {
        expect(commands.map((c) => c.module)).to.deep.equal(["aws/ecs", "aws/eks", "mongo_atlas"]);
        for (const { module, addresses } of commands) {
            const declared = new Set(Object.values(vendor.modules[module] as Record<string, string[]>).flat());
            expect(
                addresses.filter((a) => !declared.has(a)),
                module,
            ).to.deep.equal([]);
        }
    });

    for (const module of ["aws/ecs", "aws/eks", "mongo_atlas"]) {
        it(`${module}: its own command removes every resource of a file, or the file is named as staying`, () => {
            const removed = removedIn(module);
            for (const [file, addresses] of Object.entries(vendor.modules[module] as Record<string, string[]>)) {
                if (!addresses.every((a) => removed.has(a))) {
                    expect(stays, `${module}/${file} (${addresses.filter((a) => !removed.has(a)).join(", ")})`).to.include(`\`${file}\``);
                }
            }
        });
    }

    it("gives the names the vendor's modules make, as their own variables render them", () => {
        // The name of `address` in `module`, with the environment and the zone as the page writes them.
        const rendered = (module: string, address: string) =>
            String(vendor.names[module][address])
                .replace(/\$\{var\.environment\}/g, "<env>")
                .replace(/\$\{var\.project\}/g, vendor.variables[module].project)
                .replace(/\$\{(var\.hosted_zone_name|aws_route53_zone\.main\.name)\}/g, "<zone>");
        const named: Array<[string, string]> = [
            ["aws/ecs", "aws_s3_bucket.tmp"],
            ["aws/ecs", "aws_elasticache_replication_group.redis"],
            ["aws/ecs", "aws_elasticache_subnet_group.redis"],
            ["aws/ecs", "aws_iam_role.ecs_task"],
            ["aws/ecs", "aws_iam_role_policy.ecs_task"],
            ["aws/ecs", "aws_route53_record.static"],
            ["aws/eks", "aws_s3_bucket.tmp"],
            ["aws/eks", "aws_elasticache_replication_group.redis"],
            ["aws/eks", "aws_iam_role.integration_app_sa"],
            ["aws/eks", "aws_iam_role_policy.integration_app_s3"],
            ["aws/eks", "aws_route53_record.static"],
        ];
        for (const [module, address] of named) {
            expect(adopt, `${module} ${address}`).to.include(`\`${rendered(module, address)}\``);
        }
        expect(rendered("aws/eks", "aws_route53_record.static")).to.equal("static.<env>.eks.<zone>");
        // The SSM parameters the refusal of an adoption without ENCRYPTION_SECRET names.
        for (const [address, key] of [
            ["aws_ssm_parameter.secret", "existingSecret"],
            ["aws_ssm_parameter.encryption_secret", "existingEncryptionSecret"],
        ] as const) {
            expect(rendered("aws/ecs", address)).to.equal(vendorSsmParameter("<env>", key));
        }
    });
});
