// Where raw config comes from at run time: the config the CLI (or the offline engine) handed the
// program, and the keys Pulumi.yaml declares (read from the file itself, the one source of the contract).
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { isConfigSecret } from "../lib/sdk-internals";
import { NAMESPACE, RawConfig } from "./config-reader";

/** The fully qualified keys of Pulumi.yaml's `config:` block. */
export function declaredKeys(projectFile = path.join(__dirname, "..", "Pulumi.yaml")): string[] {
    const project = parseYaml(fs.readFileSync(projectFile, "utf8")) as { config?: Record<string, unknown> };
    return Object.keys(project.config ?? {}).map((k) => (k.includes(":") ? k : `${NAMESPACE}:${k}`));
}

/** All of the stack's config, with the keys that are secret. */
export function readStackConfig(): RawConfig {
    const values = pulumi.runtime.allConfig();
    return {
        values,
        secretKeys: Object.keys(values).filter((k) => isConfigSecret(k)),
        declaredKeys: declaredKeys(),
        stack: pulumi.getStack(),
    };
}
