// Runs a Pulumi program in this process under Pulumi's mocks, as the Node.js language host would run
// it under `pulumi preview`: config set first, the program required inside the root Stack resource,
// then every registration awaited. Pulumi's runtime state lives in a store of this run's own, as the
// SDK's automation server runs each program; the program's modules must be fresh (engine.ts sees to it).
// The SDK's public API does most of it; what it cannot give comes from lib/sdk-internals.ts.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as mockCloud from "./mock-cloud";
import { captureWarnings, RegisterRequest, RegisterResult, setMocksWithRegistrations, withOwnRuntimeState } from "../lib/sdk-internals";

/** A registered resource, as the engine would receive it. */
export interface RegisteredResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly parent?: string;
    /** Inputs with secrets unwrapped; `secretInputs` lists the top-level keys that were secret. */
    readonly inputs: Record<string, unknown>;
    readonly secretInputs: string[];
    readonly dependencies: string[];
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly ignoreChanges: string[];
    readonly additionalSecretOutputs: string[];
    readonly aliases: number;
    readonly provider?: string;
    /** The `import` option: the id of an existing resource that the program adopts. */
    readonly importId?: string;
    /** What the mocked provider answered (secrets unwrapped); for components, their registered outputs. */
    readonly outputs: Record<string, unknown>;
    readonly secretOutputs: string[];
}

export interface StackOutput {
    readonly value: unknown;
    readonly secret: boolean;
}

export interface InvokeRecord {
    readonly token: string;
    readonly inputs: Record<string, unknown>;
}

export interface Evaluation {
    readonly project: string;
    readonly stack: string;
    readonly resources: RegisteredResource[];
    readonly outputs: Record<string, StackOutput>;
    readonly invokes: InvokeRecord[];
    readonly warnings: string[];
    /** What the look-ups assumed to exist, without a cloud fixture (`pulumi preview` verifies it); absent: none. */
    readonly assumptions?: string[];
}

export interface RunOptions {
    readonly project: string;
    readonly stack: string;
    /** Absolute path of the program (a file or a folder with index.ts). */
    readonly program: string;
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
    /**
     * Evaluate as `pulumi preview` does for a new stack: the provider computes nothing, so every
     * output that is not an input is unknown, and `apply` callbacks on unknown values do not run.
     */
    readonly preview?: boolean;
    /** What exists in the account before the program runs, for look-ups; absent: look-ups are assumptions. */
    readonly cloud?: mockCloud.CloudFixture;
}

// The wire form's signatures (public constants of the SDK's runtime).
const SIG = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;
const RESOURCE_SIG = pulumi.runtime.specialResourceSig;
const ROOT_STACK_TYPE = pulumi.runtime.rootPulumiStackTypeName;
/** The engine's marker for a value unknown at preview, and how an evaluation spells it. */
export const UNKNOWN_MARKER = pulumi.runtime.unknownValue;
export const UNKNOWN_TEXT = "<unknown>";

/** Plain JSON from a protobuf struct's JS form: secrets unwrapped (their top-level keys reported), resources as URNs. */
export function plain(raw: Record<string, unknown>): { values: Record<string, unknown>; secrets: string[] } {
    const secrets = new Set<string>();
    const walk = (v: unknown, top: string): unknown => {
        if (v === UNKNOWN_MARKER) {
            return UNKNOWN_TEXT;
        }
        if (Array.isArray(v)) {
            return v.map((e) => walk(e, top));
        }
        if (v !== null && typeof v === "object") {
            const o = v as Record<string, unknown>;
            if (o[SIG] === SECRET_SIG) {
                secrets.add(top);
                return walk(o.value, top);
            }
            if (o[SIG] === RESOURCE_SIG) {
                return o.urn;
            }
            return Object.fromEntries(Object.entries(o).map(([k, e]) => [k, walk(e, top)]));
        }
        return v;
    };
    const values = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, walk(v, k)]));
    return { values, secrets: [...secrets].sort() };
}

function secretWrap(value: unknown): unknown {
    return { [SIG]: SECRET_SIG, value };
}

/**
 * The engine's side of the program's registrations. It sees the whole register request, as the engine
 * does: parent, dependencies, protect, retainOnDelete, additionalSecretOutputs. And it behaves like
 * the engine where the SDK's mock does not: outputs listed in additionalSecretOutputs, or fed by a
 * secret input, come back secret; the root stack is left out of child URNs.
 */
class Registrations {
    readonly records = new Map<string, RegisteredResource>();
    readonly invokeRecords: InvokeRecord[] = [];
    stackOutputs: Record<string, StackOutput> = {};
    private rootUrn = "";

    constructor(
        private readonly project: string,
        private readonly stack: string,
        private readonly region: string,
        private readonly preview: boolean,
        readonly account: mockCloud.Account,
    ) {}

