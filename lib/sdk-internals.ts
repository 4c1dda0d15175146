// Every use of @pulumi/pulumi beyond its public API, in one place. The offline engine (tools/), the
// program's config reader and the Deployments program call the SDK through this module whenever its typed,
// documented API (`pulumi.runtime.setMocks`, `runInPulumiStack`, `setAllConfig`, `disconnect`, the
// `special*Sig` constants) cannot give what they need. Each internal says below what the public API
// lacks. test/sdk-internals.test.ts probes each one on the installed SDK and names the one that moved;
// package.json pins @pulumi/pulumi to a version in CHECKED_WITH (root, policy/ and deployments/).
//
// In lib/, not tools/, because both programs import it: the Deployments path filters follow the program's
// imports, and an edit of the offline engine must not deploy a stack.
//
// Not here, because they are not the SDK's: tools/engine.ts sets the project's modules aside in Node's
// documented `require.cache` so that a program loads afresh; what that assumes of the SDK (that all of
// a run's state lives in the store withOwnRuntimeState gives it) is checked by test/engine.test.ts,
// in-process evaluations against fresh processes.
import * as pulumi from "@pulumi/pulumi";
import type * as resproto from "@pulumi/pulumi/proto/resource_pb";

/** The @pulumi/pulumi versions every internal below was checked with (test/sdk-internals.test.ts). */
export const CHECKED_WITH: readonly string[] = ["3.276.0"];

/** An internal the installed SDK no longer has where this module expects it. */
export class SdkInternalMissing extends Error {
    constructor(internal: string, detail: string) {
        super(
            `@pulumi/pulumi ${sdkVersion()}: ${internal} ${detail} (lib/sdk-internals.ts was checked with ${CHECKED_WITH.join(", ")}; ` +
                `run npx mocha test/sdk-internals.test.ts)`,
        );
        this.name = "SdkInternalMissing";
    }
}

export function sdkVersion(): string {
    return (require("@pulumi/pulumi/package.json") as { version: string }).version;
}

/** `module`'s export `name`, which must be a function; SdkInternalMissing names it when it is not. */
function internalFunction<F extends (...args: any[]) => any>(module: string, name: string): F {
    let exports: Record<string, unknown>;
    try {
        exports = require(module);
    } catch {
        throw new SdkInternalMissing(`${module}`, "cannot be loaded");
    }
    if (typeof exports[name] !== "function") {
        throw new SdkInternalMissing(`${module}: ${name}`, "is not a function");
    }
    return exports[name] as F;
}

/**
 * Runs `fn` with Pulumi runtime state of its own (settings, config, the stack resource, pending
 * registrations), as the SDK's automation server runs each inline program: the SDK's `withLocalStorage`
 * (runtime/state, untyped). The public API has no way to start a second program in a process that ran
 * one; without it, an evaluation would see the previous one's stack resource and config.
 */
export function withOwnRuntimeState<T>(fn: () => Promise<T>): Promise<T> {
    return internalFunction<(f: () => Promise<T>) => Promise<T>>("@pulumi/pulumi/runtime/state", "withLocalStorage")(fn);
}

/**
 * Whether the CLI (or the engine) handed config key `key` as a secret (a `secure:` value): the SDK's
 * `isConfigSecret` (runtime/config, untyped), its record of PULUMI_CONFIG_SECRET_KEYS. The public
 * `pulumi.Config` can mark any value secret (`getSecret`) but cannot say whether the stack gave it as one,
 * which is how the program refuses a secret key written in plain text.
 */
export function isConfigSecret(key: string): boolean {
    return internalFunction<(k: string) => boolean>("@pulumi/pulumi/runtime/config", "isConfigSecret")(key);
}

// The SDK's serializeFilteredProperties (runtime/rpc) prefixes `error serializing property "<key>": ` to the
// message of an error raised while it serialises a resource's inputs, and rethrows the same error object:
// one failed look-up that feeds several resources' inputs comes back with a prefix per resource and key.
const SERIALIZATION_WRAPPER = /error serializing property "([^"]*)": /g;

/**
 * `message` without the SDK's serialization wrappers, the input keys they named said once at the end:
 * `error serializing property "policy": error serializing property "policy": <error>` reads
 * `<error> (in the resource input policy)`. Unwrapped messages come back as they are. The public API
 * reports the wrapped error as it is, and the real CLI prints it so too.
 */
export function withoutSerializationWrappers(message: string): string {
    const keys = [...new Set([...message.matchAll(SERIALIZATION_WRAPPER)].map((m) => m[1]))];
    if (keys.length === 0) {
        return message;
    }
    const bare = message.replace(SERIALIZATION_WRAPPER, "");
    const [first, ...rest] = bare.split("\n");
    return [`${first} (in the resource input${keys.length > 1 ? "s" : ""} ${keys.join(", ")})`, ...rest].join("\n");
}

// Marks a capturing log.warn with the function it replaced (a symbol of the registry: this module loads afresh per run).
const REPLACED = Symbol.for("membrane.sdk-internals.replaced-warn");

/**
 * Every warning the program logs with `pulumi.log.warn`, into `into`, until the returned function puts the
 * SDK's function back. Without an engine, the SDK prints warnings to stderr; the engine's Log RPC, which
 * would receive them, needs a gRPC engine, so the public `log.warn` is replaced for the run (the SDK's
 * modules are CommonJS, so every caller reads it from the module at each call). A capture that a run left
 * behind (a program still running after its evaluation failed) is never taken for the SDK's function.
 */
