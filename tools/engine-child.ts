// The forked half of engine.ts, for `freshProcess`: evaluates one program in a new process and reports back over IPC.
import { runProgram, RunOptions } from "./run-program";

process.once("message", (opts: RunOptions) => {
    const fail = (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        process.send!(
            { ok: false, error: { name: e.name, message: e.message, stack: e.stack, registered: (e as any).registered ?? [] } },
            () => process.exit(0),
        );
    };
    process.on("unhandledRejection", fail);
    process.on("uncaughtException", fail);
    runProgram(opts).then((evaluation) => process.send!({ ok: true, evaluation }, () => process.exit(0)), fail);
});
