import {
    PolicyPackConfig,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
    UnknownValueError,
    unknownCheckingProxy,
} from "@pulumi/policy";

// Sentinels the engine sends for values that are unknown during preview (@pulumi/policy proxy.js;
// internal, so not in its typings). pack.test.ts checks that the library still recognises them.
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const UNKNOWN_BOOLEAN = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";
export const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";

export interface FakeResource {
    type: string;
    props: Record<string, unknown>;
    name?: string;
    urn?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface Violation {
    message: string;
    urn?: string;
}

/** What the policy SDK would make of one validation run. */
export interface Outcome {
    violations: Violation[];
    /** The message of the UnknownValueError the SDK would turn into an advisory, if any. */
    unknown?: string;
    notApplicable?: string;
}

export const urnOf = (type: string, name: string) => `urn:pulumi:test::membrane::${type}::${name}`;

const OPTIONS: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

class NotApplicableSignal extends Error {
    constructor(readonly reason?: string) {
        super(reason);
    }
}

const notApplicable = (reason?: string): never => {
    throw new NotApplicableSignal(reason);
};

function collect(run: (report: ReportViolation) => unknown): Outcome {
    const outcome: Outcome = { violations: [] };
    try {
        const result = run((message, urn) => outcome.violations.push(urn === undefined ? { message } : { message, urn }));
        if (result instanceof Promise) {
            throw new Error("the harness only runs synchronous validations");
        }
    } catch (e) {
        if (e instanceof UnknownValueError) {
            outcome.unknown = (e as Error).message;
        } else if (e instanceof NotApplicableSignal) {
            outcome.notApplicable = e.reason ?? "";
        } else {
            throw e;
        }
    }
    return outcome;
}

function configFor(config: PolicyPackConfig, policyName: string): Record<string, unknown> {
    const entry = config[policyName];
    if (typeof entry !== "object" || entry === null) {
        return {};
    }
    const { enforcementLevel: _level, ...rest } = entry;
    return rest;
}

export function resourceArgs(resource: FakeResource, config: Record<string, unknown> = {}): ResourceValidationArgs {
    const name = resource.name ?? "subject";
    // The SDK hands props to policies through this proxy; it throws on unknown values.
    const props = unknownCheckingProxy(resource.props) as Record<string, unknown>;
    return {
        type: resource.type,
        props,
        urn: resource.urn ?? urnOf(resource.type, name),
        name,
        opts: OPTIONS,
        stackTags: new Map([["env", "test"]]),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => config as T,
        notApplicable,
    };
}

/** Runs a resource policy's validations on one fake resource and collects what they report. */
export function checkResource(
    policy: ResourceValidationPolicy,
    resource: FakeResource,
    config: PolicyPackConfig = {},
): Outcome {
    const validations = ([] as ResourceValidation[]).concat(policy.validateResource ?? []);
    return collect(report => {
        for (const validate of validations) {
            validate(resourceArgs(resource, configFor(config, policy.name)), report);
        }
    });
}

function stackResources(resources: FakeResource[]): PolicyResource[] {
    const built = resources.map((resource, i): PolicyResource => {
        const name = resource.name ?? `resource-${i}`;
        return {
            type: resource.type,
            props: unknownCheckingProxy(resource.props) as Record<string, unknown>,
            urn: resource.urn ?? urnOf(resource.type, name),
            name,
            opts: OPTIONS,
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        };
    });
    const byUrn = (urn: string) => built.filter(r => r.urn === urn);
    resources.forEach((resource, i) => {
        built[i].dependencies = (resource.dependencies ?? []).flatMap(byUrn);
        for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
            built[i].propertyDependencies[key] = urns.flatMap(byUrn);
        }
    });
    return built;
}

/** Runs a stack policy on a set of fake resources and collects what it reports. */
export function checkStack(
    policy: StackValidationPolicy,
    resources: FakeResource[],
    config: PolicyPackConfig = {},
): Outcome {
    return collect(report => policy.validateStack({
        resources: stackResources(resources),
        stackTags: new Map(),
        getConfig: <T extends object>() => configFor(config, policy.name) as T,
        notApplicable,
    }, report));
}

export const messagesOf = (outcome: Outcome) => outcome.violations.map(v => v.message);