export function captureWarnings(into: string[]): () => void {
    type Warn = ((msg: string, ...rest: unknown[]) => Promise<void>) & { [REPLACED]?: Warn };
    const log = pulumi.log as { warn: Warn };
    let original = log.warn;
    while (original?.[REPLACED]) {
        original = original[REPLACED];
    }
    if (typeof original !== "function") {
        throw new SdkInternalMissing("pulumi.log.warn", "is not a function");
    }
    const capture: Warn = Object.assign(
        (msg: string) => {
            into.push(String(msg));
            return Promise.resolve();
        },
        { [REPLACED]: original },
    );
    log.warn = capture;
    return () => {
        if (log.warn === capture) {
            log.warn = original;
        }
    };
}

/** A resource registration as the engine receives it: what the public Mocks' newResource is not given. */
export interface RegisterRequest {
    readonly type: string;
    readonly name: string;
    /** URN of the parent; "" for the root stack. */
    readonly parent: string;
    readonly custom: boolean;
    /** The inputs, as the SDK serialised them (secrets and resource references still wrapped in their signatures). */
    readonly object: Record<string, unknown>;
    readonly dependencies: string[];
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly ignoreChanges: string[];
    readonly additionalSecretOutputs: string[];
    /** Aliases given as specs and as URNs. */
    readonly aliases: number;
    readonly provider: string;
    /** The `import` option; "" when absent. */
    readonly importId: string;
}

/** What the engine answers a registration with: the URN, the id ("" for components), the outputs (wire form). */
export interface RegisterResult {
    readonly urn: string;
    readonly id: string;
    readonly object: Record<string, unknown>;
}

/** The engine's side of registrations: the SDK's mock monitor answers everything else (invokes, reads, features). */
export interface RegistrationHandler {
    registerResource(request: RegisterRequest): RegisterResult;
    /** A component's (or the root stack's) `registerOutputs`, in wire form. */
    registerResourceOutputs(urn: string, outputs: Record<string, unknown>): void;
}

function readRegisterRequest(req: resproto.RegisterResourceRequest): RegisterRequest {
    return {
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent(),
        custom: req.getCustom(),
        object: (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
        dependencies: req.getDependenciesList(),
        protect: req.getProtect() === true,
        retainOnDelete: req.getRetainondelete() === true,
        deleteBeforeReplace: req.getDeletebeforereplace() === true,
        ignoreChanges: req.getIgnorechangesList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        aliases: req.getAliasesList().length + req.getAliasurnsList().length,
        provider: req.getProvider(),
        importId: req.getImportid(),
    };
}

/** The SDK's MockMonitor, as far as this module uses it (runtime/mocks: the class is not exported by `pulumi.runtime`). */
interface SdkMockMonitor {
    registerResource(req: resproto.RegisterResourceRequest, callback: (err: unknown, resp?: unknown) => void): unknown;
    registerResourceOutputs(req: resproto.RegisterResourceOutputsRequest, callback: (err: unknown, resp?: unknown) => void): unknown;
    /** What `pulumi:pulumi:getResource` answers from, by URN. */
    readonly resources: Map<string, { urn: string; id: string | null; state: unknown }>;
}

/**
 * The public `pulumi.runtime.setMocks` (runtime options, the monitor's features, the SDK's mock monitor
 * for invokes through `mocks.call`), with the monitor's two registration calls answered by `handler`.
 * Why: the public Mocks' `newResource` is given the type, name, inputs, provider and import id only, not
 * the parent, dependencies, protect, retainOnDelete, deleteBeforeReplace, ignoreChanges,
 * additionalSecretOutputs or aliases that the engine records (and the URN freeze, protection and
 * secrecy tests check); and the SDK's mock makes other URNs than the engine (it puts the root stack's
 * type into its children's and keeps only the last of a parent's types). So the engine reads the
 * register request itself (the monitor protocol: proto/resource_pb's getters) and answers with the
 * SDK's RegisterResourceResponse.
 */
export async function setMocksWithRegistrations(
    mocks: pulumi.runtime.Mocks,
    handler: RegistrationHandler,
    project: string,
    stack: string,
    preview: boolean,
): Promise<void> {
    await pulumi.runtime.setMocks(mocks, project, stack, preview);
    const monitor = pulumi.runtime.getMonitor() as unknown as SdkMockMonitor | undefined;
    if (typeof monitor?.registerResource !== "function" || typeof monitor.registerResourceOutputs !== "function") {
        throw new SdkInternalMissing("pulumi.runtime.getMonitor() after setMocks", "has no registerResource/registerResourceOutputs");
    }
    if (!(monitor.resources instanceof Map)) {
        throw new SdkInternalMissing("the mock monitor's resources", "is not a Map");
    }
    const { RegisterResourceResponse } = require("@pulumi/pulumi/proto/resource_pb") as typeof resproto;
    if (typeof RegisterResourceResponse !== "function") {
        throw new SdkInternalMissing("@pulumi/pulumi/proto/resource_pb: RegisterResourceResponse", "is not a class");
    }
    // Ours, at the SDK's version (package.json; the contract test checks that both load the same copy).
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
    monitor.registerResource = (req, callback) => {
        try {
            const result = handler.registerResource(readRegisterRequest(req));
            monitor.resources.set(result.urn, { urn: result.urn, id: result.id, state: result.object });
            const resp = new RegisterResourceResponse();
            resp.setUrn(result.urn);
            resp.setId(result.id);
            resp.setObject(Struct.fromJavaScript(result.object));
            callback(null, resp);
        } catch (err) {
            callback(err);
        }
    };
    monitor.registerResourceOutputs = (req, callback) => {
        try {
            const outputs = (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
            handler.registerResourceOutputs(req.getUrn(), outputs);
            const entry = monitor.resources.get(req.getUrn());
            if (entry) {
                entry.state = outputs;
            }
            callback(null, {});
        } catch (err) {
            callback(err);
        }
    };
}
