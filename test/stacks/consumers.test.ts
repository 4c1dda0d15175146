// What this project hands to other programs, checked against the schemas those programs publish
// (test/data/, written by test/support/extract-reference-data.ts with each source's commit or package):
// External Secrets Operator's CRDs, ECS's RegisterTaskDefinition model, pulumiservice's schema.json of
// the version deployments/package.json pins, and the vendor's Helm chart as its docs describe it.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { K8S_SECRET_NAME } from "../../components/outputs/container-config";
import { isVariableName, SECRET_VARIABLES } from "../../components/outputs/env";
import type { Evaluation } from "../../tools/engine";
import { secretValues } from "../../tools/k8s-secret-values";
import { evaluateDeployments } from "../deployments/harness";
import { evaluate, FIXTURES, fixtureStack } from "../harness";
import { awsShapeProblems, openApiProblems, pulumiInputProblems } from "../support/schema-check";

const DATA = path.join(__dirname, "..", "data");
const data = (file: string) => JSON.parse(fs.readFileSync(path.join(DATA, file), "utf8"));
const ESO = ["v0.16.0", "v2.9.0"].map((tag) => data(`external-secrets-${tag}-crds.json`));
const ECS = data("ecs-register-task-definition-model.json");
const PULUMISERVICE = data("pulumiservice-schema.json");
const STS_SESSION_NAME = data("sts-role-session-name.json").shape;

/** Helm's merge of values files (helm/helm pkg/cli/values/options.go mergeMaps): maps merge, the later file wins. */
function helmMerge(a: Record<string, any>, b: Record<string, any>): Record<string, any> {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) {
        out[k] = v && typeof v === "object" && !Array.isArray(v) && out[k] && typeof out[k] === "object" ? helmMerge(out[k], v) : v;
    }
    return out;
}

describe("the schemas' checks can fail", () => {
    it("an unknown field, a wrong type, a missing required field, a value outside an enum", () => {
        const crd = ESO[0].crds.ExternalSecret.schema;
        expect(openApiProblems(crd, { spec: { refreshInterval: "1h", bogus: 1 } })).to.deep.equal([".spec.bogus: unknown field"]);
        expect(openApiProblems(crd, { spec: { target: { creationPolicy: "Sometimes" } } })[0]).to.match(/creationPolicy: must be one of/);
        expect(awsShapeProblems(ECS.shapes, "Secret", { name: "X" })).to.deep.equal(["(input): lacks the required valueFrom"]);
        expect(awsShapeProblems(ECS.shapes, "KeyValuePair", { name: "X", value: 1 })).to.deep.equal([
            ".value: must be a string (got integer)",
        ]);
        expect(pulumiInputProblems(PULUMISERVICE, "pulumiservice:index:DriftSchedule", { scheduleCron: 4 })).to.deep.equal([
            "(inputs): lacks the required organization",
            "(inputs): lacks the required project",
            "(inputs): lacks the required stack",
            ".scheduleCron: must be string (got integer)",
        ]);
        expect(
            pulumiInputProblems(PULUMISERVICE, "pulumiservice:index:OidcIssuer", {
                organization: "o",
                name: "n",
                url: "u",
                policies: [{ decision: "allow", tokenType: "organization", rules: {}, authorizedPermissions: ["owner"] }],
            }),
        ).to.deep.equal(['.policies[0].authorizedPermissions[0]: must be one of ["standard","admin"] (got "owner")']);
    });
});

describe("External Secrets Operator's CRDs (v0.16.0, the first to serve external-secrets.io/v1, and v2.9.0)", () => {
    const variants: Array<[string, () => Promise<Evaluation>]> = [
        ["prod (IRSA)", () => fixtureStack("prod")],
        ["prod with Pod Identity", () => evaluate({ stack: "prod", overrides: { "membrane:eksPodIdentity": true } })],
    ];
    for (const [name, ev] of variants) {
        it(`${name}: the SecretStore and the ExternalSecret are valid v1 objects of both versions`, async () => {
            const docs = parseAllDocuments(String((await ev()).outputs.k8sExternalSecretsManifest.value)).map((d) => d.toJS());
            expect(docs.map((d) => `${d.apiVersion} ${d.kind}`)).to.deep.equal([
                "external-secrets.io/v1 SecretStore",
                "external-secrets.io/v1 ExternalSecret",
            ]);
            for (const eso of ESO) {
                for (const doc of docs) {
                    const crd = eso.crds[doc.kind];
                    expect(crd.served, `${eso.source.tag} serves v1 ${doc.kind}`).to.equal(true);
                    // metadata is the API server's ObjectMeta, which a CRD's schema leaves undeclared.
                    const { metadata, ...rest } = doc;
                    expect(Object.keys(metadata)).to.have.members(["name", "namespace"]);
                    expect(openApiProblems(crd.schema, rest), `${eso.source.tag} ${doc.kind}`).to.deep.equal([]);
                }
            }
        });
    }
});

