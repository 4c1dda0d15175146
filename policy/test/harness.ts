import { PolicyPackConfig, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PlannedResource, StackTags, ValidationOutcome, validateResource, validateStack } from "../runner";

// Sentinels the engine sends for values that are unknown during preview (@pulumi/policy proxy.js;
// internal, so not in its typings). pack.test.ts checks that the library still recognises them.
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const UNKNOWN_BOOLEAN = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";
export const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";

/** A planned resource whose name and URN a test may leave out. */
export type FakeResource = Omit<PlannedResource, "name" | "urn"> & { name?: string; urn?: string };

export const urnOf = (type: string, name: string) => `urn:pulumi:test::membrane::${type}::${name}`;

function planned(resource: FakeResource, defaultName: string): PlannedResource {
    const name = resource.name ?? defaultName;
    return { ...resource, name, urn: resource.urn ?? urnOf(resource.type, name) };
}

/** Runs a resource policy on one fake resource, through the offline runner, ignoring enforcement levels. */
export function checkResource(policy: ResourceValidationPolicy, resource: FakeResource, config: PolicyPackConfig = {}): ValidationOutcome {
    const outcomes = validateResource(policy, planned(resource, "subject"), config);
    // Every policy in the pack has a single validation; a second one would need its own assertions.
    if (outcomes.length !== 1) {
        throw new Error(`${policy.name} has ${outcomes.length} validations; checkResource expects one`);
    }
    return outcomes[0];
}

/** Runs a stack policy on a set of fake resources, through the offline runner, ignoring enforcement levels. */
export function checkStack(
    policy: StackValidationPolicy,
    resources: FakeResource[],
    config: PolicyPackConfig = {},
    stackTags: StackTags = new Map(),
): ValidationOutcome {
    return validateStack(
        policy,
        resources.map((resource, i) => planned(resource, `resource-${i}`)),
        config,
        stackTags,
    );
}

export const messagesOf = (outcome: ValidationOutcome) => outcome.violations.map((v) => v.message);
