// Mocha's spec reporter, with the stack traces of failures pointing at TypeScript lines rather than at
// the transpiled JavaScript's (tools/register.js runs it without source maps, for speed).
import * as Mocha from "mocha";

const { mapStack } = require("../tools/register.js") as { mapStack(stack: string): string };

class SpecWithTypeScriptLines extends Mocha.reporters.Spec {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        // Before the spec reporter's own listener, which keeps the error to print at the end.
        runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (_test, err) => {
            if (typeof err?.stack === "string") {
                err.stack = mapStack(err.stack);
            }
        });
        super(runner, options);
    }
}

export = SpecWithTypeScriptLines;