describe("ECS's RegisterTaskDefinition model (the AWS CLI's botocore data)", () => {
    for (const stack of ["prod", "staging"]) {
        it(`${stack}: ecsEnvironment and ecsSecrets are a container definition's environment and secrets`, async () => {
            const ev = await fixtureStack(stack);
            const request = {
                family: "membrane-api",
                executionRoleArn: ev.outputs.ecsExecutionRoleArn.value,
                taskRoleArn: ev.outputs.ecsTaskRoleArn.value,
                containerDefinitions: [
                    {
                        name: "api",
                        image: "harbor.integration.app/core/api:2026-01-14",
                        environment: ev.outputs.ecsEnvironment.value,
                        secrets: ev.outputs.ecsSecrets.value,
                    },
                ],
            };
            expect(awsShapeProblems(ECS.shapes, "RegisterTaskDefinitionRequest", request)).to.deep.equal([]);
        });
    }
});

describe("the Kubernetes hand-off: Helm values and External Secrets Operator give the pods every Membrane variable", () => {
    for (const [name, overrides] of [
        ["prod", {}],
        ["prod with cluster-mode Redis", { "membrane:redisClusterMode": true }],
    ] as const) {
        it(`${name}: the fragment's config, merged by Helm with k8s-secret-values' output, is the whole environment`, async () => {
            const ev = await evaluate({ stack: "prod", overrides });
            // What the ExternalSecret writes: every JSON key of the secret's value (dataFrom.extract), base64 in a Secret.
            const version = ev.resources.find((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion")!;
            const json = JSON.parse(String(version.inputs.secretString));
            const secret = {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: K8S_SECRET_NAME },
                data: Object.fromEntries(Object.entries(json).map(([k, v]) => [k, Buffer.from(String(v)).toString("base64")])),
            };
            const values = helmMerge(parseYaml(String(ev.outputs.k8sHelmValues.value)), parseYaml(secretValues(JSON.stringify(secret))));
            const environment = Object.fromEntries(
                Object.entries(ev.outputs)
                    .filter(([k]) => isVariableName(k))
                    .map(([k, o]) => [k, o.value]),
            );
            expect(values.config).to.deep.equal(environment);
            expect(Object.keys(json).every((k) => (SECRET_VARIABLES as readonly string[]).includes(k))).to.equal(true);
            // The IRSA annotation is under both spellings of the vendor's docs, and the pods run as that account.
            expect(values.serviceAccount).to.deep.equal(values.serviceaccount);
            expect(values.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).to.equal(ev.outputs.k8sServiceAccountRoleArn.value);
            expect(values.app.serviceAccountName).to.equal(values.serviceAccount.name);
        });
    }
});

describe("pulumiservice's schema.json of the pinned version", () => {
    it("is the version deployments/package.json pins", () => {
        const pinned = JSON.parse(fs.readFileSync(path.join(FIXTURES, "..", "..", "deployments", "package.json"), "utf8")).dependencies[
            "@pulumi/pulumiservice"
        ];
        const installed = JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumiservice/package.json"), "utf8")).version;
        expect(`v${installed}`).to.equal(PULUMISERVICE.source.tag);
        expect(pinned.replace(/^[\^~]/, "")).to.equal(installed);
    });

    it("accepts every resource the deployments program registers, in every mode: names, types, required inputs, enums", async function () {
        this.timeout(120000);
        const evs = await Promise.all([
            evaluateDeployments({ stack: "acme" }),
            evaluateDeployments({ stack: "shared-account" }),
            evaluateDeployments({ stack: "acme", overrides: { "membrane-deployments:runner": "github-actions" } }),
        ]);
        const seen = new Set<string>();
        for (const ev of evs) {
            for (const r of ev.resources.filter((x) => x.type.startsWith("pulumiservice:"))) {
                seen.add(r.type);
                expect(pulumiInputProblems(PULUMISERVICE, r.type, r.inputs), `${r.type} ${r.name}`).to.deep.equal([]);
            }
        }
        expect([...seen].sort()).to.include.members([
            "pulumiservice:index:DeploymentSettings",
            "pulumiservice:index:DriftSchedule",
            "pulumiservice:index:Environment",
            "pulumiservice:index:OidcIssuer",
            "pulumiservice:index:StackTags",
        ]);
    });

    it("gives Deployments and ESC session names STS accepts: no placeholder left to render, 2 to 64 of its characters", async () => {
        const ev = await evaluateDeployments({ stack: "acme" });
        const names = [
            ...ev.resources
                .filter((r) => r.type === "pulumiservice:index:DeploymentSettings")
                .map((r) => (r.inputs.operationContext as any).oidc.aws.sessionName),
            ...ev.resources
                .filter((r) => r.type === "pulumiservice:index:Environment")
                .map((r) => parseYaml((r.inputs.yaml as { text: string }).text).values.aws.login["fn::open::aws-login"].oidc.sessionName),
        ];
        expect(names).to.have.length.greaterThan(2);
        const pattern = new RegExp(`^${STS_SESSION_NAME.pattern}$`);
        for (const name of names) {
            expect(name, name).to.match(pattern);
            expect(name.length).to.be.within(STS_SESSION_NAME.min, STS_SESSION_NAME.max);
        }
    });

    it("has no role in the deployment settings it writes: a role assigned in the console is erased by the next write", () => {
        // The provider writes settings with PUT, "ReplaceDeploymentSettings" in the service's OpenAPI spec: what
        // the request leaves out is removed. docs/deployments.md step 4 uses the organization's settings instead.
        const operationContext = PULUMISERVICE.types["pulumiservice:index:DeploymentSettingsOperationContext"];
        expect(Object.keys(operationContext.properties)).to.not.include("role");
    });
});
