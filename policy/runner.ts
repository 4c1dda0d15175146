import {
    EnforcementLevel,
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
import { asList } from "./lib/values";
import { resourcePolicies, stackPolicies } from "./policies";

/** A resource as an offline plan knows it: its inputs, and optionally its dependencies by URN. */
export interface PlannedResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    /** The `protect` resource option, as the engine passes it to policies in `opts`. */
    protect?: boolean;
}

/** The stack's tags (Pulumi Cloud's stack tags, `membrane:production` among them), as the CLI passes them to every policy. */
export type StackTags = ReadonlyMap<string, string>;

export interface PolicyFinding {
    policyName: string;
    enforcementLevel: EnforcementLevel;
    /** Absent when a stack policy reports the stack as a whole. */
    resourceUrn?: string;
    message: string;
}

export interface Violation {
    message: string;
    /** Set when the policy names the resource itself (stack policies do). */
    urn?: string;
}

/** What one validation did, before any enforcement level applies. */
export interface ValidationOutcome {
    violations: Violation[];
    /** The message of the UnknownValueError that stopped the validation, if one did. */
    unknown?: string;
    /** The reason given to `notApplicable()`, if the validation called it. */
    notApplicable?: string;
}

type PolicyConfigEntry = PolicyPackConfig[string];

function entryLevel(entry: PolicyConfigEntry | undefined): EnforcementLevel | undefined {
    return typeof entry === "string" ? entry : entry?.enforcementLevel;
}

/** The level the CLI would apply: per-policy config, then `all`, then the policy's default. */
export function effectiveEnforcementLevel(
    policy: { name: string; enforcementLevel?: EnforcementLevel },
    config: PolicyPackConfig = {},
): EnforcementLevel {
    return entryLevel(config[policy.name]) ?? entryLevel(config["all"]) ?? policy.enforcementLevel ?? "advisory";
}

/** What `getConfig()` returns to a policy: its config entry without the enforcement level. */
function policyConfig(config: PolicyPackConfig, name: string): Record<string, unknown> {
    const entry = config[name];
    if (typeof entry !== "object" || entry === null) {
        return {};
    }
    const { enforcementLevel: _ignored, ...properties } = entry;
    return properties;
}

const optionsOf = (resource: PlannedResource): PolicyResourceOptions => ({ ...NO_OPTIONS, protect: resource.protect === true });

const NO_OPTIONS: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

// Offline there are no resource classes, only tokens: match a class by its generated __pulumiType.
function isTypeOf(type: string, resourceClass: unknown): boolean {
    return (resourceClass as { __pulumiType?: unknown }).__pulumiType === type;
}

class NotApplicable extends Error {
    constructor(readonly reason?: string) {
        super(reason);
    }
}

const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

function resourceArgs(resource: PlannedResource, config: Record<string, unknown>, stackTags: StackTags): ResourceValidationArgs {
    // The SDK hands props to policies through this proxy; it throws on values unknown at preview.
    const props = unknownCheckingProxy(resource.props) as Record<string, unknown>;
    return {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: optionsOf(resource),
        stackTags,
        isType: (cls) => isTypeOf(resource.type, cls),
        asType: (cls) => (isTypeOf(resource.type, cls) ? props : undefined) as never,
        getConfig: <T extends object>() => config as T,
        notApplicable,
    };
}

function stackResources(resources: PlannedResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const built = resources.map((resource) => {
        const props = unknownCheckingProxy(resource.props) as Record<string, unknown>;
        const policyResource: PolicyResource = {
            type: resource.type,
            props,
            urn: resource.urn,
            name: resource.name,
            opts: optionsOf(resource),
            dependencies: [],
            propertyDependencies: {},
            isType: (cls) => isTypeOf(resource.type, cls),
            asType: (cls) => (isTypeOf(resource.type, cls) ? props : undefined) as never,
        };
        byUrn.set(resource.urn, policyResource);
        return policyResource;
    });
    const lookup = (urns: string[] = []) => urns.flatMap((urn) => byUrn.get(urn) ?? []);
    resources.forEach((resource, i) => {
        built[i].parent = resource.parent === undefined ? undefined : byUrn.get(resource.parent);
        built[i].dependencies = lookup(resource.dependencies);
        for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
            built[i].propertyDependencies[key] = lookup(urns);
        }
    });
    return built;
}

