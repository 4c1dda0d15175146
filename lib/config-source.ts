// Where raw config comes from at run time: the config the CLI (or the offline engine) handed the program,
// and, for the Membrane program, the keys its Pulumi.yaml declares (the one source of the contract).
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { RawConfig } from "./config-reader";
import { isConfigSecret } from "./sdk-internals";
import { loadProject } from "./stack-files";

/** The fully qualified keys of Pulumi.yaml's `config:` block. */
export function declaredKeys(projectDir = path.join(__dirname, "..")): string[] {
    return Object.keys(loadProject(projectDir).config);
}

/** Pulumi.yaml's defaults, by fully qualified key. */
export function declaredDefaults(projectDir = path.join(__dirname, "..")): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(loadProject(projectDir).config)
            .filter(([, entry]) => entry.default !== undefined)
            .map(([key, entry]) => [key, entry.default]),
    );
}

/** All of the running program's config, with the keys that are secret. */
export function readRuntimeConfig(): Pick<RawConfig, "values" | "secretKeys"> {
    const values = pulumi.runtime.allConfig();
    return { values, secretKeys: Object.keys(values).filter((k) => isConfigSecret(k)) };
}

/** The Membrane program's config: the runtime's, the keys Pulumi.yaml declares, and the stack's name. */
export function readStackConfig(): RawConfig {
    return { ...readRuntimeConfig(), declaredKeys: declaredKeys(), stack: pulumi.getStack(), defaults: declaredDefaults() };
}