    /** The public Mocks: invokes (look-ups), answered from the account. Registrations never reach newResource. */
    readonly mocks: pulumi.runtime.Mocks = {
        call: (args) => {
            this.invokeRecords.push({ token: args.token, inputs: plain(args.inputs).values });
            try {
                return mockCloud.invoke(args.token, plain(args.inputs).values, this.region, this.account);
            } catch (err) {
                // The SDK reports a failed invoke with the gRPC error's `details`, as the engine sends them.
                throw Object.assign(err instanceof Error ? err : new Error(String(err)), {
                    details: err instanceof Error ? err.message : String(err),
                });
            }
        },
        newResource: () => {
            throw new Error("unused: the engine answers registrations itself");
        },
    };

    private urnFor(parent: string, type: string, name: string): string {
        const parentType = parent ? parent.split("::")[2] : "";
        const qualified = parent && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
        return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
    }

    registerResource(req: RegisterRequest): RegisterResult {
        const { values: inputs, secrets: secretInputs } = plain(req.object);
        const { type, name, custom } = req;
        const urn = this.urnFor(req.parent, type, name);
        const region = typeof inputs.region === "string" ? inputs.region : this.region;
        // At preview the engine creates nothing: outputs are the inputs, anything else is unknown.
        const { id, state } = !custom
            ? { id: "", state: {} as Record<string, unknown> }
            : this.preview
              ? { id: "", state: { ...inputs } }
              : mockCloud.newResourceState({
                    type,
                    name,
                    inputs,
                    region,
                    importId: req.importId || undefined,
                    account: this.account,
                });
        const secretOutputs = new Set<string>([...req.additionalSecretOutputs, ...secretInputs]);
        const wire: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(state)) {
            wire[k] = secretOutputs.has(k) ? secretWrap(v) : v;
        }
        if (type === ROOT_STACK_TYPE) {
            this.rootUrn = urn;
        }
        this.records.set(urn, {
            urn,
            type,
            name,
            custom,
            parent: req.parent || undefined,
            inputs,
            secretInputs,
            dependencies: req.dependencies,
            protect: req.protect,
            retainOnDelete: req.retainOnDelete,
            deleteBeforeReplace: req.deleteBeforeReplace,
            ignoreChanges: req.ignoreChanges,
            additionalSecretOutputs: req.additionalSecretOutputs,
            aliases: req.aliases,
            provider: req.provider || undefined,
            importId: req.importId || undefined,
            outputs: state,
            secretOutputs: [...secretOutputs].filter((k) => k in state).sort(),
        });
        return { urn, id, object: wire };
    }

    registerResourceOutputs(urn: string, raw: Record<string, unknown>): void {
        const { values, secrets } = plain(raw);
        if (urn === this.rootUrn) {
            this.stackOutputs = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v, secret: secrets.includes(k) }]));
        }
        const rec = this.records.get(urn);
        if (rec) {
            this.records.set(urn, { ...rec, outputs: values, secretOutputs: secrets });
        }
    }
}

/** Evaluates the program once in this process. */
export function runProgram(opts: RunOptions): Promise<Evaluation> {
    return withOwnRuntimeState(() => runInStore(opts));
}

async function runInStore(opts: RunOptions): Promise<Evaluation> {
    const region = opts.config["aws:region"] ?? "us-east-1";
    const preview = opts.preview === true;
    const engine = new Registrations(opts.project, opts.stack, region, preview, new mockCloud.Account(opts.cloud, opts.config));
    await setMocksWithRegistrations(engine.mocks, engine, opts.project, opts.stack, preview);
    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys);

    const warnings: string[] = [];
    const restoreWarn = captureWarnings(warnings);
    // No stack traces while the program runs: the SDK captures and formats one for every promise it makes
    // (its leak detector's debuggablePromise) and every resource (its source position), half of an
    // evaluation's time. An evaluation reports the program's messages, never its stacks.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        await pulumi.runtime.runInPulumiStack(async () => {
            const exported = require(path.resolve(opts.program));
            return exported instanceof Function ? exported() : exported;
        });
        // What the language host does once the program returns: wait for every registration still in flight.
        await pulumi.runtime.disconnect();
        // A registration whose inputs failed (a look-up the account does not answer, a program's own
        // error inside an Output) releases its RPC first and rejects after: the rejection nobody awaits
        // surfaces once this turn of the event loop ends, and the language host fails the program on it.
        // Let it surface before reporting success, so a failed registration is never a missing resource.
        await new Promise((resolve) => setImmediate(resolve));
    } catch (err) {
        // Tell the caller how far the program got: config errors must stop it before any resource.
        const registered = [...engine.records.keys()];
        throw Object.assign(err instanceof Error ? err : new Error(String(err)), { registered });
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
        restoreWarn();
    }
    return {
        project: opts.project,
        stack: opts.stack,
        resources: [...engine.records.values()],
        outputs: engine.stackOutputs,
        invokes: engine.invokeRecords,
        warnings,
        assumptions: engine.account.assumptions,
    };
}