/** Runs one validation the way the policy SDK does, catching an unknown value and `notApplicable()`. */
function validate(policyName: string, run: (report: ReportViolation) => unknown): ValidationOutcome {
    const outcome: ValidationOutcome = { violations: [] };
    try {
        const result = run((message, urn) => outcome.violations.push(urn === undefined ? { message } : { message, urn }));
        if (result instanceof Promise) {
            throw new Error(`policy ${policyName} is asynchronous; runPolicies only runs synchronous policies`);
        }
    } catch (e) {
        if (e instanceof UnknownValueError) {
            outcome.unknown = (e as Error).message;
        } else if (e instanceof NotApplicable) {
            outcome.notApplicable = e.reason ?? "";
        } else {
            throw e;
        }
    }
    return outcome;
}

/** Runs each of a resource policy's validations on one resource: one outcome per validation. */
export function validateResource(
    policy: ResourceValidationPolicy,
    resource: PlannedResource,
    config: PolicyPackConfig = {},
    stackTags: StackTags = new Map(),
): ValidationOutcome[] {
    const validations = asList(policy.validateResource) as ResourceValidation[];
    return validations.map((validation) =>
        validate(policy.name, (report) => validation(resourceArgs(resource, policyConfig(config, policy.name), stackTags), report)),
    );
}

/** Runs a stack policy on the whole set of resources. */
export function validateStack(
    policy: StackValidationPolicy,
    resources: PlannedResource[],
    config: PolicyPackConfig = {},
    stackTags: StackTags = new Map(),
): ValidationOutcome {
    return validate(policy.name, (report) =>
        policy.validateStack(
            {
                resources: stackResources(resources),
                stackTags,
                getConfig: <T extends object>() => policyConfig(config, policy.name) as T,
                notApplicable,
            },
            report,
        ),
    );
}

/** An outcome as the CLI reports it: an unknown value becomes a single advisory finding. */
function findingsOf(
    policyName: string,
    level: EnforcementLevel,
    resourceUrn: string | undefined,
    outcome: ValidationOutcome,
): PolicyFinding[] {
    // As the SDK's server does: what was reported before an unknown value stopped the validation is kept.
    const violations: PolicyFinding[] = outcome.violations.map(({ message, urn }) => ({
        policyName,
        enforcementLevel: level,
        resourceUrn: urn ?? resourceUrn,
        message,
    }));
    if (outcome.unknown === undefined) {
        return violations;
    }
    return [
        ...violations,
        {
            policyName,
            enforcementLevel: "advisory",
            resourceUrn,
            message: `can't run policy '${policyName}' during preview: ${outcome.unknown}`,
        },
    ];
}

/**
 * Runs every resource policy on every resource and every stack policy on the whole set, with
 * the CLI's enforcement rules: `disabled` skips a policy, `remediate` reports as `mandatory`
 * (none of these policies remediates), `config` is a `--policy-pack-config` object and `stackTags`
 * the stack's tags.
 */
export function runPolicies(
    resources: PlannedResource[],
    config: PolicyPackConfig = {},
    stackTags: StackTags = new Map(),
): PolicyFinding[] {
    const findings: PolicyFinding[] = [];
    const levelOf = (policy: ResourceValidationPolicy | StackValidationPolicy) => {
        const level = effectiveEnforcementLevel(policy, config);
        return level === "remediate" ? "mandatory" : level;
    };
    for (const policy of resourcePolicies) {
        const level = levelOf(policy);
        if (level === "disabled" || policy.validateResource === undefined) {
            continue;
        }
        for (const resource of resources) {
            for (const outcome of validateResource(policy, resource, config, stackTags)) {
                findings.push(...findingsOf(policy.name, level, resource.urn, outcome));
            }
        }
    }
    for (const policy of stackPolicies) {
        const level = levelOf(policy);
        if (level === "disabled") {
            continue;
        }
        findings.push(...findingsOf(policy.name, level, undefined, validateStack(policy, resources, config, stackTags)));
    }
    return findings;
}
