// The contract between lib/sdk-internals.ts and the installed @pulumi/pulumi: every internal the module
// uses, probed on its own, so that an SDK release that moves one fails here, by name, rather than as a
// thousand failures of the tests that run programs. The versions it was checked with are the module's
// CHECKED_WITH, and package.json pins the SDK to one of them.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    captureWarnings,
    CHECKED_WITH,
    isConfigSecret,
    RegisterRequest,
    sdkVersion,
    setMocksWithRegistrations,
    withOwnRuntimeState,
    withoutSerializationWrappers,
} from "../../lib/sdk-internals";
import { PROJECT_DIR } from "../../tools/engine";

const WORKSPACES = [".", "policy", "deployments"];
const packageJson = (dir: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, dir, "package.json"), "utf8"));

describe(`SDK internals (lib/sdk-internals.ts, checked with @pulumi/pulumi ${CHECKED_WITH.join(", ")})`, () => {
    it("the installed @pulumi/pulumi is a version the internals were checked with", () => {
        expect(
            CHECKED_WITH,
            `@pulumi/pulumi ${sdkVersion()} is installed: if every probe below passes on it, add it to CHECKED_WITH ` +
                `in lib/sdk-internals.ts and pin it in package.json (root, policy/, deployments/)`,
        ).to.include(sdkVersion());
    });

    it("root, policy/ and deployments/ pin @pulumi/pulumi to that version, and all three load the one copy", () => {
        for (const dir of WORKSPACES) {
            const spec = packageJson(dir).dependencies["@pulumi/pulumi"];
            expect(CHECKED_WITH, `${dir}/package.json pins @pulumi/pulumi "${spec}"`).to.include(spec);
            // A second copy would keep a runtime state of its own: the program's resources would never reach the engine.
            expect(require.resolve("@pulumi/pulumi", { paths: [path.join(PROJECT_DIR, dir)] }), dir).to.equal(
                require.resolve("@pulumi/pulumi"),
            );
        }
    });

    it("google-protobuf: the engine's Struct is the SDK's copy (the response's outputs)", () => {
        const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
        expect(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdkDir] })).to.equal(
            require.resolve("google-protobuf/google/protobuf/struct_pb"),
        );
    });

    it("runtime/rpc serializeProperties: one failed look-up in two resources' inputs comes back wrapped per key, and unwrapped here", async () => {
        const { serializeProperties } = require("@pulumi/pulumi/runtime/rpc") as {
            serializeProperties: (label: string, props: Record<string, unknown>) => Promise<unknown>;
        };
        const lookUp = new Error("reading EKS Cluster (acme-prod): couldn't find resource");
        const failed = () => Promise.reject(lookUp);
        for (const [label, key] of [
            ["role-policy", "policyArn"],
            ["role-policy-2", "policyArn"],
            ["policy", "policy"],
        ]) {
            const err = await serializeProperties(label, { [key]: failed() }).then(
                () => undefined,
                (e: unknown) => e,
            );
            expect(err, "the same error object, rethrown").to.equal(lookUp);
        }
        expect(lookUp.message).to.equal(
            'error serializing property "policy": error serializing property "policyArn": error serializing property "policyArn": reading EKS Cluster (acme-prod): couldn\'t find resource',
        );
        expect(withoutSerializationWrappers(lookUp.message)).to.equal(
            "reading EKS Cluster (acme-prod): couldn't find resource (in the resource inputs policy, policyArn)",
        );
        expect(withoutSerializationWrappers('error serializing property "content": a\nb')).to.equal("a (in the resource input content)\nb");
        expect(withoutSerializationWrappers("membrane:vpcId: is required")).to.equal("membrane:vpcId: is required");
    });

    it("runtime/state withLocalStorage: a run's config is its own, and gone once the run ends", async () => {
        const before = pulumi.runtime.allConfig();
        const inside = await withOwnRuntimeState(async () => {
            pulumi.runtime.setAllConfig({ "probe:key": "inside" }, []);
            await new Promise((resolve) => setImmediate(resolve));
            return pulumi.runtime.allConfig();
        });
        expect(inside, "withLocalStorage: the run's config").to.deep.equal({ "probe:key": "inside" });
        expect(pulumi.runtime.allConfig(), "withLocalStorage: the caller's config after the run").to.deep.equal(before);
    });

    it("runtime/config isConfigSecret: the keys setAllConfig was given as secret, and no other", async () => {
        const secret = await withOwnRuntimeState(async () => {
            pulumi.runtime.setAllConfig({ "probe:token": "s", "probe:name": "n" }, ["probe:token"]);
            return [isConfigSecret("probe:token"), isConfigSecret("probe:name"), isConfigSecret("probe:absent")];
        });
        expect(secret, "isConfigSecret(token, name, absent)").to.deep.equal([true, false, false]);
    });

    it("pulumi.log.warn: captured while the run lasts, the SDK's own afterwards, even when a capture was left behind", () => {
        const sdkWarn = pulumi.log.warn;
        const first: string[] = [];
        const second: string[] = [];
        const releaseFirst = captureWarnings(first);
        const releaseSecond = captureWarnings(second); // a run that started while the first was left running
        void pulumi.log.warn("to the second");
        releaseSecond();
        expect(pulumi.log.warn, "log.warn after the second run").to.equal(sdkWarn);
        releaseFirst();
        expect(pulumi.log.warn, "log.warn after the first run").to.equal(sdkWarn);
        expect([first, second]).to.deep.equal([[], ["to the second"]]);
    });

    describe("the mock monitor's registrations (setMocks, then proto/resource_pb's request and response)", () => {
        const requests: RegisterRequest[] = [];
        const outputs = new Map<string, Record<string, unknown>>();
        const seen: Record<string, unknown> = {};

        before(async () => {
            await withOwnRuntimeState(async () => {
                await setMocksWithRegistrations(
                    {
                        call: () => ({}),
                        newResource: () => {
                            throw new Error("registrations must not reach the public newResource");
                        },
                    },
                    {
                        registerResource: (req) => {
                            requests.push(req);
                            const urn = `urn:pulumi:probe::contract::${req.type}::${req.name}`;
                            const state = req.custom ? { ...req.object, computed: "by the engine" } : {};
                            return { urn, id: req.custom ? `${req.name}-id` : "", object: state };
                        },
                        registerResourceOutputs: (urn, o) => outputs.set(urn, o),
                    },
                    "contract",
                    "probe",
                    false,
                );
                class Thing extends pulumi.CustomResource {
                    constructor(name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
                        super("probe:index:Thing", name, props, opts);
                    }
                }
                class Probe extends pulumi.ComponentResource {
                    constructor(name: string) {
                        super("probe:index:Component", name, {}, {});
                        const late = new Promise<string>((resolve) => setTimeout(() => resolve("late"), 20));
                        const first = new Thing("first", { value: "one" }, { parent: this });
                        const second = new Thing(
                            "second",
                            { value: late, password: pulumi.secret("s3cr3t"), computed: undefined },
                            {
                                parent: this,
                                dependsOn: [first],
                                protect: true,
                                retainOnDelete: true,
                                deleteBeforeReplace: true,
                                ignoreChanges: ["value"],
                                additionalSecretOutputs: ["computed"],
                                aliases: [{ name: "old-second" }],
                                import: "imported-id",
                            },
                        );
                        seen.urn = second.urn;
                        seen.id = second.id;
                        seen.computed = (second as any).computed;
                        this.registerOutputs({ answer: 42 });
                    }
                }
                new Probe("probe");
                // What the engine's run does once the program returns: every registration in flight arrives first.
                await pulumi.runtime.disconnect();
                for (const key of Object.keys(seen)) {
                    const output = seen[key] as pulumi.Output<unknown>;
                    seen[key] = await new Promise((resolve) => output.apply((v) => resolve(v)));
                    seen[`${key}Secret`] = await pulumi.isSecret(output);
                }
            });
        });

        const request = (name: string) => requests.find((r) => r.name === name)!;

        it("RegisterResourceRequest: type, name, parent and custom", () => {
            expect(requests.map((r) => [r.type, r.name, r.custom])).to.deep.equal([
                ["probe:index:Component", "probe", false],
                ["probe:index:Thing", "first", true],
                ["probe:index:Thing", "second", true],
            ]);
            expect(request("second").parent).to.equal("urn:pulumi:probe::contract::probe:index:Component::probe");
        });

        it("RegisterResourceRequest: every resource option the engine records", () => {
            const {
                dependencies,
                protect,
                retainOnDelete,
                deleteBeforeReplace,
                ignoreChanges,
                additionalSecretOutputs,
                aliases,
                importId,
            } = request("second");
            expect({
                dependencies,
                protect,
                retainOnDelete,
                deleteBeforeReplace,
                ignoreChanges,
                additionalSecretOutputs,
                aliases,
                importId,
            }).to.deep.equal({
                dependencies: ["urn:pulumi:probe::contract::probe:index:Thing::first"],
                protect: true,
                retainOnDelete: true,
                deleteBeforeReplace: true,
                ignoreChanges: ["value"],
                additionalSecretOutputs: ["computed"],
                aliases: 1,
                importId: "imported-id",
            });
            expect(request("first")).to.deep.include({ protect: false, retainOnDelete: false, importId: "", dependencies: [] });
        });

        it("RegisterResourceRequest: the inputs in wire form, a secret in the signatures of pulumi.runtime", () => {
            expect(request("second").object).to.deep.equal({
                value: "late",
                password: { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: "s3cr3t" },
            });
        });

        it("RegisterResourceResponse: the program sees the engine's URN, id and outputs", () => {
            expect(seen).to.deep.include({
                urn: "urn:pulumi:probe::contract::probe:index:Thing::second",
                id: "second-id",
                computed: "by the engine",
            });
        });

        it("RegisterResourceOutputsRequest: a component's registerOutputs reaches the engine by URN", () => {
            expect(outputs.get("urn:pulumi:probe::contract::probe:index:Component::probe")).to.deep.equal({ answer: 42 });
        });
    });
});
