// What the settings readers return, read in the tests without an engine: an Input's value, and whether the
// component that receives it gets it as a secret.
import * as pulumi from "@pulumi/pulumi";

/** The value of `input` (an Output is awaited), and whether it is secret. */
export async function resolved<T>(input: pulumi.Input<T> | undefined): Promise<{ value: T | undefined; secret: boolean }> {
    const out = pulumi.output(input);
    // Output's promise() is the SDK's own way to await a value; it is not in its typings.
    const value = (await (out as unknown as { promise(): Promise<T> }).promise()) as T | undefined;
    return { value, secret: await pulumi.isSecret(out) };
}
